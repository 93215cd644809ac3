import pytest
from django.db import reset_queries
from django.http import Http404
from django.urls import reverse

from managers.models import CEFR, Skill
from mandates import services
from mandates.access import get_candidacy_for_manager
from mandates.models import Candidacy, Mandate
from notifications.models import Notification
from tests import factories


@pytest.fixture
def skills(db):
    return list(Skill.objects.values_list("slug", flat=True)[:2])


@pytest.fixture
def fitting(skills):
    return factories.manager("fit@example.com", skills=skills, first_name="Fiona", last_name="Fit")


@pytest.fixture
def mandate(skills, staff):
    company = factories.company("Geheimkunde Maschinenbau AG")
    return factories.mandate(
        company,
        title="Geheimkunde CFO",
        public_summary="Familienunternehmen im Maschinenbau sucht Interim CFO",
        skills=skills,
        owner=staff,
    )


def dashboard(client, profile):
    client.force_login(profile.user)
    return client.get(reverse("manager_dashboard")).content.decode()


def test_the_dashboard_shows_matching_open_mandates_anonymously(client, fitting, mandate):
    page = dashboard(client, fitting)
    assert "Familienunternehmen im Maschinenbau sucht Interim CFO" in page
    assert "Geheimkunde" not in page  # neither the client's name nor the internal title
    assert "Ich bin interessiert" in page and "Nicht für mich" in page


def test_drafts_and_closed_mandates_are_not_offered(client, fitting, skills, staff):
    factories.mandate(public_summary="Entwurf XY", skills=skills, status=Mandate.Status.DRAFT, opened_at=None)
    factories.mandate(public_summary="Verloren XY", skills=skills, status=Mandate.Status.LOST)
    page = dashboard(client, fitting)
    assert "Entwurf XY" not in page and "Verloren XY" not in page


def test_a_manager_says_interested_and_the_owner_is_told(client, fitting, mandate, staff):
    client.force_login(fitting.user)
    response = client.post(reverse("manager_mandate_respond", args=[mandate.pk]), {"interested": "yes"})
    assert response.status_code == 302
    candidacy = Candidacy.objects.get(mandate=mandate, manager=fitting)
    assert candidacy.manager_response == Candidacy.Response.INTERESTED
    assert candidacy.score is not None
    assert Notification.objects.filter(recipient=staff, kind="manager_interested").exists()
    assert "Ihre Antwort" in client.get(reverse("manager_dashboard")).content.decode()


def test_not_for_me_needs_a_reason_and_the_answer_can_be_changed(client, fitting, mandate):
    client.force_login(fitting.user)
    target = reverse("manager_mandate_respond", args=[mandate.pk])
    page = client.post(target, {"interested": "no", "reason": ""}, follow=True).content.decode()
    assert "Grund" in page
    assert not Candidacy.objects.filter(mandate=mandate, manager=fitting).exists()
    client.post(target, {"interested": "no", "reason": "Zu weit weg"})
    client.post(target, {"interested": "yes"})
    candidacy = Candidacy.objects.get(mandate=mandate, manager=fitting)
    assert candidacy.manager_response == Candidacy.Response.INTERESTED
    assert candidacy.manager_response_reason == ""


def test_answers_for_closed_or_draft_mandates_are_404(client, fitting, skills):
    draft = factories.mandate(skills=skills, status=Mandate.Status.DRAFT, opened_at=None)
    closed = factories.mandate(skills=skills, status=Mandate.Status.CANCELLED)
    client.force_login(fitting.user)
    for mandate in (draft, closed):
        assert (
            client.post(reverse("manager_mandate_respond", args=[mandate.pk]), {"interested": "yes"}).status_code == 404
        )
    assert not Candidacy.objects.exists()


@pytest.mark.parametrize("persona", ["client_contact", "staff", "outsider"])
def test_only_managers_can_answer(client, mandate, persona, request):
    user = request.getfixturevalue(persona)
    factories.log_in(client, getattr(user, "user", user))
    assert client.post(reverse("manager_mandate_respond", args=[mandate.pk]), {"interested": "yes"}).status_code == 404


def test_a_manager_answers_only_for_themselves(client, fitting, other_manager, mandate):
    client.force_login(other_manager.user)
    client.post(reverse("manager_mandate_respond", args=[mandate.pk]), {"interested": "yes"})
    assert not Candidacy.objects.filter(manager=fitting).exists()


def test_the_placement_shows_on_the_dashboard(client, fitting, mandate, staff):
    candidacy = services.candidacy_add(mandate=mandate, manager=fitting, by=staff)
    services.placement_record(candidacy=candidacy, by=staff, manager_day_rate=1200, client_day_rate=1500)
    page = dashboard(client, fitting)
    # The placed manager works for the client now: named to them, still never the internal title or price.
    assert "Sie wurden platziert:" in page and "Geheimkunde Maschinenbau AG" in page
    assert "Geheimkunde CFO" not in page and "1500" not in page and "1.500" not in page
    # Placed managers are not offered the (now closed) mandate any more.
    assert "Ich bin interessiert" not in page


def test_the_panel_has_constant_queries(client, fitting, skills, django_assert_max_num_queries):
    for _ in range(2):
        factories.mandate(skills=skills)
    client.force_login(fitting.user)
    target = reverse("manager_dashboard")
    client.get(target)
    reset_queries()  # the capped query log would otherwise hide the count
    with django_assert_max_num_queries(60) as few:
        client.get(target)
    few_count = len(few)
    for _ in range(6):
        factories.mandate(skills=skills)
    client.get(target)  # the search index catches up once, outside the count
    reset_queries()  # the capped query log would otherwise hide the count
    with django_assert_max_num_queries(few_count):
        page = client.get(target).content.decode()
    assert page.count('data-testid="matching-mandate"') == 8


def test_a_mandate_failing_a_hard_filter_cannot_be_answered(client, fitting, skills):
    french_only = factories.mandate(skills=skills, languages=(("fr", CEFR.C1),))
    client.force_login(fitting.user)
    page = client.post(
        reverse("manager_mandate_respond", args=[french_only.pk]), {"interested": "yes"}, follow=True
    ).content.decode()
    assert "passt nicht zu Ihrem Profil" in page
    assert not Candidacy.objects.exists()


def test_the_manager_door_opens_only_their_own_candidacies(fitting, other_manager, mandate, staff):
    own = services.candidacy_add(mandate=mandate, manager=fitting, by=staff)
    assert get_candidacy_for_manager(fitting.user, own.pk) == own
    with pytest.raises(Http404):
        get_candidacy_for_manager(other_manager.user, own.pk)
    with pytest.raises(Http404):
        get_candidacy_for_manager(staff, own.pk)


def test_a_managers_answer_leaves_the_mandate_status_alone(client, fitting, mandate):
    client.force_login(fitting.user)
    client.post(reverse("manager_mandate_respond", args=[mandate.pk]), {"interested": "yes"})
    mandate.refresh_from_db()
    assert mandate.status == Mandate.Status.OPEN
