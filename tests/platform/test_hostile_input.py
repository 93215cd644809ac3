"""The hostile-input corpus (tests/hostile_input.py) against every form of our apps: the manager's and the client's
pages and the admin's forms for our models, found by walking the URL configuration and reading each page's POST
forms. No input may cause a server error, and every answer tells the person something."""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from mandates import demo
from mandates.models import Mandate
from tests import factories, hostile_input, site_walk

OUR_APPS = {"managers", "mandates", "notifications"}
OUR_ADMIN = re.compile(r"^/admin/(managers|mandates|notifications)/")
# Our own form on allauth's sign-up page (name and consent), and the login with our lockout behind it.
ALSO = {"/accounts/signup/", "/accounts/login/"}
# Pages whose only form destroys what the rest of the walk needs.
SKIP_PAGES = re.compile(r"/delete/|/history/$")
MESSAGE = re.compile(r'class="[^"]*\b(invalid-feedback|errorlist|errornote|alert|messagelist|success)\b')


def ours(path):
    if OUR_ADMIN.match(path) or path in ALSO:
        return True
    try:
        return resolve(path).func.__module__.split(".")[0] in OUR_APPS
    except Resolver404:
        return False


def pour(client, page_url):
    """Send every hostile payload into every one of our POST forms on ``page_url``; return how many were sent."""
    page = client.get(page_url, follow=True)
    assert page.status_code < 500, page_url
    if not page["Content-Type"].startswith("text/html"):
        return 0  # a download (the export of someone's data) has no forms
    sent = 0
    for form in hostile_input.post_forms(page.content.decode()):
        action = urlsplit(urljoin(page.request["PATH_INFO"], form["action"])).path
        if not ours(action):
            continue
        typed = any(f.kind not in ("hidden", "checkbox") for f in form["fields"])
        for data in hostile_input.payloads(form["fields"]):
            response = client.post(action, data, follow=True)
            hops = [status for _url, status in response.redirect_chain] + [response.status_code]
            assert all(status < 500 for status in hops), (action, hops)
            assert response.status_code != 404, (action, "the form's own target vanished")
            # A form a person types into answers with a message; a plain button (move up, open …) need not.
            assert not typed or MESSAGE.search(response.content.decode()), (action, "no message for", list(data))
            sent += 1
    return sent


@pytest.mark.django_db
def test_no_input_causes_a_server_error_and_every_answer_says_something(settings):
    settings.AXES_ENABLED = True  # the login's lockout sees the hostile names too
    staff, manager, contact = site_walk.demo_personas()
    plain = site_walk.plain_urls()
    # The shortlists of open mandates carry the most forms (stage, note, placement with its dates and rate).
    open_mandates = Mandate.objects.open().filter(candidacies__isnull=False).distinct()
    shortlists = [reverse("admin:mandates_mandate_shortlist", args=[m.pk]) for m in open_mandates[:2]]
    assert shortlists
    manager_pages, client_pages = site_walk.own_object_urls(manager, contact)

    anonymous = Client()
    as_manager, as_client, as_staff = Client(), Client(), Client()
    as_manager.force_login(manager)
    as_client.force_login(contact)
    factories.login_with_totp(as_staff, staff, password=demo.DEMO_PASSWORD)

    walks = [
        (anonymous, sorted(ALSO)),
        (as_manager, [u for u in plain if u.startswith("/manager/")] + manager_pages),
        (as_client, [u for u in plain if u.startswith("/client/")] + client_pages),
        (
            as_staff,
            [u for u in plain if OUR_ADMIN.match(u) and u.endswith("/add/")]
            + [u for u in site_walk.admin_object_urls() if OUR_ADMIN.match(u)]
            + shortlists,
        ),
    ]
    sent = 0
    for client, pages in walks:
        for url in pages:
            if not SKIP_PAGES.search(url):
                sent += pour(client, url)
    assert sent > 300, sent
