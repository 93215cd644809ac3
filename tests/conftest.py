"""Shared personas and test-only speed-ups. Integration tests that need a real worker opt out of eager Celery."""

import uuid

import pytest

from tests import factories


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.AXES_ENABLED = False
    # Login counters, rate limits and used TOTP codes live in the shared cache (Redis in CI): a fresh key prefix
    # per test keeps one test's attempts from counting against the next, without flushing anybody's Redis.
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}


@pytest.fixture
def manager(db):
    return factories.manager("manager@example.com", first_name="Anna", last_name="Berger")


@pytest.fixture
def other_manager(db):
    return factories.manager("other.manager@example.com", first_name="Bernd", last_name="Krause")


@pytest.fixture
def client_contact(db):
    return factories.client_contact("client@example.com")


@pytest.fixture
def other_client_contact(db):
    return factories.client_contact("other.client@example.com")


@pytest.fixture
def staff(db):
    return factories.user("staff@example.com", staff=True)


@pytest.fixture
def outsider(db):
    return factories.user("outsider@example.com")


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Unit tests run tasks in-process; tests marked ``worker`` talk to a real broker and worker."""
    from manatnet.celery import app

    if request.node.get_closest_marker("worker"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def reference_data(transactional_db):
    """Functions, skills, languages etc. as the data migration loads them, for transactional tests that need them.

    A transactional test flushes every table when it ends. Serialized rollback restores them, but not after the
    session's Playwright browser (tests/browser) was started (the restore then misses its connection), so the
    (idempotent) loader simply runs again when the rows are gone. The flush also recreates content types under
    new ids, so the in-process cache of the old ones (used by the admin's log) is dropped.
    """
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    from managers import reference
    from managers.models import Language

    ContentType.objects.clear_cache()
    if not Language.objects.exists():
        reference.load(apps)
