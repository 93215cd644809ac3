"""What each party sees, defined once: the client's view of a candidate, the manager's view of a mandate and of
their candidacy, and a match explanation for staff, managers and clients.

Pages, e-mails, the GDPR export (and later the PDF dossier and the API) build their output from these plain
frozen dataclasses and nothing else, so "anonymous" or "confidential" cannot mean different things in different
places. Presenters never query: callers hand in rows loaded with what they need (``mandates.access``).

The rules (docs/security.md, "Who sees what"):

- A client sees a presented candidate as an anonymous card: no name, initials, photo, contact data, employer
  names (industry and company size instead), CV or file name, LinkedIn, or place more precise than the region.
  Free texts (headline, summary, history, staff's assessment) are shown with every known identifier of the person
  (names, e-mail, phone, LinkedIn, town, postcode, employers) cut out. Once staff release the identity the card
  names the person and offers the CV frozen at release. Never: the manager's own day rate (the client sees the
  offered price), the raw score (only if staff choose to show it), other companies' anything.
- When the client's access ends (candidate withdrawn, declined or placed, mandate closed) only a minimal record
  is left: the candidate's number, the outcome and the client's own answer.
- A manager sees a mandate through its public title and summary; the client's name and the town only once staff
  named the client to them. Never the internal title, brief or notes, the client price, the client's comment.
"""

import re
from dataclasses import asdict, dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .matching import percent
from .models import Candidacy, Mandate

Stage = Candidacy.Stage

# --- Match explanations -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionRow:
    key: str
    label: str
    points: int  # rounded with matching.percent, like every score figure
    share: int  # the most points the criterion could give (its normalised weight); 0 = not counted
    sentence: str
    hard_fail: bool
    met: bool

    @property
    def counted(self):
        return self.share > 0 or self.points > 0


@dataclass(frozen=True)
class Explanation:
    percent: int
    excluded: bool
    reasons: tuple
    rows: tuple


STAFF, MANAGER = "staff", "manager"


def _rate_for_manager(fraction):
    """The rate criterion in words for the manager: how their rate relates, never the client's budget figure."""
    if fraction >= 1:
        return _("Ihr Tagessatz passt zum Budget des Mandats")
    if fraction > 0:
        return _("Ihr Tagessatz liegt etwas über dem Budget des Mandats")
    return _("Ihr Tagessatz liegt deutlich über dem Budget des Mandats")


def _as_detail(score):
    return score.as_dict() if hasattr(score, "as_dict") else (score or {})


def explanation(score, *, audience=STAFF):
    """A ``MatchScore`` or its snapshot (``Candidacy.score_detail``) explained for staff or for the manager."""
    detail = _as_detail(score)
    rows = []
    for item in detail.get("criteria", []):
        sentence = item.get("sentence", "")
        if audience == MANAGER and item.get("key") == "rate" and item.get("weight"):
            sentence = _rate_for_manager(item.get("fraction", 0))
        rows.append(
            CriterionRow(
                key=item.get("key", ""),
                label=item.get("label", ""),
                points=percent(item.get("points", 0)),
                share=percent(item.get("share", 0)),
                sentence=sentence,
                hard_fail=bool(item.get("hard_fail")),
                met=bool(item.get("met")),
            )
        )
    return Explanation(
        percent=percent(detail.get("total", 0)),
        excluded=bool(detail.get("excluded")),
        reasons=tuple(detail.get("reasons", ())),
        rows=tuple(rows),
    )


def mail_criteria(score):
    """The criteria as kept in a match-alert row (the manager's wording), for the mail templates."""
    return [asdict(row) for row in explanation(score, audience=MANAGER).rows if row.counted]


# What a met criterion says to the client. Rate is left out: it is about the manager's own rate.
CLIENT_CRITERIA = {
    "skills": lambda: _("bringt die geforderten Kompetenzen mit"),
    "function": lambda: _("hat Erfahrung in der gesuchten Funktion"),
    "industry": lambda: _("kennt die Branche"),
    "languages": lambda: _("spricht die geforderten Sprachen im geforderten Niveau"),
    "region": lambda: _("arbeitet in der Region des Einsatzorts"),
    "availability": lambda: _("ist zum Start verfügbar"),
}


def client_criteria(detail):
    """The criteria a candidate fully meets, in words, in the reader's language."""
    return tuple(
        CLIENT_CRITERIA[item["key"]]()
        for item in (detail or {}).get("criteria", [])
        if item.get("met") and item.get("key") in CLIENT_CRITERIA
    )


# --- The client's view of a candidate -----------------------------------------------------------------------------


