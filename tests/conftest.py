"""Shared personas, test-only speed-ups and a clean process for every test (the suite runs in random order,
pytest-randomly). Integration tests that need a real worker opt out of eager Celery."""

import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import clear_url_caches
from django.utils import timezone, translation

from manatnet.queue import reset_broker_backoff
from tests import factories


@pytest.fixture(autouse=True)
def _fresh_process_state():
    """Undo what an earlier test may have left in this process: the active language (a request with an English
    session activates it for the thread and nothing deactivates it), an activated time zone, reversed URLs,
    content types (a flushed database recreates them under new ids) and the broker back-off. (Cached values are
    isolated by a fresh key prefix per test, below.)"""
    translation.deactivate()
    timezone.deactivate()
    clear_url_caches()
    ContentType.objects.clear_cache()
    reset_broker_backoff()


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
    (idempotent) loader simply runs again when the rows are gone.
    """
    from django.apps import apps

    from managers import reference
    from managers.models import Language

    if not Language.objects.exists():
        reference.load(apps)
