"""Writes to mandates and candidacies: every change that spans rows, records a fact or notifies someone.

Each service locks the row it reads before it writes (``select_for_update`` in a small atomic block), so two staff
members working on the same mandate or candidate never overwrite each other's change. Notifications are written
as outbox rows in the same transaction; workers deliver them after commit.
"""

import calendar
import dataclasses
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from managers.models import ManagerProfile
from managers.services import manager_set_status
from manatnet.queue import enqueue_on_commit
from notifications.services import notification_create

from . import matching
from .models import Candidacy, Mandate, MandateStatusChange, Placement, StageChange
from .search import mandate_facts, profile_facts
from .tasks import match_mandate

Stage = Candidacy.Stage

# The pipeline. Staff may skip ahead (a manager they know well goes straight onto the shortlist) and step back
# one step; a "no" (declined/withdrawn) can be reopened, because clients and managers change their minds.
# PLACED is reached only through ``placement_record``, which also closes the mandate.
TRANSITIONS = {
    Stage.PROPOSED: {Stage.CONTACTED, Stage.INTERESTED, Stage.SHORTLISTED, Stage.WITHDRAWN},
    Stage.CONTACTED: {Stage.PROPOSED, Stage.INTERESTED, Stage.SHORTLISTED, Stage.WITHDRAWN},
    Stage.INTERESTED: {Stage.CONTACTED, Stage.SHORTLISTED, Stage.WITHDRAWN},
    Stage.SHORTLISTED: {Stage.INTERESTED, Stage.PRESENTED, Stage.WITHDRAWN},
    Stage.PRESENTED: {Stage.INTERVIEW, Stage.DECLINED, Stage.WITHDRAWN},
    Stage.INTERVIEW: {Stage.PRESENTED, Stage.DECLINED, Stage.WITHDRAWN},
    Stage.DECLINED: {Stage.PROPOSED, Stage.INTERVIEW},
    Stage.WITHDRAWN: {Stage.PROPOSED},
    Stage.PLACED: set(),
}
# Stages from which a placement can be recorded: any candidate still in the race.
PLACEABLE = {Stage.PROPOSED, Stage.CONTACTED, Stage.INTERESTED, Stage.SHORTLISTED, Stage.PRESENTED, Stage.INTERVIEW}
# Which stage changes the manager hears about, and under which notification kind.
MANAGER_NOTIFICATIONS = {
    Stage.SHORTLISTED: "candidacy_shortlisted",
    Stage.PRESENTED: "candidacy_presented",
    Stage.DECLINED: "candidacy_declined",
}


def allowed_stages(stage):
    """The stages a candidacy in ``stage`` may move to by hand, in pipeline order (for forms)."""
    targets = TRANSITIONS.get(stage, set())
    return [choice for choice in Stage if choice in targets]


def score_snapshot(match_score):
    """A MatchScore as JSON: the explanation staff and client saw at the time, kept even if the profile changes."""
    if match_score is None:
        return None, {}
    detail = dataclasses.asdict(match_score) if dataclasses.is_dataclass(match_score) else dict(match_score)
    return float(match_score.total), _jsonable(detail)


