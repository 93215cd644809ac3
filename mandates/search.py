"""Fast candidate queries: facts from rows, ranking many managers, matching mandates, searching the pool.

``matching.score`` is the only scoring definition. ``rank`` must return exactly what scoring every active manager
with it and sorting by (score desc, id) would return; it only avoids scoring those who cannot make the top k:

On PostgreSQL (``_top_postgres``): the hard filters go into SQL as GIN-indexed array conditions on
``CandidateIndex.tags`` (intarray's ``gin__int_ops`` where the extension exists). The tag-based criteria (each
required or nice skill, function, industry) are "items" worth known points (``matching.bound``); languages and
region are bounded by the best they can give, availability and rate by date and rate buckets. A pass fetches only
rows whose items can still reach a threshold T — one small GIN scan per combination of items worth T
(``tags @> ARRAY[...]``, OR-ed into one bitmap), the exact bound checked on the rows found — ordered by their
upper bound. Python scores them in that order with the pure function and stops as soon as the k-th best exact
score beats the next upper bound. If that k-th score is below T, one more pass with T lowered to it settles the rest. Rows that
cannot reach the top k are never read, and none that could is skipped, so the result is exact.

On SQLite (``_top_python``) every active row is scored in Python: same results, simple means.
"""

import heapq
import json
import time
from collections import defaultdict

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from managers.models import (
    Function,
    Industry,
    Language,
    LanguageSkill,
    ManagerProfile,
    MandateHistoryEntry,
    Region,
    Skill,
)

from . import indexing, matching
from .matching import MandateFacts, ProfileFacts
from .models import CandidateIndex, Mandate, MandateLanguage

EPSILON = 1e-6
PERFECT = 100 - 1e-9  # a total this high cannot be beaten, only tied
MAX_PASSES = 6
# Rows the first threshold aims to leave (by the tag statistics), without and with hard filters. Hard filters thin
# the rows out after the index: with 1,000 typical briefs often ended short of k and paid a second pass (p95 at 100k:
# 95 ms; 2,500: 55 ms). Without them 1,000 suffices, and more only sorts more rows (broad brief: 34 → 53 ms).
FIRST_WANTED = 1000
FIRST_WANTED_FILTERED = 2500
INDEX_COLUMNS = (
    "profile_id",
    "tags",
    "available_from",
    "days_per_week",
    "remote_share",
    "day_rate_min",
    "day_rate_target",
)


# --- Facts from rows ----------------------------------------------------------------------------------------------


def _pairs(through, owner, target, ids):
    result = defaultdict(set)
    for owner_id, target_id in through.objects.filter(**{f"{owner}__in": ids}).values_list(owner, target):
        result[owner_id].add(target_id)
    return result


class _Reference:
    """Reference data (NACE tree, region tree, display names) cached per process.

    A few hundred rows that change only by data migration or a rare admin edit; re-read after ``TTL`` seconds,
    or at once when an id is asked for that the cache does not know (a row added meanwhile).
    """

    TTL = 300

    def __init__(self):
        self.loaded_at = None
        self.names = {}

    def _load(self):
        self.sections = {pk: parent or pk for pk, parent in Industry.objects.values_list("id", "parent_id")}
        self.region_parent = dict(Region.objects.values_list("id", "parent_id"))
        self.names = {}
        self.loaded_at = time.monotonic()

    def get(self, wanted_industries=(), wanted_regions=()):
        stale = self.loaded_at is None or time.monotonic() - self.loaded_at > self.TTL
        if (
            stale
            or any(i not in self.sections for i in wanted_industries)
            or any(r not in self.region_parent for r in wanted_regions)
        ):
            self._load()
        return self

    def labels(self, wanted):
        """{(kind, id): name} in the active language for the wanted (kind, id) pairs."""
        language = get_language() or "de"
        table = self.names.setdefault(language, {})
        if any(key not in table for key in wanted):
            for kind, model in (
                ("skill", Skill),
                ("industry", Industry),
                ("language", Language),
                ("function", Function),
                ("region", Region),
            ):
                ids = {pk for k, pk in wanted if k == kind and (k, pk) not in table}
                if ids:
                    table.update({(kind, obj.pk): obj.name for obj in model.objects.filter(pk__in=ids)})
        return {key: table[key] for key in wanted if key in table}


