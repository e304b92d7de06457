"""The dashboard at desktop width leaves no hole in its grid: each column's cards follow one
another at the grid's gap, whatever their heights (the demo's, as `make run` shows them)."""

from playwright.sync_api import expect

from tests.e2e.test_accessibility import demo, sign_in  # noqa: F401 (the fixture, by name)

GAP_AT_MOST = 40  # px: the grid's own gap is 24 (--space-5)


def gaps_between_cards(page) -> list[float]:
    return page.evaluate(
        """() => [...document.querySelectorAll(".dashboard__main, .dashboard__side")]
            .flatMap((column) => {
              const cards = [...column.children].map((card) => card.getBoundingClientRect());
              return cards.slice(1).map((card, i) => card.top - cards[i].bottom);
            })"""
    )


def test_the_cards_of_each_column_follow_one_another(browser, live_url, demo):  # noqa: F811
    page = sign_in(browser, live_url, "client@example.com")
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.get_by_role("heading", name="Getting started")).to_be_visible()

    gaps = gaps_between_cards(page)

    assert len(gaps) >= 3  # two columns of several cards each
    assert all(0 <= gap <= GAP_AT_MOST for gap in gaps), gaps
    columns = page.locator(".dashboard__main, .dashboard__side")
    left, right = (columns.nth(i).bounding_box() for i in range(2))
    assert left["x"] + left["width"] <= right["x"]  # side by side, not stacked
