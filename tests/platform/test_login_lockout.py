"""Login lockout (django-axes with manatnet.logins): per account, per address, on every door, same answer for right
and wrong passwords while locked, a successful login resets the account, the client address from trusted proxies."""

import re

import pytest
from django.urls import reverse

from manatnet.logins import login_identifier
from tests import factories
from tests.factories import PASSWORD

LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 10
    settings.AXES_ADDRESS_FAILURE_LIMIT = 50


def attempt(client, email, password, **extra):
    return client.post(LOGIN, {"login": email, "password": password}, **extra)


def is_locked(response):
    return response.status_code == 429 and "Anmeldung vorübergehend gesperrt" in response.content.decode()


def without_csrf(response):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def logged_in(client):
    return client.get(reverse("dashboard")).status_code == 302 and "_auth_user_id" in client.session


def fifteen_wrong_passwords(client, email):
    answers = [attempt(client, email, f"wrong-{n}") for n in range(1, 16)]
    assert not any(is_locked(r) for r in answers[:9]), "the first nine mistakes are answered as mistakes"
    assert all(r.status_code == 200 for r in answers[:9])
    assert all(is_locked(r) for r in answers[9:]), "from the tenth on the account is locked"
    return answers


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["manager", "staff"])
def test_fifteen_wrong_passwords_lock_the_account_and_the_right_one_is_refused(client, persona, request, other_manager):
    user = request.getfixturevalue(persona)
    user = getattr(user, "user", user)
    if user.is_staff:
        factories.enrol_totp(user)
    wrong = fifteen_wrong_passwords(client, user.email)

    right = attempt(client, user.email, PASSWORD)
    assert is_locked(right)
    assert without_csrf(right) == without_csrf(wrong[-1]), "a locked login never tells if the password was right"
    assert "_auth_user_id" not in client.session

    # Another account behind the same address still logs in.
    assert attempt(client, other_manager.user.email, PASSWORD).status_code == 302
    assert logged_in(client)


@pytest.mark.django_db
def test_the_admin_login_is_no_door_of_its_own(client, staff):
    """The admin's own form would authenticate by ``username`` without lockout or second factor: it is gone."""
    response = client.get("/admin/login/?next=/admin/mandates/mandate/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fmandates%2Fmandate%2F"
    response = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" not in client.session
    assert client.get("/admin/login/?next=https://evil.example/").url == "/accounts/login/?next=%2Fadmin%2F"


@pytest.mark.django_db
def test_every_door_names_the_same_account(rf, staff):
    """allauth's backend passes ``email``, its form posts ``login``, Django's admin form ``username``."""
    staff.username = "petra"
    staff.save()
    request = rf.post(LOGIN)
    seen = {
        login_identifier(request, {"email": "Staff@Example.com"}),
        login_identifier(request, {"login": " staff@example.com "}),
        login_identifier(request, {"username": "PETRA"}),
        login_identifier(rf.post(LOGIN, {"login": "STAFF@example.com"})),
        login_identifier(rf.post("/admin/login/", {"username": "petra"})),
    }
    assert seen == {"staff@example.com"}
    assert login_identifier(request, {"email": "Nobody@Example.com"}) == "nobody@example.com"
    assert login_identifier(request, {"login": "a\x00b@example.com"}) == "a\x00b@example.com", "no query with NUL"


@pytest.mark.django_db
def test_a_successful_login_resets_the_account_counter(client, manager):
    email = manager.user.email
    for n in range(9):
        assert attempt(client, email, f"wrong-{n}").status_code == 200
    assert attempt(client, email, PASSWORD).status_code == 302
    client.logout()
    for n in range(9):
        assert attempt(client, email, f"again-{n}").status_code == 200, "the nine earlier mistakes were forgotten"
    assert is_locked(attempt(client, email, "the-tenth"))


@pytest.mark.django_db
def test_an_address_spraying_passwords_over_many_accounts_is_locked_but_no_one_else(client, settings, manager):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 20
    for n in range(19):
        assert attempt(client, f"guess{n}@example.com", "123456").status_code == 200
    assert is_locked(attempt(client, "guess19@example.com", "123456"))
    assert is_locked(attempt(client, manager.user.email, PASSWORD)), "the whole address waits"
    other = attempt(client, manager.user.email, PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302, "the same account from another address is not affected"


@pytest.mark.django_db
def test_a_forwarded_for_header_is_ignored_unless_a_proxy_is_trusted(client, settings, manager):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 5
    for n in range(5):
        # A client that invents a new X-Forwarded-For for every try is still one address.
        attempt(client, f"guess{n}@example.com", "123456", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert is_locked(attempt(client, manager.user.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99"))


@pytest.mark.django_db
def test_one_ipv6_network_counts_as_one_address(client, settings, manager):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 5
    for n in range(5):
        attempt(client, f"guess{n}@example.com", "123456", REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}")
    assert is_locked(attempt(client, manager.user.email, PASSWORD, REMOTE_ADDR="2001:db8:1:2:ffff::9"))
    assert attempt(client, manager.user.email, PASSWORD, REMOTE_ADDR="2001:db8:1:3::1").status_code == 302


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_client_address_counts_on_its_own(client, settings, manager):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 5
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # The proxy appends the address it saw; whatever the client put in front of it is not believed.
    for n in range(5):
        attempt(client, f"guess{n}@example.com", "123456", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 203.0.113.1")
    assert is_locked(attempt(client, manager.user.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.1"))
    colleague = attempt(client, manager.user.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert colleague.status_code == 302, "another client behind the same proxy logs in"


@pytest.mark.django_db
def test_the_lock_message_is_in_the_users_language(client, manager):
    client.cookies.load({"django_language": "en"})
    for n in range(10):
        response = attempt(client, manager.user.email, f"wrong-{n}")
    assert response.status_code == 429
    assert "Too many failed login attempts" in response.content.decode()


@pytest.mark.django_db
def test_resetting_the_password_by_mail_lifts_the_lock(client, manager, mailoutbox):
    email = manager.user.email
    for n in range(10):
        attempt(client, email, f"wrong-{n}")
    assert is_locked(attempt(client, email, PASSWORD))
    client.post(reverse("account_reset_password"), {"email": email})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mailoutbox[-1].body).group(1)
    form_url = client.get(link).url
    new = "a-brand-new-secret-2026"
    assert client.post(form_url, {"password1": new, "password2": new}).status_code == 302
    assert attempt(client, email, new).status_code == 302


@pytest.mark.django_db
def test_without_redis_the_counters_are_in_the_database_cache_table(client, settings, manager):
    from django.db import connection

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "manatnet_cache"}
    }
    for n in range(10):
        response = attempt(client, manager.user.email, f"wrong-{n}")
    assert is_locked(response)
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM manatnet_cache")
        keys = [row[0] for row in cursor.fetchall()]
    assert any("logins:account:" in key for key in keys) and any("logins:address:" in key for key in keys)
