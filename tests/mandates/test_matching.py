"""The scoring specification, criterion by criterion, without a database."""

from datetime import date, timedelta

import pytest

from mandates.matching.spec import (
    DEFAULT_WEIGHTS,
    STRONG_MATCH,
    MandateFacts,
    ProfileFacts,
    alert_threshold,
    percent,
    score,
    total,
)

TODAY = date(2026, 11, 27)
START = date(2027, 1, 4)
DE, EN, FR = 1, 2, 3
BAYERN, DEUTSCHLAND, EU = 30, 3, 2
NAMES = {
    ("skill", 1): "Liquiditätsplanung",
    ("skill", 2): "StaRUG-Verfahren",
    ("skill", 3): "HGB/IFRS",
    ("skill", 4): "Controlling",
    ("skill", 5): "SAP FI",
    ("function", 7): "CFO",
    ("industry", 28): "28 Maschinenbau",
    ("industry", 29): "29 Fahrzeugbau",
    ("industry", 100): "C Verarbeitendes Gewerbe",
    ("language", DE): "Deutsch",
    ("language", EN): "Englisch",
    ("language", FR): "Französisch",
    ("region", BAYERN): "Bayern",
    ("region", DEUTSCHLAND): "Deutschland",
    ("region", EU): "EU",
}


def mandate(**fields):
    defaults = dict(
        id=1,
        required_skill_ids=frozenset({1, 2, 3, 4}),
        function_id=7,
        industry_ids=frozenset({28}),
        industry_sections={28: 100},
        languages=((DE, 5, True),),
        region_id=BAYERN,
        region_chain=(BAYERN, DEUTSCHLAND, EU),
        remote_share=20,
        start_date=START,
        start_flex_days=14,
        budget_day_rate=1200,
        budget_tolerance_pct=10,
        names=NAMES,
    )
    return MandateFacts(**{**defaults, **fields})


def profile(**fields):
    defaults = dict(
        id=10,
        skill_ids=frozenset({1, 2, 3, 4}),
        function_ids=frozenset({7}),
        industry_ids=frozenset({28}),
        industry_section_ids=frozenset({100}),
        languages={DE: 7},
        accepted_region_ids=frozenset({DEUTSCHLAND}),
        remote_share=20,
        available_from=START,
        day_rate_min=1000,
        day_rate_target=1150,
    )
    return ProfileFacts(**{**defaults, **fields})


def crit(result, key):
    return next(c for c in result.criteria if c.key == key)


def test_it_gives_a_perfect_fit_the_full_hundred_points():
    result = score(profile(), mandate(), today=TODAY)
    assert result.total == pytest.approx(100)
    assert not result.excluded
    assert [c.weight for c in result.criteria] == list(DEFAULT_WEIGHTS.values())


def test_it_counts_missing_must_have_skills_and_names_them():
    result = score(profile(skill_ids=frozenset({1, 3, 4})), mandate(), today=TODAY)
    skills = crit(result, "skills")
    assert skills.fraction == pytest.approx(0.75)
    assert skills.sentence == "3 von 4 Muss-Kompetenzen: fehlt StaRUG-Verfahren"
    assert result.missing_skill_ids == {2}
    assert result.matched_skill_ids == {1, 3, 4}
    assert result.total == pytest.approx(100 - 35 * 0.25)


def test_it_uses_the_plural_when_several_skills_are_missing():
    skills = crit(score(profile(skill_ids=frozenset({1, 4})), mandate(), today=TODAY), "skills")
    assert skills.sentence == "2 von 4 Muss-Kompetenzen: fehlen HGB/IFRS, StaRUG-Verfahren"


def test_it_weighs_nice_to_have_skills_less_than_must_haves():
    m = mandate(nice_skill_ids=frozenset({5}))
    without_nice = crit(score(profile(), m, today=TODAY), "skills")
    without_must = crit(score(profile(skill_ids=frozenset({2, 3, 4, 5})), m, today=TODAY), "skills")
    assert without_nice.fraction == pytest.approx(0.75)
    assert without_must.fraction == pytest.approx(0.75 * 0.75 + 0.25)
    assert "0 von 1 Kann-Kompetenzen" in without_nice.sentence


def test_it_scores_the_function():
    yes = crit(score(profile(), mandate(), today=TODAY), "function")
    no = crit(score(profile(function_ids=frozenset({8})), mandate(), today=TODAY), "function")
    assert (yes.fraction, yes.sentence) == (1.0, "Erfahrung als CFO")
    assert (no.fraction, no.points, no.sentence) == (0.0, 0.0, "keine Erfahrung als CFO")


def test_it_counts_a_sibling_division_in_the_same_section_as_related_industry():
    p = profile(industry_ids=frozenset({29}), industry_section_ids=frozenset({100}))
    industry = crit(score(p, mandate(), today=TODAY), "industry")
    assert industry.fraction == pytest.approx(0.5)
    assert "verwandte Branche" in industry.sentence
    other = profile(industry_ids=frozenset({55}), industry_section_ids=frozenset({200}))
    assert crit(score(other, mandate(), today=TODAY), "industry").fraction == 0


