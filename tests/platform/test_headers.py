"""Security headers on every page: the URL configuration is walked as each persona (tests/site_walk.py), so a page
added later is checked without editing this test."""

import pytest
from django.test import Client
from django.urls import reverse

from managers.services import cv_replace
from mandates import demo
from tests import factories, site_walk
from tests.managers.files import PDF_BYTES, upload

pytestmark = pytest.mark.django_db


def check(response, url, *, personal):
    assert response.status_code < 500, url
    csp = response["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'"):
        assert directive in csp, (url, csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
    assert "frame-ancestors 'none'" in csp
    policy = response["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy, url
    if personal:
        cache = response.get("Cache-Control", "")
        assert "no-store" in cache and "private" in cache, (url, cache)


def walk(client, urls, *, personal):
    for url in urls:
        check(client.get(url), url, personal=personal)


@pytest.fixture
def personas():
    staff, manager, contact = site_walk.demo_personas()
    cv_replace(profile=manager.manager_profile, upload=upload("cv.pdf", PDF_BYTES), kind="pdf", display_name="cv.pdf")
    return staff, manager, contact


def test_every_page_sends_csp_and_permissions_policy_and_personal_pages_no_store(personas):
    staff, manager, contact = personas
    plain = site_walk.plain_urls()
    assert {"/", "/accounts/login/", "/admin/", "/client/", "/manager/", "/healthz"} <= set(plain)

    walk(Client(), plain, personal=False)

    manager_pages, client_pages = site_walk.own_object_urls(manager, contact)
    as_manager = Client()
    as_manager.force_login(manager)
    walk(as_manager, plain + manager_pages + [reverse("manager_cv")], personal=True)

    as_client = Client()
    as_client.force_login(contact)
    walk(as_client, plain + client_pages, personal=True)

    as_staff = Client()
    factories.login_with_totp(as_staff, staff, password=demo.DEMO_PASSWORD)
    staff_pages = site_walk.admin_object_urls()
    assert any("/ranking/" in url for url in staff_pages) and any("/change/" in url for url in staff_pages)
    cv = reverse("manager_cv_staff", args=[manager.manager_profile.public_id])
    walk(as_staff, plain + staff_pages + [cv], personal=True)


def test_downloads_of_personal_data_are_never_stored(personas):
    _staff, manager, _contact = personas
    client = Client()
    client.force_login(manager)
    cv = client.get(reverse("manager_cv"))
    assert cv["Content-Type"] == "application/pdf"
    check(cv, "cv", personal=True)
    export = client.post(reverse("manager_export"), {"password": demo.DEMO_PASSWORD})
    assert export["Content-Type"] == "application/zip"
    check(export, "export", personal=True)


def test_public_pages_may_be_cached_but_login_pages_set_no_session_data(client):
    """Anonymous pages carry the security headers too; they hold no personal data, so no-store is not forced."""
    response = client.get("/")
    check(response, "/", personal=False)
    assert "no-store" not in response.get("Cache-Control", "")
