"""Fast candidate queries: facts from rows, ranking many managers, matching mandates, searching the pool.

``spec.score`` is the only scoring definition. ``rank`` must return exactly what scoring every active manager
with it and sorting by (score desc, id) would return; it only avoids scoring those who cannot make the top k:

On PostgreSQL (``_top_postgres``): the hard filters go into SQL as GIN-indexed array conditions on
``CandidateIndex.tags`` (intarray's ``gin__int_ops`` where the extension exists). The tag-based criteria (each
required or nice skill, function, industry) are "items" worth known points (``spec.bound``); languages and
region are bounded by the best they can give, availability and rate by date and rate buckets. A pass fetches only
rows whose items can still reach a threshold T — one small GIN scan per combination of items worth T
(``tags @> ARRAY[...]``, OR-ed into one bitmap), the exact bound checked on the rows found — ordered by their
upper bound. Python scores them in that order with the pure function and stops as soon as the k-th best exact
score beats the next upper bound. If that k-th score is below T, one more pass with T lowered to it settles the rest. Rows that
cannot reach the top k are never read, and none that could is skipped, so the result is exact.

On SQLite (``_top_python``) every active row is scored in Python: same results, simple means.
"""

import time

from django.db import connection
from django.utils import timezone

from managers.models import ManagerProfile

from ..models import CandidateIndex
from . import index, spec, tags
from .facts import mandate_facts
from .reverse import _industry_tags, _item_tags, _TopK

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
# --- Ranking managers for a mandate ---------------------------------------------------------------------------------


def rank(mandate, *, limit=20, offset=0, today=None) -> list[tuple[ManagerProfile, spec.MatchScore]]:
    """Active managers passing the mandate's hard filters, best first, with their explained scores."""
    today = today or timezone.localdate()
    index.reindex_stale()
    facts = mandate_facts(mandate)
    k = offset + limit
    if k <= 0:
        return []
    top = _top_postgres(facts, k, today) if connection.vendor == "postgresql" else _top_python(facts, k, today)
    window = top[offset:k]
    profiles = ManagerProfile.objects.select_related("user").in_bulk([p.id for _total, p in window])
    return [(profiles[p.id], spec.score(p, facts, today=today)) for _total, p in window if p.id in profiles]


def _decode(row):
    return tags.decode(*row[:7])


def _top_python(facts, k, today):
    """Score every active indexed manager: the simple path (SQLite), and the reference the fast path must equal."""
    scored = []
    for row in CandidateIndex.objects.filter(active=True).values_list(*INDEX_COLUMNS):
        profile = _decode(row)
        total, excluded = spec.total(profile, facts, today=today)
        if not excluded:
            scored.append((total, profile))
    scored.sort(key=lambda item: (-item[0], item[1].id))
    return scored[:k]


def _array(tags):
    return "ARRAY[" + ",".join(str(int(t)) for t in tags) + "]::int[]"


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
    if _frequencies["at"] is None or time.monotonic() - _frequencies["at"] > 300:
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
    for item_tags, points in items:
        p = min(1.0, sum(freq.get(t, floor) for t in item_tags))
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
            f"CASE WHEN {_has([tags.region_tag(r) for r in chain])} THEN {_num(points)} ELSE {_num(fallback)} END"
        )
    for lang, min_level, points in b.languages:
        if not points:
            continue
        below = (
            f"WHEN {tags.language_tag(lang, min_level - 1)} = ANY(tags) THEN {_num(points * spec.ONE_LEVEL_BELOW)} "
            if min_level > 1
            else ""
        )
        terms.append(
            f"CASE WHEN {tags.language_tag(lang, min_level)} = ANY(tags) THEN {_num(points)} {below}ELSE 0::float8 END"
        )
    start = facts.start_date or today
    flex = facts.start_flex_days
    if b.availability_weight:
        w = b.availability_weight
        late = start + timezone.timedelta(days=flex)
        terms.append(
            f"CASE WHEN available_from IS NULL OR available_from <= '{start.isoformat()}'::date THEN {_num(w)} "
            f"WHEN available_from <= '{late.isoformat()}'::date "
            f"THEN {_num(w * spec.availability_fraction(1, flex))} "
            f"ELSE {_num(w * spec.availability_fraction(flex + 1, flex))} END"
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
            f"WHEN {rate} <= {int(within)} THEN {_num(w * spec.rate_fraction(budget + 1, budget, tol))} "
            f"ELSE {_num(w * spec.rate_fraction(within + 1, budget, tol))} END"
        )
    return " + ".join(terms)


def _hard_sql(facts, today):
    """Hard filters as SQL: never stricter than ``matching`` (which checks every fetched row again)."""
    clauses = ["active"]
    if facts.require_languages:
        needed = [tags.language_tag(lang, level) for lang, level, required in facts.languages if required]
        # Checked on the rows the index found rather than through it: "speaks German" is on nearly every row,
        # and its posting list would cost more to read than the check.
        clauses += [f"{tag} = ANY(tags)" for tag in sorted(needed)]
    if facts.require_region and facts.region_chain:
        clauses.append(_has(sorted(tags.region_tag(r) for r in facts.region_chain)))
    if facts.require_availability:
        latest = (facts.start_date or today) + timezone.timedelta(days=facts.start_flex_days)
        clauses.append(f"(available_from IS NULL OR available_from <= '{latest.isoformat()}'::date)")
    return " AND ".join(clauses)


def _top_postgres(facts, k, today, *, first_limit=400, start_share=None):
    """``start_share`` (tests): begin at this share of the item points instead of the statistics' estimate."""
    b = spec.bound(facts)
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
            total, excluded = spec.total(profile, facts, today=today)
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
