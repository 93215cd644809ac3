"""Demo data: a believable provider with staff, clients, mandates and a pool of interim managers.

Deterministic for a given seed. Idempotent: the named demo accounts are created once; pool managers and mandates
are numbered, and running the command again only adds what is missing.
"""

import itertools
import random
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from faker import Faker

from managers.models import (
    CEFR,
    Function,
    Industry,
    Language,
    LanguageSkill,
    ManagerProfile,
    ManagerStatusChange,
    MandateHistoryEntry,
    PrivacyConsent,
    Region,
    Skill,
)

from .demo_history import pool_history, trend_snapshots
from .models import Candidacy, ClientCompany, ClientContact, Mandate, MandateLanguage

DEMO_PASSWORD = "manatnet-demo-2026"  # noqa: S105  (printed for the demo; never used outside it)
DEMO_DOMAIN = "demo.manatnet.example"

STAFF = [("admin", "Petra", "Albrecht", True)]
# Staff need a second factor. The demo admin's authenticator app uses this fixed secret (printed by seed_demo, so
# the quick start works with any authenticator app); a real account enrols a random secret of its own.
DEMO_TOTP_SECRET = "MANATNETDEMOADMINZWEIFAKTORTOTPA"  # noqa: S105  (demo data only)
MANAGERS = [
    ("anna.berger", "Anna", "Berger", "cfo", 35),
    ("bernd.krause", "Bernd", "Krause", "restructuring", 190),
    ("carla.neumann", "Carla", "Neumann", "coo", 150),
]
# The functions most managers name, most common first (the rest follow in reference order): a pool with a realistic
# skew, so the common functions have enough histories for "managers like you".
POPULAR_FUNCTIONS = ["cfo", "restructuring", "ceo", "coo", "plant", "supply-chain", "programme", "controlling"]
CLIENTS = [
    ("jens.vogel", "Jens", "Vogel", "Hansen Maschinenbau GmbH", "Bielefeld", "28"),
    ("maria.schulz", "Maria", "Schulz", "Lindqvist Pharma AG", "München", "21"),
]

SITUATIONS = [
    "Der bisherige Stelleninhaber ist kurzfristig ausgefallen.",
    "Nach einem Gesellschafterwechsel soll die Organisation neu aufgestellt werden.",
    "Die Banken erwarten ein belastbares Sanierungskonzept innerhalb von zwölf Wochen.",
    "Ein neues Werk in Osteuropa soll anlaufen.",
    "Die Integration eines zugekauften Wettbewerbers steht an.",
    "Die ERP-Einführung ist ins Stocken geraten.",
    "Der Vertrieb soll auf Key-Account-Strukturen umgestellt werden.",
    "Die Lieferketten sollen nach mehreren Engpässen robuster werden.",
]
OUTCOMES = [
    "Liquidität gesichert und Refinanzierung mit vier Banken abgeschlossen.",
    "Werk in 14 Monaten aufgebaut, Anlauf ohne Lieferausfall.",
    "Integration abgeschlossen, Synergien von 6 Mio. EUR realisiert.",
    "Kosten um 12 % gesenkt, Sozialplan mit dem Betriebsrat einvernehmlich vereinbart.",
    "Nachfolge im Unternehmen aufgebaut und übergeben.",
    "ERP-Einführung termingerecht live, Monatsabschluss von zehn auf fünf Tage verkürzt.",
]
CITY_REGIONS = {"Bielefeld": "DE-NW", "München": "DE-BY"}

ROLES = [
    "Interim CFO",
    "Interim CEO",
    "Restrukturierungsmanager",
    "Interim Werksleiter",
    "Programmleiter SAP S/4HANA",
    "Interim Head of Supply Chain",
    "Interim CHRO",
    "PMI-Manager",
    "Interim COO",
    "Interim Leiter Einkauf",
]


