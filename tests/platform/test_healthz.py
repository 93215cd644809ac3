import pytest

from tests import factories


@pytest.mark.django_db
def test_healthz_reports_database_and_broker_ok(client, staff):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}

    factories.login_with_totp(client, staff)
    body = client.get("/healthz").json()
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True


@pytest.mark.django_db
def test_healthz_answers_503_when_the_broker_is_down_and_tells_only_staff_why(client, settings, staff, manager):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "degraded"}, "no exception text for anonymous callers"

    client.force_login(manager.user)
    assert client.get("/healthz").json() == {"status": "degraded"}, "nor for a logged-in manager"

    client.logout()
    factories.login_with_totp(client, staff)
    body = client.get("/healthz").json()
    assert body["broker"]["ok"] is False and "Error" in body["broker"]["detail"]
    assert body["database"]["ok"] is True
