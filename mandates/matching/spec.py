"""The matching specification: how well one manager fits one mandate, and why.

Pure: plain functions and dataclasses, no database access, so it is tested criterion by criterion without one.
``facts.py`` turns rows into facts and ``ranking.py`` ranks many profiles fast; whatever it does, the ranking it returns
must equal sorting by ``score()`` (a property test holds it to that).

How a score is built
--------------------
Seven soft criteria each yield a fraction between 0 and 1. A criterion the mandate says nothing about (no function,
no region, no budget, no languages, no skills) is left out, and the remaining weights are normalised so the total
is always out of 100: ``points = 100 * weight * fraction / sum(weights of counted criteria)``.

The explanation shows each criterion's *share*, the weight it was effectively counted with after that
normalisation (``100 * weight / sum``, 0 = not counted), next to its points. When a brief leaves criteria out,
skills (weight 35) may count with a share of 38.9; its points are at most that share, never "38.9 of 35".
The configured weights stay visible to staff in the weights table of the mandate.

How numbers are shown
---------------------
Totals, points and shares are kept as floats and rounded only for display, always by ``percent()``: whole points,
half up (98.5 → 99, 98.49 → 98). Every page, mail, admin column and export uses it, so one match shows one number
everywhere. Each figure is rounded on its own; rounding is monotonic, so a criterion's rounded points never exceed
its rounded share.

Hard filters (availability, required languages, region) are switched on per mandate. A profile failing one is
``excluded`` and never ranked; the reasons say why in a sentence.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Default weight of each soft criterion (points out of their sum). Tuned per mandate in the admin.
DEFAULT_WEIGHTS = {
    "skills": 35,
    "function": 15,
    "industry": 10,
    "languages": 10,
    "region": 10,
    "availability": 10,
    "rate": 10,
}

# Score from which a manager is alerted about a mandate; settings.MATCH_ALERT_THRESHOLD overrides it.
STRONG_MATCH = 70

# Share of the skills criterion carried by the must-have skills when nice-to-have skills are also given.
REQUIRED_SKILLS_SHARE = 0.75
# A division match in the same NACE section (e.g. 28 vs 29, both in C) counts this much.
RELATED_INDUSTRY = 0.5
# One CEFR level below the minimum counts this much for the soft criterion.
ONE_LEVEL_BELOW = 0.5
# Starting late but within the mandate's flexibility costs up to this much.
WITHIN_FLEX_PENALTY = 0.25
# Beyond the flexibility the fraction starts at 0.5 and reaches 0 after this many more days.
LATE_FADE_DAYS = 60
# Over budget beyond the tolerance: starts at 0.5, reaches 0 this many percent further.
OVER_BUDGET_FADE_PCT = 25
# A mandate with at least this remote share is partly doable by a manager who did not name the region.
MOSTLY_REMOTE = 80
# A manager wanting this many percentage points more remote work than offered is a weaker fit.
REMOTE_GAP = 20

LABELS = {
    "skills": "Kompetenzen",
    "function": "Funktion",
    "industry": "Branche",
    "languages": "Sprachen",
    "region": "Region/Mobilität",
    "availability": "Verfügbarkeit",
    "rate": "Tagessatz",
}

CEFR_NAMES = {1: "A1", 2: "A2", 3: "B1", 4: "B2", 5: "C1", 6: "C2", 7: "Muttersprache"}


# A criterion counts as "met" (for the client's list of criteria in words) when it is fully satisfied.
MET = 1 - 1e-9


def alert_threshold():
    return getattr(settings, "MATCH_ALERT_THRESHOLD", STRONG_MATCH)


def percent(value):
    """The one rounding rule for every score, point and share shown anywhere: whole points, half up.

    The float is first cut to six decimals so that binary noise (98.49999999999 for a computed 98.5) does not
    decide the direction.
    """
    if value is None:
        return None
    return math.floor(round(float(value), 6) + 0.5)


@dataclass(frozen=True)
class ProfileFacts:
    id: int
    skill_ids: frozenset = frozenset()
    function_ids: frozenset = frozenset()
    # The profile's own industries (sections or divisions) and the sections they belong to (a section belongs to
    # itself): a mandate in division 29 is a related fit for someone with 28, both in section C.
    industry_ids: frozenset = frozenset()
    industry_section_ids: frozenset = frozenset()
    languages: Mapping = field(default_factory=dict)  # language id -> CEFR level (int)
    accepted_region_ids: frozenset = frozenset()
    remote_share: int = 0
    available_from: date | None = None
    days_per_week: int = 5
    day_rate_min: int | None = None
    day_rate_target: int | None = None

    @property
    def day_rate(self):
        """The rate a manager would quote: their target, else their minimum."""
        return self.day_rate_target if self.day_rate_target is not None else self.day_rate_min


@dataclass(frozen=True)
class MandateFacts:
    id: int
    required_skill_ids: frozenset = frozenset()
    nice_skill_ids: frozenset = frozenset()
    function_id: int | None = None
    industry_ids: frozenset = frozenset()
    # Section of each mandate industry (a section maps to itself).
    industry_sections: Mapping = field(default_factory=dict)
    languages: tuple = ()  # ((language id, min level, required), ...)
    region_id: int | None = None
    # The region first, then every region containing it, innermost first ("Bayern", "Deutschland", "EU", ...).
    region_chain: tuple = ()
    remote_share: int = 0
    start_date: date | None = None
    start_flex_days: int = 14
    days_per_week: int = 5
    budget_day_rate: int | None = None
    budget_tolerance_pct: int = 10
    require_availability: bool = True
    require_languages: bool = True
    require_region: bool = False
    weights: Mapping = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    # Display names for sentences, keyed (kind, id) with kind in skill/function/industry/language/region.
    names: Mapping = field(default_factory=dict, compare=False)

    def name(self, kind, pk):
        return self.names.get((kind, pk), f"#{pk}")


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    weight: int  # the configured weight; 0 when the mandate says nothing about this criterion
    fraction: float
    points: float
    sentence: str
    hard_fail: bool = False
    share: float = 0.0  # the most points this criterion could give after normalisation (see the module docstring)

    @property
    def met(self):
        return bool(self.weight) and self.fraction >= MET


@dataclass(frozen=True)
class MatchScore:
    total: float
    criteria: tuple = ()
    excluded: bool = False
    reasons: tuple = ()
    missing_skill_ids: frozenset = frozenset()
    matched_skill_ids: frozenset = frozenset()

    @property
    def percent(self):
        return percent(self.total)

    def as_dict(self):
        """The JSON snapshot kept with a candidacy (``Candidacy.score_detail``) and in match-alert rows.

        Full precision: only display rounds (``percent``), so a snapshot shows the same number as the live score.
        """
        return {
            "total": self.total,
            "excluded": self.excluded,
            "reasons": [str(reason) for reason in self.reasons],
            "missing_skill_ids": sorted(self.missing_skill_ids),
            "matched_skill_ids": sorted(self.matched_skill_ids),
            "criteria": [
                {
                    "key": c.key,
                    "label": str(c.label),
                    "weight": c.weight,
                    "share": c.share,
                    "fraction": c.fraction,
                    "points": c.points,
                    "met": c.met,
                    "sentence": str(c.sentence),
                    "hard_fail": c.hard_fail,
                }
                for c in self.criteria
            ],
        }


# --- The criteria --------------------------------------------------------------------------------------------------
# Each returns (counted, fraction, hard_fail, detail). ``detail`` carries what the sentence needs, so sentences are
# only built when an explanation is asked for (ranking many profiles needs the numbers only).


def _skills(p: ProfileFacts, m: MandateFacts, today):
    req, nice = m.required_skill_ids, m.nice_skill_ids
    if not req and not nice:
        return False, 0.0, False, None
    req_hit, nice_hit = req & p.skill_ids, nice & p.skill_ids
    req_frac = len(req_hit) / len(req) if req else 0.0
    nice_frac = len(nice_hit) / len(nice) if nice else 0.0
    if req and nice:
        fraction = REQUIRED_SKILLS_SHARE * req_frac + (1 - REQUIRED_SKILLS_SHARE) * nice_frac
    else:
        fraction = req_frac if req else nice_frac
    return True, fraction, False, (req_hit, nice_hit)


def _function(p, m, today):
    if m.function_id is None:
        return False, 0.0, False, None
    return True, 1.0 if m.function_id in p.function_ids else 0.0, False, None


def _industry_fraction(p, m, industry_id):
    section = m.industry_sections.get(industry_id, industry_id)
    if industry_id in p.industry_ids:
        return 1.0
    if section == industry_id:  # the mandate names a whole section: any division in it fits fully
        return 1.0 if section in p.industry_section_ids else 0.0
    return RELATED_INDUSTRY if section in p.industry_section_ids else 0.0


def _industry(p, m, today):
    if not m.industry_ids:
        return False, 0.0, False, None
    best, best_id = 0.0, None
    for industry_id in sorted(m.industry_ids):
        fraction = _industry_fraction(p, m, industry_id)
        if fraction > best:
            best, best_id = fraction, industry_id
    return True, best, False, best_id


def language_fraction(level, min_level):
    if level >= min_level:
        return 1.0
    # One level short is half a fit; not speaking the language at all is none, even when A1 is asked for.
    return ONE_LEVEL_BELOW if level and level == min_level - 1 else 0.0


def _languages(p, m, today):
    if not m.languages:
        return False, 0.0, False, None
    fractions = [language_fraction(p.languages.get(lang, 0), min_level) for lang, min_level, _req in m.languages]
    failed = tuple(
        lang for lang, min_level, required in m.languages if required and p.languages.get(lang, 0) < min_level
    )
    return True, sum(fractions) / len(fractions), bool(m.require_languages and failed), failed


def _region(p, m, today):
    if m.region_id is None:
        return False, 0.0, False, None
    accepted = next((r for r in m.region_chain if r in p.accepted_region_ids), None)
    if accepted is not None:
        fraction = 1.0
        if p.remote_share - m.remote_share > REMOTE_GAP:
            fraction = 0.75
    elif m.remote_share >= MOSTLY_REMOTE:
        fraction = 0.5
    else:
        fraction = 0.0
    return True, fraction, bool(m.require_region and accepted is None), accepted


def availability_delay(p: ProfileFacts, m: MandateFacts, today: date) -> int:
    """Days between the mandate's start and the earliest day the manager can start (negative: earlier)."""
    return delay_from(p.available_from, m, today)


