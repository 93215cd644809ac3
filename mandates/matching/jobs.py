"""Matching as background work (Celery tasks): rank candidates when a mandate opens, re-match a manager after a profile edit.

Both write "match_alert" outbox rows keyed ``mandate:<id>`` per manager; the unique (recipient, kind, key) makes
every alert exist at most once, however often matching runs (nudge, periodic catch-up, profile edits).
Explanations are rendered here, in each recipient's language, and kept in the row: the mail shows the score the
manager had when the alert was raised, the same numbers staff saw in the ranking.
"""

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone, translation

from managers.models import ManagerProfile
from manatnet.queue import enqueue
from notifications.models import Notification
from notifications.services import notification_create, notifications_create_bulk

from ..models import IndexChange, Mandate
from ..presenters import mail_criteria
from . import changes, spec
from .facts import mandate_facts, profile_facts
from .ranking import rank
from .reverse import matching_mandates_for

logger = logging.getLogger(__name__)

BASE_LANGUAGE = "de"
FIRST_WINDOW = 200


def strong_matches(mandate, threshold, today=None):
    """Every manager scoring at least ``threshold``, best first. ``rank`` returns a top k, so the window grows
    until its last entry falls below the threshold (or the pool is exhausted)."""
    limit = FIRST_WINDOW
    while True:
        ranked = rank(mandate, limit=limit, today=today)
        if len(ranked) < limit or ranked[-1][1].total < threshold:
            return [(profile, score) for profile, score in ranked if score.total >= threshold]
        limit *= 4


def _explained_in_recipient_language(mandate, matches, today):
    """Re-explain the scores of managers who read e-mails in another language (the numbers do not change)."""
    others = [profile for profile, _score in matches if profile.email_language != BASE_LANGUAGE]
    if not others:
        return {}
    facts = dict(zip([p.id for p in others], profile_facts(others), strict=True))
    brief = mandate_facts(mandate)
    explained = {}
    for profile in others:
        with translation.override(profile.email_language):
            explained[profile.id] = spec.score(facts[profile.id], brief, today=today)
    return explained


def _alert(profile, mandate, match_score):
    return Notification(
        recipient=profile.user,
        kind="match_alert",
        key=f"mandate:{mandate.pk}",
        language=profile.email_language,
        via_digest=profile.notify_matches == ManagerProfile.Notify.DAILY,
        context={
            "mandate_id": mandate.pk,
            # Unrounded: the mail rounds it with spec.percent, like every other place that shows it.
            "score": match_score.total,
            "criteria": mail_criteria(match_score),
        },
    )


def _alert_strong_matches(mandate, threshold, today):
    """Alert every strong match who wants alerts (unique per manager and mandate in the outbox)."""
    with translation.override(BASE_LANGUAGE):
        matches = strong_matches(mandate, threshold, today=today)
    explained = _explained_in_recipient_language(mandate, matches, today)
    notifications_create_bulk(
        [
            _alert(profile, mandate, explained.get(profile.id, score))
            for profile, score in matches
            if profile.notify_matches != ManagerProfile.Notify.NEVER
        ]
    )
    return matches


@transaction.atomic
def mandate_match(*, mandate_id, today=None):
    """Rank an opened mandate's candidates, alert the strong matches who want alerts, tell the owner, and record
    ``matched_at``. Idempotent: a mandate already matched (or no longer open) is left alone; alerts and the owner's
    summary are unique per recipient and mandate, so even two concurrent runs write each row once."""
    mandate = Mandate.objects.filter(pk=mandate_id).select_related("owner").first()
    if mandate is None or not mandate.is_open or mandate.matched_at is not None:
        return None
    threshold = spec.alert_threshold()
    matches = _alert_strong_matches(mandate, threshold, today or timezone.localdate())
    if mandate.owner is not None:
        notification_create(
            recipient=mandate.owner,
            kind="mandate_opened_summary",
            key=f"mandate:{mandate.pk}",
            context={"mandate_id": mandate.pk, "strong_count": len(matches), "threshold": threshold},
        )
    Mandate.objects.filter(pk=mandate.pk, matched_at__isnull=True).update(matched_at=timezone.now())
    return len(matches)


@transaction.atomic
def mandate_rematch(*, mandate_id, today=None):
    """After staff edited the brief of a mandate whose opening round ran: alert managers who now match strongly.
    Those alerted before are skipped by the outbox's unique key; a mandate not yet matched is left to
    ``mandate_match``."""
    mandate = Mandate.objects.filter(pk=mandate_id).first()
    if mandate is None or not mandate.is_open or mandate.matched_at is None:
        return None
    return len(_alert_strong_matches(mandate, spec.alert_threshold(), today or timezone.localdate()))


@transaction.atomic
def profile_rematch(*, profile_id, today=None):
    """Alert a manager about open mandates they now match strongly; mandates they were alerted about before are
    skipped by the outbox's unique key, so an edit never repeats an alert."""
    profile = ManagerProfile.objects.select_related("user").filter(pk=profile_id).first()
    if (
        profile is None
        or profile.status != ManagerProfile.Status.ACTIVE
        or profile.notify_matches == ManagerProfile.Notify.NEVER
    ):
        return 0
    threshold = spec.alert_threshold()
    # Only mandates whose opening round already ran: the others are alerted by ``mandate_match`` itself.
    with translation.override(profile.email_language or BASE_LANGUAGE):
        matches = [
            (mandate, score)
            for mandate, score in matching_mandates_for(profile, min_score=threshold, limit=50, today=today)
            if mandate.matched_at is not None
        ]
    notifications_create_bulk([_alert(profile, mandate, score) for mandate, score in matches])
    return len(matches)


@shared_task
def match_mandate(mandate_id):
    return mandate_match(mandate_id=mandate_id)


@shared_task
def rematch_mandate(mandate_id):
    return mandate_rematch(mandate_id=mandate_id)


@shared_task
def prune_index_changes():
    """Delete change-log rows older than ``changes.RETENTION`` (copies idle that long reload instead)."""
    deleted, _by_model = IndexChange.objects.filter(at__lt=timezone.now() - changes.RETENTION).delete()
    return deleted


@shared_task
def rematch_profile(profile_id):
    return profile_rematch(profile_id=profile_id)


@shared_task
def match_unmatched():
    """Catch up on open mandates whose matching never ran, e.g. because the broker was down when they opened."""
    ids = list(
        Mandate.objects.open().filter(matched_at__isnull=True).order_by("opened_at").values_list("id", flat=True)
    )
    for mandate_id in ids:
        mandate_match(mandate_id=mandate_id)
    return len(ids)


def enqueue_rematch(sender, profile_id, **kwargs):
    """Receiver of ``managers.signals.profile_changed`` (sent after the profile's transaction committed): enqueue the
    re-match (ids only); when the broker is down, re-match right here instead. One profile against the open
    mandates takes milliseconds (docs/performance.md), and no later moment would know this profile changed."""
    if not enqueue(rematch_profile, profile_id):
        profile_rematch(profile_id=profile_id)
