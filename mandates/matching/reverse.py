"""Reverse matching: the open mandates one manager fits best (dashboard panel, re-match after a profile edit)."""

import heapq

from django.db import connection
from django.utils import timezone

from ..models import Mandate, MandateLanguage
from . import spec, tags
from .facts import _reference, mandate_facts_many, profile_facts

EPSILON = 1e-6


class _TopK:
    """The k best (total, id) seen so far; ``worst`` is the k-th best total once full."""

    def __init__(self, k):
        self.k, self.heap, self.seen = k, [], set()

    def offer(self, total, profile):
        entry = (total, -profile.id, profile)
        if len(self.heap) < self.k:
            heapq.heappush(self.heap, entry)
        elif entry[:2] > self.heap[0][:2]:
            heapq.heapreplace(self.heap, entry)

    @property
    def full(self):
        return len(self.heap) >= self.k

    @property
    def worst(self):
        return self.heap[0][0]

    @property
    def worst_id(self):
        return -self.heap[0][1]

    def result(self):
        return [(total, profile) for total, _neg, profile in sorted(self.heap, key=lambda e: (-e[0], e[1] * -1))]


def _industry_tags(ids, facts):
    """(tags giving the full industry points, tags giving the related-industry points)."""
    full, related = set(), set()
    for pk in ids:
        section = facts.industry_sections.get(pk, pk)
        full.add(tags.industry_tag(pk))
        if section == pk:  # a whole section: any division in it counts fully
            full.add(tags.section_tag(pk))
        else:
            related.add(tags.section_tag(section))
    return sorted(full), sorted(related)


def _item_tags(kind, ids, facts):
    if kind == "skill":
        return [tags.skill_tag(pk) for pk in ids]
    if kind == "function":
        return [tags.function_tag(pk) for pk in ids]
    full, related = _industry_tags(ids, facts)
    return sorted(set(full) | set(related))


def matching_mandates_for(profile, *, min_score=0, limit=10, today=None) -> list[tuple[Mandate, spec.MatchScore]]:
    """Open mandates this manager passes the hard filters of, best first (for the dashboard and alerts).

    Every open mandate gets an upper bound on this profile's total from the profile's tags (a few set lookups);
    they are scored exactly in bound order until the ``limit``-th best total beats the next bound.
    """
    today = today or timezone.localdate()
    (facts,) = profile_facts([profile])
    profile_tags = frozenset(tags.encode(facts))
    candidates = []
    for mandate, prepared in _open_mandates.get():
        ub = _profile_bound(profile_tags, prepared)
        if ub >= min_score - EPSILON:
            candidates.append((-ub, mandate.id, mandate))
    candidates.sort(key=lambda item: (item[0], item[1]))
    top = _TopK(max(limit, 0))
    for neg_ub, _pk, mandate in candidates:
        if not top.k or (top.full and top.worst > -neg_ub + EPSILON):
            break  # every mandate further down scores below the limit-th best
        total, excluded = spec.total(facts, mandate, today=today)
        if not excluded and total >= min_score:
            top.offer(total, mandate)
    top_ids = [m.id for _total, m in top.result()]
    mandates = Mandate.objects.in_bulk(top_ids)
    return [
        (mandates[m.id], spec.score(facts, m, today=today)) for m in mandate_facts_many(top_ids) if m.id in mandates
    ]


def _prepare_bound(facts):
    """A mandate's ``spec.bound`` as tag sets, for ``_profile_bound`` (the same bound as the SQL one)."""
    b = spec.bound(facts)
    items = []
    for kind, ids, points in b.items:
        if kind == "industry":
            full, related = _industry_tags(ids, facts)
            items.append((frozenset(full), points, frozenset(related), b.related_industry_points))
        else:
            items.append((frozenset(_item_tags(kind, ids, facts)), points, frozenset(), 0.0))
    if b.region:
        chain, points, fallback = b.region
        items.append((frozenset(tags.region_tag(r) for r in chain), points, None, fallback))
    for lang, min_level, points in b.languages:
        below = frozenset([tags.language_tag(lang, min_level - 1)]) if min_level > 1 else frozenset()
        items.append((frozenset([tags.language_tag(lang, min_level)]), points, below, points * spec.ONE_LEVEL_BELOW))
    return items, EPSILON + b.availability_weight + b.rate_weight


def _profile_bound(tags, prepared):
    """Upper bound on the total of the profile with these tags: each part at the most it can give."""
    items, ub = prepared
    for full, points, second, second_points in items:
        if not full.isdisjoint(tags):
            ub += points
        elif second is None or not second.isdisjoint(tags):  # None: a fallback given without any tag (region)
            ub += second_points
    return ub


class _OpenMandates:
    """Facts of all open mandates (without names), kept per process and database between re-matches.

    Re-matching an edited profile scores it against every open mandate; rebuilding their facts (some thousand
    relation rows) cost more than scoring. On PostgreSQL one query fingerprints every row the facts are built
    from — each tuple version's (xmin, ctid), which changes with every insert, update and delete, even within
    one transaction — and the cached facts are reused while it is unchanged. On SQLite they are rebuilt.
    """

    TABLES = (
        Mandate._meta.db_table,
        Mandate.required_skills.through._meta.db_table,
        Mandate.nice_skills.through._meta.db_table,
        Mandate.industries.through._meta.db_table,
        MandateLanguage._meta.db_table,
    )

    def __init__(self):
        self.entries = {}

    def _fingerprint(self):
        parts = " UNION ALL ".join(
            f"SELECT xmin::text || ctid::text AS v FROM {table}"  # noqa: S608  (table names from model metadata)
            for table in self.TABLES
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*), coalesce(sum(hashtext(v)), 0) FROM ({parts}) AS rows")  # noqa: S608
            return tuple(cursor.fetchone())

    @staticmethod
    def build():
        return [(m, _prepare_bound(m)) for m in mandate_facts_many(Mandate.objects.open().order_by(), names=False)]

    def get(self):
        """[(MandateFacts, prepared bound)] of every open mandate."""
        if connection.vendor != "postgresql":
            return self.build()
        key = connection.settings_dict["NAME"]
        fingerprint = (self._fingerprint(), _reference.loaded_at)
        cached = self.entries.get(key)
        if cached is None or cached[0] != fingerprint:
            facts = self.build()
            # The reference data may have been reloaded while building: key by the state after it.
            self.entries[key] = cached = ((fingerprint[0], _reference.loaded_at), facts)
        return cached[1]


_open_mandates = _OpenMandates()