_reference = _Reference()


def profile_facts(profiles) -> list[ProfileFacts]:
    """ProfileFacts for many profiles in six queries, in the order given."""
    profiles = list(profiles)
    ids = [p.id for p in profiles]
    skills = _pairs(ManagerProfile.skills.through, "managerprofile_id", "skill_id", ids)
    functions = _pairs(ManagerProfile.functions.through, "managerprofile_id", "function_id", ids)
    industries = _pairs(ManagerProfile.industries.through, "managerprofile_id", "industry_id", ids)
    regions = _pairs(ManagerProfile.accepted_regions.through, "managerprofile_id", "region_id", ids)
    languages = defaultdict(dict)
    for profile_id, language_id, level in LanguageSkill.objects.filter(profile_id__in=ids).values_list(
        "profile_id", "language_id", "level"
    ):
        languages[profile_id][language_id] = level
    sections = _reference.get(set().union(*industries.values())).sections if industries else {}
    return [
        ProfileFacts(
            id=p.id,
            skill_ids=frozenset(skills[p.id]),
            function_ids=frozenset(functions[p.id]),
            industry_ids=frozenset(industries[p.id]),
            industry_section_ids=frozenset(sections.get(i, i) for i in industries[p.id]),
            languages=dict(languages[p.id]),
            accepted_region_ids=frozenset(regions[p.id]),
            remote_share=p.remote_share,
            available_from=p.available_from,
            days_per_week=p.days_per_week,
            day_rate_min=p.day_rate_min,
            day_rate_target=p.day_rate_target,
        )
        for p in profiles
    ]


MANDATE_FIELDS = (
    "id",
    "function_id",
    "region_id",
    "remote_share",
    "start_date",
    "start_flex_days",
    "days_per_week",
    "budget_day_rate",
    "budget_tolerance_pct",
    "require_availability",
    "require_languages",
    "require_region",
    *(f"weight_{key}" for key in matching.DEFAULT_WEIGHTS),
)


def mandate_facts_many(mandates, *, names=True) -> list[MandateFacts]:
    """MandateFacts for many mandates in a constant number of queries, in the order given.

    ``mandates``: Mandate instances, ids, or a queryset. ``names=False`` skips the display names (enough to
    compute totals; sentences then show ids).
    """
    if isinstance(mandates, QuerySet):
        rows = {row["id"]: row for row in mandates.values(*MANDATE_FIELDS)}
        ids = list(rows)
    else:
        ids = [m if isinstance(m, int) else m.pk for m in mandates]
        rows = {row["id"]: row for row in Mandate.objects.filter(id__in=ids).values(*MANDATE_FIELDS)}
    required, nice, industries, languages = _mandate_relations(ids)
    ref = _reference.get(set().union(*industries.values()), {r["region_id"] for r in rows.values() if r["region_id"]})
    sections, region_parent = ref.sections, ref.region_parent

    def chain(region_id):
        out = []
        while region_id is not None:
            out.append(region_id)
            region_id = region_parent.get(region_id)
        return tuple(out)

    facts = []
    for pk in ids:
        row = rows.get(pk)
        if row is None:
            continue
        facts.append(
            MandateFacts(
                id=pk,
                required_skill_ids=frozenset(required[pk]),
                nice_skill_ids=frozenset(nice[pk] - required[pk]),
                function_id=row["function_id"],
                industry_ids=frozenset(industries[pk]),
                industry_sections={i: sections.get(i, i) for i in industries[pk]},
                languages=tuple(languages[pk]),
                region_id=row["region_id"],
                region_chain=chain(row["region_id"]),
                remote_share=row["remote_share"],
                start_date=row["start_date"],
                start_flex_days=row["start_flex_days"],
                days_per_week=row["days_per_week"],
                budget_day_rate=row["budget_day_rate"],
                budget_tolerance_pct=row["budget_tolerance_pct"],
                require_availability=row["require_availability"],
                require_languages=row["require_languages"],
                require_region=row["require_region"],
                weights={key: row[f"weight_{key}"] for key in matching.DEFAULT_WEIGHTS},
                names=_labels(ref, row, required[pk], nice[pk], industries[pk], languages[pk]) if names else {},
            )
        )
    return facts


