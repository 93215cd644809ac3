"""Browser journeys: Debian's chromium driven by Playwright against Django's live server."""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("MANATNET_CHROMIUM", "/usr/bin/chromium")


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium).")
    # Playwright's sync API keeps an event loop running in the test thread; the ORM calls our tests make
    # between browser steps are still synchronous, so Django's async-safety guard is lifted while it runs.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    context = browser.new_context(locale="de-DE", base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def totp_code(email, used=()):
    """The current code of ``email``'s authenticator app, computed as the app would (pyotp, not our code); a code
    in ``used`` was already spent, so the next time step the server accepts is taken instead."""
    import time

    import pyotp
    from allauth.mfa.models import Authenticator

    secret = Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP).data["secret"]
    totp = pyotp.TOTP(secret)
    return next(code for code in (totp.at(time.time() + d) for d in (0, 30)) if code not in used)


def sign_in(page, email, password):
    """Log in through the real login form; staff (enrolled first, as every staff account is) then enter the code
    of their authenticator app on the second-factor page."""
    from django.contrib.auth import get_user_model

    from tests import factories

    user = get_user_model().objects.get(email=email)
    if user.is_staff:
        factories.enrol_totp(user)
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    if "/accounts/2fa/authenticate/" in page.url:
        page.fill("input[name=code]", totp_code(email))
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()


@pytest.fixture
def login(page):
    """Log a user in through the real forms (see :func:`sign_in`)."""

    def _login(email, password):
        sign_in(page, email, password)

    return _login
