"""Icons are drawn, not typed: an emoji shows as an empty box where no emoji font is installed
(a paperclip did), so pages use the vendored SVG icons (static/vendor/README.md) instead."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
EMOJI = re.compile("[\U0001f000-\U0001faff]")


def test_no_page_script_or_stylesheet_draws_with_an_emoji():
    sources = [
        *ROOT.glob("templates/**/*.html"),
        *ROOT.glob("static/css/*.css"),
        *ROOT.glob("static/js/**/*.js"),
    ]
    assert sources
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sources
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if EMOJI.search(line)
    ]
    assert found == []


def test_the_icons_the_styles_name_are_vendored():
    named = {
        name
        for css in ROOT.glob("static/css/*.css")
        for name in re.findall(r'url\("\.\./vendor/([^"]+)"\)', css.read_text(encoding="utf-8"))
    }
    assert named, "no vendored icon is used"
    assert [name for name in named if not (ROOT / "static/vendor" / name).is_file()] == []
