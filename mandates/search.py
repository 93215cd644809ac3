"""Fast candidate queries: facts from rows, ranking many managers, matching mandates, searching the pool.

``matching.score`` is the only scoring definition. ``rank`` must return exactly what scoring every active manager
with it and sorting by (score desc, id) would return; it only avoids scoring those who cannot make the top k:

On PostgreSQL (``_top_postgres``): the hard filters go into SQL as GIN-indexed array conditions on
``CandidateIndex.tags``. The tag-based criteria (each required or nice skill, function, industry) are "items"
worth known points (``matching.bound``), the rest is bounded by the best it can give, availability and rate by
date and rate buckets. A pass fetches only rows whose items can still reach a threshold T (an intarray
``query_int`` over the item tags, answered by the GIN index), ordered by their upper bound; Python scores them in
that order with the pure function and stops as soon as the k-th best exact score beats the next upper bound.
If that k-th score is below T, a second pass with T lowered to it settles the rest. Unmatched rows are never
read, yet nothing that could reach the top k is skipped, so the result is exact.

On SQLite (``_top_python``) every active row is scored in Python: same results, simple means.
"""

import heapq
from collections import defaultdict

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils import timezone

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
MAX_PASSES = 6
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


def _industry_sections():
    """NACE id -> section id (a section maps to itself). About a hundred rows."""
    return {pk: parent or pk for pk, parent in Industry.objects.values_list("id", "parent_id")}


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
    sections = _industry_sections() if industries else {}
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
    required = _pairs(Mandate.required_skills.through, "mandate_id", "skill_id", ids)
    nice = _pairs(Mandate.nice_skills.through, "mandate_id", "skill_id", ids)
    industries = _pairs(Mandate.industries.through, "mandate_id", "industry_id", ids)
    languages = defaultdict(list)
    for mandate_id, language_id, min_level, required_flag in (
        MandateLanguage.objects.filter(mandate_id__in=ids)
        .order_by("id")
        .values_list("mandate_id", "language_id", "min_level", "required")
    ):
        languages[mandate_id].append((language_id, min_level, required_flag))
    sections = _industry_sections() if industries else {}
    region_parent = (
        dict(Region.objects.values_list("id", "parent_id")) if any(r["region_id"] for r in rows.values()) else {}
    )

    label = {}
    if names:
        label = _names(rows, required, nice, industries, sections, languages, region_parent)

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
                names=label,
            )
        )
    return facts


def _names(rows, required, nice, industries, sections, languages, region_parent):
    """Display names in the active language for everything the sentences of these mandates may mention."""
    skill_ids = set().union(*required.values(), *nice.values())
    industry_ids = set().union(*industries.values())
    industry_ids |= {sections.get(i, i) for i in industry_ids}
    language_ids = {lang for reqs in languages.values() for lang, _level, _req in reqs}
    function_ids = {r["function_id"] for r in rows.values() if r["function_id"]}
    label = {}
    for kind, model, wanted in (
        ("skill", Skill, skill_ids),
        ("industry", Industry, industry_ids),
        ("language", Language, language_ids),
        ("function", Function, function_ids),
        ("region", Region, set(region_parent)),
    ):
        if wanted:
            for obj in model.objects.filter(id__in=wanted):
                label[(kind, obj.id)] = obj.name
    return label


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

    def result(self):
        return [(total, profile) for total, _neg, profile in sorted(self.heap, key=lambda e: (-e[0], e[1] * -1))]


_intarray = {}


def _has_intarray():
    name = connection.settings_dict["NAME"]
    if name not in _intarray:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'intarray'")
            _intarray[name] = cursor.fetchone() is not None
    return _intarray[name]


def _array(tags):
    return "ARRAY[" + ",".join(str(int(t)) for t in tags) + "]::int[]"


