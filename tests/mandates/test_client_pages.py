import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import reset_queries
from django.urls import reverse

from mandates import services
from mandates.models import Candidacy, Mandate
from notifications.models import Notification
from tests import factories

Stage = Candidacy.Stage


@pytest.fixture
def setup(client_contact, other_client_contact, manager, other_manager, staff):
    manager.headline = "Interim CFO mit Restrukturierungserfahrung"
    manager.save()
    mandate = factories.mandate(client_contact.company, title="CFO Nord", owner=staff)
    shown = factories.presented(mandate, manager, staff, note="Sehr erfahren in der Sanierung")
    hidden = services.candidacy_add(mandate=mandate, manager=other_manager, by=staff)
    other_mandate = factories.mandate(other_client_contact.company, title="COO Süd", owner=staff)
    foreign = factories.presented(other_mandate, other_manager, staff)
    return {"mandate": mandate, "shown": shown, "hidden": hidden, "other_mandate": other_mandate, "foreign": foreign}


def login(client, contact):
    client.force_login(contact.user if hasattr(contact, "user") else contact)


def store_cv(profile, content, name="Lebenslauf_Anna_Berger.pdf"):
    relative = f"cv/{abs(hash(content))}.pdf"
    path = Path(settings.PRIVATE_MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    profile.cv_file, profile.cv_original_name = relative, name
    profile.save()


def test_a_client_sees_only_their_companys_non_draft_mandates(client, client_contact, setup):
    factories.mandate(client_contact.company, title="Entwurf geheim", status=Mandate.Status.DRAFT, opened_at=None)
    login(client, client_contact)
    page = client.get(reverse("client_mandates")).content.decode()
    assert "CFO Nord" in page
    assert "COO Süd" not in page
    assert "Entwurf geheim" not in page


def test_the_mandate_page_shows_presented_candidates_anonymised(client, client_contact, setup, manager, other_manager):
    login(client, client_contact)
    page = client.get(reverse("client_mandate_detail", args=[setup["mandate"].pk])).content.decode()
    assert "Interim CFO mit Restrukturierungserfahrung" in page
    assert "Sehr erfahren in der Sanierung" in page
    assert "Kandidat 1" in page and "Anonym" in page
    # Neither the presented manager's identity nor anything about the unpresented one reaches the client.
    assert manager.user.last_name not in page and manager.user.email not in page
    assert other_manager.user.last_name not in page
    assert page.count('data-testid="candidate"') == 1


@pytest.mark.parametrize(
    "name", ["client_mandate_detail", "client_candidate", "client_feedback", "client_candidate_cv"]
)
def test_another_companys_contact_gets_404_everywhere(client, client_contact, other_client_contact, setup, name):
    ours = setup["mandate"].pk if name == "client_mandate_detail" else setup["shown"].pk
    theirs = setup["other_mandate"].pk if name == "client_mandate_detail" else setup["foreign"].pk
    method = client.post if name == "client_feedback" else client.get
    data = {f"c{theirs}-wants_meeting": "yes"} if name == "client_feedback" else None

    login(client, other_client_contact)
    assert method(reverse(name, args=[ours]), data).status_code == 404
    login(client, client_contact)
    assert method(reverse(name, args=[theirs]), data).status_code == 404


def test_an_unpresented_candidate_is_invisible_even_by_id(client, client_contact, setup):
    login(client, client_contact)
    hidden = setup["hidden"].pk
    assert (
        client.post(reverse("client_feedback", args=[hidden]), {f"c{hidden}-wants_meeting": "yes"}).status_code == 404
    )
    assert client.get(reverse("client_candidate", args=[hidden])).status_code == 404
    assert client.get(reverse("client_candidate_cv", args=[hidden])).status_code == 404


@pytest.mark.parametrize("persona", ["manager", "staff", "outsider"])
def test_people_without_a_client_account_see_no_client_mandate(client, setup, persona, request):
    user = request.getfixturevalue(persona)
    factories.log_in(client, user.user if hasattr(user, "user") else user)
    assert client.get(reverse("client_mandate_detail", args=[setup["mandate"].pk])).status_code == 404
    assert client.get(reverse("client_candidate", args=[setup["shown"].pk])).status_code == 404


def test_a_client_says_they_want_to_meet_a_candidate(client, client_contact, setup, staff):
    login(client, client_contact)
    pk = setup["shown"].pk
    response = client.post(
        reverse("client_feedback", args=[pk]), {f"c{pk}-wants_meeting": "yes", f"c{pk}-comment": "Gern nächste Woche"}
    )
    assert response.status_code == 302
    candidacy = Candidacy.objects.get(pk=pk)
    assert candidacy.stage == Stage.INTERVIEW and candidacy.client_feedback == "Gern nächste Woche"
    assert Notification.objects.filter(recipient=staff, kind="client_feedback").exists()
    page = client.get(response["Location"]).content.decode()
    assert "Ihre Antwort: ja" in page and "Gespräch angefragt" in page


def test_a_no_without_comment_is_refused_and_the_choice_is_kept(client, client_contact, setup):
    login(client, client_contact)
    pk = setup["shown"].pk
    response = client.post(reverse("client_feedback", args=[pk]), {f"c{pk}-wants_meeting": "no", f"c{pk}-comment": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "warum Sie diese Person nicht kennenlernen" in page
    chosen = re.search(rf'<input[^>]*name="c{pk}-wants_meeting"[^>]*value="no"[^>]*>', page).group(0)
    assert "checked" in chosen
    assert Candidacy.objects.get(pk=pk).client_wants_meeting is None


def test_the_cv_is_downloadable_only_once_released_and_stays_as_it_was(client, client_contact, setup, manager, staff):
    store_cv(manager, b"%PDF-1.4 first")
    login(client, client_contact)
    cv_url = reverse("client_candidate_cv", args=[setup["shown"].pk])
    page = client.get(reverse("client_mandate_detail", args=[setup["mandate"].pk])).content.decode()
    assert cv_url not in page and "Lebenslauf_Anna_Berger" not in page
    assert client.get(cv_url).status_code == 404

    services.candidacy_release(candidacy=setup["shown"], by=staff)
    page = client.get(reverse("client_mandate_detail", args=[setup["mandate"].pk])).content.decode()
    assert cv_url in page and "Anna Berger" in page
    response = client.get(cv_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 first"
    assert 'filename="Lebenslauf_Anna_Berger.pdf"' in response["Content-Disposition"]

    store_cv(manager, b"%PDF-1.4 second, uploaded later")
    assert b"".join(client.get(cv_url).streaming_content) == b"%PDF-1.4 first"


def test_the_mandate_page_has_constant_queries(client, client_contact, staff, django_assert_max_num_queries):
    mandate = factories.mandate(client_contact.company)
    for _ in range(2):
        factories.presented(mandate, factories.manager(skills=("controlling",)), staff)
    login(client, client_contact)
    url = reverse("client_mandate_detail", args=[mandate.pk])
    reset_queries()  # the capped query log would otherwise hide the count
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    few_count = len(few)
    for _ in range(6):
        factories.presented(mandate, factories.manager(skills=("controlling",)), staff)
    reset_queries()  # the capped query log would otherwise hide the count
    with django_assert_max_num_queries(few_count):
        assert client.get(url).content.decode().count('data-testid="candidate"') == 8


def test_after_the_placement_the_client_keeps_only_the_outcome(client, client_contact, setup, staff, manager):
    services.placement_record(candidacy=setup["shown"], by=staff, manager_day_rate=1100, client_day_rate=1350)
    login(client, client_contact)
    page = client.get(reverse("client_mandate_detail", args=[setup["mandate"].pk])).content.decode()
    assert "Kandidat 1" in page and "Besetzt" in page
    assert "Rückmeldung senden" not in page
    assert "Interim CFO mit Restrukturierungserfahrung" not in page and "Sehr erfahren" not in page
    pk = setup["shown"].pk
    assert client.get(reverse("client_candidate", args=[pk])).status_code == 404
    assert client.post(reverse("client_feedback", args=[pk]), {f"c{pk}-wants_meeting": "yes"}).status_code == 404