def delay_from(available_from: date | None, m: MandateFacts, today: date) -> int:
    start = m.start_date or today
    free = max(available_from or today, today)
    return (free - start).days


def part_time(fraction: float, days_per_week: int, m: MandateFacts) -> float:
    """Availability for fewer days a week than the mandate needs counts proportionally less."""
    if days_per_week < m.days_per_week:
        return fraction * (days_per_week / m.days_per_week)
    return fraction


def availability_fraction(delay: int, flex: int) -> float:
    """Non-increasing in ``delay`` (a later start never scores better)."""
    if delay <= 0:
        return 1.0
    if delay <= flex:
        return 1.0 - WITHIN_FLEX_PENALTY * delay / max(flex, 1)
    return max(0.0, 0.5 * (1 - (delay - flex) / LATE_FADE_DAYS))


def _availability(p, m, today):
    delay = availability_delay(p, m, today)
    fraction = part_time(availability_fraction(delay, m.start_flex_days), p.days_per_week, m)
    return True, fraction, bool(m.require_availability and delay > m.start_flex_days), delay


def rate_fraction(rate: int | None, budget: int, tolerance_pct: int) -> float:
    """Non-increasing in ``rate`` (unknown counts as 0.5)."""
    if rate is None:
        return 0.5
    over = (rate - budget) * 100 / budget if budget else 0.0
    if over <= 0:
        return 1.0
    if over <= tolerance_pct:
        return 1.0 - 0.5 * over / max(tolerance_pct, 1)
    return max(0.0, 0.5 * (1 - (over - tolerance_pct) / OVER_BUDGET_FADE_PCT))


