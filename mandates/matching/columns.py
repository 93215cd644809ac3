"""A columnar copy of ``CandidateIndex`` in NumPy arrays, and every manager's total scored at once.

A ``Block`` holds rows of the index as columns: profile ids, one posting list (row positions) per tag, a CEFR level
column per language, and small codes for availability, days per week and day rate. ``totals()`` computes the
total of ``spec.total`` for every row of a block in a handful of array operations:

each criterion's points depend on a row only through a small code (how many of the brief's must-have and nice
skills it has, its best industry fit, its level in a language, its availability date and days per week, its rate),
so the points are computed once per *code value* with the specification's own functions and formula, then looked
up for all rows. The per-row sum adds the criteria in the specification's order, so every total equals
``spec.total`` bit for bit, and the ranking (total descending, id ascending) equals scoring everyone with the
specification — ``tests/mandates/test_search_equivalence.py`` holds it to that.
"""

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from . import spec, tags
from .spec import MandateFacts, ProfileFacts

NO_DATE = 0  # ordinal of "available now": max(available_from or today, today) is then today
NO_RATE = -1
EMPTY = np.zeros(0, dtype=np.int32)


@dataclass
class Block:
    ids: np.ndarray  # profile ids, ascending
    indptr: np.ndarray  # row i's tags are flat[indptr[i]:indptr[i + 1]], sorted
    flat: np.ndarray
    available: np.ndarray  # ordinal of available_from (NO_DATE for none)
    days_per_week: np.ndarray
    remote_share: np.ndarray
    day_rate_min: np.ndarray  # NO_RATE for none
    day_rate_target: np.ndarray
    postings: dict = field(default_factory=dict)  # tag -> row positions, built on first use
    levels: dict = field(default_factory=dict)  # language id -> level per row, built on first use
    codes: dict = field(default_factory=dict)  # "availability" / "rate" -> (values, code per row)

    @classmethod
    def from_rows(cls, rows):
        """Rows ``(profile_id, tags, available_from, days_per_week, remote_share, day_rate_min, day_rate_target)``."""
        rows = sorted(rows, key=lambda row: row[0])
        lengths = np.fromiter((len(row[1]) for row in rows), dtype=np.int64, count=len(rows))
        flat = np.fromiter((tag for row in rows for tag in row[1]), dtype=np.int32, count=int(lengths.sum()))
        return cls.from_columns(
            ids=np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows)),
            lengths=lengths,
            flat=flat,
            available=[row[2] for row in rows],
            days_per_week=[row[3] for row in rows],
            remote_share=[row[4] for row in rows],
            day_rate_min=[row[5] for row in rows],
            day_rate_target=[row[6] for row in rows],
        )

    @classmethod
    def from_columns(cls, *, ids, lengths, flat, available, days_per_week, remote_share, day_rate_min, day_rate_target):
        indptr = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        return cls(
            ids=np.asarray(ids, dtype=np.int64),
            indptr=indptr,
            flat=np.asarray(flat, dtype=np.int32),
            available=np.fromiter((d.toordinal() if d else NO_DATE for d in available), dtype=np.int32),
            days_per_week=np.asarray(days_per_week, dtype=np.int16),
            remote_share=np.asarray(remote_share, dtype=np.int16),
            day_rate_min=np.fromiter((NO_RATE if r is None else r for r in day_rate_min), dtype=np.int64),
            day_rate_target=np.fromiter((NO_RATE if r is None else r for r in day_rate_target), dtype=np.int64),
        )

    def __len__(self):
        return len(self.ids)

    def posting(self, tag):
        """Row positions carrying ``tag``."""
        if not self.postings and len(self.flat):
            rows = np.repeat(np.arange(len(self.ids), dtype=np.int32), np.diff(self.indptr))
            order = np.argsort(self.flat, kind="stable")
            by_tag, rows = self.flat[order], rows[order]
            starts = np.flatnonzero(np.r_[True, by_tag[1:] != by_tag[:-1]])
            ends = np.r_[starts[1:], len(by_tag)]
            self.postings = {int(by_tag[s]): rows[s:e] for s, e in zip(starts, ends, strict=True)}
        return self.postings.get(tag, EMPTY)

    def level(self, language_id):
        """Each row's CEFR level in this language (0: does not speak it)."""
        if language_id not in self.levels:
            column = np.zeros(len(self.ids), dtype=np.int8)
            for level in range(1, max(spec.CEFR_NAMES) + 1):  # ascending: the highest level a row has wins
                column[self.posting(tags.language_tag(language_id, level))] = level
            self.levels[language_id] = column
        return self.levels[language_id]

    def coded(self, name):
        """(distinct values, code per row) of availability date or day rate: criteria score each value once."""
        if name not in self.codes:
            if name == "availability":
                values = self.available
            else:
                values = np.where(self.day_rate_target != NO_RATE, self.day_rate_target, self.day_rate_min)
            distinct, code = np.unique(values, return_inverse=True)
            self.codes[name] = (distinct.tolist(), code.astype(np.int32))
        return self.codes[name]

    def facts(self, position):
        """ProfileFacts of one row, for the explanation of a winner."""
        row_tags = self.flat[self.indptr[position] : self.indptr[position + 1]].tolist()
        rate_min, rate_target = int(self.day_rate_min[position]), int(self.day_rate_target[position])
        available = int(self.available[position])
        return tags.decode(
            int(self.ids[position]),
            row_tags,
            date.fromordinal(available) if available != NO_DATE else None,
            int(self.days_per_week[position]),
            int(self.remote_share[position]),
            None if rate_min == NO_RATE else rate_min,
            None if rate_target == NO_RATE else rate_target,
        )


