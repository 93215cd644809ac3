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
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MIN_SKILLS = 5
SUMMARY_MIN_CHARS = 200


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


def profile_completeness(profile, today=None):
    """Score ``profile``. Uses seven small queries (counts and the latest history entry); prefetches are honoured."""
    today = today or timezone.localdate()
    skills = profile.skills.count()
    latest = profile.history.order_by("-started_on", "-id").first()
    past = profile.availability_is_past(today)
    done = {
        "contact": bool(profile.phone.strip()),
        "headline": bool(profile.headline.strip()),
        "summary": len(profile.summary.strip()) >= SUMMARY_MIN_CHARS,
        "functions": profile.functions.exists(),
        "industries": profile.industries.exists(),
        "skills": skills >= MIN_SKILLS,
        "languages": profile.language_skills.exists(),
        "mobility": bool(profile.city.strip()) and profile.accepted_regions.exists(),
        "availability": profile.availability_confirmed_at is not None and not past,
        "day_rate": profile.day_rate_target is not None,
        "history": latest is not None and bool(latest.outcome.strip()),
        "cv": bool(profile.cv_file),
    }
    params = {"min_chars": SUMMARY_MIN_CHARS, "min_skills": MIN_SKILLS, "have": skills}
    hints = {c.key: str(c.hint) % params for c in CRITERIA}
    if past:
        hints["availability"] = _("Ihr Verfügbarkeitsdatum liegt in der Vergangenheit – bitte aktualisieren.")
    if latest is None:
        hints["history"] = _("Tragen Sie Ihr letztes Mandat ein und beschreiben Sie das Ergebnis.")
    if 0 < skills < MIN_SKILLS:
        hints["skills"] = str(_("Wählen Sie mindestens %(min_skills)d Kompetenzen (bisher %(have)d).")) % params
    checks = [Check(c, done[c.key], hints[c.key]) for c in CRITERIA]
    return Completeness(score=sum(c.criterion.weight for c in checks if c.done), checks=checks)
