import pytest

from managers.models import Country, Function, Industry, Language, Region, Skill


@pytest.mark.django_db
def test_nace_sections_and_divisions_carry_their_official_codes():
    assert Industry.objects.filter(parent=None).count() == 21
    assert Industry.objects.exclude(parent=None).count() == 88
    machinery = Industry.objects.get(code="28")
    assert machinery.parent.code == "C"
    assert machinery.name_de == "Maschinenbau"


@pytest.mark.django_db
def test_skills_have_stable_ids_and_both_labels():
    skill = Skill.objects.get(slug="post-merger-integration")
    assert skill.name_de and skill.name_en and skill.group.code == "mna"
    assert Skill.objects.count() >= 60


@pytest.mark.django_db
def test_labels_follow_the_active_language():
    from django.utils import translation

    function = Function.objects.get(code="plant")
    with translation.override("de"):
        assert str(function) == "Werksleitung"
    with translation.override("en"):
        assert str(function) == "Plant management"


@pytest.mark.django_db
def test_iso_languages_and_countries_are_loaded():
    assert Language.objects.get(code="de").name_de == "Deutsch"
    assert Country.objects.get(code="AT").name_de == "Österreich"
    assert Language.objects.count() > 150 and Country.objects.count() > 240


@pytest.mark.django_db
def test_regions_nest_so_accepting_germany_covers_bavaria():
    bavaria = Region.objects.get(code="DE-BY")
    ancestors = set(Region.objects.filter(id__in=bavaria.ancestor_ids()).values_list("code", flat=True))
    assert ancestors == {"DE-BY", "DE", "EU", "WW"}
    assert "EU" not in set(
        Region.objects.filter(id__in=Region.objects.get(code="CH").ancestor_ids()).values_list("code", flat=True)
    )