# --- Scoring a block -----------------------------------------------------------------------------------------------


def _has_any(block, tag_list):
    hit = np.zeros(len(block), dtype=bool)
    for tag in tag_list:
        hit[block.posting(tag)] = True
    return hit


def _count(block, tag_list):
    count = np.zeros(len(block), dtype=np.int16)
    for tag in tag_list:
        count[block.posting(tag)] += 1  # a posting list holds each row once
    return count


class _Scorer:
    """The points of one criterion per row, for one brief: ``(points per row, hard fail per row or None)``."""

    def __init__(self, block, brief: MandateFacts, today, weight_sum):
        self.block, self.brief, self.today, self.weight_sum = block, brief, today, weight_sum

    def points(self, key, fraction):
        """The specification's formula, on a scalar or an array (``spec.criterion_points``); no weight, no points."""
        if not self.weight_sum:
            return 0.0 * fraction
        return spec.criterion_points(self.brief.weights.get(key, 0), fraction, self.weight_sum)

    def table(self, key, fractions):
        return np.array([self.points(key, f) for f in fractions], dtype=np.float64)

    def skills(self):
        brief = self.brief
        req, nice = sorted(brief.required_skill_ids), sorted(brief.nice_skill_ids)
        code = _count(self.block, [tags.skill_tag(s) for s in req]).astype(np.int32) * (len(nice) + 1)
        code += _count(self.block, [tags.skill_tag(s) for s in nice])
        # The specification's own fraction for every (must-haves held, nice-to-haves held).
        fractions = [
            spec.criterion_fraction("skills", ProfileFacts(id=0, skill_ids=frozenset(req[:r] + nice[:n])), brief)
            for r in range(len(req) + 1)
            for n in range(len(nice) + 1)
        ]
        return self.table("skills", fractions)[code], None

    def function(self):
        has = _has_any(self.block, [tags.function_tag(self.brief.function_id)])
        return self.table("function", [0.0, 1.0])[has.astype(np.int8)], None

    def industry(self):
        # 2: the industry itself or (for a section) any division in it; 1: a division in the same section.
        code = np.zeros(len(self.block), dtype=np.int8)
        full = []
        for pk in sorted(self.brief.industry_ids):
            section = self.brief.industry_sections.get(pk, pk)
            full.append(tags.industry_tag(pk))
            if section == pk:
                full.append(tags.section_tag(pk))
            else:
                code[self.block.posting(tags.section_tag(section))] = 1
        for tag in full:
            code[self.block.posting(tag)] = 2
        return self.table("industry", [0.0, spec.RELATED_INDUSTRY, 1.0])[code], None

    def languages(self):
        brief, fraction, failed = self.brief, None, None
        for lang, min_level, required in brief.languages:
            level = self.block.level(lang)
            part = np.array([spec.language_fraction(lv, min_level) for lv in range(8)])[level]
            fraction = part if fraction is None else fraction + part  # the specification's sum, in its order
            if required and brief.require_languages:
                short = level < min_level
                failed = short if failed is None else failed | short
        return self.points("languages", fraction / len(brief.languages)), failed

    def region(self):
        brief = self.brief
        accepted = _has_any(self.block, [tags.region_tag(r) for r in brief.region_chain])
        wants_more_remote = self.block.remote_share - brief.remote_share > spec.REMOTE_GAP
        code = accepted.astype(np.int8) * 2 + wants_more_remote
        inside = brief.region_chain[0]
        fractions = [
            spec.criterion_fraction(
                "region", ProfileFacts(id=0, accepted_region_ids=region, remote_share=remote), brief
            )
            for region in (frozenset(), frozenset([inside]))
            for remote in (brief.remote_share, brief.remote_share + spec.REMOTE_GAP + 1)
        ]
        return self.table("region", fractions)[code], (~accepted if brief.require_region else None)

    def availability(self):
        brief, today = self.brief, self.today
        values, value_code = self.block.coded("availability")
        days = range(int(self.block.days_per_week.max(initial=0)) + 1)
        delays = [spec.delay_from(date.fromordinal(v) if v != NO_DATE else None, brief, today) for v in values]
        by_delay = np.array([spec.availability_fraction(delay, brief.start_flex_days) for delay in delays])
        # [value code][days per week]: the specification's functions on whole columns (same operations per value).
        fractions = np.stack([spec.part_time(by_delay, d, brief) for d in days], axis=1)
        points = self.points("availability", fractions).ravel()[value_code * len(days) + self.block.days_per_week]
        failed = None
        if brief.require_availability:
            failed = (np.array(delays) > brief.start_flex_days)[value_code]
        return points, failed

    def rate(self):
        values, code = self.block.coded("rate")
        brief = self.brief
        fractions = [
            spec.rate_fraction(None if v == NO_RATE else v, brief.budget_day_rate, brief.budget_tolerance_pct)
            for v in values
        ]
        return self.table("rate", fractions)[code], None


