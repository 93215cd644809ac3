"""Profile completeness: a score from 0 to 100 and concrete hints on what is missing.

The weights say what matters for being found and presented to a client. Matching leans on functions, skills,
availability and industries, so those weigh most; a client reading a shortlist looks at headline, summary, the
last mandate and the CV next; contact details and rate are quick to give and weigh little. The weights add up to
100 (a test holds that), and each criterion is all-or-nothing so that a hint always names one concrete step.

=====================  ======  ===================================================================
criterion              weight  done when
=====================  ======  ===================================================================
contact                  5     a phone number is given
headline                10     a headline (one line: who you are, for what) is given
summary                 10     the summary / USP has at least ``SUMMARY_MIN_CHARS`` characters
functions               10     at least one function is chosen
industries               5     at least one NACE industry is chosen
skills                  15     at least ``MIN_SKILLS`` skills are chosen
languages                5     at least one language with its level is given
mobility                 5     home town and at least one accepted region are given
availability            10     availability was confirmed and the available-from date is not past
day_rate                 5     a target day rate is given
history                 10     the latest mandate in the history has its outcome described
cv                      10     a CV is uploaded
=====================  ======  ===================================================================

A profile counts as *complete* from the first moment its score reaches ``READY_SCORE``: enough for matching and
for a client to read. ``ManagerProfile.completed_at`` records that moment once (``record_completion``), so
time-to-mandate can also be measured from it; a score that drops later does not move it.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MIN_SKILLS = 5
SUMMARY_MIN_CHARS = 200
READY_SCORE = 80


@dataclass(frozen=True)
class Criterion:
    key: str
    weight: int
    label: str
    hint: str
    section: str  # the edit page that fixes it


@dataclass(frozen=True)
class Check:
    criterion: Criterion
    done: bool
    hint: str


@dataclass(frozen=True)
class Completeness:
    score: int
    checks: list

    @property
    def missing(self):
        """The open criteria, heaviest first: the hints a manager should act on."""
        return sorted((c for c in self.checks if not c.done), key=lambda c: -c.criterion.weight)

    @property
    def is_complete(self):
        return self.score == 100


CRITERIA = [
    Criterion("contact", 5, _("Kontakt"), _("Geben Sie eine Telefonnummer an."), "personal"),
    Criterion("headline", 10, _("Kurzprofil"), _("Formulieren Sie ein Kurzprofil in einer Zeile."), "positioning"),
    Criterion(
        "summary",
        10,
        _("Zusammenfassung"),
        _("Beschreiben Sie Ihren Nutzen in mindestens %(min_chars)d Zeichen."),
        "positioning",
    ),
    Criterion("functions", 10, _("Funktionen"), _("Wählen Sie mindestens eine Funktion."), "functions"),
    Criterion("industries", 5, _("Branchen"), _("Wählen Sie mindestens eine Branche."), "industries"),
    Criterion(
        "skills",
        15,
        _("Kompetenzen"),
        _("Wählen Sie mindestens %(min_skills)d Kompetenzen."),
        "skills",
    ),
    Criterion("languages", 5, _("Sprachen"), _("Geben Sie mindestens eine Sprache mit Niveau an."), "languages"),
    Criterion(
        "mobility", 5, _("Mobilität"), _("Geben Sie Ihren Wohnort und mindestens eine Einsatzregion an."), "mobility"
    ),
    Criterion("availability", 10, _("Verfügbarkeit"), _("Bestätigen Sie Ihre Verfügbarkeit."), "availability"),
    Criterion("day_rate", 5, _("Tagessatz"), _("Geben Sie Ihren Ziel-Tagessatz an."), "availability"),
    Criterion(
        "history", 10, _("Mandatshistorie"), _("Beschreiben Sie Ihr letztes Mandat mit seinem Ergebnis."), "history"
    ),
    Criterion("cv", 10, _("Lebenslauf"), _("Laden Sie Ihren Lebenslauf hoch (PDF oder DOCX)."), "positioning"),
]
WEIGHTS = {c.key: c.weight for c in CRITERIA}
assert sum(WEIGHTS.values()) == 100  # noqa: S101 - a wrong table must fail at import, not skew every score


@dataclass(frozen=True)
class ProfileFacts:
    """What completeness is judged on, as plain values: one profile's or many profiles' (``bulk_completeness``)."""

    phone: str = ""
    headline: str = ""
    summary: str = ""
    functions: int = 0
    industries: int = 0
    skills: int = 0
    languages: int = 0
    city: str = ""
    accepted_regions: int = 0
    availability_confirmed: bool = False
    available_from: object = None
    day_rate_target: int | None = None
    has_history: bool = False
    latest_outcome: str = ""
    cv_file: str = ""


def evaluate(facts, today):
    """Score ``facts`` (a ``ProfileFacts``): the one definition of the criteria in the table above."""
    past = facts.available_from is not None and facts.available_from < today
    done = {
        "contact": bool(facts.phone.strip()),
        "headline": bool(facts.headline.strip()),
        "summary": len(facts.summary.strip()) >= SUMMARY_MIN_CHARS,
        "functions": facts.functions > 0,
        "industries": facts.industries > 0,
        "skills": facts.skills >= MIN_SKILLS,
        "languages": facts.languages > 0,
        "mobility": bool(facts.city.strip()) and facts.accepted_regions > 0,
        "availability": facts.availability_confirmed and not past,
        "day_rate": facts.day_rate_target is not None,
        "history": facts.has_history and bool(facts.latest_outcome.strip()),
        "cv": bool(facts.cv_file),
    }
    params = {"min_chars": SUMMARY_MIN_CHARS, "min_skills": MIN_SKILLS, "have": facts.skills}
    hints = {c.key: str(c.hint) % params for c in CRITERIA}
    if past:
        hints["availability"] = _("Ihr Verfügbarkeitsdatum liegt in der Vergangenheit – bitte aktualisieren.")
    if not facts.has_history:
        hints["history"] = _("Tragen Sie Ihr letztes Mandat ein und beschreiben Sie das Ergebnis.")
    if 0 < facts.skills < MIN_SKILLS:
        hints["skills"] = str(_("Wählen Sie mindestens %(min_skills)d Kompetenzen (bisher %(have)d).")) % params
    checks = [Check(c, done[c.key], hints[c.key]) for c in CRITERIA]
    return Completeness(score=sum(c.criterion.weight for c in checks if c.done), checks=checks)


def _plain(profile, **counts):
    return ProfileFacts(
        phone=profile.phone,
        headline=profile.headline,
        summary=profile.summary,
        city=profile.city,
        availability_confirmed=profile.availability_confirmed_at is not None,
        available_from=profile.available_from,
        day_rate_target=profile.day_rate_target,
        cv_file=profile.cv_file,
        **counts,
    )


def profile_completeness(profile, today=None):
    """Score ``profile``. Uses seven small queries (counts and the latest history entry); prefetches are honoured."""
    latest = profile.history.order_by("-started_on", "-id").first()
    facts = _plain(
        profile,
        functions=int(profile.functions.exists()),
        industries=int(profile.industries.exists()),
        skills=profile.skills.count(),
        languages=int(profile.language_skills.exists()),
        accepted_regions=int(profile.accepted_regions.exists()),
        has_history=latest is not None,
        latest_outcome=latest.outcome if latest is not None else "",
    )
    return evaluate(facts, today or timezone.localdate())


def _counts(relation, profile_ids):
    """{profile id: number of rows} for a many-to-many relation or a reverse foreign key of ManagerProfile."""
    from django.db.models import Count

    from .models import ManagerProfile

    field = ManagerProfile._meta.get_field(relation)
    if field.many_to_many:
        through = field.remote_field.through
        rows = through.objects.filter(managerprofile_id__in=profile_ids).values("managerprofile_id")
        rows = rows.annotate(n=Count("id")).values_list("managerprofile_id", "n")
    else:
        rows = field.related_model.objects.filter(profile_id__in=profile_ids).values("profile_id")
        rows = rows.annotate(n=Count("id")).values_list("profile_id", "n")
    return dict(rows)


def bulk_completeness(profile_ids, today=None):
    """{profile id: Completeness} for many profiles (``profile_ids``: a list or a queryset of ids) in seven flat queries, whatever their number (the early-leave
    rules in ``mandates.analytics.risk`` score thousands at once); the same verdicts as ``profile_completeness``."""
    from .models import ManagerProfile, MandateHistoryEntry

    counts = {
        name: _counts(name, profile_ids)
        for name in ("functions", "industries", "skills", "language_skills", "accepted_regions")
    }
    latest = {}
    history = MandateHistoryEntry.objects.filter(profile_id__in=profile_ids).order_by(
        "profile_id", "-started_on", "-id"
    )
    for profile_id, outcome in history.values_list("profile_id", "outcome"):
        latest.setdefault(profile_id, outcome)
    today = today or timezone.localdate()
    result = {}
    for profile in ManagerProfile.objects.filter(id__in=profile_ids).only(
        "id",
        "phone",
        "headline",
        "summary",
        "city",
        "availability_confirmed_at",
        "available_from",
        "day_rate_target",
        "cv_file",
    ):
        pk = profile.id
        facts = _plain(
            profile,
            functions=counts["functions"].get(pk, 0),
            industries=counts["industries"].get(pk, 0),
            skills=counts["skills"].get(pk, 0),
            languages=counts["language_skills"].get(pk, 0),
            accepted_regions=counts["accepted_regions"].get(pk, 0),
            has_history=pk in latest,
            latest_outcome=latest.get(pk, ""),
        )
        result[pk] = evaluate(facts, today)
    return result


def record_completion(profile, at=None):
    """Set ``completed_at`` the first time the profile's score reaches ``READY_SCORE`` (no work once it is set)."""
    from .models import ManagerProfile

    if profile.completed_at is not None:
        return
    # A fresh row: the caller's instance may hold prefetched relations from before the change.
    fresh = ManagerProfile.objects.get(pk=profile.pk)
    if fresh.completed_at is None and profile_completeness(fresh).score >= READY_SCORE:
        profile.completed_at = at or timezone.now()
        ManagerProfile.objects.filter(pk=profile.pk, completed_at__isnull=True).update(
            completed_at=profile.completed_at
        )