def _mandate_relations(ids):
    """Skills, industries and languages of many mandates in one query."""
    required, nice, industries, languages = defaultdict(set), defaultdict(set), defaultdict(set), defaultdict(list)
    if not ids:
        return required, nice, industries, languages
    tables = {
        "r": (Mandate.required_skills.through._meta.db_table, "skill_id", "0"),
        "n": (Mandate.nice_skills.through._meta.db_table, "skill_id", "0"),
        "i": (Mandate.industries.through._meta.db_table, "industry_id", "0"),
    }
    parts = [
        f"SELECT '{key}', mandate_id, {column}, 0, {extra}, 0 FROM {table} WHERE mandate_id = ANY(%s)"  # noqa: S608
        for key, (table, column, extra) in tables.items()
    ]
    language_table = MandateLanguage._meta.db_table
    parts.append(
        "SELECT 'l', mandate_id, language_id, min_level, CASE WHEN required THEN 1 ELSE 0 END, id "  # noqa: S608
        f"FROM {language_table} WHERE mandate_id = ANY(%s)"
    )
    sql = " UNION ALL ".join(parts) + " ORDER BY 1, 2, 6"
    if connection.vendor != "postgresql":
        sql = sql.replace("= ANY(%s)", "IN (SELECT value FROM json_each(%s))")
        params = [json.dumps(list(ids))] * 4
    else:
        params = [list(ids)] * 4
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for key, mandate_id, target, level, flag, _order in cursor.fetchall():
            if key == "r":
                required[mandate_id].add(target)
            elif key == "n":
                nice[mandate_id].add(target)
            elif key == "i":
                industries[mandate_id].add(target)
            else:
                languages[mandate_id].append((target, level, bool(flag)))
    return required, nice, industries, languages


def _labels(ref, row, required, nice, industries, languages):
    wanted = {("skill", pk) for pk in required | nice}
    wanted |= {("industry", pk) for pk in industries} | {("industry", ref.sections.get(pk, pk)) for pk in industries}
    wanted |= {("language", lang) for lang, _level, _req in languages}
    if row["function_id"]:
        wanted.add(("function", row["function_id"]))
    region = row["region_id"]
    while region is not None:
        wanted.add(("region", region))
        region = ref.region_parent.get(region)
    return ref.labels(wanted)


def mandate_facts(mandate) -> MandateFacts:
    return mandate_facts_many([mandate])[0]


# --- Ranking managers for a mandate ---------------------------------------------------------------------------------


def rank(mandate, *, limit=20, offset=0, today=None) -> list[tuple[ManagerProfile, matching.MatchScore]]:
    """Active managers passing the mandate's hard filters, best first, with their explained scores."""
    today = today or timezone.localdate()
    indexing.reindex_stale()
    facts = mandate_facts(mandate)
    k = offset + limit
    if k <= 0:
        return []
    top = _top_postgres(facts, k, today) if connection.vendor == "postgresql" else _top_python(facts, k, today)
    window = top[offset:k]
    profiles = ManagerProfile.objects.select_related("user").in_bulk([p.id for _total, p in window])
    return [(profiles[p.id], matching.score(p, facts, today=today)) for _total, p in window if p.id in profiles]


def _decode(row):
    return indexing.decode(*row[:7])


