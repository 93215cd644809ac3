"""Every page works under the strict Content-Security-Policy: chromium reports any blocked inline script, inline
event handler, inline style or foreign source on the console, and this test fails on the first such report.

The pages are found from the URL configuration (tests/site_walk.py), as each persona sees them."""

import re

import pytest

from mandates import demo
from tests import site_walk
from tests.browser.conftest import sign_in

SKIP = re.compile(r"/download/|/cv/$|/api/schema/|/logout/|/i18n/setlang/|/autocomplete/|/jsi18n/")


def visit_all(page, urls):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append((page.url, message.text))
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: violations.append((page.url, str(error))))
    visited = 0
    for url in urls:
        if SKIP.search(url):
            continue
        head = page.request.get(url, max_redirects=0)
        if head.status >= 400 or "text/html" not in head.headers.get("content-type", ""):
            assert head.status < 500, url
            continue  # POST-only (405), not found for this persona, or not a page
        response = page.goto(url)
        assert response is not None and response.status < 500, url
        page.wait_for_load_state("load")
        visited += 1
    return visited, violations


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_page_violates_the_content_security_policy(reference_data, browser, live_server, settings):
    staff, manager, contact = site_walk.demo_personas()
    plain = site_walk.plain_urls()
    manager_pages, client_pages = site_walk.own_object_urls(manager, contact)
    staff_pages = site_walk.admin_object_urls()
    settings.SITE_URL = live_server.url

    def session(email):
        context = browser.new_context(locale="de-DE", base_url=live_server.url)
        context.set_default_timeout(15_000)
        page = context.new_page()
        if email:
            sign_in(page, email, demo.DEMO_PASSWORD)
        return context, page

    total = 0
    for email, urls in (
        (None, plain),
        (manager.email, plain + manager_pages),
        (contact.email, plain + client_pages),
        (staff.email, plain + staff_pages),
    ):
        context, page = session(email)
        visited, violations = visit_all(page, urls)
        context.close()
        assert violations == [], violations
        total += visited
    assert total > 150, "the walk reached the site's pages"
