"""A new staff member enrols an authenticator app on first login, then logs in with password and code."""

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from tests import factories
from tests.factories import PASSWORD


def submit(page):
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_staff_enrol_totp_on_first_login_and_log_in_with_it(page):
    staff = factories.user("neu@example.com", first_name="Nora", last_name="Neu", staff=True)

    page.goto("/accounts/login/")
    page.fill("input[name=login]", staff.email)
    page.fill("input[name=password]", PASSWORD)
    submit(page)
    # Straight to the admin? No: first the second factor. allauth asks for the password once more before enrolment.
    page.goto("/admin/")
    expect(page.locator("main")).to_contain_text("Zwei-Faktor-Authentifizierung")
    if "/accounts/reauthenticate/" in page.url:
        page.fill("input[name=password]", PASSWORD)
        submit(page)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    expect(page.locator("img.totp-qr")).to_be_visible()
    secret = page.locator("#authenticator_secret").input_value()
    used = pyotp.TOTP(secret).now()
    page.fill("input[name=code]", used)
    submit(page)
    expect(page.locator("#recovery_codes")).to_be_visible()
    assert len(page.locator("#recovery_codes").input_value().split()) == 10

    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#site-name")).to_contain_text("MANATNET")

    # Next time: password, then a code from the app (the one used for enrolment is spent).
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", staff.email)
    page.fill("input[name=password]", PASSWORD)
    submit(page)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    totp = pyotp.TOTP(secret)
    code = next(c for c in (totp.at(time.time() + d) for d in (0, 30)) if c != used)
    page.fill("input[name=code]", code)
    submit(page)
    expect(page).to_have_url(re.compile(r"/admin/$"))