def _top_python(facts, k, today):
    """Score every active indexed manager: the simple path (SQLite), and the reference the fast path must equal."""
    scored = []
    for row in CandidateIndex.objects.filter(active=True).values_list(*INDEX_COLUMNS):
        profile = _decode(row)
        total, excluded = matching.total(profile, facts, today=today)
        if not excluded:
            scored.append((total, profile))
    scored.sort(key=lambda item: (-item[0], item[1].id))
    return scored[:k]


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


def _array(tags):
    return "ARRAY[" + ",".join(str(int(t)) for t in tags) + "]::int[]"


def _industry_tags(ids, facts):
    """(tags giving the full industry points, tags giving the related-industry points)."""
    full, related = set(), set()
    for pk in ids:
        section = facts.industry_sections.get(pk, pk)
        full.add(indexing.industry_tag(pk))
        if section == pk:  # a whole section: any division in it counts fully
            full.add(indexing.section_tag(pk))
        else:
            related.add(indexing.section_tag(section))
    return sorted(full), sorted(related)


def _item_tags(kind, ids, facts):
    if kind == "skill":
        return [indexing.skill_tag(pk) for pk in ids]
    if kind == "function":
        return [indexing.function_tag(pk) for pk in ids]
    full, related = _industry_tags(ids, facts)
    return sorted(set(full) | set(related))


def _has(tags):
    # ``x = ANY(tags)`` scans the short array in place; intarray's && would copy and sort it for every test.
    return "(" + " OR ".join(f"{int(t)} = ANY(tags)" for t in tags) + ")" if tags else "FALSE"


def _num(value):
    return f"{float(value)!r}::float8"


_frequencies = {"at": None, "freq": {}, "floor": 0.0, "rows": 0.0}


def _tag_frequencies():
    """Share of rows carrying each common tag, from PostgreSQL's own statistics (cached for a few minutes).

    Tags missing from ``most_common_elems`` are rarer than the rarest listed one.
    """
    if _frequencies["at"] is None or time.monotonic() - _frequencies["at"] > _Reference.TTL:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s.most_common_elems::text::int[], s.most_common_elem_freqs, c.reltuples FROM pg_class c "
                "LEFT JOIN pg_stats s ON s.tablename = c.relname AND s.attname = 'tags' WHERE c.relname = %s LIMIT 1",
                [CandidateIndex._meta.db_table],
            )
            row = cursor.fetchone() or (None, None, 0.0)
        elems, freqs, rows = row
        freq = dict(zip(elems or [], freqs or [], strict=False))
        _frequencies.update(
            at=time.monotonic(), freq=freq, floor=min(freq.values(), default=0.0), rows=max(rows or 0.0, 0.0)
        )
    return _frequencies["freq"], _frequencies["floor"]


def _first_threshold(items, best_rest, k, wanted=FIRST_WANTED):
    """The highest threshold that, by the tag statistics (taken as independent), leaves enough rows to fill the
    top k: a first pass that is selective yet usually sufficient. Any choice is correct, only speed differs."""
    freq, floor = _tag_frequencies()
    rows = _frequencies["rows"]
    if not items or rows <= 0:
        return -1.0
    wanted = max(50 * k, wanted)
    if rows < 4 * wanted:
        return -1.0  # a small pool: one pass over everything passing the hard filters is cheapest
    # Distribution of the item points a row carries: {points: probability}.
    dist = {0.0: 1.0}
    for tags, points in items:
        p = min(1.0, sum(freq.get(t, floor) for t in tags))
        nxt = {}
        for got, prob in dist.items():
            nxt[got + points] = nxt.get(got + points, 0.0) + prob * p
            nxt[got] = nxt.get(got, 0.0) + prob * (1 - p)
        dist = nxt
    above = 0.0
    for got in sorted(dist, reverse=True):
        above += dist[got]
        if above * rows >= wanted:
            return best_rest + got - EPSILON
    return -1.0