@dataclass
class Reference:
    functions: list
    industries: list
    skills: list
    languages: dict
    regions: list
    states: list

    @classmethod
    def load(cls):
        regions = list(Region.objects.all())
        functions = list(Function.objects.all())
        rank = {code: i for i, code in enumerate(POPULAR_FUNCTIONS)}
        return cls(
            functions=sorted(functions, key=lambda f: (rank.get(f.code, len(rank)), f.id)),
            # Manufacturing (NACE section C) first: most interim mandates come from industry.
            industries=sorted(Industry.objects.exclude(parent=None), key=lambda i: (i.parent.code != "C", i.id)),
            skills=list(Skill.objects.all()),
            languages={
                lang.code: lang for lang in Language.objects.filter(code__in=["de", "en", "fr", "es", "it", "pl", "zh"])
            },
            regions=regions,
            states=[r for r in regions if r.kind == Region.Kind.STATE],
        )


def _skewed_skills(rng, skills, k):
    """A few popular ones, many rare ones (skills, functions, industries): weights fall off like 1/rank (Zipf), as
    in real profiles."""
    weights = [1 / (rank + 1) for rank in range(len(skills))]
    chosen = set()
    while len(chosen) < min(k, len(skills)):
        chosen.add(rng.choices(skills, weights=weights)[0])
    return list(chosen)


def _user(email, first, last, *, password_hash, staff=False):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=email[:150],
        defaults={
            "email": email,
            "first_name": first,
            "last_name": last,
            "is_staff": staff,
            "is_superuser": staff,
            "password": password_hash,
        },
    )
    if created:
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user, created


def staff_second_factor(user):
    """Enrol ``user`` with the demo TOTP secret (once) and recovery codes; returns the secret, the otpauth:// link
    for an authenticator app and the unused recovery codes (a fresh set once all were used)."""
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    codes = RecoveryCodes.activate(user)
    if not codes.get_unused_codes():
        codes.instance.delete()
        codes = RecoveryCodes.activate(user)
    return DEMO_TOTP_SECRET, get_adapter().build_totp_url(user, DEMO_TOTP_SECRET), codes.get_unused_codes()


def _fill_profile(profile, rng, fake, ref, now, function=None):
    profile.phone = fake.phone_number()
    profile.city = fake.city()
    profile.postal_code = fake.postcode()
    profile.home_region = rng.choice(ref.states)
    role = rng.choice(ROLES)
    profile.headline = f"{role} · {rng.randint(8, 30)} Jahre Führungserfahrung"
    profile.summary = (
        f"{rng.randint(8, 30)} Jahre Führungserfahrung, davon {rng.randint(2, 12)} als Interim Manager. "
        f"Schwerpunkte: {rng.choice(SITUATIONS)} {rng.choice(OUTCOMES)}"
    )
    profile.remote_share = rng.choice([0, 20, 40, 60])
    profile.available_from = (now + timedelta(days=rng.randint(-30, 180))).date()
    profile.days_per_week = rng.choice([3, 4, 5, 5, 5])
    profile.availability_confirmed_at = now - timedelta(days=rng.randint(0, 120))
    profile.day_rate_min = rng.randrange(800, 1600, 50)
    profile.day_rate_target = profile.day_rate_min + rng.randrange(100, 400, 50)
    profile.save()
    functions = _skewed_skills(rng, ref.functions, rng.randint(1, 3))
    if function is not None:
        functions = [next(f for f in ref.functions if f.code == function)]
    profile.functions.set(functions)
    profile.industries.set(_skewed_skills(rng, ref.industries, rng.randint(1, 4)))
    profile.skills.set(_skewed_skills(rng, ref.skills, rng.randint(4, 12)))
    home = profile.home_region
    accepted = {home.parent} if rng.random() < 0.5 else {home}
    if rng.random() < 0.2:
        accepted.add(next(r for r in ref.regions if r.code == "EU"))
    profile.accepted_regions.set(accepted)
    LanguageSkill.objects.bulk_create(
        [LanguageSkill(profile=profile, language=ref.languages["de"], level=CEFR.NATIVE)]
        + [LanguageSkill(profile=profile, language=ref.languages["en"], level=rng.choice([CEFR.B2, CEFR.C1, CEFR.C2]))]
        + (
            [
                LanguageSkill(
                    profile=profile,
                    language=ref.languages[rng.choice(["fr", "es", "it", "pl", "zh"])],
                    level=rng.choice([CEFR.B1, CEFR.B2, CEFR.C1]),
                )
            ]
            if rng.random() < 0.3
            else []
        )
    )
    start = now.date() - timedelta(days=rng.randint(400, 3000))
    entries = []
    for _ in range(rng.randint(1, 4)):
        end = start + timedelta(days=rng.randint(120, 540))
        entries.append(
            MandateHistoryEntry(
                profile=profile,
                role=rng.choice(ROLES),
                company=f"{fake.company()} ({rng.choice(['Mittelstand', 'Konzern', 'PE-Portfolio'])})",
                industry=rng.choice(ref.industries),
                company_size=rng.choice(MandateHistoryEntry.CompanySize.values),
                started_on=start,
                ended_on=end,
                outcome=rng.choice(OUTCOMES),
            )
        )
        start = end + timedelta(days=rng.randint(30, 200))
    MandateHistoryEntry.objects.bulk_create(entries)


