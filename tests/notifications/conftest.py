import pytest

from tests.notifications import backends


@pytest.fixture(autouse=True)
def _flaky_mail(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    settings.SITE_URL = "https://manatnet.example"
    backends.plan.clear()
    yield backends.plan
    backends.plan.clear()