def _reach_clause(items, need):
    """SQL condition true for every row whose matched items are worth at least ``need`` points.

    Preferably the combinations of items that reach ``need`` (``_covering_sets``), each as
    ``tags @> <its single-tag items> AND tags && <tags of a many-tag item>``: PostgreSQL answers the OR of them
    with one small GIN bitmap scan per combination, and a scan with several required tags reads the rarest posting
    list and skips through the others, so popular tags cost little. (One ``query_int`` over all combinations was
    measured 3× slower: it evaluates the whole expression for every row carrying any of the tags.)

    With too many combinations, anchors: the items left over after setting aside the most common ones whose
    points together stay below ``need`` — every row reaching ``need`` must match an anchor. Either way the exact
    bound is then checked on the rows the index found.
    """
    if need <= 0:
        return "TRUE"
    if sum(points for _tags, points in items) < need:
        return "FALSE"
    sets = _covering_sets(items, need)
    if sets:
        # Combinations differing only in their last item share one scan: {a, b, c} and {a, b, d} become
        # a AND b AND (c OR d), so the posting lists of a and b are read once (measured ~20 % faster).
        groups = {}
        for chosen in sets:
            groups.setdefault(tuple(chosen[:-1]), set()).update(items[chosen[-1]][0])
        scans = [_all_of([items[i][0] for i in prefix] + [tuple(sorted(last))]) for prefix, last in groups.items()]
        return "(" + " OR ".join(scans) + ")"
    freq, floor = _tag_frequencies()

    def commonness(item):
        return sum(freq.get(tag, floor) for tag in item[0])

    set_aside, anchors = 0.0, []
    for item in sorted(items, key=commonness, reverse=True):
        if set_aside + item[1] < need:
            set_aside += item[1]
        else:
            anchors.append(item)
    anchor_tags = sorted({tag for tags, _points in anchors for tag in tags})
    return f"tags && {_array(anchor_tags)}"


def _all_of(tag_groups):
    """SQL: the row has one tag of every group (GIN-indexable as one scan)."""
    single = sorted({tags[0] for tags in tag_groups if len(tags) == 1})
    clauses = [f"tags @> {_array(single)}"] if single else []
    clauses += [f"tags && {_array(tags)}" for tags in tag_groups if len(tags) > 1]
    return "(" + " AND ".join(clauses) + ")"


def _covering_sets(items, need, cap=256):
    """Sets of item indexes whose points reach ``need`` (every row reaching it has all items of one of them);
    None when there would be more than ``cap``."""
    order = sorted(range(len(items)), key=lambda i: -items[i][1])
    suffix = [0.0] * (len(order) + 1)
    for pos in range(len(order) - 1, -1, -1):
        suffix[pos] = suffix[pos + 1] + items[order[pos]][1]
    out = []

    def walk(pos, chosen, got):
        if len(out) > cap:
            return
        if got >= need:
            out.append(tuple(chosen))
            return
        if pos == len(order) or got + suffix[pos] < need:
            return
        chosen.append(order[pos])
        walk(pos + 1, chosen, got + items[order[pos]][1])
        chosen.pop()
        walk(pos + 1, chosen, got)

    walk(0, [], 0.0)
    if len(out) > cap:
        return None
    # A row having a superset also has the smaller set: keep only the minimal ones (fewer index scans).
    minimal = [set(chosen) for chosen in out]
    return [chosen for chosen, as_set in zip(out, minimal, strict=True) if not any(o < as_set for o in minimal)]


