"""Two-factor authentication: required for staff before any staff page or file, optional for managers and clients."""

import re
import time

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests import factories
from tests.factories import PASSWORD


def enrolment_secret(client):
    """Open the enrolment page (allauth asks for the password once more first) and read the secret it offers."""
    response = client.get("/accounts/2fa/totp/activate/")
    if response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/"):
        client.post(response["Location"], {"password": PASSWORD})
        response = client.get("/accounts/2fa/totp/activate/")
    return re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', response.content.decode()).group(1)


STAFF_ONLY = ["/admin/", "/admin/mandates/mandate/", "/admin/time-to-mandate/", "/api/docs/"]


@pytest.mark.django_db
def test_staff_without_a_second_factor_reach_only_enrolment(client, staff, manager):
    response = client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    cv = reverse("manager_cv_staff", args=[manager.public_id])
    for url in [*STAFF_ONLY, cv]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/2fa/totp/activate/"), url
    assert client.post("/admin/mandates/mandate/add/", {"title": "x"}).status_code == 302
    page = client.get("/admin/", follow=True).content.decode()
    assert "Richten Sie bitte zuerst die Zwei-Faktor-Authentifizierung" in page


# Transactional: allauth announces the new authenticator on commit, inside the request, as in production.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("reference_data")
def test_staff_enrol_an_authenticator_app_and_then_reach_the_admin(client, staff):
    client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    secret = enrolment_secret(client)
    assert client.post("/accounts/2fa/totp/activate/", {"code": "000000"}).status_code == 200  # wrong code: again
    response = client.post("/accounts/2fa/totp/activate/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.RECOVERY_CODES).exists()
    assert client.get("/admin/").status_code == 200, "enrolling proved the second factor for this session"


@pytest.mark.django_db
def test_an_enrolled_staff_session_without_the_code_is_asked_for_it(client, staff):
    """E.g. a session that logged in before the account enrolled: it must enter a code before staff pages."""
    secret = factories.enrol_totp(staff)
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/reauthenticate/")
    response = client.post(response["Location"], {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_the_staff_login_asks_for_the_code_and_refuses_a_wrong_one(client, staff):
    secret = factories.enrol_totp(staff)
    response = client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session, "the password alone does not log staff in"
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "123456"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    code = pyotp.TOTP(secret).now()
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    assert client.get("/admin/").status_code == 200
    client.logout()
    client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    replay = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert replay.status_code == 200 and "_auth_user_id" not in client.session, "a code counts once"


@pytest.mark.django_db
def test_guessing_codes_is_limited_per_account(client, staff):
    secret = factories.enrol_totp(staff)
    client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    right = pyotp.TOTP(secret).now()
    wrong = [f"{n:06d}" for n in range(100000, 100040) if f"{n:06d}" != right]
    answers = [client.post("/accounts/2fa/authenticate/", {"code": code}) for code in wrong[:21]]
    assert "Zu viele" in answers[-1].content.decode()
    assert client.post("/accounts/2fa/authenticate/", {"code": right}).status_code == 200, "refused while locked"
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_staff_cannot_switch_their_second_factor_off(client, staff):
    factories.login_with_totp(client, staff)
    client.post("/accounts/2fa/totp/deactivate/")
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["manager", "client_contact"])
def test_managers_and_clients_may_enrol_and_switch_it_off_again(client, persona, request):
    user = request.getfixturevalue(persona).user
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert client.get(reverse("dashboard"), follow=True).status_code == 200, "no second factor needed"
    index = client.get("/accounts/2fa/").content.decode()
    assert "Authenticator" in index and reverse("mfa_activate_totp") in index
    secret = enrolment_secret(client)
    assert client.post("/accounts/2fa/totp/activate/", {"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.post("/accounts/2fa/totp/deactivate/").status_code == 302
    assert not Authenticator.objects.filter(user=user).exists()

    # Enrolled, the next login asks for the code.
    secret = enrolment_secret(client)
    client.post("/accounts/2fa/totp/activate/", {"code": pyotp.TOTP(secret).at(time.time() + 30)})
    client.logout()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"


@pytest.mark.django_db
def test_the_admin_never_shows_a_second_factor_secret(client, staff):
    colleague = factories.user("kollegin@example.com", staff=True)
    secret = factories.enrol_totp(colleague)
    factories.login_with_totp(client, staff)
    authenticator = Authenticator.objects.get(user=colleague, type=Authenticator.Type.TOTP)
    page = client.get(reverse("admin:mfa_authenticator_change", args=[authenticator.pk]))
    assert page.status_code == 200 and secret not in page.content.decode()
    assert client.get(reverse("admin:mfa_authenticator_changelist")).status_code == 200
    assert client.post(reverse("admin:mfa_authenticator_change", args=[authenticator.pk]), {}).status_code == 403
