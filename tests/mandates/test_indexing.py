"""Keeping CandidateIndex rows fresh: the signal from managers, model writes, bulk rebuilds."""

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from managers.models import CEFR, Language, LanguageSkill, ManagerProfile, Skill
from managers.signals import profile_changed
from mandates.matching import ProfileFacts, facts, index, tags
from mandates.matching.jobs import prune_index_changes
from mandates.models import CandidateIndex, IndexChange
from tests import factories

pytestmark = pytest.mark.django_db


def test_encode_and_decode_are_inverse():
    profile = ProfileFacts(
        id=7,
        skill_ids=frozenset({1, 5}),
        function_ids=frozenset({2}),
        industry_ids=frozenset({28, 3}),
        industry_section_ids=frozenset({3}),
        languages={4: 7, 9: 3},
        accepted_region_ids=frozenset({1, 12}),
        remote_share=30,
        available_from=date(2027, 1, 1),
        days_per_week=4,
        day_rate_min=900,
        day_rate_target=None,
    )
    encoded = tags.encode(profile)
    assert encoded == sorted(encoded)
    assert tags.language_tag(4, 5) in encoded and tags.language_tag(9, 4) not in encoded
    assert tags.decode(7, encoded, date(2027, 1, 1), 4, 30, 900, None) == profile


def test_the_index_row_matches_the_profile_facts():
    manager = factories.manager(skills=["hgb-ifrs"], functions=["cfo"], industries=["28"], regions=["DE"])
    index.reindex_stale()
    row = CandidateIndex.objects.get(profile=manager)
    assert not row.stale and row.active
    (person,) = facts.profile_facts([manager])
    assert (
        tags.decode(
            manager.id,
            row.tags,
            row.available_from,
            row.days_per_week,
            row.remote_share,
            row.day_rate_min,
            row.day_rate_target,
        )
        == person
    )


def test_profile_changed_reindexes_at_once():
    manager = factories.manager(skills=[])
    index.reindex_stale()
    manager.skills.add(Skill.objects.get(slug="hgb-ifrs"))
    CandidateIndex.objects.filter(profile=manager).update(stale=False)  # as if only the signal would tell
    profile_changed.send(sender=ManagerProfile, profile_id=manager.id)
    row = CandidateIndex.objects.get(profile=manager)
    assert tags.skill_tag(Skill.objects.get(slug="hgb-ifrs").id) in row.tags


@pytest.mark.parametrize(
    "change",
    [
        lambda m: m.skills.add(Skill.objects.get(slug="hgb-ifrs")),
        lambda m: Skill.objects.get(slug="hgb-ifrs").managerprofile_set.add(m),
        lambda m: LanguageSkill.objects.create(profile=m, language=Language.objects.get(code="en"), level=CEFR.B2),
        lambda m: m.language_skills.all().delete(),
        lambda m: ManagerProfile.objects.get(pk=m.pk).save(),
    ],
    ids=["m2m", "reverse-m2m", "language-added", "language-deleted", "profile-saved"],
)
def test_writes_outside_the_services_mark_the_row_stale(change):
    manager = factories.manager()
    index.reindex_stale()
    assert not CandidateIndex.objects.get(profile=manager).stale
    change(manager)
    assert CandidateIndex.objects.get(profile=manager).stale


def test_a_paused_manager_is_indexed_inactive():
    manager = factories.manager()
    manager.status = ManagerProfile.Status.PAUSED
    manager.save()
    index.reindex_stale()
    assert not CandidateIndex.objects.get(profile=manager).active


def test_deleting_a_manager_with_languages_and_history_leaves_no_row_behind():
    manager = factories.manager()
    index.reindex_stale()
    manager.user.delete()
    assert not CandidateIndex.objects.exists()


def test_reindex_candidates_indexes_profiles_created_behind_the_orm():
    manager = factories.manager(skills=["hgb-ifrs"])
    CandidateIndex.objects.all().delete()  # as after a bulk import
    out = io.StringIO()
    call_command("reindex_candidates", stdout=out)
    assert "1 Profile indexiert." in out.getvalue()
    row = CandidateIndex.objects.get(profile=manager)
    assert tags.skill_tag(Skill.objects.get(slug="hgb-ifrs").id) in row.tags
    if connection.vendor == "postgresql":
        assert row.search is not None


def test_every_write_to_what_matching_reads_is_logged_and_old_log_rows_are_pruned():
    manager = factories.manager()
    mandate = factories.mandate(skills=["hgb-ifrs"])
    index.reindex_stale()
    IndexChange.objects.all().delete()
    manager.skills.add(Skill.objects.get(slug="hgb-ifrs"))  # marks the index row stale: an UPDATE
    mandate.nice_skills.add(Skill.objects.get(slug="hgb-ifrs"))
    assert set(IndexChange.objects.values_list("kind", "object_id")) == {("p", manager.pk), ("m", mandate.pk)}
    IndexChange.objects.filter(kind="p").update(at=timezone.now() - timedelta(days=2))
    assert prune_index_changes() >= 1
    assert set(IndexChange.objects.values_list("kind", flat=True)) == {"m"}