def totals(block: Block, brief: MandateFacts, today: date) -> np.ndarray:
    """``spec.total`` of every row against the brief; excluded rows (a hard filter failed) get -1."""
    counted = spec.counted_criteria(brief, today)
    weight_sum = sum(brief.weights.get(key, 0) for key in counted)
    scorer = _Scorer(block, brief, today, weight_sum)
    total = np.zeros(len(block), dtype=np.float64)
    excluded = np.zeros(len(block), dtype=bool)
    for key in counted:  # the specification's order
        points, failed = getattr(scorer, key)()
        total += points
        if failed is not None:
            excluded |= failed
    total[excluded] = -1.0
    return total


def top(block: Block, total: np.ndarray, k: int, alive=None) -> list[tuple[float, int, int]]:
    """The k best ``(total, profile id, position)`` of a block by (total descending, id ascending)."""
    if alive is not None:
        total = np.where(alive, total, -1.0)
    if k <= 0 or not len(total):
        return []
    if len(total) > k:
        kth = np.partition(total, len(total) - k)[len(total) - k]
        candidates = np.flatnonzero(total >= max(kth, 0.0))
    else:
        candidates = np.flatnonzero(total >= 0.0)
    order = np.lexsort((block.ids[candidates], -total[candidates]))[:k]
    chosen = candidates[order]
    return [(float(total[i]), int(block.ids[i]), int(i)) for i in chosen]
