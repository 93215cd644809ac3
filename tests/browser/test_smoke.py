import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD


@pytest.mark.django_db(transaction=True)
def test_a_visitor_switches_the_site_to_english_and_back(page):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Interim-Mandate")
    page.get_by_role("button", name="EN").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="DE").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")


@pytest.mark.django_db(transaction=True)
def test_every_asset_is_served_from_our_own_origin(page, live_server):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/")
    page.goto("/accounts/login/")
    assert requested
    foreign = [url for url in requested if not url.startswith(live_server.url)]
    assert foreign == []


@pytest.mark.django_db(transaction=True)
def test_staff_logs_in_and_reaches_the_admin(page, login, staff):
    login(staff.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/admin/$"))
