import pytest
from django.core.management import call_command

from managers.models import ManagerProfile
from mandates import demo
from mandates.models import AnalyticsSnapshot, Candidacy, ClientContact, Mandate, Placement


@pytest.mark.django_db
def test_seed_demo_creates_every_role_and_is_idempotent(client):
    call_command("seed_demo", managers=12, mandates=6, seed=7, verbosity=0)
    counts = (ManagerProfile.objects.count(), ClientContact.objects.count(), Mandate.objects.open().count())
    assert counts == (15, 2, 6)
    assert Placement.objects.exists(), "part of the pool has a past placement, so time-to-mandate has data"
    assert AnalyticsSnapshot.objects.count() > 1, "the trend has points from the start"
    past = Mandate.objects.count()

    call_command("seed_demo", managers=12, mandates=6, seed=7, verbosity=0)
    assert (ManagerProfile.objects.count(), ClientContact.objects.count(), Mandate.objects.open().count()) == counts
    assert Mandate.objects.count() == past

    for _local, *_rest, company, _city, _nace in demo.CLIENTS:
        presented = Candidacy.objects.filter(mandate__company__name=company, presented_at__isnull=False)
        assert presented.exists(), f"{company}'s demo contact has a shortlist to look at"

    for local in ["anna.berger", "jens.vogel"]:
        assert client.login(username=f"{local}@{demo.DEMO_DOMAIN}", password=demo.DEMO_PASSWORD), local


@pytest.mark.django_db
def test_the_demo_admin_logs_in_with_what_seed_demo_prints(client):
    """Staff need a second factor: the printed secret works in an authenticator app, a printed recovery code too."""
    import re
    from io import StringIO

    import pyotp

    out = StringIO()
    call_command("seed_demo", managers=2, mandates=1, seed=3, stdout=out)
    printed = out.getvalue()
    secret = re.search(r"add the secret ([A-Z2-7]+) to an authenticator app", printed).group(1)
    recovery = re.search(r"recovery codes: (\S+)", printed).group(1)
    email = f"admin@{demo.DEMO_DOMAIN}"

    for second_factor in (pyotp.TOTP(secret).now(), recovery):
        client.logout()
        response = client.post("/accounts/login/", {"login": email, "password": demo.DEMO_PASSWORD})
        assert response["Location"] == "/accounts/2fa/authenticate/"
        assert client.post("/accounts/2fa/authenticate/", {"code": second_factor}).status_code == 302
        assert client.get("/admin/").status_code == 200, second_factor


@pytest.mark.django_db
def test_seed_demo_is_deterministic_for_a_seed():
    call_command("seed_demo", managers=5, mandates=2, seed=11, verbosity=0)
    first = list(ManagerProfile.objects.order_by("user__email").values_list("user__email", "headline", "day_rate_min"))
    ManagerProfile.objects.all().delete()
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(email__startswith="pool").delete()
    get_user_model().objects.filter(email__in=[f"{m[0]}@{demo.DEMO_DOMAIN}" for m in demo.MANAGERS]).delete()
    Placement.objects.all().delete()
    Mandate.objects.all().delete()
    call_command("seed_demo", managers=5, mandates=2, seed=11, verbosity=0)
    again = list(ManagerProfile.objects.order_by("user__email").values_list("user__email", "headline", "day_rate_min"))
    assert first == again