def _rate(p, m, today):
    if not m.budget_day_rate:
        return False, 0.0, False, None
    return True, rate_fraction(p.day_rate, m.budget_day_rate, m.budget_tolerance_pct), False, None


CRITERIA = (
    ("skills", _skills),
    ("function", _function),
    ("industry", _industry),
    ("languages", _languages),
    ("region", _region),
    ("availability", _availability),
    ("rate", _rate),
)
CRITERIA_BY_KEY = dict(CRITERIA)


def _evaluate(profile, mandate, today):
    results = [(key, *fn(profile, mandate, today)) for key, fn in CRITERIA]
    weight_sum = sum(mandate.weights.get(key, 0) for key, counted, *_rest in results if counted)
    return results, weight_sum


def criterion_points(weight, fraction, weight_sum):
    """A counted criterion's points: the one formula (``total``, ``score`` and the columnar ranking use it)."""
    return 100 * weight * fraction / weight_sum


def counted_criteria(mandate: MandateFacts, today: date) -> list[str]:
    """The criteria this mandate counts, in the order totals add them (it depends on the mandate alone)."""
    return [key for key, fn in CRITERIA if fn(ProfileFacts(id=0), mandate, today)[0]]


def criterion_fraction(key, profile: ProfileFacts, mandate: MandateFacts, today: date | None = None) -> float:
    """One criterion's fraction, for ranking code that scores each distinct value once."""
    return CRITERIA_BY_KEY[key](profile, mandate, today or date.today())[1]