# Legal forms dropped to find an employer named without one ("Siemens Healthineers" for "… AG").
LEGAL_FORM = re.compile(
    r"[\s,]+(gmbh & co\.? kg|ag & co\.? kg|gmbh|ag|se|kgaa|kg|ohg|ug|e\.\s?v\.|inc\.?|ltd\.?|llc|plc|s\.a\.|b\.v\.)$",
    re.IGNORECASE,
)


def _employer_names(history):
    for entry in history:
        if entry.company:
            yield entry.company
            yield LEGAL_FORM.sub("", entry.company.strip())


class _Redactor:
    """Cuts the known identifiers of one person out of free text shown on an anonymous card."""

    MARK = "[…]"

    def __init__(self, profile, history):
        user = profile.user
        terms = {
            user.get_full_name(),
            user.first_name,
            user.last_name,
            user.email,
            profile.phone,
            profile.linkedin_url,
            profile.city,
            profile.postal_code,
            *_employer_names(history),
        }
        terms = sorted((t.strip() for t in terms if t and len(t.strip()) >= 2), key=len, reverse=True)
        self.pattern = (
            re.compile("|".join(rf"(?<!\w){re.escape(t)}(?!\w)" for t in terms), re.IGNORECASE) if terms else None
        )

    def __call__(self, text):
        if not text or self.pattern is None:
            return text or ""
        return self.pattern.sub(self.MARK, text)


@dataclass(frozen=True)
class HistoryItem:
    role: str
    employer: str  # "" on an anonymous card
    industry: str
    company_size: str
    years: str
    outcome: str


@dataclass(frozen=True)
class Contact:
    email: str
    phone: str
    linkedin_url: str


@dataclass(frozen=True)
class CandidateCard:
    """A candidate in front of the client; anonymous until ``released``."""

    id: int
    number: int
    label: str
    released: bool
    status: str
    headline: str
    summary: str
    functions: tuple
    industries: tuple
    skills: tuple
    languages: tuple
    region: str
    available_from: date | None
    days_per_week: int
    client_price: int | None
    assessment: str
    criteria_met: tuple
    score_percent: int | None
    history: tuple
    contact: Contact | None
    cv_name: str  # "" when there is no released CV to download
    client_wants_meeting: bool | None
    client_comment: str
    kind: str = "card"


@dataclass(frozen=True)
class CandidateRecord:
    """What the client keeps once their access to a candidate ended: no profile, no CV."""

    id: int
    number: int
    label: str
    outcome: str
    client_wants_meeting: bool | None
    client_comment: str
    kind: str = "record"


def _years(entry):
    if entry.ended_on:
        return f"{entry.started_on:%Y}–{entry.ended_on:%Y}"
    return pgettext("history", "seit %(year)s") % {"year": f"{entry.started_on:%Y}"}


def _history(entries, released, redact):
    return tuple(
        HistoryItem(
            role=entry.role if released else redact(entry.role),
            employer=entry.company if released else "",
            industry=entry.industry.name if entry.industry else "",
            company_size=entry.get_company_size_display() if entry.company_size else "",
            years=_years(entry),
            outcome=entry.outcome if released else redact(entry.outcome),
        )
        for entry in entries
    )


def _client_status(candidacy):
    if candidacy.stage == Stage.INTERVIEW:
        return _("Gespräch angefragt")
    return _("Vorgestellt")


def _outcome(candidacy, mandate):
    if candidacy.stage == Stage.PLACED:
        return _("Besetzt")
    if mandate.status not in Mandate.OPEN_STATUSES:
        return _("Mandat abgeschlossen")
    if candidacy.stage == Stage.DECLINED:
        return _("Abgesagt")
    return _("Nicht mehr im Auswahlprozess")


