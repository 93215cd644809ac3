"""Reads for the analytics that are about people rather than the whole pool: the early-leave inputs of the
managers in the warning window, one manager's own standing, the market data and recent briefs behind the
dashboard panel. Flat queries; callers get plain values."""

from datetime import timedelta
from statistics import median

import numpy as np
from django.db.models import Count, Q
from django.db.models.functions import Coalesce

from managers.completeness import bulk_completeness
from managers.models import ManagerProfile
from notifications.models import Notification

from ..matching.facts import mandate_facts_many
from ..models import Candidacy, ConsentRequest, Mandate, StageChange
from . import risk
from .facts import DAY

CHUNK = 5000
MATCH_ALERT = "match_alert"  # the notification kind mandates.tasks writes for a strong match
BUDGET_DAYS = 365
RECENT_MANDATE_DAYS = 90


def _chunks(ids):
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _counts(queryset, owner, ids):
    result = {}
    for chunk in _chunks(ids):
        rows = queryset.filter(**{f"{owner}__in": chunk}).values(owner).annotate(n=Count("id"))
        result.update((row[owner], row["n"]) for row in rows)
    return result


def budgets_by_function(mandates, now):
    """{function id: sorted budgets} of mandates opened in the last twelve months (from ``facts.Mandates``)."""
    recent = (mandates.opened >= now.timestamp() - BUDGET_DAYS * DAY) & ~np.isnan(mandates.budget)
    result = {}
    for function in np.unique(mandates.function[recent]):
        if function:
            result[int(function)] = sorted(mandates.budget[recent & (mandates.function == function)].tolist())
    return result


def rates_by_function(managers):
    """{function id: (sorted distinct rates, how many quote each)} of managers still with us who quote a rate."""
    here = (managers.profile_id > 0) & np.isnan(managers.left) & ~np.isnan(managers.rate)
    pairs = managers.functions
    result = {}
    for function in np.unique(pairs.values):
        rows = pairs.rows[(pairs.values == function) & here[pairs.rows]]
        values, counts = np.unique(managers.rate[rows], return_counts=True)
        result[int(function)] = (values.tolist(), counts.tolist())
    return result


def rate_gap_pct(rate, budgets):
    """How far (%) ``rate`` lies above the median of ``budgets``; None without a rate or with too few budgets."""
    if rate is None or len(budgets) < risk.MIN_BUDGETS:
        return None
    return (rate / median(budgets) - 1) * 100


def risk_inputs(managers, rows, budgets, now):
    """``risk.RiskInput`` for the managers of ``rows`` (a mask over ``facts.Managers``) inside the warning window:
    still with us, no placement, registered ``risk.WINDOW_DAYS`` ago."""
    low, high = risk.WINDOW_DAYS
    age = (managers.as_of - managers.registered) / DAY
    inside = (
        rows
        & (managers.profile_id > 0)
        & np.isnan(managers.placed)
        & np.isnan(managers.left)
        & (age >= low)
        & (age <= high)
    )
    ids = managers.profile_id[inside].tolist()
    if not ids:
        return []
    since = now - timedelta(days=risk.RECENT_DAYS)
    alerts = _counts(
        Notification.objects.filter(kind=MATCH_ALERT, created_at__gte=since), "recipient__manager_profile", ids
    )
    candidacies = _counts(Candidacy.objects.filter(created_at__gte=since), "manager", ids)
    expired = _counts(
        ConsentRequest.objects.filter(sent_at__gte=since, expires_at__lt=now).filter(
            Q(outcome=ConsentRequest.Outcome.EXPIRED) | Q(closed_at__isnull=True)
        ),
        "candidacy__manager",
        ids,
    )
    functions = {}
    pairs = managers.functions
    for row, function in zip(pairs.rows.tolist(), pairs.values.tolist(), strict=True):
        functions.setdefault(int(managers.profile_id[row]), []).append(function)
    result = []
    stale_before = now - timedelta(days=risk.STALE_DAYS)
    for chunk in _chunks(ids):
        completeness = bulk_completeness(chunk, today=now.date())
        profiles = ManagerProfile.objects.filter(id__in=chunk).values_list(
            "id",
            "user__first_name",
            "user__last_name",
            "user__email",
            "user__last_login",
            "registered_at",
            "availability_confirmed_at",
            "available_from",
            Coalesce("day_rate_target", "day_rate_min"),
        )
        for pk, first, last, email, login, registered, confirmed, available, rate in profiles:
            own_budgets = sorted(b for f in functions.get(pk, ()) for b in budgets.get(f, ()))
            result.append(
                risk.RiskInput(
                    profile_id=pk,
                    name=f"{first} {last}".strip() or email,
                    days_registered=(now - registered).days,
                    matches=alerts.get(pk, 0) + candidacies.get(pk, 0),
                    expired_requests=expired.get(pk, 0),
                    completeness=completeness[pk].score,
                    rate_gap_pct=rate_gap_pct(rate, own_budgets),
                    days_since_login=None if login is None else (now - login).days,
                    availability_stale=(confirmed is None or confirmed < stale_before)
                    or (available is not None and available < now.date()),
                )
            )
    return result


def recent_briefs(now):
    """{function id (0: none): [(opening day, MandateFacts without names)]} of the mandates opened in the last
    ``RECENT_MANDATE_DAYS`` days, open or closed: what the levers of a manager with that function are scored
    against."""
    since = now - timedelta(days=RECENT_MANDATE_DAYS)
    opened = dict(Mandate.objects.filter(opened_at__gte=since, opened_at__lte=now).values_list("id", "opened_at"))
    result = {}
    for facts in mandate_facts_many(sorted(opened), names=False):
        result.setdefault(facts.function_id or 0, []).append((opened[facts.id].date(), facts))
    return result


def standing(profile):
    """The manager's own pipeline: how many candidacies reached the shortlist and the client, and the neutral
    reasons they were given when not chosen (two queries)."""
    stages = {}
    for candidacy_id, stage in StageChange.objects.filter(candidacy__manager=profile).values_list(
        "candidacy_id", "to_stage"
    ):
        stages.setdefault(candidacy_id, set()).add(stage)
    shortlisted = {Candidacy.Stage.SHORTLISTED, Candidacy.Stage.PRESENTED, Candidacy.Stage.INTERVIEW}
    shown = {Candidacy.Stage.PRESENTED, Candidacy.Stage.INTERVIEW}
    declined = Candidacy.objects.filter(manager=profile, stage=Candidacy.Stage.DECLINED).only(
        "id", "manager_reason", "manager_reason_text"
    )
    reasons = {}
    for candidacy in declined:
        message = candidacy.manager_message()
        if message:
            reasons[str(message)] = reasons.get(str(message), 0) + 1
    return {
        "candidacies": len(stages),
        "shortlisted": sum(1 for reached in stages.values() if reached & (shortlisted | {Candidacy.Stage.PLACED})),
        "presented": sum(1 for reached in stages.values() if reached & (shown | {Candidacy.Stage.PLACED})),
        "declined": len(declined),
        "reasons": sorted(reasons.items(), key=lambda item: (-item[1], item[0])),
    }
