"""Per-process copies of what matching reads, kept exact by the change log (``IndexChange``).

Triggers on ``CandidateIndex`` and on the mandate brief tables write one ``IndexChange`` row per written row
(migration 0014), whoever writes. A process keeps, per database:

- ``profiles()``: the columnar copy of the active index rows (``columns.Block``) plus the rows changed since it
  was loaded (a small second block), rebuilt from the database when the changes grow large;
- the ``reverse`` module's open-mandate facts, refreshed for the mandate ids the log names.

Before every use, ``_Log.since`` reads the log rows newer than the copy in one query, and the copy applies them.

**Consistency guarantee.** A ranking reflects every change committed before it started (as of its first query),
and — inside a transaction that wrote — that transaction's own uncommitted changes too; it is never older. How:
on PostgreSQL a log row carries its writer's transaction id, and the copy remembers the snapshot of its last look
(the transactions still running then, and the next id); the next look reads the rows of exactly those
transactions and of later ones, so a transaction that commits late is never skipped. On SQLite, writers are serialised,
so log ids commit in order and "ids above the last one seen" suffices. What a transaction reads of its own
uncommitted writes is used for that ranking only and never stored in the shared copy, so a rollback leaves the
copy exact. A log that shrank (tables flushed by tests) or a copy idle longer than half the retention of the log
reloads everything.
"""

from dataclasses import dataclass, field

import numpy as np
from django.db import connection
from django.utils import timezone

from ..models import CandidateIndex, IndexChange
from .columns import Block

# Log rows are pruned after a day; a copy that has not looked for half of that reloads instead of trusting the log.
RETENTION = timezone.timedelta(days=1)
# A copy whose changed rows exceed this share of its size is rebuilt from the database on its next use.
REBUILD_SHARE = 0.05
REBUILD_MIN = 2000

LOG = IndexChange._meta.db_table
INDEX = CandidateIndex._meta.db_table


@dataclass
class Changes:
    """What the log says happened since a copy last looked."""

    horizon: object  # where the next look starts (``_Log.since``)
    last_id: int  # the highest log id (a log that shrank below a copy's was flushed)
    mine: bool  # this transaction wrote: what it reads must not be stored in a shared copy
    profile_ids: set = field(default_factory=set)
    mandate_ids: set = field(default_factory=set)


class _Log:
    """The ``IndexChange`` reads, per database vendor."""

    @staticmethod
    def since(horizon):
        """The log rows a copy that last looked at ``horizon`` has not seen (None: a copy about to be loaded)."""
        if connection.vendor == "postgresql":
            return _Log._since_postgres(horizon or NOTHING)
        return _Log._since_sqlite(2**62 if horizon is None else horizon)

    @staticmethod
    def _since_postgres(horizon):
        """Rows of transactions that were still running at the last look (its snapshot's ``xip``) or started after
        it (``xid >= xmax``): exactly those the last look could not see. The new horizon is this statement's own
        snapshot. (Long transactions elsewhere in the cluster cost nothing: their ids write no rows here.)"""
        xmax, running = horizon
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_snapshot_xmax(s)::text::bigint, "  # noqa: S608
                "ARRAY(SELECT x::text::bigint FROM pg_snapshot_xip(s) x), txid_current_if_assigned(), "
                f"(SELECT coalesce(max(id), 0) FROM {LOG}), "  # noqa: S608
                f"ARRAY(SELECT DISTINCT kind || object_id FROM {LOG} WHERE txid >= %s OR txid = ANY(%s)) "
                "FROM pg_current_snapshot() s",
                [xmax, list(running)],
            )
            new_xmax, new_running, mine, last_id, keys = cursor.fetchone()
        return _changes((new_xmax, tuple(new_running)), last_id, mine is not None, keys)

    @staticmethod
    def _since_sqlite(horizon):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT kind, object_id, id FROM {LOG} WHERE id > %s", [horizon])  # noqa: S608
            rows = cursor.fetchall()
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {LOG}")  # noqa: S608
            (last_id,) = cursor.fetchone()
        keys = [f"{kind}{object_id}" for kind, object_id, _id in rows]
        return _changes(last_id, last_id, connection.in_atomic_block, keys)


NOTHING = (2**62, ())  # a horizon past every transaction: no rows


def _changes(horizon, last_id, mine, keys):
    changes = Changes(horizon=horizon, last_id=last_id, mine=mine)
    for key in keys:
        (changes.profile_ids if key[0] == "p" else changes.mandate_ids).add(int(key[1:]))
    return changes