def _jsonable(value):
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def add_months(day, months):
    """``day`` plus ``months`` calendar months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _record_mandate_status(mandate, status, by, at):
    MandateStatusChange.objects.create(mandate=mandate, from_status=mandate.status, to_status=status, at=at, by=by)
    mandate.status = status


def _record_stage(candidacy, stage, by, at, reason=""):
    StageChange.objects.create(
        candidacy=candidacy, from_stage=candidacy.stage, to_stage=stage, at=at, by=by, reason=reason
    )
    candidacy.stage = stage
    kind = MANAGER_NOTIFICATIONS.get(stage)
    if kind:
        context = {"candidacy_id": candidacy.pk, "mandate_id": candidacy.mandate_id}
        if reason:
            context["reason"] = reason
        notification_create(
            recipient=candidacy.manager.user,
            kind=kind,
            key=f"candidacy:{candidacy.pk}",
            context=context,
        )


def _lock_candidacy(candidacy):
    # of=("self",) keeps PostgreSQL from refusing FOR UPDATE on the nullable side of the joins.
    return (
        Candidacy.objects.select_for_update(of=("self",))
        .select_related("manager__user", "mandate")
        .get(pk=candidacy.pk)
    )


# --- Mandates -----------------------------------------------------------------------------------------------------


@transaction.atomic
def mandate_open(*, mandate, by):
    """Open a draft mandate: it becomes visible to matching, and the opening time is recorded."""
    mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
    if mandate.status != Mandate.Status.DRAFT:
        raise ValidationError(
            _("Nur Entwürfe können eröffnet werden; dieses Mandat ist „%(status)s“.")
            % {"status": mandate.get_status_display()}
        )
    now = timezone.now()
    _record_mandate_status(mandate, Mandate.Status.OPEN, by, now)
    mandate.opened_at = now
    mandate.save(update_fields=["status", "opened_at"])
    # Matching hook: after commit, rank and alert (never fails the save if Redis is down; see manatnet/queue.py).
    enqueue_on_commit(match_mandate, mandate.pk)
    return mandate


@transaction.atomic
def mandate_set_status(*, mandate, status, by):
    """Move a mandate to any other status by hand (e.g. lost, cancelled); closing records ``closed_at``."""
    mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
    if status == mandate.status:
        return mandate
    if status == Mandate.Status.DRAFT:
        raise ValidationError(_("Ein eröffnetes Mandat kann nicht wieder zum Entwurf werden."))
    if status == Mandate.Status.WON:
        raise ValidationError(_("„Gewonnen“ entsteht nur durch das Erfassen einer Platzierung."))
    now = timezone.now()
    _record_mandate_status(mandate, status, by, now)
    mandate.closed_at = now if status in Mandate.CLOSED_STATUSES else None
    if mandate.opened_at is None:
        mandate.opened_at = now
    mandate.save(update_fields=["status", "closed_at", "opened_at"])
    if status in Mandate.CLOSED_STATUSES:
        # Nobody stays "in the race" for a mandate that is gone; the funnel would count them as still waiting.
        reason = _("Mandat geschlossen: %(status)s") % {"status": mandate.get_status_display()}
        _withdraw_others(mandate, exclude_pk=None, by=by, at=now, reason=reason)
    return mandate


def _withdraw_others(mandate, *, exclude_pk, by, at, reason):
    others = (
        Candidacy.objects.select_for_update(of=("self",))
        .select_related("manager__user")
        .filter(mandate=mandate)
        .exclude(stage__in=[*Candidacy.NO_STAGES, Stage.PLACED])
    )
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    for other in others:
        _record_stage(other, Stage.WITHDRAWN, by, at, reason)
        other.save(update_fields=["stage", "updated_at"])


# --- Candidacies --------------------------------------------------------------------------------------------------


def _compute_score(mandate, manager):
    (facts,) = profile_facts([manager])
    return matching.score(facts, mandate_facts(mandate))


@transaction.atomic
def candidacy_add(*, mandate, manager, by, score=None):
    """Put a manager on a mandate's list (stage "proposed") with a snapshot of their score; idempotent.

    ``score`` is the MatchScore the caller already has (from the ranking); without it the score is computed.
    """
    mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
    if not mandate.is_open:
        raise ValidationError(_("Kandidaten können nur zu offenen Mandaten hinzugefügt werden."))
    existing = Candidacy.objects.filter(mandate=mandate, manager=manager).first()
    if existing:
        return existing
    total, detail = score_snapshot(score if score is not None else _compute_score(mandate, manager))
    last = mandate.candidacies.aggregate(last=Max("position"))["last"]
    now = timezone.now()
    candidacy = Candidacy.objects.create(
        mandate=mandate,
        manager=manager,
        position=0 if last is None else last + 1,
        score=total,
        score_detail=detail,
        created_at=now,
    )
    StageChange.objects.create(candidacy=candidacy, to_stage=Stage.PROPOSED, at=now, by=by)
    if mandate.status == Mandate.Status.OPEN and by is not None:
        # Staff started building the list; a manager answering an alert (by=None) does not change the mandate.
        _record_mandate_status(mandate, Mandate.Status.SHORTLISTING, by, now)
        mandate.save(update_fields=["status"])
    return candidacy


@transaction.atomic
def candidacy_move(*, candidacy, to_stage, by, reason="", from_stage=None):
    """Move a candidacy to another pipeline stage and record who did it, when and (for every "no") why.

    ``from_stage`` is the stage the staff member saw when deciding; if someone else moved the candidate in the
    meantime the move is refused instead of silently overwriting their change.
    """
    reason = (reason or "").strip()
    if to_stage == Stage.PLACED:
        placement_record(candidacy=candidacy, by=by)
        candidacy.refresh_from_db()
        return candidacy
    candidacy = _lock_candidacy(candidacy)
    if from_stage and from_stage != candidacy.stage:
        raise ValidationError(
            _("Die Phase wurde inzwischen geändert (jetzt: „%(stage)s“). Bitte prüfen Sie die Kandidatur erneut.")
            % {"stage": candidacy.get_stage_display()}
        )
    if to_stage == candidacy.stage:
        return candidacy
    if to_stage not in TRANSITIONS.get(candidacy.stage, set()):
        raise ValidationError(
            _("Von „%(current)s“ kann nicht nach „%(target)s“ gewechselt werden.")
            % {"current": candidacy.get_stage_display(), "target": Stage(to_stage).label}
        )
    if to_stage in Candidacy.NO_STAGES and not reason:
        raise ValidationError(_("Für eine Absage oder einen Rückzug ist eine Begründung nötig."))
    _record_stage(candidacy, to_stage, by, timezone.now(), reason)
    candidacy.save(update_fields=["stage", "updated_at"])
    return candidacy


@transaction.atomic
def candidacy_update_note(*, candidacy, note_for_client):
    candidacy = _lock_candidacy(candidacy)
    candidacy.note_for_client = note_for_client.strip()
    candidacy.save(update_fields=["note_for_client", "updated_at"])
    return candidacy


@transaction.atomic
def candidacy_reorder(*, mandate, order):
    """Set the shortlist order: ``order`` lists candidacy ids first to last; ids not listed keep their place after."""
    mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
    candidacies = {c.pk: c for c in mandate.candidacies.all()}
    order = [int(pk) for pk in order if int(pk) in candidacies]
    rest = [pk for pk in sorted(candidacies, key=lambda pk: (candidacies[pk].position, pk)) if pk not in order]
    for position, pk in enumerate(order + rest):
        candidacies[pk].position = position
    Candidacy.objects.bulk_update(candidacies.values(), ["position"])
    return [candidacies[pk] for pk in order + rest]


@transaction.atomic
def candidacy_move_by(*, candidacy, delta):
    """Move one candidacy ``delta`` places up (negative) or down in its mandate's order."""
    ids = list(candidacy.mandate.candidacies.order_by("position", "-score", "id").values_list("pk", flat=True))
    index = ids.index(candidacy.pk)
    target = max(0, min(len(ids) - 1, index + delta))
    ids.insert(target, ids.pop(index))
    return candidacy_reorder(mandate=candidacy.mandate, order=ids)