def _item_tags(kind, ids, facts):
    if kind == "skill":
        return [indexing.skill_tag(pk) for pk in ids]
    if kind == "function":
        return [indexing.function_tag(pk) for pk in ids]
    tags = set()
    for pk in ids:  # the exact industry, and its section (which counts fully or partially)
        tags |= {indexing.industry_tag(pk), indexing.section_tag(facts.industry_sections.get(pk, pk))}
    return sorted(tags)


class _TooMany(Exception):
    pass


def _covering_sets(items, need, cap=200):
    """Sets of item indexes whose points reach ``need``: a row reaches ``need`` only if it matches one of them."""
    order = sorted(range(len(items)), key=lambda i: -items[i][1])
    suffix = [0.0] * (len(order) + 1)
    for pos in range(len(order) - 1, -1, -1):
        suffix[pos] = suffix[pos + 1] + items[order[pos]][1]
    out = []

    def walk(pos, chosen, got):
        if got >= need:
            out.append(tuple(chosen))
            if len(out) > cap:
                raise _TooMany
            return
        if pos == len(order) or got + suffix[pos] < need:
            return
        chosen.append(order[pos])
        walk(pos + 1, chosen, got + items[order[pos]][1])
        chosen.pop()
        walk(pos + 1, chosen, got)

    walk(0, [], 0.0)
    return out


def _reach_clause(items, need):
    """SQL condition true for every row whose matched items are worth at least ``need`` points (or more rows)."""
    if need <= 0:
        return "TRUE"
    try:
        sets = _covering_sets(items, need)
    except _TooMany:
        return f"tags && {_array(sorted({t for tags, _p in items for t in tags}))}"
    if not sets:
        return "FALSE"
    if _has_intarray():
        # One query_int, answered by one GIN scan however many alternatives there are.
        query = "|".join(
            "(" + "&".join("(" + "|".join(map(str, items[i][0])) + ")" for i in chosen) + ")" for chosen in sets
        )
        return f"tags @@ '{query}'::query_int"
    return " OR ".join("(" + " AND ".join(f"tags && {_array(items[i][0])}" for i in chosen) + ")" for chosen in sets)


def _upper_bound_sql(facts, b, items, today):
    """Per-row upper bound on the total, in SQL: matched items + best languages/region + date and rate buckets."""
    terms = [f"CASE WHEN tags && {_array(tags)} THEN {points!r} ELSE 0 END" for tags, points in items if points]
    terms.append(repr(b.rest + EPSILON))
    start = facts.start_date or today
    flex = facts.start_flex_days
    if b.availability_weight:
        w = b.availability_weight
        late = start + timezone.timedelta(days=flex)
        now_full, soon, later = (
            w,
            w * matching.availability_fraction(1, flex),
            w * matching.availability_fraction(flex + 1, flex),
        )
        terms.append(
            f"CASE WHEN available_from IS NULL OR available_from <= '{start.isoformat()}'::date THEN {now_full!r} "
            f"WHEN available_from <= '{late.isoformat()}'::date THEN {soon!r} ELSE {later!r} END"
        )
    if b.rate_weight and facts.budget_day_rate:
        w, budget, tol = b.rate_weight, facts.budget_day_rate, facts.budget_tolerance_pct
        within = budget + (tol * budget) // 100  # the highest rate still within the tolerance
        while (within + 1 - budget) * 100 / budget <= tol:
            within += 1
        while within > budget and (within - budget) * 100 / budget > tol:
            within -= 1
        terms.append(
            "CASE WHEN coalesce(day_rate_target, day_rate_min) IS NULL "
            f"OR coalesce(day_rate_target, day_rate_min) <= {int(budget)} THEN {w!r} "
            f"WHEN coalesce(day_rate_target, day_rate_min) <= {int(within)} "
            f"THEN {w * matching.rate_fraction(budget + 1, budget, tol)!r} "
            f"ELSE {w * matching.rate_fraction(within + 1, budget, tol)!r} END"
        )
    return " + ".join(terms)


