from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from managers.completeness import CRITERIA, MIN_SKILLS, SUMMARY_MIN_CHARS, WEIGHTS
from managers.models import MandateHistoryEntry, Skill
from tests import factories


def complete_profile(email="complete@example.com"):
    profile = factories.manager(
        email,
        skills=list(Skill.objects.values_list("slug", flat=True)[:MIN_SKILLS]),
        functions=["cfo"],
        industries=["28"],
        regions=["DE"],
        phone="+49 221 1234567",
        city="Köln",
        summary="x" * SUMMARY_MIN_CHARS,
        availability_confirmed_at=timezone.now(),
        cv_file="cv/some-random-name.pdf",
    )
    MandateHistoryEntry.objects.create(
        profile=profile, role="Interim CFO", started_on=timezone.localdate() - timedelta(days=400), outcome="Sanierung"
    )
    return profile


def test_weights_add_up_to_100_and_every_criterion_weighs_something():
    assert sum(WEIGHTS.values()) == 100
    assert all(c.weight > 0 for c in CRITERIA)


@pytest.mark.django_db
def test_a_full_profile_scores_100_without_hints():
    result = complete_profile().completeness()
    assert result.score == 100
    assert result.is_complete
    assert result.missing == []


@pytest.mark.django_db
def test_a_fresh_profile_scores_only_what_registration_gives():
    from managers.services import manager_register

    profile = manager_register(user=factories.user("fresh@example.com"))
    result = profile.completeness()
    assert result.score == 0
    assert len(result.missing) == len(CRITERIA)
    # The heaviest step comes first: choosing skills matters most for being matched.
    assert result.missing[0].criterion.key == "skills"


@pytest.mark.django_db
def test_too_few_skills_costs_the_skill_weight_and_says_how_many_are_missing():
    profile = complete_profile()
    profile.skills.set(Skill.objects.all()[:2])
    result = profile.completeness()
    assert result.score == 100 - WEIGHTS["skills"]
    [hint] = [c.hint for c in result.missing]
    assert "mindestens 5 Kompetenzen" in hint and "bisher 2" in hint


@pytest.mark.django_db
def test_a_past_availability_date_is_flagged_and_costs_the_availability_weight():
    profile = complete_profile()
    profile.available_from = timezone.localdate() - timedelta(days=3)
    profile.save()
    result = profile.completeness()
    assert result.score == 100 - WEIGHTS["availability"]
    assert result.missing[0].hint == "Ihr Verfügbarkeitsdatum liegt in der Vergangenheit – bitte aktualisieren."


@pytest.mark.django_db
def test_the_last_mandate_needs_its_outcome_described():
    profile = complete_profile()
    MandateHistoryEntry.objects.create(profile=profile, role="Interim COO", started_on=timezone.localdate(), outcome="")
    result = profile.completeness()
    assert result.score == 100 - WEIGHTS["history"]
    assert result.missing[0].hint == "Beschreiben Sie Ihr letztes Mandat mit seinem Ergebnis."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"phone": ""}, "contact"),
        ({"headline": ""}, "headline"),
        ({"summary": "kurz"}, "summary"),
        ({"city": ""}, "mobility"),
        ({"availability_confirmed_at": None}, "availability"),
        ({"day_rate_target": None}, "day_rate"),
        ({"cv_file": ""}, "cv"),
    ],
)
def test_each_missing_field_costs_exactly_its_weight(change, key):
    profile = complete_profile()
    for name, value in change.items():
        setattr(profile, name, value)
    profile.save()
    result = profile.completeness()
    assert result.score == 100 - WEIGHTS[key]
    assert [c.criterion.key for c in result.missing] == [key]


@pytest.mark.django_db
def test_the_dashboard_shows_the_score_and_links_each_hint_to_its_section(client, manager):
    client.force_login(manager.user)
    response = client.get(reverse("manager_dashboard"))
    html = response.content.decode()
    assert f"{manager.completeness().score} %" in html
    assert "Wählen Sie mindestens 5 Kompetenzen." in html
    assert reverse("manager_section", args=["skills"]) in html


@pytest.mark.django_db
def test_many_profiles_are_scored_in_a_fixed_number_of_queries_with_the_same_verdicts(django_assert_num_queries):
    from managers.completeness import bulk_completeness

    profiles = [complete_profile(), factories.manager("half@example.com", phone="+49 30 1")]
    profiles.append(factories.manager("past@example.com", available_from=timezone.localdate() - timedelta(days=3)))
    with django_assert_num_queries(7):
        scored = bulk_completeness([p.pk for p in profiles])
    for profile in profiles:
        single = profile.completeness()
        assert scored[profile.pk].score == single.score
        assert [c.hint for c in scored[profile.pk].missing] == [c.hint for c in single.missing]


@pytest.mark.django_db
def test_the_moment_a_profile_first_becomes_complete_is_recorded_once(client):
    from managers.completeness import READY_SCORE
    from managers.services import profile_update

    profile = complete_profile()
    profile.cv_file = profile.summary = profile.phone = ""
    profile.save()
    assert profile.completeness().score == 75
    first = timezone.now() - timedelta(days=2)
    profile_update(profile=profile, fields={"headline": "Interim CFO, Sanierung"}, at=first - timedelta(days=1))
    profile.refresh_from_db()
    assert profile.completed_at is None  # still below READY_SCORE
    profile_update(profile=profile, fields={"summary": "y" * SUMMARY_MIN_CHARS}, at=first)
    profile.refresh_from_db()
    assert profile.completeness().score >= READY_SCORE and profile.completed_at == first
    profile_update(profile=profile, fields={"summary": ""})
    profile.refresh_from_db()
    assert profile.completeness().score < READY_SCORE
    assert profile.completed_at == first  # a later drop does not move it
