"""Small builders for test data. Plain functions: each returns a saved object with sensible defaults."""

import itertools
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from managers.models import CEFR, Function, Industry, Language, LanguageSkill, Region, Skill
from managers.services import manager_register
from mandates.models import ClientCompany, ClientContact, Mandate, MandateLanguage

PASSWORD = "correct-horse-battery-9"
_counter = itertools.count(1)


def user(email=None, *, first_name="Test", last_name="Person", staff=False, password=PASSWORD):
    n = next(_counter)
    email = email or f"person{n}@example.com"
    obj = get_user_model().objects.create_user(
        username=email,
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        is_staff=staff,
        is_superuser=staff,
    )
    EmailAddress.objects.create(user=obj, email=email, verified=True, primary=True)
    return obj


def manager(
    email=None, *, skills=(), functions=(), industries=(), regions=(), languages=(("de", CEFR.NATIVE),), **fields
):
    profile = manager_register(
        user=user(email, first_name=fields.pop("first_name", "Max"), last_name=fields.pop("last_name", "Muster"))
    )
    defaults = {
        "headline": "Interim CFO",
        "available_from": date.today(),
        "day_rate_min": 1000,
        "day_rate_target": 1200,
    }
    for key, value in {**defaults, **fields}.items():
        setattr(profile, key, value)
    profile.save()
    profile.skills.set(Skill.objects.filter(slug__in=skills))
    profile.functions.set(Function.objects.filter(code__in=functions))
    profile.industries.set(Industry.objects.filter(code__in=industries))
    profile.accepted_regions.set(Region.objects.filter(code__in=regions))
    for code, level in languages:
        LanguageSkill.objects.create(profile=profile, language=Language.objects.get(code=code), level=level)
    return profile


def company(name=None):
    return ClientCompany.objects.create(name=name or f"Firma {next(_counter)} GmbH", city="Köln")


def client_contact(email=None, *, company_obj=None):
    return ClientContact.objects.create(user=user(email), company=company_obj or company())


def mandate(
    company_obj=None,
    *,
    skills=(),
    nice=(),
    function=None,
    industries=(),
    region=None,
    languages=(("de", CEFR.C1),),
    **fields,
):
    defaults = {
        "title": f"Interim CFO #{next(_counter)}",
        "public_summary": "CFO für einen Mittelständler",
        "start_date": date.today() + timedelta(days=30),
        "budget_day_rate": 1200,
        "status": Mandate.Status.OPEN,
        "opened_at": timezone.now(),
    }
    obj = Mandate.objects.create(
        company=company_obj or company(),
        function=Function.objects.get(code=function) if function else None,
        region=Region.objects.get(code=region) if region else None,
        **{**defaults, **fields},
    )
    obj.required_skills.set(Skill.objects.filter(slug__in=skills))
    obj.nice_skills.set(Skill.objects.filter(slug__in=nice))
    obj.industries.set(Industry.objects.filter(code__in=industries))
    for code, level in languages:
        MandateLanguage.objects.create(mandate=obj, language=Language.objects.get(code=code), min_level=level)
    return obj


CFO_SKILLS = ("financial-planning", "liquidity-management", "hgb-ifrs")


def draft_cfo_mandate(*, owner=None, company_name=None, public_summary="Industrieunternehmen sucht Interim-CFO."):
    """A draft CFO mandate requiring CFO_SKILLS: what notification tests open to see who hears about it."""
    return mandate(
        company(company_name),
        skills=CFO_SKILLS,
        function="cfo",
        status=Mandate.Status.DRAFT,
        opened_at=None,
        owner=owner,
        public_summary=public_summary,
    )


def consented(mandate_obj, profile, staff=None):
    """A manager on the mandate's list who answered "interested": their consent to be presented for it."""
    from mandates import services

    candidacy = services.candidacy_add(mandate=mandate_obj, manager=profile, by=staff)
    services.manager_respond(candidacy=candidacy, interested=True)
    candidacy.refresh_from_db()
    return candidacy


def presented(mandate_obj, profile, staff, *, note="", client_price=None):
    """A consenting manager sent to the client on the shortlist: an anonymous card."""
    from mandates import services
    from mandates.models import Candidacy

    candidacy = consented(mandate_obj, profile, staff)
    if note or client_price is not None:
        services.candidacy_update_for_client(
            candidacy=candidacy,
            note_for_client=note,
            client_price=client_price if client_price is not None else candidacy.client_price,
            show_score_to_client=False,
        )
    services.candidacy_move(candidacy=candidacy, to_stage=Candidacy.Stage.SHORTLISTED, by=staff)
    services.shortlist_send(mandate=mandate_obj, by=staff)
    candidacy.refresh_from_db()
    return candidacy


def released(mandate_obj, profile, staff, **kwargs):
    """A presented candidate whose identity staff released to the client."""
    from mandates import services

    candidacy = presented(mandate_obj, profile, staff, **kwargs)
    services.candidacy_release(candidacy=candidacy, by=staff)
    candidacy.refresh_from_db()
    return candidacy


def enrol_totp(user):
    """Give ``user`` an authenticator app (TOTP) and recovery codes, as enrolment does; returns the TOTP secret."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing:
        return existing.data["secret"]
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def login_with_totp(client, user, password=PASSWORD):
    """Log ``user`` in through the real forms: password, then a code from the authenticator app (enrolled first if
    needed). A code is accepted once, so the next of the time steps the server accepts is tried when one was used."""
    import time

    import pyotp

    secret = enrol_totp(user)
    client.logout()
    client.get("/accounts/login/")  # the CSRF cookie, for clients that enforce CSRF checks

    def csrf():
        return client.cookies["csrftoken"].value

    response = client.post(
        "/accounts/login/", {"login": user.email, "password": password, "csrfmiddlewaretoken": csrf()}
    )
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/authenticate/"), response
    totp = pyotp.TOTP(secret)
    for offset in (0, 30, -30):
        code = totp.at(time.time() + offset)
        response = client.post("/accounts/2fa/authenticate/", {"code": code, "csrfmiddlewaretoken": csrf()})
        if response.status_code == 302:
            return response
    raise AssertionError("no TOTP code was accepted")


def log_in(client, user):
    """Log anyone in for a test: staff through password and authenticator code (their sessions need a second
    factor), everyone else directly."""
    if user.is_staff:
        return login_with_totp(client, user)
    client.force_login(user)
