"""Early-leave warning: managers who resemble those who left without a first mandate, so staff can call them
before it is too late. Transparent rules, no model: each reason is a sentence staff can check in the profile.

Who is looked at: managers still with us (active or paused) without a placement, registered between
``WINDOW_DAYS[0]`` and ``WINDOW_DAYS[1]`` days ago: the first nine months, in which the seed story's managers gave
up. The cumulative-incidence curve on the staff page ("gave up") shows when it happens on this platform; move the
window when that curve says otherwise.

=================  =====================================================================================
reason             applies when
=================  =====================================================================================
no_matches         no match alert and no candidacy in the last ``RECENT_DAYS`` days (managers who chose
                   no alerts: no candidacy)
unanswered         at least one consent request in the last ``RECENT_DAYS`` days expired unanswered
incomplete         profile completeness below ``MIN_COMPLETENESS`` %
rate               their rate lies more than ``RATE_GAP_PCT`` % above the median budget of their functions'
                   mandates of the last twelve months (only with at least ``MIN_BUDGETS`` budgets)
absent             no login for ``ABSENT_DAYS`` days
availability       availability not confirmed for ``STALE_DAYS`` days, or the date lies in the past
=================  =====================================================================================

A manager is flagged with ``FLAG_AT`` reasons or more; the list is ordered by the number of reasons, then by how
long they have been waiting. One reason alone is common and says little; two or more make a call worth it. The
rules are deliberately simple so that staff can check each one in the profile: a list for calls, not a verdict, and
no score anybody has to trust. Nothing is stored: the flags are recomputed with every report from the current
facts.
"""

from dataclasses import dataclass

WINDOW_DAYS = (30, 270)
RECENT_DAYS = 90
MIN_COMPLETENESS = 60
RATE_GAP_PCT = 20
MIN_BUDGETS = 5
ABSENT_DAYS = 45
STALE_DAYS = 60
FLAG_AT = 2
REASONS = ("no_matches", "unanswered", "incomplete", "rate", "absent", "availability")


@dataclass(frozen=True)
class RiskInput:
    """What the rules look at for one manager, as plain values."""

    profile_id: int
    name: str
    days_registered: int
    matches: int  # match alerts and candidacies in the last RECENT_DAYS days
    expired_requests: int  # consent requests that expired unanswered in the last RECENT_DAYS days
    completeness: int
    rate_gap_pct: float | None  # None: no rate, or too few budgets to compare with
    days_since_login: int | None  # None: never logged in (counts as absent since registration)
    availability_stale: bool


@dataclass(frozen=True)
class Flag:
    profile_id: int
    name: str
    days_registered: int
    reasons: tuple  # (code, value) pairs; value is the number the sentence shows


def reasons(item: RiskInput) -> tuple:
    """The reasons that apply to one manager, in the order of ``REASONS``."""
    found = []
    if item.matches == 0:
        found.append(("no_matches", RECENT_DAYS))
    if item.expired_requests:
        found.append(("unanswered", item.expired_requests))
    if item.completeness < MIN_COMPLETENESS:
        found.append(("incomplete", item.completeness))
    if item.rate_gap_pct is not None and item.rate_gap_pct > RATE_GAP_PCT:
        found.append(("rate", round(item.rate_gap_pct)))
    absent = item.days_registered if item.days_since_login is None else item.days_since_login
    if absent >= ABSENT_DAYS:
        found.append(("absent", absent))
    if item.availability_stale:
        found.append(("availability", STALE_DAYS))
    return tuple(found)


def flags(items) -> list:
    """Every manager with at least ``FLAG_AT`` reasons, most reasons first, then longest waiting first."""
    result = []
    for item in items:
        found = reasons(item)
        if len(found) >= FLAG_AT:
            result.append(Flag(item.profile_id, item.name, item.days_registered, found))
    result.sort(key=lambda flag: (-len(flag.reasons), -flag.days_registered, flag.profile_id))
    return result
