"""The 404 and 500 pages are the product's own, not the server's bare text."""

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_the_products_404(client, client_user):
    client.force_login(client_user)

    response = client.get("/no/such/page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "<title>Page not found · Tandem</title>" in page
    assert "Back to your dashboard" in page and 'aria-label="Main"' in page


def test_a_visitor_is_offered_to_log_in(client):
    page = client.get("/no/such/page/").content.decode()

    assert "Page not found" in page and 'href="/accounts/login/"' in page


def test_a_server_error_is_the_products_500_without_any_context():
    # Django renders 500.html with no request context: it must need none.
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    page = response.content.decode()
    assert "<title>Something went wrong · Tandem</title>" in page
    assert "css/tandem" in page and "Back to Tandem" in page