def _upper_bound_sql(facts, b, today):
    """Per-row upper bound on the total, in SQL: each term is the most its criterion can give for the row's tags,
    availability and rate by buckets of the (non-increasing) fractions."""
    terms = [_num(EPSILON)]
    for kind, ids, points in b.items:
        if not points:
            continue
        if kind == "industry":
            full, related = _industry_tags(ids, facts)
            terms.append(
                f"CASE WHEN {_has(full)} THEN {_num(points)} "
                f"WHEN {_has(related)} THEN {_num(b.related_industry_points)} ELSE 0::float8 END"
            )
        else:
            terms.append(f"CASE WHEN {_has(_item_tags(kind, ids, facts))} THEN {_num(points)} ELSE 0::float8 END")
    if b.region and b.region[1]:
        chain, points, fallback = b.region
        terms.append(
            f"CASE WHEN {_has([indexing.region_tag(r) for r in chain])} THEN {_num(points)} ELSE {_num(fallback)} END"
        )
    for lang, min_level, points in b.languages:
        if not points:
            continue
        below = (
            f"WHEN {indexing.language_tag(lang, min_level - 1)} = ANY(tags) "
            f"THEN {_num(points * matching.ONE_LEVEL_BELOW)} "
            if min_level > 1
            else ""
        )
        terms.append(
            f"CASE WHEN {indexing.language_tag(lang, min_level)} = ANY(tags) THEN {_num(points)} {below}"
            "ELSE 0::float8 END"
        )
    start = facts.start_date or today
    flex = facts.start_flex_days
    if b.availability_weight:
        w = b.availability_weight
        late = start + timezone.timedelta(days=flex)
        terms.append(
            f"CASE WHEN available_from IS NULL OR available_from <= '{start.isoformat()}'::date THEN {_num(w)} "
            f"WHEN available_from <= '{late.isoformat()}'::date "
            f"THEN {_num(w * matching.availability_fraction(1, flex))} "
            f"ELSE {_num(w * matching.availability_fraction(flex + 1, flex))} END"
        )
    if b.rate_weight and facts.budget_day_rate:
        w, budget, tol = b.rate_weight, facts.budget_day_rate, facts.budget_tolerance_pct
        within = budget + (tol * budget) // 100  # the highest rate still within the tolerance
        while (within + 1 - budget) * 100 / budget <= tol:
            within += 1
        while within > budget and (within - budget) * 100 / budget > tol:
            within -= 1
        rate = "coalesce(day_rate_target, day_rate_min)"
        terms.append(
            f"CASE WHEN {rate} IS NULL OR {rate} <= {int(budget)} THEN {_num(w)} "
            f"WHEN {rate} <= {int(within)} THEN {_num(w * matching.rate_fraction(budget + 1, budget, tol))} "
            f"ELSE {_num(w * matching.rate_fraction(within + 1, budget, tol))} END"
        )
    return " + ".join(terms)


def _hard_sql(facts, today):
    """Hard filters as SQL: never stricter than ``matching`` (which checks every fetched row again)."""
    clauses = ["active"]
    if facts.require_languages:
        needed = [indexing.language_tag(lang, level) for lang, level, required in facts.languages if required]
        # Checked on the rows the index found rather than through it: "speaks German" is on nearly every row,
        # and its posting list would cost more to read than the check.
        clauses += [f"{tag} = ANY(tags)" for tag in sorted(needed)]
    if facts.require_region and facts.region_chain:
        clauses.append(_has(sorted(indexing.region_tag(r) for r in facts.region_chain)))
    if facts.require_availability:
        latest = (facts.start_date or today) + timezone.timedelta(days=facts.start_flex_days)
        clauses.append(f"(available_from IS NULL OR available_from <= '{latest.isoformat()}'::date)")
    return " AND ".join(clauses)


