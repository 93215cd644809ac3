"""The mandate side, pure: how fast mandates get a shortlist and a manager, how candidates move through the
pipeline, and how long clients and managers take to answer — provider-wide, per staff member and per client.

Every duration is a time-to-event with the same honesty as time-to-mandate: a mandate still open has no
time-to-fill yet and counts as censored (Kaplan–Meier), not as a zero and not left out.

============================  ================================  ===========================================
measure                       from → to                         censored (still running) at
============================  ================================  ===========================================
first shortlist               mandate opened → first candidate  the mandate's end (placement, loss,
                              presented to the client           cancellation) or now
fill                          opened → placement                loss or cancellation, or now
client's answer               candidate first presented →       the mandate's end or now
                              client says whether to meet them
manager's answer              consent request sent → answered   the request's expiry or now
stage                         entering a stage → next change    the mandate's end or now
============================  ================================  ===========================================

A mandate-side figure needs ``MIN_OBSERVATIONS`` observations and ``MIN_EVENTS`` events (fewer than for managers:
a staff member handles dozens of mandates, not hundreds), else it says "not enough data".

The funnel counts candidacies by the furthest step they reached (proposed → presented → meeting → placed, from the
stage log): a candidate placed straight from the shortlist counts as presented and met too, so every step is a
subset of the one before. Recent candidacies have had less time to move on; the funnel is a count, not a rate
over time.
"""

from dataclasses import dataclass

import numpy as np

from . import survival
from .facts import DAY, MEETING, PLACED, PRESENTED, PROPOSED, TIMED_STAGES

MIN_OBSERVATIONS = 10
MIN_EVENTS = 3
MIN_AT_RISK = 5
MINIMUM = (MIN_OBSERVATIONS, MIN_EVENTS, MIN_AT_RISK)
# Service levels: share done within these many days.
WITHIN_DAYS = (3, 7, 14, 30)
DAYS = np.array(sorted({0.0, 1.0, 2.0, 3.0, 5.0, 7.0, 10.0, 14.0, 21.0, 30.0, 45.0, 60.0, 90.0, 120.0, 180.0, 365.0}))
MEASURES = ("first_shortlist", "fill", "client_answer", "manager_answer")
FUNNEL_STEPS = (PROPOSED, PRESENTED, MEETING, PLACED)


def _km(durations, events):
    return survival.kaplan_meier(durations, events.astype(np.int64), days=DAYS, minimum=MINIMUM)


def _end_of(mandates):
    """When each mandate stopped running: placement, loss or cancellation, else ``as_of``."""
    return np.fmin(np.fmin(mandates.filled, mandates.closed), mandates.as_of)


def mandate_times(mandates, rows) -> dict:
    """{measure: Survival in days} for the mandates selected by the boolean mask ``rows``."""
    end = _end_of(mandates)
    opened = mandates.opened[rows]
    shortlist = mandates.first_shortlist[rows]
    got = ~np.isnan(shortlist)
    filled = mandates.filled[rows]
    done = ~np.isnan(filled)

    cand = rows[mandates.cand_mandate] & ~np.isnan(mandates.cand_presented)
    presented = mandates.cand_presented[cand]
    answered = mandates.cand_answered[cand]
    client_done = ~np.isnan(answered)
    client_end = np.where(client_done, answered, end[mandates.cand_mandate[cand]])

    req = mandates.request_mandate >= 0
    req[req] = rows[mandates.request_mandate[req]]
    return {
        "first_shortlist": _km(np.maximum(np.where(got, shortlist, end[rows]) - opened, 0) / DAY, got),
        "fill": _km(np.maximum(np.where(done, filled, end[rows]) - opened, 0) / DAY, done),
        "client_answer": _km(np.maximum(client_end - presented, 0) / DAY, client_done),
        "manager_answer": _km(mandates.request_days[req], mandates.request_answered[req]),
    }


@dataclass(frozen=True)
class Step:
    step: int
    reached: int
    of_previous: float | None
    of_first: float | None


def funnel(mandates, rows) -> tuple:
    """Candidacies on the selected mandates by the furthest step they reached."""
    reached = mandates.cand_reached[rows[mandates.cand_mandate]] if len(mandates.cand_mandate) else np.zeros(0)
    counts = [int((reached >= step).sum()) for step in FUNNEL_STEPS]
    steps = []
    for i, (step, count) in enumerate(zip(FUNNEL_STEPS, counts, strict=True)):
        previous = counts[i - 1] if i else None
        steps.append(
            Step(
                step,
                count,
                count / previous if previous else None,
                count / counts[0] if counts[0] and i else None,
            )
        )
    return tuple(steps)


def stage_times(mandates, rows) -> dict:
    """{stage: Survival in days} of the time candidacies spend in each timed stage."""
    selected = rows[mandates.stay_mandate] if len(mandates.stay_mandate) else np.zeros(0, dtype=bool)
    result = {}
    for index, stage in enumerate(TIMED_STAGES):
        mask = selected & (mandates.stay_stage == index)
        result[stage] = _km(mandates.stay_days[mask], mandates.stay_ended[mask])
    return result


@dataclass(frozen=True)
class Group:
    key: int
    mandates: int
    filled: int
    open: int
    times: dict  # measure -> Survival


def by_group(mandates, rows, column) -> list:
    """Service levels per staff member (``column`` = mandates.owner) or per client (mandates.company)."""
    groups = []
    for key in np.unique(column[rows]):
        if key == 0:
            continue
        mask = rows & (column == key)
        filled = int((~np.isnan(mandates.filled[mask])).sum())
        still = int((np.isnan(mandates.filled[mask]) & np.isnan(mandates.closed[mask])).sum())
        groups.append(Group(int(key), int(mask.sum()), filled, still, mandate_times(mandates, mask)))
    groups.sort(key=lambda g: (-g.mandates, g.key))
    return groups


def share_within(result, days):
    """Share done within ``days`` (a Point of the Survival), or None."""
    return result.at(float(days))