def test_a_mandate_naming_a_whole_section_fits_every_division_in_it_fully():
    m = mandate(industry_ids=frozenset({100}), industry_sections={100: 100})
    industry = crit(score(profile(industry_ids=frozenset({29})), m, today=TODAY), "industry")
    assert industry.fraction == 1.0


def test_it_states_language_levels_against_the_requirement():
    m = mandate(languages=((DE, 5, True), (EN, 4, False)))
    result = score(profile(languages={DE: 6, EN: 3}), m, today=TODAY)
    languages = crit(result, "languages")
    assert languages.sentence == "spricht Deutsch C2 (gefordert C1); spricht Englisch nur B1 (gefordert B2)"
    assert languages.fraction == pytest.approx((1 + 0.5) / 2)
    assert not result.excluded  # English is not required


def test_it_excludes_a_manager_below_a_required_language_level_when_switched_on():
    result = score(profile(languages={DE: 4}), mandate(), today=TODAY)
    assert result.excluded
    assert result.reasons == ("spricht Deutsch nur B2 (gefordert C1)",)
    assert crit(result, "languages").hard_fail
    relaxed = score(profile(languages={DE: 4}), mandate(require_languages=False), today=TODAY)
    assert not relaxed.excluded
    assert crit(relaxed, "languages").fraction == pytest.approx(0.5)


def test_it_names_the_language_a_manager_does_not_speak():
    result = score(profile(languages={}), mandate(languages=((FR, 4, True),)), today=TODAY)
    assert result.reasons == ("spricht kein Französisch (gefordert B2)",)


def test_accepting_a_containing_region_counts_as_accepting_the_region():
    region = crit(score(profile(), mandate(), today=TODAY), "region")
    assert (region.fraction, region.sentence) == (1.0, "akzeptiert Deutschland")
    bayern = crit(score(profile(accepted_region_ids=frozenset({BAYERN})), mandate(), today=TODAY), "region")
    assert bayern.sentence == "akzeptiert Bayern"


def test_it_excludes_by_region_only_when_the_mandate_requires_it():
    p = profile(accepted_region_ids=frozenset({99}))
    soft = score(p, mandate(), today=TODAY)
    assert not soft.excluded and crit(soft, "region").sentence == "akzeptiert Bayern nicht"
    hard = score(p, mandate(require_region=True), today=TODAY)
    assert hard.excluded and hard.reasons == ("akzeptiert Bayern nicht",)


def test_a_mostly_remote_mandate_partly_fits_managers_elsewhere():
    region = crit(score(profile(accepted_region_ids=frozenset()), mandate(remote_share=80), today=TODAY), "region")
    assert region.fraction == 0.5
    assert "80 % remote möglich" in region.sentence


def test_wanting_far_more_remote_work_than_offered_weakens_the_region_fit():
    region = crit(score(profile(remote_share=80), mandate(remote_share=20), today=TODAY), "region")
    assert region.fraction == 0.75
    assert "wünscht 80 % remote (möglich 20 %)" in region.sentence


def test_availability_within_the_flexibility_costs_a_little_and_reads_in_weeks():
    result = score(profile(available_from=START + timedelta(days=14)), mandate(), today=TODAY)
    availability = crit(result, "availability")
    assert availability.sentence == "verfügbar 2 Wochen nach Start"
    assert availability.fraction == pytest.approx(0.75)
    assert not result.excluded


def test_availability_beyond_the_flexibility_excludes_when_required():
    late = profile(available_from=START + timedelta(days=30))
    result = score(late, mandate(), today=TODAY)
    assert result.excluded
    assert result.reasons == ("verfügbar erst 30 Tage nach Start (Flexibilität 2 Wochen)",)
    soft = score(late, mandate(require_availability=False), today=TODAY)
    assert not soft.excluded
    assert crit(soft, "availability").fraction == pytest.approx(0.5 * (1 - 16 / 60))


def test_a_manager_available_now_is_available_at_start():
    availability = crit(score(profile(available_from=None), mandate(), today=TODAY), "availability")
    assert (availability.fraction, availability.sentence) == (1.0, "verfügbar zum Start")


def test_fewer_days_per_week_than_needed_reduce_availability():
    availability = crit(score(profile(days_per_week=3), mandate(), today=TODAY), "availability")
    assert availability.fraction == pytest.approx(0.6)
    assert availability.sentence == "verfügbar zum Start; nur 3 von 5 Tagen pro Woche"


def test_rate_over_budget_is_stated_in_percent():
    rate = crit(score(profile(day_rate_target=1296, day_rate_min=1250), mandate(), today=TODAY), "rate")
    assert rate.sentence == "Tagessatz 8 % über Budget"
    assert rate.fraction == pytest.approx(1 - 0.5 * 8 / 10)


def test_rate_beyond_the_tolerance_mentions_it_and_a_minimum_within_budget():
    rate = crit(score(profile(day_rate_target=1500, day_rate_min=1100), mandate(), today=TODAY), "rate")
    assert rate.sentence == "Tagessatz 25 % über Budget (Toleranz 10 %); Untergrenze 1.100 € im Budget"
    assert rate.fraction == pytest.approx(0.5 * (1 - 15 / 25))