def _new_manager(email, first, last, *, rng, fake, ref, now, password_hash, registered_days_ago, function=None):
    user, created = _user(email, first, last, password_hash=password_hash)
    if not created:
        return None
    registered = now - timedelta(days=registered_days_ago)
    profile = ManagerProfile.objects.create(user=user, registered_at=registered, status_changed_at=registered)
    ManagerStatusChange.objects.create(profile=profile, to_status=ManagerProfile.Status.ACTIVE, at=registered)
    PrivacyConsent.objects.create(user=user, version="2026-11", given_at=registered)
    _fill_profile(profile, rng, fake, ref, now, function)
    return profile


def _new_mandate(index, company, contacts, owner, *, rng, fake, ref, now):
    function = rng.choice(ref.functions)
    opened = now - timedelta(days=rng.randint(1, 90))
    mandate = Mandate.objects.create(
        company=company,
        owner=owner,
        title=f"{function.name_de} – {company.city} (#{index})",
        public_title=f"Interim {function.name_de} im Mittelstand",
        brief=f"{rng.choice(SITUATIONS)} Ansprechpartner: Geschäftsführung. Vertraulich behandeln.",
        public_summary=f"{function.name_de} für ein mittelständisches Unternehmen. {rng.choice(SITUATIONS)}",
        function=function,
        region=next((r for r in ref.states if r.code == CITY_REGIONS.get(company.city)), rng.choice(ref.states)),
        location_city=company.city,
        remote_share=rng.choice([0, 20, 40]),
        start_date=(now + timedelta(days=rng.randint(7, 60))).date(),
        duration_months=rng.choice([3, 6, 9, 12]),
        days_per_week=rng.choice([3, 4, 5]),
        budget_day_rate=rng.randrange(900, 1800, 100),
        status=Mandate.Status.OPEN,
        created_at=opened - timedelta(days=2),
        opened_at=opened,
    )
    mandate.contacts.set(contacts)
    mandate.industries.set(rng.sample(ref.industries, 2))
    mandate.required_skills.set(_skewed_skills(rng, ref.skills, 3))
    mandate.nice_skills.set(_skewed_skills(rng, ref.skills, 2))
    MandateLanguage.objects.create(mandate=mandate, language=ref.languages["de"], min_level=CEFR.C1)
    mandate.status_changes.create(from_status=Mandate.Status.DRAFT, to_status=Mandate.Status.OPEN, at=opened, by=owner)
    return mandate


def _demo_shortlist(company, staff):
    """One shortlist per client company, so each demo client login has candidates to look at: the managers said
    they are interested (their consent), the cards are anonymous until staff release someone."""
    from . import services
    from .matching.ranking import rank

    mandate = Mandate.objects.open().filter(company=company).order_by("id").first()
    if mandate is None or mandate.candidacies.exists():
        return
    for manager, match in rank(mandate, limit=3):
        candidacy = services.candidacy_add(mandate=mandate, manager=manager, by=staff, score=match)
        services.manager_respond(candidacy=candidacy, interested=True)
        services.candidacy_update_for_client(
            candidacy=candidacy,
            note_for_client="Kennt die Branche aus zwei vergleichbaren Mandaten; kurzfristig verfügbar.",
            client_price=candidacy.client_price,
            show_score_to_client=False,
        )
        services.candidacy_move(candidacy=candidacy, to_stage=Candidacy.Stage.SHORTLISTED, by=staff)
    if mandate.candidacies.exists():
        services.shortlist_send(mandate=Mandate.objects.get(pk=mandate.pk), by=staff)


