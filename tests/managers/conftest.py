import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth counts sign-ups and mails per address in the cache; each test starts from zero."""
    cache.clear()
    yield
    cache.clear()