# --- Shortlist and placement --------------------------------------------------------------------------------------


def _client_recipients(mandate):
    """The mandate's named contacts; a mandate without named contacts goes to every contact of the company."""
    contacts = list(mandate.contacts.select_related("user"))
    return contacts or list(mandate.company.contacts.select_related("user"))


@transaction.atomic
def shortlist_send(*, mandate, by):
    """Release every shortlisted candidate to the client: they become visible on the client's page, are marked
    presented, the mandate is presented, and contacts and managers are notified."""
    mandate = Mandate.objects.select_for_update().select_related("company").get(pk=mandate.pk)
    if not mandate.is_open:
        raise ValidationError(_("Nur für offene Mandate kann eine Shortlist gesendet werden."))
    candidacies = list(
        Candidacy.objects.select_for_update(of=("self",))
        .select_related("manager__user")
        .filter(mandate=mandate, stage=Stage.SHORTLISTED)
    )
    if not candidacies:
        raise ValidationError(_("Auf der Shortlist steht noch niemand (Phase „Auf der Shortlist“)."))
    recipients = _client_recipients(mandate)
    if not recipients:
        raise ValidationError(_("Der Kunde hat keinen Ansprechpartner mit Zugang; bitte zuerst einen anlegen."))
    now = timezone.now()
    for candidacy in candidacies:
        candidacy.mandate = mandate
        _record_stage(candidacy, Stage.PRESENTED, by, now)
        candidacy.released_at = now
        candidacy.save(update_fields=["stage", "released_at", "updated_at"])
    if mandate.status != Mandate.Status.PRESENTED:
        _record_mandate_status(mandate, Mandate.Status.PRESENTED, by, now)
    mandate.shortlist_sent_at = now
    mandate.save(update_fields=["status", "shortlist_sent_at"])
    for contact in recipients:
        notification_create(
            recipient=contact.user,
            kind="shortlist_sent",
            key=f"mandate:{mandate.pk}:{now:%Y%m%d%H%M}",
            context={"mandate_id": mandate.pk, "candidacy_ids": [c.pk for c in candidacies]},
        )
    return candidacies


