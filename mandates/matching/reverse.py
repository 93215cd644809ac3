"""Reverse matching: the open mandates one manager fits best (dashboard panel, re-match after a profile edit).

Every open mandate gets an upper bound on this profile's total (``spec.bound``: each skill, the function, the
industries, the region and each language at the most it can give for the profile's tags; availability and rate at
their full weight). The bounds of all open mandates are computed at once with NumPy from a table of (mandate, item,
tag) entries; mandates are then scored exactly with ``spec.total`` in bound order until the ``limit``-th best total
beats the next bound, and only the winners are explained.

The open mandates' facts and the bound table are kept per process and database, refreshed from the change log for
the mandates written since (``changes.py`` states the guarantee: as of the last committed change).
"""

import heapq
from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.utils import timezone

from ..models import Mandate
from . import changes, spec, tags
from .facts import _reference, mandate_facts_many, profile_facts

EPSILON = 1e-6


def matching_mandates_for(profile, *, min_score=0, limit=10, today=None) -> list[tuple[Mandate, spec.MatchScore]]:
    """Open mandates this manager passes the hard filters of, best first (for the dashboard and alerts)."""
    today = today or timezone.localdate()
    (facts,) = profile_facts([profile])
    table = _open_mandates.get()
    bounds = table.bounds(tags.encode(facts), facts.available_from, today)
    candidates = np.flatnonzero(bounds >= min_score - EPSILON)
    order = candidates[np.lexsort((table.ids[candidates], -bounds[candidates]))]
    best = []  # min-heap of (total, -id, MandateFacts), at most ``limit``
    for position in order.tolist():
        if limit <= 0 or (len(best) >= limit and best[0][0] > bounds[position] + EPSILON):
            break  # every mandate further down scores below the limit-th best
        brief = table.facts[position]
        total, excluded = spec.total(facts, brief, today=today)
        if excluded or total < min_score:
            continue
        entry = (total, -brief.id, brief)
        if len(best) < limit:
            heapq.heappush(best, entry)
        elif entry[:2] > best[0][:2]:
            heapq.heapreplace(best, entry)
    winners = [brief.id for _total, _neg, brief in sorted(best, key=lambda e: (-e[0], -e[1]))]
    mandates = Mandate.objects.in_bulk(winners)
    return [
        (mandates[m.id], spec.score(facts, m, today=today)) for m in mandate_facts_many(winners) if m.id in mandates
    ]


# --- The bound table -----------------------------------------------------------------------------------------------


def _bound_items(brief):
    """(full tags, points, second tags or None, second points, needed) per part of ``spec.bound``; ``None`` second
    tags: the second points come without any tag (the region's remote fallback); ``needed``: a hard filter, a
    profile without any of the full tags is excluded."""
    b = spec.bound(brief)
    items = []
    for kind, ids, points in b.items:
        if kind == "skill":
            items.append(([tags.skill_tag(pk) for pk in ids], points, [], 0.0, False))
        elif kind == "function":
            items.append(([tags.function_tag(pk) for pk in ids], points, [], 0.0, False))
        else:
            items.append((*_industry_tags(ids, brief, points), b.related_industry_points, False))
    if b.region:
        chain, points, fallback = b.region
        items.append(([tags.region_tag(r) for r in chain], points, None, fallback, brief.require_region))
    required = {lang for lang, _level, req in brief.languages if req and brief.require_languages}
    for lang, min_level, points in b.languages:
        below = [tags.language_tag(lang, min_level - 1)] if min_level > 1 else []
        full = [tags.language_tag(lang, min_level)]
        items.append((full, points, below, points * spec.ONE_LEVEL_BELOW, lang in required))
    return items, EPSILON + b.availability_weight + b.rate_weight


def _industry_tags(ids, brief, points):
    """(tags giving the full industry points, the points, tags giving the related-industry points)."""
    full, related = set(), set()
    for pk in ids:
        section = brief.industry_sections.get(pk, pk)
        full.add(tags.industry_tag(pk))
        if section == pk:  # a whole section: any division in it counts fully
            full.add(tags.section_tag(pk))
        else:
            related.add(tags.section_tag(section))
    return sorted(full), points, sorted(related)