def log_position():
    """(horizon, last id) to record with a copy loaded right after this call: it then misses nothing."""
    changes = _Log.since(None)
    return changes.horizon, changes.last_id


# --- The columnar copy of the index ---------------------------------------------------------------------------------

ROW_COLUMNS = "profile_id, tags, available_from, days_per_week, remote_share, day_rate_min, day_rate_target"


def _load(where="active", params=()):
    """Index rows as a Block. Tags travel as text and are parsed by NumPy in one call (fast at a million rows)."""
    if connection.vendor == "postgresql":
        tag_text, tag_count = "array_to_string(tags, ',')", "cardinality(tags)"
    else:  # SQLite keeps the array as JSON text: "[1, 2, 3]"
        tag_text, tag_count = "trim(tags, '[]')", "json_array_length(tags)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT profile_id, {tag_count}, {tag_text}, available_from, days_per_week, remote_share, "  # noqa: S608
            f"day_rate_min, day_rate_target FROM {INDEX} WHERE {where} ORDER BY profile_id",
            params,
        )
        rows = cursor.fetchall()
    text = ",".join(row[2] for row in rows if row[1])
    flat = np.fromstring(text, dtype=np.int32, sep=",") if text else np.zeros(0, dtype=np.int32)
    return Block.from_columns(
        ids=[row[0] for row in rows],
        lengths=[row[1] or 0 for row in rows],
        flat=flat,
        available=[_date(row[3]) for row in rows],
        days_per_week=[row[4] for row in rows],
        remote_share=[row[5] for row in rows],
        day_rate_min=[row[6] for row in rows],
        day_rate_target=[row[7] for row in rows],
    )


def _date(value):
    if value is None or not isinstance(value, str):
        return value
    return timezone.datetime.fromisoformat(value).date()


def _load_ids(profile_ids):
    ids = sorted(profile_ids)
    if connection.vendor == "postgresql":
        return _load("active AND profile_id = ANY(%s)", [ids])
    placeholders = ",".join(["%s"] * len(ids))
    return _load(f"active AND profile_id IN ({placeholders})", ids)


@dataclass
class View:
    """What one ranking scores: the main block without the rows changed since it was loaded, and those rows."""

    main: Block
    alive: np.ndarray | None
    changed: Block

    def blocks(self):
        yield self.main, self.alive
        yield self.changed, None


class _ProfileCopy:
    def __init__(self, main, horizon, last_id):
        self.main, self.horizon, self.last_id = main, horizon, last_id
        self.changed_ids = set()
        self.alive = None
        self.changed = Block.from_rows([])
        self.looked_at = timezone.now()

    @classmethod
    def load(cls):
        horizon, last_id = log_position()
        return cls(_load(), horizon, last_id)

    def outdated(self, changes):
        too_many = len(self.changed_ids | changes.profile_ids) > max(REBUILD_MIN, REBUILD_SHARE * len(self.main))
        idle = timezone.now() - self.looked_at > RETENTION / 2
        return changes.last_id < self.last_id or too_many or idle

    def view_with(self, profile_ids):
        """A View with these rows re-read (and masked out of the main block)."""
        ids = self.changed_ids | profile_ids
        alive = None
        if ids:
            alive = ~np.isin(self.main.ids, np.fromiter(ids, dtype=np.int64, count=len(ids)))
        return View(self.main, alive, _load_ids(ids) if ids else self.changed), ids, alive

    def apply(self, changes):
        if changes.profile_ids:
            view, self.changed_ids, self.alive = self.view_with(changes.profile_ids)
            self.changed = view.changed
        self.horizon, self.last_id, self.looked_at = changes.horizon, changes.last_id, timezone.now()

    def view(self):
        return View(self.main, self.alive, self.changed)


_profile_copies = {}


def profiles() -> View:
    """The active index rows as of now (see the module docstring for the guarantee), as columnar blocks."""
    key = connection.settings_dict["NAME"]
    copy = _profile_copies.get(key)
    changes = _Log.since(copy.horizon if copy else None)
    if copy is None or copy.outdated(changes):
        if changes.mine:  # our own uncommitted rows would be in it: use it once, keep nothing
            return View(_load(), None, Block.from_rows([]))
        copy = _profile_copies[key] = _ProfileCopy.load()
        changes = _Log.since(copy.horizon)
    if changes.mine:
        view, _ids, _alive = copy.view_with(changes.profile_ids)
        return view
    copy.apply(changes)
    return copy.view()


def forget():
    """Drop every copy of this process (tests that flush tables; the next use reloads)."""
    _profile_copies.clear()