def total(profile: ProfileFacts, mandate: MandateFacts, *, today: date) -> tuple[float, bool]:
    """(total, excluded) without the explanation: what ranking many profiles needs. Same numbers as ``score``."""
    results, weight_sum = _evaluate(profile, mandate, today)
    if not weight_sum:
        return 0.0, any(r[3] for r in results)
    points = 0.0
    excluded = False
    for key, counted, fraction, hard_fail, _detail in results:
        if counted:
            points += criterion_points(mandate.weights.get(key, 0), fraction, weight_sum)
        excluded = excluded or hard_fail
    return points, excluded


def score(profile: ProfileFacts, mandate: MandateFacts, *, today: date | None = None) -> MatchScore:
    """Score one profile against one mandate, with one sentence per criterion."""
    today = today or date.today()
    results, weight_sum = _evaluate(profile, mandate, today)
    criteria, reasons, points_sum = [], [], 0.0
    for key, counted, fraction, hard_fail, detail in results:
        weight = mandate.weights.get(key, 0) if counted else 0
        share = 100 * weight / weight_sum if (counted and weight_sum) else 0.0
        points = criterion_points(weight, fraction, weight_sum) if (counted and weight_sum) else 0.0  # as ``total``
        points_sum += points
        sentence = SENTENCES[key](profile, mandate, counted, fraction, detail, today)
        criteria.append(
            Criterion(key, _(LABELS[key]), weight, fraction if counted else 0.0, points, sentence, hard_fail, share)
        )
        if hard_fail:
            reasons.append(REASONS[key](profile, mandate, detail))
    req = mandate.required_skill_ids
    return MatchScore(
        total=points_sum,
        criteria=tuple(criteria),
        excluded=bool(reasons),
        reasons=tuple(reasons),
        missing_skill_ids=frozenset(req - profile.skill_ids),
        matched_skill_ids=frozenset((req | mandate.nice_skill_ids) & profile.skill_ids),
    )


# --- Bounds for the fast path --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bound:
    """What each part of ``total`` can be worth at most, for ``reverse`` to bound many mandates at once.

    ``items``: (kind, ids, points) for each must-have or nice skill, the function and the industries: a profile
    having none of ``ids`` earns nothing from the item (industries: ``related_points`` for a related one).
    ``region``: (chain, points, points when not accepted). ``languages``: (language id, min level, points),
    half of it one level below. Availability and rate are bounded through ``availability_fraction`` and
    ``rate_fraction``, which are non-increasing.
    """

    items: tuple
    region: tuple | None
    languages: tuple
    availability_weight: float
    rate_weight: float
    related_industry_points: float

    @property
    def rest(self):
        """The most that region and languages can add."""
        return (self.region[1] if self.region else 0.0) + sum(points for *_key, points in self.languages)


