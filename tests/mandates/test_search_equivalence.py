"""The fast path (``ranking.rank``) returns exactly the ranking of the pure function on random pools and mandates.

On PostgreSQL this exercises the GIN pre-selection with its threshold passes; on SQLite the simple path. Either way
the candidates are read back from ``CandidateIndex``, so the tag encoding is checked too.
"""

from datetime import date, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from managers.models import Function, Industry, Language, LanguageSkill, ManagerProfile, Region, Skill
from mandates import matching
from mandates.matching import changes, facts, index, ranking, reverse
from mandates.models import Mandate, MandateLanguage
from tests import factories

POOL = 12
TODAY = date.today()
RATES = [None, 800, 1000, 1150, 1200, 1300, 1500, 2000]


@pytest.fixture
def world(db):
    skills = list(Skill.objects.order_by("id").values_list("id", flat=True)[:6])
    functions = list(Function.objects.order_by("id").values_list("id", flat=True)[:3])
    industries = list(Industry.objects.filter(code__in=["C", "28", "29", "K", "64"]).values_list("id", flat=True))
    regions = list(Region.objects.filter(code__in=["DE", "DE-BY", "DE-NW", "AT", "EU"]).values_list("id", flat=True))
    languages = list(Language.objects.filter(code__in=["de", "en"]).values_list("id", flat=True))
    profiles = [factories.manager(languages=()) for _ in range(POOL)]
    return {
        "skills": skills,
        "functions": functions,
        "industries": industries,
        "regions": regions,
        "languages": languages,
        "profiles": profiles,
        "company": factories.company(),
    }


def subset(values):
    return st.lists(st.sampled_from(values), unique=True, max_size=len(values)) if values else st.just([])


@st.composite
def profile_data(draw, w):
    return {
        "skills": draw(subset(w["skills"])),
        "functions": draw(subset(w["functions"])),
        "industries": draw(subset(w["industries"])),
        "regions": draw(subset(w["regions"])),
        "languages": {lang: draw(st.integers(0, 7)) for lang in w["languages"]},
        "available_from": draw(st.one_of(st.none(), st.integers(-10, 90).map(lambda d: TODAY + timedelta(days=d)))),
        "days_per_week": draw(st.integers(1, 5)),
        "day_rate_min": draw(st.sampled_from(RATES)),
        "day_rate_target": draw(st.sampled_from(RATES)),
        "remote_share": draw(st.sampled_from([0, 20, 50, 100])),
        "status": draw(st.sampled_from(["active"] * 5 + ["paused"])),
    }


@st.composite
def mandate_data(draw, w):
    return {
        "required": draw(subset(w["skills"])),
        "nice": draw(subset(w["skills"])),
        "industries": draw(subset(w["industries"])),
        "languages": draw(
            st.lists(
                st.tuples(st.sampled_from(w["languages"]), st.integers(1, 7), st.booleans()),
                unique_by=lambda t: t[0],
                max_size=2,
            )
        ),
        "fields": {
            "function_id": draw(st.one_of(st.none(), st.sampled_from(w["functions"]))),
            "region_id": draw(st.one_of(st.none(), st.sampled_from(w["regions"]))),
            "remote_share": draw(st.sampled_from([0, 20, 80, 100])),
            "start_date": draw(st.one_of(st.none(), st.integers(-5, 60).map(lambda d: TODAY + timedelta(days=d)))),
            "start_flex_days": draw(st.sampled_from([0, 7, 14, 30])),
            "days_per_week": draw(st.integers(1, 5)),
            "budget_day_rate": draw(st.sampled_from([None, 1000, 1200, 1500])),
            "budget_tolerance_pct": draw(st.sampled_from([0, 10, 20])),
            "require_availability": draw(st.booleans()),
            "require_languages": draw(st.booleans()),
            "require_region": draw(st.booleans()),
            **{f"weight_{key}": draw(st.sampled_from([0, 5, 10, 35])) for key in matching.DEFAULT_WEIGHTS},
        },
        "k": draw(st.sampled_from([1, 3, 5, 20])),
    }


