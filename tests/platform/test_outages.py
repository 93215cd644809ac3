"""While PostgreSQL is down or restarting, people get a clean 503 in their language, and the next request after
it is back works without restarting anything. While Redis (the shared cache) is down, pages keep answering, without
the figures they read from it."""

import pytest
from django.db import OperationalError, connection
from django.test import Client


def database_down(execute, sql, params, many, context):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")


@pytest.fixture
def browser_client():
    return Client(raise_request_exception=False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "text"),
    [("de", "weil die Datenbank nicht antwortet"), ("en", "because the database is not answering")],
)
def test_pages_answer_503_in_the_users_language_while_the_database_is_down(browser_client, manager, language, text):
    browser_client.force_login(manager.user)
    with connection.execute_wrapper(database_down):
        response = browser_client.get("/manager/", headers={"Accept-Language": language})
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert text in response.content.decode()
    assert f'<html lang="{language}">' in response.content.decode()

    assert browser_client.get("/manager/").status_code == 200, "back without restarting anything"


@pytest.mark.django_db
def test_the_api_answers_503_as_json(browser_client, manager):
    browser_client.force_login(manager.user)
    with connection.execute_wrapper(database_down):
        response = browser_client.get("/api/schema/", headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert "database" in response.json()["detail"]


def a_bug(execute, sql, params, many, context):
    raise ValueError("a bug, not an outage")


@pytest.mark.django_db
def test_other_errors_stay_500(browser_client, manager):
    browser_client.force_login(manager.user)
    with connection.execute_wrapper(a_bug):
        assert browser_client.get("/manager/").status_code == 500


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }


@pytest.mark.django_db
def test_the_dashboard_and_the_signup_page_answer_while_the_shared_cache_is_down(client, manager, cache_down):
    assert client.get("/accounts/signup/").status_code == 200
    client.force_login(manager.user)
    assert client.get("/manager/").status_code == 200