@transaction.atomic
def placement_record(*, candidacy, by, starts_on=None, day_rate=None):
    """The manager got the mandate: record the placement, close the mandate as won, mark the manager placed and
    busy until the mandate ends, and withdraw everyone else still in the race."""
    mandate = Mandate.objects.select_for_update().get(pk=candidacy.mandate_id)
    candidacy = _lock_candidacy(candidacy)
    if not mandate.is_open:
        raise ValidationError(
            _("Das Mandat ist nicht mehr offen („%(status)s“).") % {"status": mandate.get_status_display()}
        )
    if candidacy.stage not in PLACEABLE:
        raise ValidationError(
            _("Aus der Phase „%(stage)s“ kann keine Platzierung erfasst werden.")
            % {"stage": candidacy.get_stage_display()}
        )
    now = timezone.now()
    starts_on = starts_on or mandate.start_date or timezone.localdate()
    ends_on = add_months(starts_on, mandate.duration_months) if mandate.duration_months else None
    placement = Placement.objects.create(
        mandate=mandate,
        manager=candidacy.manager,
        placed_at=now,
        starts_on=starts_on,
        ends_on=ends_on,
        day_rate=day_rate,
    )
    _record_stage(candidacy, Stage.PLACED, by, now)
    candidacy.save(update_fields=["stage", "updated_at"])
    _record_mandate_status(mandate, Mandate.Status.WON, by, now)
    mandate.closed_at = now
    mandate.save(update_fields=["status", "closed_at"])

    profile = manager_set_status(
        profile=candidacy.manager, status=ManagerProfile.Status.PLACED, reason=f"mandate:{mandate.pk}", at=now
    )
    if ends_on:
        # Free again the day after the mandate ends; without a known duration the date stays as the manager set it.
        profile.available_from = ends_on + timedelta(days=1)
        profile.save(update_fields=["available_from"])

    _withdraw_others(
        mandate, exclude_pk=candidacy.pk, by=by, at=now, reason=_("Mandat an einen anderen Kandidaten vergeben")
    )
    return placement


# --- Answers from managers and clients ----------------------------------------------------------------------------