def apply_pool(w, data):
    profiles = w["profiles"]
    for profile, values in zip(profiles, data, strict=True):
        for field in ("available_from", "days_per_week", "day_rate_min", "day_rate_target", "remote_share", "status"):
            setattr(profile, field, values[field])
    ManagerProfile.objects.bulk_update(
        profiles, ["available_from", "days_per_week", "day_rate_min", "day_rate_target", "remote_share", "status"]
    )
    ids = [p.id for p in profiles]
    for relation, key, column in (
        (ManagerProfile.skills.through, "skills", "skill_id"),
        (ManagerProfile.functions.through, "functions", "function_id"),
        (ManagerProfile.industries.through, "industries", "industry_id"),
        (ManagerProfile.accepted_regions.through, "regions", "region_id"),
    ):
        relation.objects.filter(managerprofile_id__in=ids).delete()
        relation.objects.bulk_create(
            relation(managerprofile_id=p.id, **{column: value})
            for p, v in zip(profiles, data, strict=True)
            for value in v[key]
        )
    LanguageSkill.objects.filter(profile_id__in=ids).delete()
    LanguageSkill.objects.bulk_create(
        LanguageSkill(profile_id=p.id, language_id=lang, level=level)
        for p, v in zip(profiles, data, strict=True)
        for lang, level in v["languages"].items()
        if level
    )
    index.reindex_profiles(ids)  # bulk writes bypass the signals, as a bulk import would


def make_mandate(w, data):
    mandate = Mandate.objects.create(company=w["company"], title="Zufallsmandat", status="open", **data["fields"])
    mandate.required_skills.set(data["required"])
    mandate.nice_skills.set(data["nice"])
    mandate.industries.set(data["industries"])
    for lang, level, required in data["languages"]:
        MandateLanguage.objects.create(mandate=mandate, language_id=lang, min_level=level, required=required)
    return mandate


def split_view(changed_ids):
    """What ``changes.profiles`` gives a process whose copy was loaded before these rows changed."""
    copy = changes._ProfileCopy(changes._load(), horizon=None, last_id=0)
    view, _ids, _alive = copy.view_with(set(changed_ids))
    return view


def naive_ranking(mandate, k):
    brief = facts.mandate_facts(mandate)
    scored = []
    for profile in facts.profile_facts(ManagerProfile.objects.active().order_by("id")):
        result = matching.score(profile, brief, today=TODAY)
        if not result.excluded:
            scored.append((result.total, profile.id))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [pk for _total, pk in scored[:k]]


@pytest.mark.django_db
def test_fast_ranking_equals_scoring_everyone_with_the_pure_function(world):
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=True,
    )
    @given(pool=st.lists(profile_data(world), min_size=POOL, max_size=POOL), spec=mandate_data(world))
    def check(pool, spec):
        with transaction.atomic():
            apply_pool(world, pool)
            pool_ids = [p.id for p in world["profiles"]]
            mandate = make_mandate(world, spec)
            expected = naive_ranking(mandate, spec["k"])
            ranked = ranking.rank(mandate, limit=spec["k"], today=TODAY)
            assert [p.id for p, _score in ranked] == expected
            # The copy of a long-running process: some rows re-read into the "changed" block, masked in the main one.
            brief = facts.mandate_facts(mandate)
            for changed in (pool_ids[::2], pool_ids[:1], pool_ids):
                split = split_view(changed)
                assert [f.id for f in ranking.top(split, brief, spec["k"], TODAY)] == expected
            transaction.set_rollback(True)

    check()


def naive_mandates(profile, min_score, limit):
    (person,) = facts.profile_facts([profile])
    scored = []
    for mandate in facts.mandate_facts_many(Mandate.objects.open().order_by("id")):
        result = matching.score(person, mandate, today=TODAY)
        if not result.excluded and result.total >= min_score:
            scored.append((result.total, mandate.id))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [pk for _total, pk in scored[:limit]]


@pytest.mark.django_db
def test_matching_mandates_equals_scoring_every_open_mandate_with_the_pure_function(world):
    """Re-matching (bound order, early stop, cached mandate facts) lists exactly what scoring every open mandate
    would, also after a mandate is edited and closed between two calls in the same transaction."""

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=True,
    )
    @given(
        person=profile_data(world),
        specs=st.lists(mandate_data(world), min_size=1, max_size=6),
        limit=st.sampled_from([1, 2, 3, 10]),
        min_score=st.sampled_from([0, 40, 70]),
        other_skills=subset(world["skills"]),
    )
    def check(person, specs, limit, min_score, other_skills):
        with transaction.atomic():
            profile = world["profiles"][0]
            apply_pool({"profiles": [profile]}, [{**person, "status": "active"}])
            mandates = [make_mandate(world, spec) for spec in specs]

            def got():
                return [m.id for m, _s in reverse.matching_mandates_for(profile, min_score=min_score, limit=limit)]

            assert got() == naive_mandates(profile, min_score, limit)
            mandates[0].required_skills.set(other_skills)
            Mandate.objects.filter(pk=mandates[-1].pk).update(status="won")
            assert got() == naive_mandates(profile, min_score, limit)
            transaction.set_rollback(True)

    check()
