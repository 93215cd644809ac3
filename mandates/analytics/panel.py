"""The manager's dashboard panel "Ihr Weg zum ersten Mandat": what managers like them experienced, where they
stand, what their rate is worth, and which levers the data shows — in plain words, from the first day.

Who sees what: only aggregates over other people (never fewer than ``survival.MIN_OBSERVATIONS`` managers, rates
over at least ``MIN_RATES`` managers, budgets over at least ``risk.MIN_BUDGETS`` mandates), the manager's own
candidacies with the neutral reasons staff chose, and reference data (skill and language names). No client name,
no client price, no other manager, no single mandate's budget.

"Like you": the most specific segment with enough data — same function and industry section, else same function,
else everyone — from the cached estimates (``store.py``). Market value and levers use the function of that
segment (else the manager's first). Levers score the manager's current profile against the briefs opened in the
last 90 days in their functions (and those naming no function), each as of its opening day, with the matching
specification itself (``mandates.matching``): totals for all, the explanation (missing skills, criteria) only for
the nearly matched — within ``NEAR_POINTS`` points below the alert threshold, or a strong match excluded by a hard
filter.
"""

from bisect import bisect_left, bisect_right
from collections import Counter

from django.utils import timezone

from managers.models import Language, Skill

from .. import matching
from ..matching.facts import profile_facts
from . import risk, selectors, store, survival
from .segments import Label
from .store import key

NEAR_POINTS = 20
MIN_RATES = 10
TOP_LEVERS = 3


def _segment_keys(functions, sections):
    keys = [key("like", "all")]
    keys += [key("like", f"f{f}") for f in functions]
    keys += [key("like", f"f{f}s{s}") for f in functions for s in sections]
    return keys


def _like_you(found, functions, sections):
    """(LikeYou, function id of it or None): the most specific segment with data, the largest among equals."""
    for keys in (
        [(key("like", f"f{f}s{s}"), f) for f in functions for s in sections],
        [(key("like", f"f{f}"), f) for f in functions],
    ):
        present = [(found[k], f) for k, f in keys if k in found]
        if present:
            return max(present, key=lambda item: item[0].observed)
    return found.get(key("like", "all")), None


def _percentile(rate, rates):
    """Share of managers quoting less than ``rate`` (half of those quoting exactly it), and the basis."""
    values, counts = rates
    total = sum(counts)
    if rate is None or total < MIN_RATES:
        return None
    below = sum(counts[: bisect_left(values, rate)])
    same = sum(counts[bisect_left(values, rate) : bisect_right(values, rate)])
    return {"percent": matching.percent(100 * (below + same / 2) / total), "basis": total}


def market_value(rate, rates, budgets):
    """The rate as a percentile among the function's managers, and against its mandates' budgets (12 months)."""
    result = {"rate": rate, "percentile": _percentile(rate, rates) if rates else None, "budgets": None}
    if rate is not None and budgets and len(budgets) >= risk.MIN_BUDGETS:
        within = sum(1 for b in budgets if rate <= b)
        result["budgets"] = {
            "basis": len(budgets),
            "within": within,
            "gap_pct": matching.percent(selectors.rate_gap_pct(rate, budgets)),
        }
    return result


def levers(profile_facts, briefs):
    """Matching and nearly matching briefs of the last 90 days, and what kept the manager out of the near ones."""
    threshold = matching.alert_threshold()
    matches, near = 0, []
    for day, brief in briefs:
        total, excluded = matching.total(profile_facts, brief, today=day)
        if total >= threshold and not excluded:
            matches += 1
        elif total >= threshold - NEAR_POINTS:
            near.append((day, brief))
    skills, languages, late, over = Counter(), Counter(), 0, 0
    for day, brief in near:
        explained = matching.score(profile_facts, brief, today=day)
        skills.update(explained.missing_skill_ids)
        languages.update(
            lang
            for lang, level, required in brief.languages
            if required and profile_facts.languages.get(lang, 0) < level
        )
        criteria = {c.key: c for c in explained.criteria}
        late += bool(
            criteria["availability"].hard_fail
            or (criteria["availability"].weight and criteria["availability"].fraction < 1)
        )
        over += bool(criteria["rate"].weight and criteria["rate"].fraction < 1)
    return {
        "briefs": len(briefs),
        "matches": matches,
        "near": len(near),
        "skills": _named(Skill, skills),
        "languages": _named(Language, languages),
        "late": late,
        "over_budget": over,
    }


def _named(model, counter):
    top = counter.most_common(TOP_LEVERS)
    names = {obj.pk: obj.name for obj in model.objects.filter(pk__in=[pk for pk, _n in top])}
    return [(names[pk], n) for pk, n in top if pk in names]


def manager_panel(profile, now=None):
    """Everything the panel shows for ``profile``, as plain data (about a dozen queries, none over the pool)."""
    now = now or timezone.now()
    names = {pk: Label(de, en) for pk, de, en in profile.functions.values_list("id", "name_de", "name_en")}
    functions = sorted(names)
    sections = sorted({parent or pk for pk, parent in profile.industries.values_list("id", "parent_id")})
    keys = _segment_keys(functions, sections)
    keys += [key("rates", f) for f in functions] + [key("budgets", f) for f in functions]
    keys += [key("recent", f) for f in [*functions, 0]]
    found = store.get_many(keys, warm_if_missing=key("like", "all"))
    panel_cold = key("like", "all") not in found
    like, function = _like_you(found, functions, sections)
    function = function if function is not None else (functions[0] if functions else None)
    days = max((now - profile.registered_at).days, 0)
    rate = profile.day_rate_target if profile.day_rate_target is not None else profile.day_rate_min
    recent = [found[k] for k in (key("recent", f) for f in [*functions, 0]) if k in found]
    briefs = [brief for group in recent for brief in group] if not panel_cold else None
    months = days / survival.DAYS_PER_MONTH
    return {
        "computing": like is None,
        "like": like,
        "you_x": like.chart.x_of(months) if like is not None else None,
        "days_registered": days,
        "placed": profile.placements.exists(),
        "standing": selectors.standing(profile),
        "market": market_value(rate, found.get(key("rates", function)), found.get(key("budgets", function)))
        if function is not None
        else None,
        "market_function": names.get(function),
        "levers": levers(profile_facts([profile])[0], briefs) if briefs is not None else None,
        "availability_past": profile.availability_is_past(),
    }