def bound(mandate: MandateFacts) -> Bound:
    counted = {key: fn(ProfileFacts(id=0), mandate, date.today())[0] for key, fn in CRITERIA}
    weights = {key: mandate.weights.get(key, 0) if counted[key] else 0 for key in DEFAULT_WEIGHTS}
    weight_sum = sum(weights.values()) or 1

    def pts(key):
        return 100 * weights[key] / weight_sum

    items = []
    req, nice = mandate.required_skill_ids, mandate.nice_skill_ids
    req_share = REQUIRED_SKILLS_SHARE if (req and nice) else 1.0
    for skill in sorted(req):
        items.append(("skill", (skill,), pts("skills") * req_share / len(req)))
    for skill in sorted(nice):
        items.append(("skill", (skill,), pts("skills") * (1 - req_share if req else 1.0) / len(nice)))
    if mandate.function_id is not None:
        items.append(("function", (mandate.function_id,), pts("function")))
    if mandate.industry_ids:
        items.append(("industry", tuple(sorted(mandate.industry_ids)), pts("industry")))
    region = None
    if mandate.region_id is not None:
        fallback = 0.5 if mandate.remote_share >= MOSTLY_REMOTE else 0.0
        region = (mandate.region_chain, pts("region"), pts("region") * fallback)
    languages = tuple(
        (lang, min_level, pts("languages") / len(mandate.languages)) for lang, min_level, _req in mandate.languages
    )
    return Bound(
        items=tuple(items),
        region=region,
        languages=languages,
        availability_weight=pts("availability"),
        rate_weight=pts("rate"),
        related_industry_points=pts("industry") * RELATED_INDUSTRY,
    )


# --- Sentences: what a staff member would tell a client ------------------------------------------------------------


def _names(mandate, kind, ids):
    return ", ".join(sorted(mandate.name(kind, pk) for pk in ids))


def _skills_sentence(p, m, counted, fraction, detail, today):
    if not counted:
        return _("keine Kompetenzen vorgegeben")
    req_hit, nice_hit = detail
    parts = []
    req, nice = m.required_skill_ids, m.nice_skill_ids
    if req:
        missing = req - req_hit
        if not missing:
            parts.append(ngettext("die Muss-Kompetenz", "alle %(n)d Muss-Kompetenzen", len(req)) % {"n": len(req)})
        else:
            text = _("%(hit)d von %(n)d Muss-Kompetenzen") % {"hit": len(req_hit), "n": len(req)}
            fehlt = ngettext("fehlt %(names)s", "fehlen %(names)s", len(missing)) % {
                "names": _names(m, "skill", missing)
            }
            parts.append(f"{text}: {fehlt}")
    if nice:
        parts.append(_("%(hit)d von %(n)d Kann-Kompetenzen") % {"hit": len(nice_hit), "n": len(nice)})
    return "; ".join(parts)


def _function_sentence(p, m, counted, fraction, detail, today):
    if not counted:
        return _("keine Funktion vorgegeben")
    name = m.name("function", m.function_id)
    if fraction:
        return _("Erfahrung als %(function)s") % {"function": name}
    return _("keine Erfahrung als %(function)s") % {"function": name}


def _industry_sentence(p, m, counted, fraction, detail, today):
    if not counted:
        return _("keine Branche vorgegeben")
    if fraction >= 1:
        return _("Branchenerfahrung %(industry)s") % {"industry": m.name("industry", detail)}
    if fraction > 0:
        section = m.industry_sections.get(detail, detail)
        return _("verwandte Branche: Erfahrung in %(section)s, nicht in %(industry)s") % {
            "section": m.name("industry", section),
            "industry": m.name("industry", detail),
        }
    return _("keine Erfahrung in %(industries)s") % {"industries": _names(m, "industry", m.industry_ids)}