def client_candidate_view(candidacy):
    """The client's view of one presented candidacy: a ``CandidateCard`` while it is shown to them, else a
    ``CandidateRecord``. ``candidacy`` comes with its mandate and the manager's profile data prefetched
    (``mandates.access.client_candidacies_for_page``)."""
    number = candidacy.client_number or 0
    anonymous_label = _("Kandidat %(number)d") % {"number": number}
    if not candidacy.is_shown_to_client:
        return CandidateRecord(
            id=candidacy.pk,
            number=number,
            label=anonymous_label,
            outcome=_outcome(candidacy, candidacy.mandate),
            client_wants_meeting=candidacy.client_wants_meeting,
            client_comment=candidacy.client_feedback,
        )
    profile = candidacy.manager
    history = list(profile.history.all())
    released = candidacy.released_at is not None
    redact = (lambda text: text or "") if released else _Redactor(profile, history)
    return CandidateCard(
        id=candidacy.pk,
        number=number,
        label=profile.display_name if released else anonymous_label,
        released=released,
        status=_client_status(candidacy),
        headline=redact(profile.headline),
        summary=redact(profile.summary),
        functions=tuple(f.name for f in profile.functions.all()),
        industries=tuple(str(i) for i in profile.industries.all()),
        skills=tuple(s.name for s in profile.skills.all()),
        languages=tuple(str(ls) for ls in profile.language_skills.all()),
        region=profile.home_region.name if profile.home_region else "",
        available_from=profile.available_from,
        days_per_week=profile.days_per_week,
        client_price=candidacy.client_price,
        assessment=redact(candidacy.note_for_client),
        criteria_met=client_criteria(candidacy.score_detail),
        score_percent=candidacy.score_percent if candidacy.show_score_to_client else None,
        history=_history(history, released, redact),
        contact=Contact(profile.user.email, profile.phone, profile.linkedin_url) if released else None,
        cv_name=candidacy.released_cv_name if released and candidacy.released_cv_file else "",
        client_wants_meeting=candidacy.client_wants_meeting,
        client_comment=candidacy.client_feedback,
    )


# --- The manager's view of a mandate and of their candidacy -------------------------------------------------------


@dataclass(frozen=True)
class ManagerMandateView:
    id: int
    title: str
    summary: str
    function: str
    region: str
    location: str  # the town, only once the client was named to the manager
    start_date: date | None
    duration_months: int | None
    days_per_week: int
    remote_share: int
    client_name: str  # "" until staff name the client (consent request, placement)


def _public_title(mandate):
    if mandate.public_title:
        return mandate.public_title
    if mandate.function_id:
        return _("Interim-Mandat: %(function)s") % {"function": mandate.function.name}
    return _("Interim-Mandat")


def manager_mandate_view(mandate, candidacy=None):
    """A mandate as a manager may see it; ``candidacy`` (theirs, if any) decides whether the client is named.
    ``mandate`` comes with ``function``, ``region`` and ``company`` loaded."""
    revealed = candidacy is not None and candidacy.client_revealed_at is not None
    return ManagerMandateView(
        id=mandate.pk,
        title=_public_title(mandate),
        summary=mandate.public_summary,
        function=mandate.function.name if mandate.function_id else "",
        region=mandate.region.name if mandate.region_id else "",
        location=mandate.location_city if revealed else "",
        start_date=mandate.start_date,
        duration_months=mandate.duration_months,
        days_per_week=mandate.days_per_week,
        remote_share=mandate.remote_share,
        client_name=mandate.company.name if revealed else "",
    )


# The stages in the manager's words: what happened, never why the client decided.
MANAGER_STATUS = {
    Stage.PROPOSED: lambda: _("Vorgeschlagen"),
    Stage.CONTACTED: lambda: _("Vorgeschlagen"),
    Stage.INTERESTED: lambda: _("Interesse gemeldet"),
    Stage.SHORTLISTED: lambda: _("Auf der Shortlist"),
    Stage.PRESENTED: lambda: _("Dem Kunden vorgestellt"),
    Stage.INTERVIEW: lambda: _("Der Kunde möchte Sie kennenlernen"),
    Stage.DECLINED: lambda: _("Nicht ausgewählt"),
    Stage.WITHDRAWN: lambda: _("Beendet"),
    Stage.PLACED: lambda: _("Platziert"),
}


def manager_status(stage):
    """A stage in the manager's words."""
    return MANAGER_STATUS[Stage(stage)]()


@dataclass(frozen=True)
class ManagerCandidacyView:
    id: int
    mandate: ManagerMandateView
    status: str
    answer: str
    answer_reason: str  # their own words for "not for me"
    answered_at: object
    consent_given_at: object
    score: int | None  # their own match score as snapshotted, rounded like everywhere else
    reason_for_manager: str  # the neutral reason staff chose when the manager was not chosen


def manager_candidacy_view(candidacy):
    """A manager's own candidacy in neutral words (their answer, consent, and what they were told)."""
    return ManagerCandidacyView(
        id=candidacy.pk,
        mandate=manager_mandate_view(candidacy.mandate, candidacy),
        status=manager_status(candidacy.stage),
        answer=candidacy.get_manager_response_display() if candidacy.manager_response else "",
        answer_reason=candidacy.manager_response_reason,
        answered_at=candidacy.responded_at,
        consent_given_at=candidacy.consent_at,
        score=candidacy.score_percent,
        reason_for_manager=str(candidacy.manager_message()) if candidacy.stage == Stage.DECLINED else "",
    )