@dataclass
class BoundTable:
    """The bounds of many mandates as arrays: entries (item, tag, second?) and items (mandate, points)."""

    facts: list  # MandateFacts, in table order
    ids: np.ndarray
    base: np.ndarray  # per mandate: what the bound gives whatever the tags
    entry_item: np.ndarray
    entry_tag: np.ndarray
    entry_second: np.ndarray
    item_mandate: np.ndarray
    item_points: np.ndarray
    item_second_points: np.ndarray
    item_second_free: np.ndarray  # the second points need no tag
    item_needed: np.ndarray  # a hard filter: without a full tag the profile is excluded
    start: np.ndarray  # ordinal of the start date, 0: today
    late_allowed: np.ndarray  # flexibility in days where availability is a hard filter, else a huge number

    @classmethod
    def build(cls, briefs):
        briefs = sorted(briefs, key=lambda m: m.id)
        base, entries, items = [], [], []
        for position, brief in enumerate(briefs):
            parts, rest = _bound_items(brief)
            base.append(rest)
            for full, points, second, second_points, needed in parts:
                item = len(items)
                items.append((position, points, second_points, second is None, needed))
                entries += [(item, tag, False) for tag in full] + [(item, tag, True) for tag in second or ()]
        item_columns = list(zip(*items, strict=True)) or [(), (), (), (), ()]
        entry_columns = list(zip(*entries, strict=True)) or [(), (), ()]
        return cls(
            facts=briefs,
            ids=np.array([m.id for m in briefs], dtype=np.int64),
            base=np.array(base, dtype=np.float64),
            entry_item=np.array(entry_columns[0], dtype=np.int64),
            entry_tag=np.array(entry_columns[1], dtype=np.int64),
            entry_second=np.array(entry_columns[2], dtype=bool),
            item_mandate=np.array(item_columns[0], dtype=np.int64),
            item_points=np.array(item_columns[1], dtype=np.float64),
            item_second_points=np.array(item_columns[2], dtype=np.float64),
            item_second_free=np.array(item_columns[3], dtype=bool),
            item_needed=np.array(item_columns[4], dtype=bool),
            start=np.array([m.start_date.toordinal() if m.start_date else 0 for m in briefs], dtype=np.int64),
            late_allowed=np.array([m.start_flex_days if m.require_availability else 10**9 for m in briefs]),
        )

    def bounds(self, profile_tags, available_from, today):
        """Upper bound of every mandate's total for a profile with these tags (each part at the most it can give);
        -1 where a hard filter excludes the profile (``spec``'s rules: required languages, region, start)."""
        hit = np.isin(self.entry_tag, np.asarray(profile_tags, dtype=np.int64))
        full = np.zeros(len(self.item_points), dtype=bool)
        full[self.entry_item[hit & ~self.entry_second]] = True
        second = self.item_second_free.copy()
        second[self.entry_item[hit & self.entry_second]] = True
        points = np.where(full, self.item_points, np.where(second, self.item_second_points, 0.0))
        bounds = self.base + np.bincount(self.item_mandate, weights=points, minlength=len(self.ids))
        missing = np.bincount(
            self.item_mandate, weights=(self.item_needed & ~full).astype(np.float64), minlength=len(self.ids)
        )
        free = max(available_from or today, today).toordinal()
        late = free - np.where(self.start == 0, today.toordinal(), self.start) > self.late_allowed
        return np.where((missing > 0) | late, -1.0, bounds)


class _OpenMandates:
    """Facts and bound table of all open mandates (without names), per process and database.

    Rebuilding the facts of thousands of mandates costs far more than re-matching; the change log names the
    mandates written since the last look, and only those are re-read.
    """

    def __init__(self):
        self.entries = {}

    @staticmethod
    def _read(ids=None):
        mandates = Mandate.objects.open().order_by()
        if ids is not None:
            mandates = mandates.filter(id__in=ids)
        return {m.id: m for m in mandate_facts_many(mandates, names=False)}

    def get(self) -> BoundTable:
        key = connection.settings_dict["NAME"]
        cached = self.entries.get(key)
        log = changes._Log.since(cached["horizon"] if cached else None)
        if cached is None or log.last_id < cached["last_id"] or cached["reference"] != _reference.loaded_at:
            if log.mine:  # our own uncommitted rows would be in it: use it once, keep nothing
                return BoundTable.build(self._read().values())
            horizon, last_id = changes.log_position()
            facts = self._read()
            cached = self.entries[key] = {
                "horizon": horizon,
                "last_id": last_id,
                "facts": facts,
                "table": BoundTable.build(facts.values()),
                "reference": _reference.loaded_at,
            }
            log = changes._Log.since(horizon)
        if not log.mandate_ids:
            if not log.mine:
                cached.update(horizon=log.horizon, last_id=log.last_id)
            return cached["table"]
        fresh = self._read(log.mandate_ids)
        old = cached["facts"]
        if all(fresh.get(pk) == old.get(pk) for pk in log.mandate_ids):  # e.g. only its status or matched_at
            table = cached["table"]
            facts = old
        else:
            facts = {pk: m for pk, m in old.items() if pk not in log.mandate_ids}
            facts.update(fresh)
            table = BoundTable.build(facts.values())
        if not log.mine:
            cached.update(horizon=log.horizon, last_id=log.last_id, facts=facts, table=table)
        return table


_open_mandates = _OpenMandates()