def _language_phrase(p, m, lang, min_level):
    level = p.languages.get(lang, 0)
    values = {
        "language": m.name("language", lang),
        "level": CEFR_NAMES.get(level, ""),
        "min": CEFR_NAMES[min_level],
    }
    if not level:
        return _("spricht kein %(language)s (gefordert %(min)s)") % values
    if level >= min_level:
        return _("spricht %(language)s %(level)s (gefordert %(min)s)") % values
    return _("spricht %(language)s nur %(level)s (gefordert %(min)s)") % values


def _languages_sentence(p, m, counted, fraction, detail, today):
    if not counted:
        return _("keine Sprachen vorgegeben")
    return "; ".join(_language_phrase(p, m, lang, min_level) for lang, min_level, _req in m.languages)


def _region_sentence(p, m, counted, fraction, detail, today):
    if not counted:
        return _("keine Region vorgegeben")
    region = m.name("region", m.region_id)
    if detail is not None:
        text = _("akzeptiert %(region)s") % {"region": m.name("region", detail)}
        if fraction < 1:
            text += "; " + _("wünscht %(wanted)d %% remote (möglich %(offered)d %%)") % {
                "wanted": p.remote_share,
                "offered": m.remote_share,
            }
        return text
    if fraction > 0:
        return _("%(region)s nicht angegeben, aber %(remote)d %% remote möglich") % {
            "region": region,
            "remote": m.remote_share,
        }
    return _("akzeptiert %(region)s nicht") % {"region": region}


def _duration(days):
    if days % 7 == 0:
        weeks = days // 7
        return ngettext("%(n)d Woche", "%(n)d Wochen", weeks) % {"n": weeks}
    return ngettext("%(n)d Tag", "%(n)d Tage", days) % {"n": days}


def _availability_sentence(p, m, counted, fraction, delay, today):
    if delay <= 0:
        text = _("verfügbar zum Start")
    elif delay <= m.start_flex_days:
        text = _("verfügbar %(duration)s nach Start") % {"duration": _duration(delay)}
    else:
        text = _("verfügbar erst %(duration)s nach Start (Flexibilität %(flex)s)") % {
            "duration": _duration(delay),
            "flex": _duration(m.start_flex_days) if m.start_flex_days else _("keine"),
        }
    if p.days_per_week < m.days_per_week:
        text += "; " + _("nur %(have)d von %(need)d Tagen pro Woche") % {
            "have": p.days_per_week,
            "need": m.days_per_week,
        }
    return text


def _euro(amount):
    return f"{amount:,}".replace(",", ".") + " €"


def _rate_sentence(p, m, counted, fraction, detail, today):
    if not counted:
        return _("kein Budget vorgegeben")
    rate, budget = p.day_rate, m.budget_day_rate
    if rate is None:
        return _("kein Tagessatz angegeben")
    if rate <= budget:
        return _("Tagessatz im Budget (%(rate)s bei %(budget)s)") % {"rate": _euro(rate), "budget": _euro(budget)}
    over = round((rate - budget) * 100 / budget)
    text = _("Tagessatz %(over)d %% über Budget") % {"over": over}
    if over > m.budget_tolerance_pct:
        text += " " + _("(Toleranz %(tolerance)d %%)") % {"tolerance": m.budget_tolerance_pct}
    if p.day_rate_min is not None and p.day_rate_min <= budget:
        text += "; " + _("Untergrenze %(min)s im Budget") % {"min": _euro(p.day_rate_min)}
    return text


SENTENCES = {
    "skills": _skills_sentence,
    "function": _function_sentence,
    "industry": _industry_sentence,
    "languages": _languages_sentence,
    "region": _region_sentence,
    "availability": _availability_sentence,
    "rate": _rate_sentence,
}

REASONS = {
    "languages": lambda p, m, failed: "; ".join(
        _language_phrase(p, m, lang, min_level) for lang, min_level, _req in m.languages if lang in failed
    ),
    "region": lambda p, m, detail: _("akzeptiert %(region)s nicht") % {"region": m.name("region", m.region_id)},
    "availability": lambda p, m, delay: (
        _("verfügbar erst %(duration)s nach Start (Flexibilität %(flex)s)")
        % {
            "duration": _duration(delay),
            "flex": _duration(m.start_flex_days) if m.start_flex_days else _("keine"),
        }
    ),
}