def _hard_sql(facts, today):
    """Hard filters as SQL: never stricter than ``matching`` (which checks every fetched row again)."""
    clauses = ["active"]
    if facts.require_languages:
        needed = [indexing.language_tag(lang, level) for lang, level, required in facts.languages if required]
        if needed:
            clauses.append(f"tags @> {_array(sorted(needed))}")
    if facts.require_region and facts.region_chain:
        clauses.append(f"tags && {_array(sorted(indexing.region_tag(r) for r in facts.region_chain))}")
    if facts.require_availability:
        latest = (facts.start_date or today) + timezone.timedelta(days=facts.start_flex_days)
        clauses.append(f"(available_from IS NULL OR available_from <= '{latest.isoformat()}'::date)")
    return " AND ".join(clauses)


def _top_postgres(facts, k, today, *, first_limit=400):
    b = matching.bound(facts)
    items = [(_item_tags(kind, ids, facts), points) for kind, ids, points in b.items if points > 0]
    best_rest = b.rest + b.availability_weight + b.rate_weight
    items_total = sum(points for _tags, points in items)
    hard = _hard_sql(facts, today)
    ub = _upper_bound_sql(facts, b, items, today)
    top = _TopK(k)
    # First pass: only rows matching a good share of the items; most mandates are settled there.
    threshold = best_rest + 0.5 * items_total
    limit = first_limit
    for attempt in range(MAX_PASSES):
        if attempt == MAX_PASSES - 1:
            threshold, limit = best_rest, None  # last resort: every row passing the hard filters
        reach = _reach_clause(items, threshold - best_rest - EPSILON)
        sql = (
            f"SELECT {', '.join(INDEX_COLUMNS)}, {ub} AS ub FROM {CandidateIndex._meta.db_table} "  # noqa: S608
            f"WHERE {hard} AND ({reach}) ORDER BY ub DESC, profile_id" + (f" LIMIT {int(limit)}" if limit else "")
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            rows = cursor.fetchall()
        stopped = False
        for row in rows:
            if top.full and top.worst > row[7]:
                stopped = True  # nobody further down this pass can beat the k-th best
                break
            if row[0] in top.seen:
                continue
            top.seen.add(row[0])
            profile = _decode(row)
            total, excluded = matching.total(profile, facts, today=today)
            if not excluded:
                top.offer(total, profile)
        complete = stopped or not limit or len(rows) < limit
        if not complete:
            limit = limit * 16 if limit < 100_000 else None  # the same threshold again, with room for more rows
            continue
        if reach == "TRUE" or (top.full and top.worst >= threshold):
            break  # rows never fetched are bounded below the threshold, hence below the k-th best
        # Lower the threshold: to the k-th best (settles it in one more pass), or stepwise while still short of k.
        threshold = top.worst if top.full else threshold - 0.25 * items_total - EPSILON
        if items_total == 0 or threshold - best_rest <= 0:
            threshold = best_rest
        limit = first_limit
    return top.result()


# --- Mandates for a manager ----------------------------------------------------------------------------------------


def matching_mandates_for(profile, *, min_score=0, limit=10, today=None) -> list[tuple[Mandate, matching.MatchScore]]:
    """Open mandates this manager passes the hard filters of, best first (for the dashboard and alerts)."""
    today = today or timezone.localdate()
    (facts,) = profile_facts([profile])
    scored = []
    for mandate in mandate_facts_many(Mandate.objects.open().order_by(), names=False):
        total, excluded = matching.total(facts, mandate, today=today)
        if not excluded and total >= min_score:
            scored.append((total, mandate.id))
    scored.sort(key=lambda item: (-item[0], item[1]))
    top_ids = [pk for _total, pk in scored[:limit]]
    mandates = Mandate.objects.in_bulk(top_ids)
    return [
        (mandates[m.id], matching.score(facts, m, today=today)) for m in mandate_facts_many(top_ids) if m.id in mandates
    ]


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