def seed(*, managers=300, mandates=12, seed=2026, progress=None):
    """Create the demo data. Returns a dict of counts created. ``progress`` wraps an iterable (e.g. tqdm)."""
    progress = progress or (lambda iterable, **kwargs: iterable)
    rng = random.Random(seed)
    fake = Faker("de_DE")
    fake.seed_instance(seed)
    ref = Reference.load()
    now = timezone.now()
    password_hash = make_password(DEMO_PASSWORD)  # hashed once: hashing per user would take minutes for 2,000
    created = {"staff": 0, "managers": 0, "clients": 0, "mandates": 0, "past_mandates": 0}

    named = []  # the demo managers one logs in as: rivals in the pool's past, so their panel has a history
    with transaction.atomic():
        staff_users = []
        for local, first, last, superuser in STAFF:
            user, was_created = _user(
                f"{local}@{DEMO_DOMAIN}", first, last, password_hash=password_hash, staff=superuser
            )
            staff_second_factor(user)
            staff_users.append(user)
            created["staff"] += was_created
        for local, first, last, function, days_ago in MANAGERS:
            profile = _new_manager(
                f"{local}@{DEMO_DOMAIN}",
                first,
                last,
                rng=rng,
                fake=fake,
                ref=ref,
                now=now,
                password_hash=password_hash,
                registered_days_ago=days_ago,
                function=function,
            )
            created["managers"] += profile is not None
            named += [profile] if profile else []
        companies = []
        for local, first, last, company_name, city, nace in CLIENTS:
            company, _ = ClientCompany.objects.get_or_create(
                name=company_name, defaults={"city": city, "industry": Industry.objects.get(code=nace)}
            )
            user, was_created = _user(f"{local}@{DEMO_DOMAIN}", first, last, password_hash=password_hash)
            if was_created:
                ClientContact.objects.create(user=user, company=company, position="Geschäftsführung")
            created["clients"] += was_created
            companies.append(company)

    pool = []
    numbered = iter(progress(range(managers), desc="managers", total=managers))
    while chunk := list(itertools.islice(numbered, 50)):
        with transaction.atomic():  # one commit per 50 managers: SQLite syncs every commit to disk
            for i in chunk:
                first, last = fake.first_name(), fake.last_name()
                profile = _new_manager(
                    f"pool{i:06d}@{DEMO_DOMAIN}",
                    first,
                    last,
                    rng=rng,
                    fake=fake,
                    ref=ref,
                    now=now,
                    password_hash=password_hash,
                    registered_days_ago=rng.randint(1, 1100),
                )
                if profile:
                    pool.append(profile)
                    created["managers"] += 1

    existing = Mandate.objects.filter(company__in=companies).count()
    for index in progress(range(existing, mandates), desc="mandates", total=max(mandates - existing, 0)):
        company = companies[index % len(companies)]
        with transaction.atomic():
            _new_mandate(
                index + 1, company, list(company.contacts.all()), staff_users[0], rng=rng, fake=fake, ref=ref, now=now
            )
        created["mandates"] += 1

    # The pool's past (placements after weeks or months, managers who gave up, past clients' pipelines), so the
    # analytics page and the dashboard panel have something real to show; then the figures, as beat would.
    with transaction.atomic():
        created["past_mandates"] = pool_history(
            pool, staff_users[0], rng=rng, fake=fake, ref=ref, now=now, also_rivals=named
        )
        for company in companies:
            _demo_shortlist(company, staff_users[0])
    if pool:
        from .analytics import store

        trend_snapshots(now)
        store.warm()
    return created