def _top_postgres(facts, k, today, *, first_limit=400, start_share=None):
    """``start_share`` (tests): begin at this share of the item points instead of the statistics' estimate."""
    b = matching.bound(facts)
    items = [(_item_tags(kind, ids, facts), points) for kind, ids, points in b.items if points > 0]
    best_rest = b.rest + b.availability_weight + b.rate_weight
    items_total = sum(points for _tags, points in items)
    hard = _hard_sql(facts, today)
    ub = _upper_bound_sql(facts, b, today)
    top = _TopK(k)
    if start_share is None:
        filtered = facts.require_availability or (facts.require_languages and any(r for *_l, r in facts.languages))
        filtered = filtered or (facts.require_region and facts.region_chain)
        threshold = _first_threshold(items, best_rest, k, FIRST_WANTED_FILTERED if filtered else FIRST_WANTED)
    else:
        threshold = best_rest + start_share * items_total
    limit = first_limit
    for attempt in range(MAX_PASSES):
        if attempt == MAX_PASSES - 1 or not items_total:
            threshold, limit = -1.0, None  # last resort: every row passing the hard filters
        anchors = _reach_clause(items, threshold - best_rest - EPSILON)
        where = f"{hard} AND {anchors}" + (f" AND ({ub}) >= {threshold!r}" if threshold > 0 else "")
        sql = (
            f"SELECT {', '.join(INDEX_COLUMNS)}, {ub} AS ub FROM {CandidateIndex._meta.db_table} "  # noqa: S608
            f"WHERE {where} ORDER BY ub DESC, profile_id" + (f" LIMIT {int(limit)}" if limit else "")
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            rows = cursor.fetchall()
        stopped = False
        for row in rows:
            if top.full and (top.worst > row[7] - EPSILON / 2 or (top.worst >= PERFECT and row[0] > top.worst_id)):
                # Nobody further down can beat the k-th best. (At a perfect score, rows can only tie, and tied
                # rows come in id order; every perfect row has the same, highest bound, so none hides below.)
                stopped = True
                break
            if row[0] in top.seen:
                continue
            top.seen.add(row[0])
            profile = _decode(row)
            total, excluded = matching.total(profile, facts, today=today)
            if not excluded:
                top.offer(total, profile)
        if not (stopped or not limit or len(rows) < limit):
            limit = limit * 16 if limit < 100_000 else None  # the same threshold again, with room for more rows
            continue
        if threshold <= 0 or (top.full and top.worst >= threshold):
            break  # every row never fetched has a bound below the threshold, hence below the k-th best
        # Lower the threshold: to the k-th best (one more pass settles it), or stepwise while still short of k.
        if top.full:
            threshold = top.worst
        else:
            threshold = best_rest + (threshold - best_rest) / 2 if threshold - best_rest > 0.2 * items_total else -1.0
        limit = first_limit
    return top.result()


# --- Mandates for a manager ----------------------------------------------------------------------------------------


def matching_mandates_for(profile, *, min_score=0, limit=10, today=None) -> list[tuple[Mandate, matching.MatchScore]]:
    """Open mandates this manager passes the hard filters of, best first (for the dashboard and alerts).

    Every open mandate gets an upper bound on this profile's total from the profile's tags (a few set lookups);
    they are scored exactly in bound order until the ``limit``-th best total beats the next bound.
    """
    today = today or timezone.localdate()
    (facts,) = profile_facts([profile])
    tags = frozenset(indexing.encode(facts))
    candidates = []
    for mandate, prepared in _open_mandates.get():
        ub = _profile_bound(tags, prepared)
        if ub >= min_score - EPSILON:
            candidates.append((-ub, mandate.id, mandate))
    candidates.sort(key=lambda item: (item[0], item[1]))
    top = _TopK(max(limit, 0))
    for neg_ub, _pk, mandate in candidates:
        if not top.k or (top.full and top.worst > -neg_ub + EPSILON):
            break  # every mandate further down scores below the limit-th best
        total, excluded = matching.total(facts, mandate, today=today)
        if not excluded and total >= min_score:
            top.offer(total, mandate)
    top_ids = [m.id for _total, m in top.result()]
    mandates = Mandate.objects.in_bulk(top_ids)
    return [
        (mandates[m.id], matching.score(facts, m, today=today)) for m in mandate_facts_many(top_ids) if m.id in mandates
    ]


def _prepare_bound(facts):
    """A mandate's ``matching.bound`` as tag sets, for ``_profile_bound`` (the same bound as the SQL one)."""
    b = matching.bound(facts)
    items = []
    for kind, ids, points in b.items:
        if kind == "industry":
            full, related = _industry_tags(ids, facts)
            items.append((frozenset(full), points, frozenset(related), b.related_industry_points))
        else:
            items.append((frozenset(_item_tags(kind, ids, facts)), points, frozenset(), 0.0))
    if b.region:
        chain, points, fallback = b.region
        items.append((frozenset(indexing.region_tag(r) for r in chain), points, None, fallback))
    for lang, min_level, points in b.languages:
        below = frozenset([indexing.language_tag(lang, min_level - 1)]) if min_level > 1 else frozenset()
        items.append(
            (frozenset([indexing.language_tag(lang, min_level)]), points, below, points * matching.ONE_LEVEL_BELOW)
        )
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


# --- Searching the pool --------------------------------------------------------------------------------------------


def _pk(value):
    return getattr(value, "pk", value)


def pool_search(
    *,
    text="",
    function=None,
    industry=None,
    skill=None,
    language=None,
    min_level=None,
    region=None,
    available_by=None,
    max_rate=None,
):
    """A QuerySet of managers (all but those who left) matching free text and filters; by relevance when text is given.

    Filters take model instances or ids. ``industry`` as a NACE section also finds its divisions; ``region``
    finds managers accepting it or any region containing it; ``max_rate`` compares the target rate (else the
    minimum) and keeps managers who gave none.
    """
    qs = ManagerProfile.objects.exclude(status=ManagerProfile.Status.LEFT).select_related("user")
    if function:
        qs = qs.filter(
            pk__in=ManagerProfile.functions.through.objects.filter(function_id=_pk(function)).values(
                "managerprofile_id"
            )
        )
    if industry:
        industry_ids = Industry.objects.filter(Q(pk=_pk(industry)) | Q(parent_id=_pk(industry))).values("id")
        qs = qs.filter(
            pk__in=ManagerProfile.industries.through.objects.filter(industry_id__in=industry_ids).values(
                "managerprofile_id"
            )
        )
    if skill:
        qs = qs.filter(
            pk__in=ManagerProfile.skills.through.objects.filter(skill_id=_pk(skill)).values("managerprofile_id")
        )
    if language:
        languages = LanguageSkill.objects.filter(language_id=_pk(language))
        if min_level:
            languages = languages.filter(level__gte=min_level)
        qs = qs.filter(pk__in=languages.values("profile_id"))
    if region:
        region_obj = region if isinstance(region, Region) else Region.objects.get(pk=region)
        qs = qs.filter(
            pk__in=ManagerProfile.accepted_regions.through.objects.filter(
                region_id__in=region_obj.ancestor_ids()
            ).values("managerprofile_id")
        )
    if available_by:
        qs = qs.filter(Q(available_from__isnull=True) | Q(available_from__lte=available_by))
    if max_rate:
        qs = qs.filter(
            Q(day_rate_target__lte=max_rate)
            | Q(day_rate_target__isnull=True, day_rate_min__lte=max_rate)
            | Q(day_rate_target__isnull=True, day_rate_min__isnull=True)
        )
    text = (text or "").strip()
    if not text:
        return qs.order_by("-registered_at", "id")
    if connection.vendor == "postgresql":
        indexing.reindex_stale()
        query = SearchQuery(text, config="german", search_type="websearch")
        return (
            qs.filter(candidate_index__search=query)
            .annotate(relevance=SearchRank(F("candidate_index__search"), query))
            .order_by("-relevance", "id")
        )
    words = Q()
    for word in text.split():
        history = MandateHistoryEntry.objects.filter(
            Q(role__icontains=word) | Q(company__icontains=word) | Q(outcome__icontains=word)
        ).values("profile_id")
        words &= Q(headline__icontains=word) | Q(summary__icontains=word) | Q(pk__in=history)
    return qs.filter(words).order_by("-registered_at", "id")