def test_rate_within_budget_reads_as_such():
    rate = crit(score(profile(), mandate(), today=TODAY), "rate")
    assert rate.sentence == "Tagessatz im Budget (1.150 € bei 1.200 €)"


def test_criteria_the_mandate_is_silent_about_are_not_counted_and_weights_renormalise():
    m = mandate(function_id=None, budget_day_rate=None, region_id=None, region_chain=())
    result = score(profile(function_ids=frozenset()), m, today=TODAY)
    assert crit(result, "function").weight == 0
    assert crit(result, "function").sentence == "keine Funktion vorgegeben"
    assert result.total == pytest.approx(100)


def test_per_mandate_weights_are_used_and_shown():
    weights = {**DEFAULT_WEIGHTS, "skills": 0, "function": 100}
    result = score(profile(skill_ids=frozenset()), mandate(weights=weights), today=TODAY)
    assert crit(result, "skills").weight == 0
    assert crit(result, "function").weight == 100
    assert crit(result, "function").points == pytest.approx(100 * 100 / 150)


def test_total_without_explanation_equals_the_explained_total():
    p = profile(skill_ids=frozenset({1}), languages={DE: 4}, available_from=START + timedelta(days=40))
    for m in (mandate(), mandate(require_languages=False, require_availability=False)):
        explained = score(p, m, today=TODAY)
        assert total(p, m, today=TODAY) == (explained.total, explained.excluded)


def test_the_alert_threshold_defaults_to_strong_match_and_follows_settings(settings):
    assert alert_threshold() == STRONG_MATCH == 70
    settings.MATCH_ALERT_THRESHOLD = 80
    assert alert_threshold() == 80


def test_as_dict_is_json_friendly_and_keeps_full_precision():
    import json

    result = score(profile(skill_ids=frozenset({1})), mandate(), today=TODAY)
    data = json.loads(json.dumps(result.as_dict()))
    assert data["total"] == result.total
    assert data["criteria"][0]["sentence"] == "1 von 4 Muss-Kompetenzen: fehlen Controlling, HGB/IFRS, StaRUG-Verfahren"
    assert data["criteria"][0]["share"] == pytest.approx(35)
    assert data["criteria"][1]["met"] is True


def test_the_breakdown_template_shows_total_points_out_of_share_and_sentences():
    from django.template.loader import render_to_string

    from mandates.presenters import explanation

    result = score(profile(skill_ids=frozenset({1, 3, 4}), languages={DE: 4}), mandate(), today=TODAY)
    html = render_to_string("mandates/_score_breakdown.html", {"score": explanation(result)})
    assert "3 von 4 Muss-Kompetenzen: fehlt StaRUG-Verfahren" in html
    assert "spricht Deutsch nur B2 (gefordert C1)" in html
    assert "ausgeschlossen" in html
    assert "26 von 35" in html  # 35 * 3/4 = 26.25 points of the skills share
    assert f"Score: {result.percent} von 100" in html
    # The stored form (Candidacy.score_detail) renders the same.
    stored = render_to_string("mandates/_score_breakdown.html", {"score": explanation(result.as_dict())})
    assert stored == html


@pytest.mark.parametrize(
    ("value", "shown"),
    [(98.5, 99), (98.49, 98), (98.4567901234568, 98), (0.5, 1), (99.5, 100), (100 * 0.985, 99), (None, None)],
)
def test_one_rounding_rule_rounds_half_up_to_whole_points(value, shown):
    assert percent(value) == shown


def test_a_criterion_never_shows_more_points_than_its_share():
    # Function, region and budget left out: skills (weight 35) counts with a share of 35/65 of 100.
    m = mandate(function_id=None, budget_day_rate=None, region_id=None, region_chain=())
    skills = crit(score(profile(), m, today=TODAY), "skills")
    assert skills.weight == 35
    assert skills.share == pytest.approx(100 * 35 / 65)
    assert skills.points == pytest.approx(skills.share)
    result = score(profile(skill_ids=frozenset({1})), m, today=TODAY)
    for c in result.criteria:
        assert percent(c.points) <= percent(c.share), c.key
    assert sum(c.share for c in result.criteria) == pytest.approx(100)


def test_a_criterion_is_met_only_when_fully_satisfied():
    result = score(profile(skill_ids=frozenset({1, 2, 3})), mandate(), today=TODAY)
    assert not crit(result, "skills").met
    assert crit(result, "function").met
    silent = score(profile(), mandate(function_id=None), today=TODAY)
    assert not crit(silent, "function").met  # not counted is not met


def test_not_speaking_a_language_at_all_earns_nothing_even_when_a1_is_asked_for():
    m = mandate(languages=((FR, 1, False),))
    assert crit(score(profile(languages={}), m, today=TODAY), "languages").fraction == 0
    assert crit(score(profile(languages={FR: 1}), m, today=TODAY), "languages").fraction == 1
