"""The candidacy pipeline: which stage may follow which, and recording a stage change with what it causes.

Every stage change goes through ``record_stage``: it writes the ``StageChange`` row, queues the manager's mail
where there is one, and ends the client's access when a candidate leaves the client's view (the frozen CV copy
is deleted once the change is committed).
"""

from django.db import transaction

from managers.cv import delete_cv_file
from notifications.services import notification_create

from ..models import Candidacy, MandateStatusChange, StageChange

Stage = Candidacy.Stage

# The pipeline. Staff may skip ahead (a manager they know well goes straight onto the shortlist) and step back
# one step; a "no" (declined/withdrawn) can be reopened, because clients and managers change their minds.
# PRESENTED is reached only by sending the shortlist (``shortlist_send``, which requires consent), PLACED only
# through ``placement_record``, which also closes the mandate.
TRANSITIONS = {
    Stage.PROPOSED: {Stage.CONTACTED, Stage.INTERESTED, Stage.SHORTLISTED, Stage.WITHDRAWN},
    Stage.CONTACTED: {Stage.PROPOSED, Stage.INTERESTED, Stage.SHORTLISTED, Stage.WITHDRAWN},
    Stage.INTERESTED: {Stage.CONTACTED, Stage.SHORTLISTED, Stage.WITHDRAWN},
    Stage.SHORTLISTED: {Stage.INTERESTED, Stage.WITHDRAWN},
    Stage.PRESENTED: {Stage.INTERVIEW, Stage.DECLINED, Stage.WITHDRAWN},
    Stage.INTERVIEW: {Stage.PRESENTED, Stage.DECLINED, Stage.WITHDRAWN},
    Stage.DECLINED: {Stage.PROPOSED},
    Stage.WITHDRAWN: {Stage.PROPOSED},
    Stage.PLACED: set(),
}
# Stages from which a placement can be recorded: any candidate still in the race.
PLACEABLE = {Stage.PROPOSED, Stage.CONTACTED, Stage.INTERESTED, Stage.SHORTLISTED, Stage.PRESENTED, Stage.INTERVIEW}
# Which stage changes the manager hears about at once, and under which notification kind. A "no" is told only
# with the neutral reason staff choose (``candidacy_move`` to DECLINED), never automatically.
MANAGER_NOTIFICATIONS = {
    Stage.SHORTLISTED: "candidacy_shortlisted",
    Stage.PRESENTED: "candidacy_presented",
}


def allowed_stages(stage):
    """The stages a candidacy in ``stage`` may move to by hand, in pipeline order (for forms)."""
    targets = TRANSITIONS.get(stage, set())
    return [choice for choice in Stage if choice in targets]


def lock_candidacy(candidacy):
    # of=("self",) keeps PostgreSQL from refusing FOR UPDATE on the nullable side of the joins.
    return (
        Candidacy.objects.select_for_update(of=("self",))
        .select_related("manager__user", "mandate__company")
        .get(pk=candidacy.pk)
    )


def record_mandate_status(mandate, status, by, at):
    MandateStatusChange.objects.create(mandate=mandate, from_status=mandate.status, to_status=status, at=at, by=by)
    mandate.status = status


def end_client_access(candidacy):
    """The client loses the released CV copy (deleted after commit); returns the fields changed."""
    if not candidacy.released_cv_file:
        return []
    name = candidacy.released_cv_file
    transaction.on_commit(lambda: delete_cv_file(name))
    candidacy.released_cv_file = candidacy.released_cv_name = ""
    return ["released_cv_file", "released_cv_name"]


def record_stage(candidacy, stage, by, at, reason=""):
    """Move ``candidacy`` to ``stage`` in memory and log it; returns the fields to save (the caller saves)."""
    StageChange.objects.create(
        candidacy=candidacy, from_stage=candidacy.stage, to_stage=stage, at=at, by=by, reason=reason
    )
    candidacy.stage = stage
    fields = ["stage", "updated_at"]
    if stage not in Candidacy.SHOWN_STAGES:
        fields += end_client_access(candidacy)
    kind = MANAGER_NOTIFICATIONS.get(stage)
    if kind:
        notification_create(
            recipient=candidacy.manager.user,
            kind=kind,
            key=f"candidacy:{candidacy.pk}",
            context={"candidacy_id": candidacy.pk, "mandate_id": candidacy.mandate_id},
        )
    return fields


def withdraw_others(mandate, *, exclude_pk, by, at, reason):
    """Everyone still in the race for ``mandate`` (but ``exclude_pk``) is withdrawn with ``reason``."""
    others = (
        Candidacy.objects.select_for_update(of=("self",))
        .select_related("manager__user")
        .filter(mandate=mandate)
        .exclude(stage__in=[*Candidacy.NO_STAGES, Stage.PLACED])
    )
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    for other in others:
        other.save(update_fields=record_stage(other, Stage.WITHDRAWN, by, at, reason))