@transaction.atomic
def manager_respond(*, interested, reason="", candidacy=None, mandate=None, profile=None):
    """A manager says "I'm interested" or "not for me (reason)" about an open mandate; the answer can be changed.

    Either ``candidacy`` or ``mandate`` + ``profile``: answering a mandate nobody suggested yet creates the candidacy.
    """
    reason = (reason or "").strip()
    if not interested and not reason:
        raise ValidationError(_("Bitte nennen Sie kurz den Grund, warum das Mandat nicht passt."))
    if candidacy is None:
        mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
        if not mandate.is_open:
            raise ValidationError(_("Dieses Mandat ist nicht mehr offen."))
        candidacy = Candidacy.objects.filter(mandate=mandate, manager=profile).first()
        if candidacy is None:
            match = _compute_score(mandate, profile)
            if match.excluded:
                # Only mandates shown on the dashboard can be answered; a hard-filter failure is never shown.
                raise ValidationError(_("Dieses Mandat passt nicht zu Ihrem Profil."))
            candidacy = candidacy_add(mandate=mandate, manager=profile, by=None, score=match)
    candidacy = _lock_candidacy(candidacy)
    if not candidacy.mandate.is_open:
        raise ValidationError(_("Dieses Mandat ist nicht mehr offen."))
    now = timezone.now()
    candidacy.manager_response = Candidacy.Response.INTERESTED if interested else Candidacy.Response.NOT_INTERESTED
    candidacy.manager_response_reason = "" if interested else reason[:200]
    candidacy.responded_at = now
    fields = ["manager_response", "manager_response_reason", "responded_at", "updated_at"]
    if interested and candidacy.stage in (Stage.PROPOSED, Stage.CONTACTED):
        _record_stage(candidacy, Stage.INTERESTED, candidacy.manager.user, now)
        fields.append("stage")
    candidacy.save(update_fields=fields)
    owner = candidacy.mandate.owner
    if interested and owner is not None:
        notification_create(
            recipient=owner,
            kind="manager_interested",
            key=f"candidacy:{candidacy.pk}",
            context={"candidacy_id": candidacy.pk, "mandate_id": candidacy.mandate_id},
        )
    return candidacy


# Stages in which the client's "meet: yes / no" still decides something (and may be changed).
CLIENT_ANSWER_STAGES = (Stage.PRESENTED, Stage.INTERVIEW, Stage.DECLINED)


def client_can_answer(candidacy):
    return candidacy.released_at is not None and candidacy.stage in CLIENT_ANSWER_STAGES and candidacy.mandate.is_open


@transaction.atomic
def client_feedback(*, candidacy, user, wants_meeting, comment=""):
    """A client contact says whether they want to meet a presented candidate; "no" needs a short comment.

    "Yes" moves the candidate to the interview stage, "no" to declined with the comment as reason; the mandate's
    owner is told.
    """
    comment = (comment or "").strip()
    if not wants_meeting and not comment:
        raise ValidationError(_("Bitte sagen Sie uns kurz, warum Sie diese Person nicht kennenlernen möchten."))
    candidacy = _lock_candidacy(candidacy)
    if not client_can_answer(candidacy):
        raise ValidationError(_("Zu dieser Person ist keine Rückmeldung mehr möglich."))
    now = timezone.now()
    candidacy.client_wants_meeting = wants_meeting
    candidacy.client_feedback = comment
    candidacy.client_feedback_at = now
    target = Stage.INTERVIEW if wants_meeting else Stage.DECLINED
    if candidacy.stage != target:
        reason = comment[:200] if not wants_meeting else ""
        _record_stage(candidacy, target, user, now, reason)
    candidacy.save(
        update_fields=["client_wants_meeting", "client_feedback", "client_feedback_at", "stage", "updated_at"]
    )
    owner = candidacy.mandate.owner
    if owner is not None:
        notification_create(
            recipient=owner,
            kind="client_feedback",
            key=f"candidacy:{candidacy.pk}:feedback",
            context={"candidacy_id": candidacy.pk, "mandate_id": candidacy.mandate_id},
        )
    return candidacy
