"""The facts every figure is computed from, loaded as they stood at one moment (``as_of``), by flat queries.

Times come out of the database as seconds since the epoch (``Epoch``), so 100,000 managers never become 100,000
Python datetimes; each table is one query whose rows turn into NumPy columns. Everything is filtered to what was
known at ``as_of`` — registrations, placements, status changes, stage changes, answers up to that moment — so a
figure for a past day can be recomputed later and comes out the same (``snapshots.py`` relies on it). Nothing here
is stored: the columns live in memory while a report is built.

Whose time counts as what:

- A manager's first mandate is their first ``Placement`` (placed at or before ``as_of``).
- A manager *gave up* when their status at ``as_of`` is "left" (the last ``ManagerStatusChange`` up to then):
  the time of that change. Paused managers are still with us. Erased accounts count through the anonymous
  ``ErasedManagerRecord``: placed at its first placement, else gave up when the account was erased.
- Everyone else is still waiting: observed until ``as_of``.
"""

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from django.db.models import FloatField, Func, Min
from django.db.models.functions import Coalesce

from managers.models import ErasedManagerRecord, Industry, ManagerProfile, ManagerStatusChange

from ..models import Candidacy, ConsentRequest, Mandate, MandateStatusChange, Placement, StageChange

DAY = 86400.0
NAN = np.nan


class Epoch(Func):
    """Seconds since 1970-01-01 UTC of a datetime column, as a float, on PostgreSQL and SQLite alike."""

    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)::float8", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="((julianday(%(expressions)s) - 2440587.5) * 86400.0)", **extra
        )


def _floats(values):
    return np.array([NAN if v is None else v for v in values], dtype=np.float64)


def _ints(values):
    return np.array([0 if v is None else v for v in values], dtype=np.int64)


def _rows_of(ids, wanted):
    """Row index of each of ``wanted`` in the sorted id column ``ids`` (-1 where absent)."""
    wanted = np.asarray(wanted, dtype=np.int64)
    if not len(ids) or not len(wanted):
        return np.full(len(wanted), -1, dtype=np.int64)
    pos = np.searchsorted(ids, wanted)
    pos = np.clip(pos, 0, len(ids) - 1)
    return np.where(ids[pos] == wanted, pos, -1)


@dataclass(frozen=True)
class Pairs:
    """A many-valued attribute: row ``rows[i]`` has value ``values[i]``."""

    rows: np.ndarray
    values: np.ndarray

    @classmethod
    def build(cls, ids, pairs):
        pairs = list(pairs)
        owners = _rows_of(ids, [owner for owner, _value in pairs])
        values = np.array([value for _owner, value in pairs], dtype=np.int64)
        keep = owners >= 0
        return cls(owners[keep], values[keep])

    def mask(self, n, value):
        """Rows having ``value``."""
        result = np.zeros(n, dtype=bool)
        result[self.rows[self.values == value]] = True
        return result


