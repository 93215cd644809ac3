"""Ranking managers for a mandate, mandates for a manager, and the pool search, against the database."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.db import connection, transaction
from django.utils import timezone

from managers.models import CEFR, Function, ManagerProfile, MandateHistoryEntry, Region, Skill
from mandates.matching import changes, index, pool, ranking, reverse, spec
from mandates.matching.jobs import mandate_match
from mandates.models import Mandate
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db

SKILLS = ["liquidity-management", "cash-management-13-week", "hgb-ifrs", "financial-planning"]


def cfo_mandate(**fields):
    return factories.mandate(skills=SKILLS[:3], function="cfo", industries=["28"], region="DE-BY", **fields)


def test_it_ranks_managers_best_first_with_explanations():
    best = factories.manager(skills=SKILLS[:3], functions=["cfo"], industries=["28"], regions=["DE"])
    middle = factories.manager(skills=SKILLS[:1], functions=["cfo"], regions=["DE"])
    weak = factories.manager(skills=[], regions=["AT"])
    ranked = ranking.rank(cfo_mandate())
    assert [profile for profile, _score in ranked] == [best, middle, weak]
    top = ranked[0][1]
    assert top.total > ranked[1][1].total > ranked[2][1].total
    skills = next(c for c in ranked[1][1].criteria if c.key == "skills")
    assert skills.sentence.startswith("1 von 3 Muss-Kompetenzen: fehlen ")


def test_it_leaves_out_managers_failing_a_hard_filter_and_inactive_ones():
    fits = factories.manager(skills=SKILLS[:3])
    factories.manager(skills=SKILLS[:3], languages=(("de", CEFR.B2),))  # German below C1
    factories.manager(skills=SKILLS[:3], available_from=date.today() + timedelta(days=120))  # too late
    paused = factories.manager(skills=SKILLS[:3])
    paused.status = ManagerProfile.Status.PAUSED
    paused.save()
    assert [p for p, _s in ranking.rank(cfo_mandate())] == [fits]


def test_region_is_a_hard_filter_only_when_switched_on():
    bavarian = factories.manager(regions=["DE-BY"])
    austrian = factories.manager(regions=["AT"])
    assert [p for p, _s in ranking.rank(cfo_mandate())] == [bavarian, austrian]
    assert [p for p, _s in ranking.rank(cfo_mandate(require_region=True))] == [bavarian]


def test_limit_and_offset_page_through_the_ranking():
    managers = [factories.manager(skills=SKILLS[:n]) for n in (3, 2, 1, 0)]
    mandate = cfo_mandate()
    assert [p for p, _s in ranking.rank(mandate, limit=2)] == managers[:2]
    assert [p for p, _s in ranking.rank(mandate, limit=2, offset=2)] == managers[2:]


def test_a_profile_edit_through_the_orm_is_seen_by_the_next_ranking():
    manager = factories.manager(skills=[])
    other = factories.manager(skills=SKILLS[:1])
    mandate = cfo_mandate()
    assert [p for p, _s in ranking.rank(mandate)] == [other, manager]
    manager.skills.add(*Skill.objects.filter(slug__in=SKILLS[:3]))
    assert [p for p, _s in ranking.rank(mandate)] == [manager, other]


@pytest.mark.parametrize("count", [5, 50])
def test_ranking_issues_a_constant_number_of_queries(count, django_assert_max_num_queries):
    for n in range(count):
        factories.manager(skills=SKILLS[: n % 4], functions=["cfo"] if n % 2 else [], regions=["DE"])
    mandate = cfo_mandate()
    ranking.rank(mandate)  # builds the stale index rows once
    # Stale check 1, mandate facts 2, change log 1 (SQLite 2), index rows 1 (a writing transaction reads its own
    # copy), profiles 1.
    with django_assert_max_num_queries(6 if connection.vendor == "postgresql" else 7):
        ranked = ranking.rank(mandate, limit=20)
    assert len(ranked) == min(count, 20)


def test_ranking_explains_only_the_page_and_scores_nobody_twice():
    for n in range(12):
        factories.manager(skills=SKILLS[: n % 4], regions=["DE"])
    with (
        mock.patch.object(spec, "score", wraps=spec.score) as score,
        mock.patch.object(spec, "total", wraps=spec.total) as total,
    ):
        ranked = ranking.rank(cfo_mandate(), limit=5)
    assert len(ranked) == 5
    assert score.call_count == 5 and total.call_count == 0  # NumPy totals for all, one explanation per winner


def test_editing_an_open_mandates_brief_re_matches_it(django_capture_on_commit_callbacks):
    first = factories.manager(skills=SKILLS[:3], functions=["cfo"], regions=["DE"])
    later = factories.manager(skills=SKILLS[3:], functions=["cfo"], regions=["DE"])
    mandate = cfo_mandate()
    mandate_match(mandate_id=mandate.pk)
    assert not Notification.objects.filter(recipient=later.user, kind="match_alert").exists()
    assert [p for p, _s in ranking.rank(mandate, limit=1)] == [first]
    with django_capture_on_commit_callbacks(execute=True):
        mandate.required_skills.set(Skill.objects.filter(slug__in=SKILLS[3:]))
    assert [p for p, _s in ranking.rank(mandate, limit=1)] == [later]  # re-ranked
    assert Notification.objects.filter(recipient=later.user, kind="match_alert").exists()  # re-matched


def test_matching_mandates_for_lists_open_mandates_best_first():
    manager = factories.manager(skills=SKILLS[:3], functions=["cfo"], regions=["DE"])
    good = cfo_mandate()
    weaker = factories.mandate(skills=SKILLS[3:], function="ceo")
    factories.mandate(skills=SKILLS[:3], status=Mandate.Status.DRAFT)
    factories.mandate(skills=SKILLS[:3], start_date=date.today() - timedelta(days=90), start_flex_days=0)
    result = reverse.matching_mandates_for(manager)
    assert [m for m, _s in result] == [good, weaker]
    assert [m for m, _s in reverse.matching_mandates_for(manager, min_score=result[0][1].total)] == [good]


def test_re_matching_sees_mandates_edited_since_the_last_re_match():
    manager = factories.manager(skills=SKILLS[:3], functions=["cfo"], regions=["DE"])
    good = cfo_mandate()
    weaker = factories.mandate(skills=SKILLS[3:], function="ceo")
    assert [m for m, _s in reverse.matching_mandates_for(manager)] == [good, weaker]
    weaker.required_skills.set(Skill.objects.filter(slug__in=SKILLS[:3]))
    weaker.function = Function.objects.get(code="cfo")
    weaker.region = good.region
    weaker.save()
    good.status = Mandate.Status.WON
    good.save()
    assert [m for m, _s in reverse.matching_mandates_for(manager)] == [weaker]


@pytest.mark.parametrize("count", [3, 12])
def test_matching_mandates_issues_a_constant_number_of_queries(count, django_assert_num_queries):
    manager = factories.manager(skills=SKILLS[:3])
    for _ in range(count):
        cfo_mandate()
    reverse.matching_mandates_for(manager)  # warms the per-process caches (reference data, open mandates' facts)
    # Profile facts 5, change log 1 (SQLite 2), open mandates 2 (a writing transaction reads its own), the top ones 2,
    # their rows 1.
    with django_assert_num_queries(11 if connection.vendor == "postgresql" else 12):
        assert len(reverse.matching_mandates_for(manager, limit=10)) == min(count, 10)


def test_pool_search_filters_by_skill_language_region_availability_and_rate():
    anna = factories.manager(
        skills=SKILLS[:1], regions=["DE"], languages=(("de", CEFR.NATIVE), ("en", CEFR.C1)), day_rate_target=1100
    )
    bernd = factories.manager(skills=SKILLS[1:2], regions=["AT"], day_rate_target=1600)
    bayern = Region.objects.get(code="DE-BY")
    assert list(pool.pool_search(skill=Skill.objects.get(slug=SKILLS[0]))) == [anna]
    assert list(pool.pool_search(region=bayern)) == [anna]
    assert set(pool.pool_search(language=anna.language_skills.get(level=CEFR.C1).language)) == {anna}
    assert list(pool.pool_search(max_rate=1200)) == [anna]
    bernd.available_from = date.today() + timedelta(days=60)
    bernd.save()
    assert list(pool.pool_search(available_by=date.today() + timedelta(days=7))) == [anna]


def test_pool_search_finds_text_in_headline_summary_and_history():
    restructurer = factories.manager(headline="Restrukturierung im Mittelstand", summary="")
    historian = factories.manager(headline="Interim CFO", summary="")
    MandateHistoryEntry.objects.create(
        profile=historian, role="CFO", company="Werkzeugmaschinen AG", started_on=timezone.localdate()
    )
    factories.manager(headline="Interim CHRO", summary="Personalentwicklung")
    assert list(pool.pool_search(text="Restrukturierung")) == [restructurer]
    assert list(pool.pool_search(text="Werkzeugmaschinen")) == [historian]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_per_process_copies_follow_committed_changes_and_forget_rolled_back_ones(reference_data):
    """Outside a writing transaction the copies are kept between calls (as in a server process); the change log
    brings them up to date, and what a rolled-back transaction wrote never stays in them."""
    changes.forget()
    first = factories.manager(skills=SKILLS[:3], functions=["cfo"], regions=["DE"])
    second = factories.manager(skills=SKILLS[:1], regions=["DE"])
    mandate = cfo_mandate()
    other = factories.mandate(skills=SKILLS[3:], function="ceo")
    before = ranking.rank(mandate)
    assert [p for p, _s in before] == [first, second]
    assert [m for m, _s in reverse.matching_mandates_for(second)] == [mandate, other]

    second.skills.add(*Skill.objects.filter(slug__in=SKILLS[:3]))  # committed: seen by the next ranking
    other.required_skills.set(Skill.objects.filter(slug__in=SKILLS[:3]))
    other.function = first.functions.get()
    other.save()
    after = ranking.rank(mandate)
    assert [p for p, _s in after] == [first, second] and after[1][1].total > before[1][1].total
    assert [m for m, _s in reverse.matching_mandates_for(second)] == [other, mandate]
    with transaction.atomic():
        first.skills.clear()
        ManagerProfile.objects.filter(pk=first.pk).update(status=ManagerProfile.Status.PAUSED)
        index.reindex_stale()
        index.reindex_profiles([first.pk])
        assert [p for p, _s in ranking.rank(mandate)] == [second]
        transaction.set_rollback(True)
    assert [p for p, _s in ranking.rank(mandate)] == [first, second]
    changes.forget()
