"""Who is considered for a mandate, in which order, at which stage, and what the client is told about them."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from manatnet import limits
from notifications.services import notification_create

from .. import matching
from ..matching.facts import mandate_facts, profile_facts
from ..models import Candidacy, DeclineReason, Mandate, StageChange
from . import stages
from .stages import Stage, lock_candidacy, record_mandate_status


def score_snapshot(match_score):
    """A MatchScore as (total, JSON): the explanation staff and client saw at the time, kept even if the profile
    changes."""
    if match_score is None:
        return None, {}
    return float(match_score.total), match_score.as_dict()


def compute_score(mandate, manager):
    (facts,) = profile_facts([manager])
    return matching.score(facts, mandate_facts(mandate))


@transaction.atomic
def candidacy_add(*, mandate, manager, by, score=None):
    """Put a manager on a mandate's list (stage "proposed") with a snapshot of their score; idempotent.

    ``score`` is the MatchScore the caller already has (from the ranking); without it the score is computed.
    The client price starts as the manager's rate plus the margin; staff may change it.
    """
    mandate = Mandate.objects.select_for_update().select_related("company").get(pk=mandate.pk)
    if not mandate.is_open:
        raise ValidationError(_("Kandidaten können nur zu offenen Mandaten hinzugefügt werden."))
    existing = Candidacy.objects.filter(mandate=mandate, manager=manager).first()
    if existing:
        return existing
    total, detail = score_snapshot(score if score is not None else compute_score(mandate, manager))
    last = mandate.candidacies.aggregate(last=Max("position"))["last"]
    now = timezone.now()
    candidacy = Candidacy.objects.create(
        mandate=mandate,
        manager=manager,
        position=0 if last is None else last + 1,
        score=total,
        score_detail=detail,
        client_price=mandate.default_client_price(manager),
        created_at=now,
    )
    StageChange.objects.create(candidacy=candidacy, to_stage=Stage.PROPOSED, at=now, by=by)
    if mandate.status == Mandate.Status.OPEN and by is not None:
        # Staff started building the list; a manager answering an alert (by=None) does not change the mandate.
        record_mandate_status(mandate, Mandate.Status.SHORTLISTING, by, now)
        mandate.save(update_fields=["status"])
    return candidacy


def _check_move(candidacy, to_stage, reason, manager_reason):
    if to_stage not in stages.TRANSITIONS.get(candidacy.stage, set()):
        raise ValidationError(
            _("Von „%(current)s“ kann nicht nach „%(target)s“ gewechselt werden.")
            % {"current": candidacy.get_stage_display(), "target": Stage(to_stage).label}
        )
    if to_stage in Candidacy.NO_STAGES and not reason:
        raise ValidationError(_("Für eine Absage oder einen Rückzug ist eine Begründung nötig."))
    if to_stage == Stage.DECLINED and manager_reason not in DeclineReason.values:
        raise ValidationError(
            _("Bitte wählen Sie, welche neutrale Begründung der Manager erfährt; Ihre interne Begründung sieht er nie.")
        )


def _reopen(candidacy):
    """A candidate back in the race starts afresh for the client: a new presentation (with consent), a new
    release; the number on the client's page stays."""
    candidacy.presented_at = candidacy.released_at = candidacy.released_by = None
    candidacy.manager_reason = candidacy.manager_reason_text = ""
    return ["presented_at", "released_at", "released_by", "manager_reason", "manager_reason_text"]


@transaction.atomic
def candidacy_move(*, candidacy, to_stage, by, reason="", from_stage=None, manager_reason="", manager_reason_text=""):
    """Move a candidacy to another pipeline stage and record who did it, when and (for every "no") why.

    ``reason`` is internal. Declining also needs ``manager_reason``, the neutral ``DeclineReason`` the manager is
    told (``manager_reason_text`` rewords it), so the client's or staff's own words never reach the manager.
    ``from_stage`` is the stage the staff member saw when deciding; if someone else moved the candidate in the
    meantime the move is refused instead of silently overwriting their change.
    """
    reason = (reason or "").strip()
    if to_stage == Stage.PLACED:
        raise ValidationError(_("Eine Platzierung wird mit Start und beiden Tagessätzen erfasst, nicht als Phase."))
    candidacy = lock_candidacy(candidacy)
    if from_stage and from_stage != candidacy.stage:
        raise ValidationError(
            _("Die Phase wurde inzwischen geändert (jetzt: „%(stage)s“). Bitte prüfen Sie die Kandidatur erneut.")
            % {"stage": candidacy.get_stage_display()}
        )
    if to_stage == candidacy.stage:
        return candidacy
    _check_move(candidacy, to_stage, reason, manager_reason)
    fields = []
    if candidacy.stage in Candidacy.NO_STAGES and to_stage == Stage.PROPOSED:
        fields += _reopen(candidacy)
    now = timezone.now()
    fields += stages.record_stage(candidacy, to_stage, by, now, reason)
    if to_stage == Stage.DECLINED:
        candidacy.manager_reason = manager_reason
        candidacy.manager_reason_text = (manager_reason_text or "").strip()[:300]
        fields += ["manager_reason", "manager_reason_text"]
        notification_create(
            recipient=candidacy.manager.user,
            kind="candidacy_declined",
            key=f"candidacy:{candidacy.pk}",
            context={"candidacy_id": candidacy.pk, "mandate_id": candidacy.mandate_id},
        )
    candidacy.save(update_fields=fields)
    return candidacy


@transaction.atomic
def candidacy_update_for_client(*, candidacy, note_for_client, client_price, show_score_to_client):
    """What the client reads about a candidate besides the profile: staff's assessment, the offered day rate and
    (only if staff choose) the score."""
    candidacy = lock_candidacy(candidacy)
    if client_price is not None and client_price < 0:
        raise ValidationError(_("Der Tagessatz für den Kunden kann nicht negativ sein."))
    candidacy.note_for_client = (note_for_client or "").strip()
    candidacy.client_price = client_price
    limits.clean_only(candidacy, "note_for_client", "client_price")
    candidacy.show_score_to_client = bool(show_score_to_client)
    candidacy.save(update_fields=["note_for_client", "client_price", "show_score_to_client", "updated_at"])
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