def empty_pairs():
    return Pairs(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


@dataclass(frozen=True)
class Managers:
    """One row per manager (and per anonymous record of an erased one), as of ``as_of`` (epoch seconds).

    Times are epoch seconds, NaN where the event did not happen (yet). ``profile_id`` is 0 for erased records;
    they carry no function, industry, rate or region, so they count only where no such filter applies.
    """

    as_of: float
    profile_id: np.ndarray
    registered: np.ndarray
    completed: np.ndarray
    placed: np.ndarray
    left: np.ndarray
    rate: np.ndarray  # the rate a manager quotes: target, else minimum (NaN: none given)
    region: np.ndarray  # home region id, 0: none
    functions: Pairs = field(default_factory=empty_pairs)
    sections: Pairs = field(default_factory=empty_pairs)  # NACE sections of their industries

    def __len__(self):
        return len(self.profile_id)

    def clock(self, name, rows=None):
        """(durations in completed days, outcome) for the selected rows, measured from registration or from profile
        completion: outcome 1 = first mandate, 2 = gave up, 0 = still waiting (censored at ``as_of``).

        From completion only those who completed their profile count, and not those placed before completing.
        """
        rows = np.ones(len(self), dtype=bool) if rows is None else rows
        start = self.registered if name == "registration" else self.completed
        end = np.fmin(np.fmin(self.placed, self.left), self.as_of)
        keep = rows & ~np.isnan(start) & (start <= self.as_of) & (end >= start)
        outcome = np.where(self.placed == end, 1, np.where(self.left == end, 2, 0))
        # Completed days: nobody waits for a mandate by the hour, and ties on a day let the estimators work on
        # one row per day instead of one per person.
        return np.floor((end[keep] - start[keep]) / DAY), outcome[keep]


def _epoch(moment: datetime):
    return moment.timestamp()


def load_managers(as_of: datetime) -> Managers:
    """Every manager registered by ``as_of`` with what had happened to them by then: eight flat queries."""
    cutoff = _epoch(as_of)
    profiles = (
        ManagerProfile.objects.filter(registered_at__lte=as_of)
        .order_by("id")
        .values_list(
            "id",
            Epoch("registered_at"),
            Epoch("completed_at"),
            Coalesce("day_rate_target", "day_rate_min"),
            "home_region_id",
        )
    )
    ids, registered, completed, rate, region = _columns(profiles, 5)
    ids = np.array(ids, dtype=np.int64)
    completed = _floats(completed)
    completed[completed > cutoff] = NAN

    placed = np.full(len(ids), NAN)
    first = (
        Placement.objects.filter(manager__isnull=False, placed_at__lte=as_of)
        .values("manager_id")
        .annotate(first=Min(Epoch("placed_at")))
        .values_list("manager_id", "first")
    )
    _put(placed, ids, first)
    left = np.full(len(ids), NAN)
    _put(left, ids, _left_at(as_of))

    through = ManagerProfile.functions.through
    functions = Pairs.build(ids, through.objects.values_list("managerprofile_id", "function_id"))
    through = ManagerProfile.industries.through
    section = Coalesce("industry__parent_id", "industry_id")
    sections = Pairs.build(ids, through.objects.values_list("managerprofile_id", section).distinct())

    erased = _erased(as_of)
    n = len(erased)
    return Managers(
        as_of=cutoff,
        profile_id=np.concatenate([ids, np.zeros(n, dtype=np.int64)]),
        registered=np.concatenate([_floats(registered), erased[:, 0]]),
        completed=np.concatenate([completed, np.full(n, NAN)]),
        placed=np.concatenate([placed, erased[:, 1]]),
        left=np.concatenate([left, erased[:, 2]]),
        rate=np.concatenate([_floats(rate), np.full(n, NAN)]),
        region=np.concatenate([_ints(region), np.zeros(n, dtype=np.int64)]),
        functions=functions,
        sections=sections,
    )


def _columns(rows, width):
    """Query rows as ``width`` columns (empty ones when there are no rows)."""
    columns = list(zip(*rows, strict=True))
    return columns if columns else [()] * width


def _put(target, ids, pairs):
    """target[row of id] = value for (id, value) pairs whose id is in the sorted column ``ids``."""
    keys, values = _columns(pairs, 2)
    rows = _rows_of(ids, keys)
    found = rows >= 0
    target[rows[found]] = np.asarray(values, dtype=np.float64)[found]


def _left_at(as_of):
    """(profile id, epoch) of managers whose status at ``as_of`` is "left": the last change up to then decides."""
    LEFT = ManagerProfile.Status.LEFT
    ever_left = ManagerStatusChange.objects.filter(to_status=LEFT, at__lte=as_of).values("profile_id")
    changes = (
        ManagerStatusChange.objects.filter(profile_id__in=ever_left, at__lte=as_of)
        .order_by("profile_id", "at", "id")
        .values_list("profile_id", "to_status", Epoch("at"))
    )
    last = {}
    for profile_id, status, moment in changes:
        last[profile_id] = (status, moment)
    return [(profile_id, moment) for profile_id, (status, moment) in last.items() if status == LEFT]


def _erased(as_of):
    """(registered, placed, gave up) per anonymous record of an erased account registered by ``as_of``."""
    cutoff = _epoch(as_of)
    rows = []
    records = ErasedManagerRecord.objects.filter(registered_at__lte=as_of).order_by("id")
    for registered, placed, ended in records.values_list(
        Epoch("registered_at"), Epoch("first_placed_at"), Epoch("ended_at")
    ):
        placed = placed if placed is not None and placed <= cutoff else NAN
        gone = ended if np.isnan(placed) and ended <= cutoff else NAN
        rows.append((registered, placed, gone))
    return np.array(rows, dtype=np.float64).reshape(-1, 3)


# --- Mandates, candidacies, stages, answers ------------------------------------------------------------------------

# How far a candidacy got, in the order of the funnel: presented to the client, met them, placed.
PROPOSED, PRESENTED, MEETING, PLACED = 0, 1, 2, 3
REACHED = {
    Candidacy.Stage.PRESENTED: PRESENTED,
    Candidacy.Stage.INTERVIEW: MEETING,
    Candidacy.Stage.PLACED: PLACED,
}
# Stages a candidacy waits in for someone to act; the time spent in each is measured.
TIMED_STAGES = (
    Candidacy.Stage.PROPOSED,
    Candidacy.Stage.CONTACTED,
    Candidacy.Stage.INTERESTED,
    Candidacy.Stage.SHORTLISTED,
    Candidacy.Stage.PRESENTED,
    Candidacy.Stage.INTERVIEW,
)


@dataclass(frozen=True)
class Mandates:
    """Opened mandates and their pipeline as of ``as_of`` (epoch seconds; NaN: did not happen by then)."""

    as_of: float
    id: np.ndarray
    opened: np.ndarray
    filled: np.ndarray  # the placement
    closed: np.ndarray  # closed without a placement (lost, cancelled)
    first_shortlist: np.ndarray  # first candidate presented to the client
    owner: np.ndarray  # staff user id, 0: none
    company: np.ndarray
    function: np.ndarray
    region: np.ndarray
    budget: np.ndarray
    sections: Pairs
    # Candidacies: their mandate's row, how far they got, first presented, the client's answer.
    cand_mandate: np.ndarray
    cand_reached: np.ndarray
    cand_presented: np.ndarray
    cand_answered: np.ndarray
    # Stays in a stage: which stage (index into TIMED_STAGES), days, ended (False: still in it), mandate row.
    stay_stage: np.ndarray
    stay_days: np.ndarray
    stay_ended: np.ndarray
    stay_mandate: np.ndarray
    # Consent requests to managers: mandate row, days until answered (or until expired, closed or as_of), answered.
    request_mandate: np.ndarray
    request_days: np.ndarray
    request_answered: np.ndarray

    def __len__(self):
        return len(self.id)


def load_mandates(as_of: datetime) -> Mandates:
    """Every mandate opened by ``as_of``, with candidacies, stage stays and consent requests: eight flat queries."""
    cutoff = _epoch(as_of)
    rows = (
        Mandate.objects.filter(opened_at__lte=as_of)
        .order_by("id")
        .values_list("id", Epoch("opened_at"), "owner_id", "company_id", "function_id", "region_id", "budget_day_rate")
    )
    ids, opened, owner, company, function, region, budget = _columns(rows, 7)
    ids = np.array(ids, dtype=np.int64)
    n = len(ids)

    filled = np.full(n, NAN)
    _put(filled, ids, Placement.objects.filter(placed_at__lte=as_of).values_list("mandate_id", Epoch("placed_at")))

    closed = np.full(n, NAN)
    last = {}
    changes = MandateStatusChange.objects.filter(at__lte=as_of).order_by("mandate_id", "at", "id")
    for mandate_id, status, moment in changes.values_list("mandate_id", "to_status", Epoch("at")):
        last[mandate_id] = (status, moment)
    _put(closed, ids, [(pk, moment) for pk, (status, moment) in last.items() if status in Mandate.CLOSED_STATUSES])
    closed[~np.isnan(filled)] = NAN

    through = Mandate.industries.through
    section = Coalesce("industry__parent_id", "industry_id")
    sections = Pairs.build(ids, through.objects.values_list("mandate_id", section).distinct())

    candidacies = _candidacies(ids, as_of)
    first_shortlist = np.full(n, NAN)
    presented = candidacies["presented"]
    np.fmin.at(first_shortlist, candidacies["mandate"], presented)
    stays = _stays(ids, candidacies, closed, filled, cutoff)
    requests = _requests(ids, as_of)
    return Mandates(
        as_of=cutoff,
        id=ids,
        opened=_floats(opened),
        filled=filled,
        closed=closed,
        first_shortlist=first_shortlist,
        owner=_ints(owner),
        company=_ints(company),
        function=_ints(function),
        region=_ints(region),
        budget=_floats(budget),
        sections=sections,
        cand_mandate=candidacies["mandate"],
        cand_reached=candidacies["reached"],
        cand_presented=presented,
        cand_answered=candidacies["answered"],
        **stays,
        **requests,
    )


def _candidacies(mandate_ids, as_of):
    """Per candidacy on these mandates, created by ``as_of``: mandate row, furthest funnel step, first presented,
    client answer; plus their stage changes in order (for the stays)."""
    rows = (
        Candidacy.objects.filter(created_at__lte=as_of, mandate__opened_at__lte=as_of)
        .order_by("id")
        .values_list("id", "mandate_id", Epoch("created_at"), Epoch("client_feedback_at"))
    )
    cand_ids, mandate_id, created, answered = _columns(rows, 4)
    cand_ids = np.array(cand_ids, dtype=np.int64)
    cutoff = _epoch(as_of)
    answered = _floats(answered)
    answered[answered > cutoff] = NAN
    reached = np.zeros(len(cand_ids), dtype=np.int64)
    presented = np.full(len(cand_ids), NAN)
    changes = (
        StageChange.objects.filter(
            at__lte=as_of, candidacy__created_at__lte=as_of, candidacy__mandate__opened_at__lte=as_of
        )
        .order_by("candidacy_id", "at", "id")
        .values_list("candidacy_id", "to_stage", Epoch("at"))
    )
    history = list(changes)
    rows_of_changes = _rows_of(cand_ids, [c for c, _stage, _at in history])
    for row, (_cand, stage, moment) in zip(rows_of_changes, history, strict=True):
        if row < 0:
            continue
        reached[row] = max(reached[row], REACHED.get(stage, PROPOSED))
        if stage == Candidacy.Stage.PRESENTED and np.isnan(presented[row]):
            presented[row] = moment
    return {
        "mandate": _rows_of(mandate_ids, mandate_id),
        "created": _floats(created),
        "reached": reached,
        "presented": presented,
        "answered": np.where(np.isnan(presented) | (answered < presented), NAN, answered),
        "history": (rows_of_changes, history),
    }


def _stays(mandate_ids, candidacies, closed, filled, cutoff):
    """Each stay of a candidacy in a timed stage: from entering it to the next change; a stay not ended by then is
    observed until its mandate closed (or ``as_of``)."""
    stage_index = {stage: i for i, stage in enumerate(TIMED_STAGES)}
    rows, history = candidacies["history"]
    stage, days, ended, mandate = [], [], [], []
    for i, (row, (_cand, to_stage, moment)) in enumerate(zip(rows, history, strict=True)):
        if row < 0 or to_stage not in stage_index:
            continue
        nxt = rows[i + 1] if i + 1 < len(rows) else -1
        mandate_row = candidacies["mandate"][row]
        if nxt == row:
            end, done = history[i + 1][2], True
        else:
            end, done = np.nanmin([closed[mandate_row], filled[mandate_row], cutoff]), False
        stage.append(stage_index[to_stage])
        days.append(max(end - moment, 0.0) / DAY)
        ended.append(done)
        mandate.append(mandate_row)
    return {
        "stay_stage": np.array(stage, dtype=np.int64),
        "stay_days": np.array(days, dtype=np.float64),
        "stay_ended": np.array(ended, dtype=bool),
        "stay_mandate": np.array(mandate, dtype=np.int64),
    }


def _requests(mandate_ids, as_of):
    """Consent requests sent by ``as_of``: how long until the manager answered, or until the request expired or was
    closed without an answer (censored)."""
    cutoff = _epoch(as_of)
    rows = (
        ConsentRequest.objects.filter(sent_at__lte=as_of, candidacy__mandate__opened_at__lte=as_of)
        .order_by("id")
        .values_list("candidacy__mandate_id", Epoch("sent_at"), Epoch("closed_at"), "outcome", Epoch("expires_at"))
    )
    mandate, days, answered = [], [], []
    answers = (ConsentRequest.Outcome.AGREED, ConsentRequest.Outcome.REFUSED)
    for mandate_id, sent, closed, outcome, expires in rows:
        closed = closed if closed is not None and closed <= cutoff else None
        done = closed is not None and outcome in answers
        end = closed if closed is not None else min(expires, cutoff)
        mandate.append(mandate_id)
        days.append(max(end - sent, 0.0) / DAY)
        answered.append(done)
    return {
        "request_mandate": _rows_of(mandate_ids, mandate),
        "request_days": np.array(days, dtype=np.float64),
        "request_answered": np.array(answered, dtype=bool),
    }


@dataclass(frozen=True)
class Names:
    """Display names for segment values and people, in German and English where the reference data has both."""

    functions: dict
    sections: dict
    regions: dict
    owners: dict
    companies: dict


def load_names() -> Names:
    from django.contrib.auth import get_user_model

    from managers.models import Function, Region

    from ..models import ClientCompany
    from .segments import Label

    def labelled(queryset, fmt="{}"):
        return {obj.pk: Label(fmt.format(obj.name_de), fmt.format(obj.name_en)) for obj in queryset}

    owners = {}
    staff = get_user_model().objects.filter(owned_mandates__isnull=False).distinct()
    for user in staff.only("id", "first_name", "last_name", "email"):
        name = user.get_full_name() or user.email
        owners[user.pk] = Label(name, name)
    return Names(
        functions=labelled(Function.objects.all()),
        sections={
            obj.pk: Label(f"{obj.code} {obj.name_de}", f"{obj.code} {obj.name_en}")
            for obj in Industry.objects.filter(parent__isnull=True)
        },
        regions=labelled(Region.objects.all()),
        owners=owners,
        companies={pk: Label(name, name) for pk, name in ClientCompany.objects.values_list("id", "name")},
    )
