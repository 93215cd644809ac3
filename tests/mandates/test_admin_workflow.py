import re
from datetime import date

import pytest
from django.db import reset_queries
from django.test import Client
from django.urls import reverse

from managers.models import CEFR, ManagerProfile
from mandates import services
from mandates.models import Candidacy, Mandate, Placement
from tests import factories

Stage = Candidacy.Stage


@pytest.fixture
def skills(db):
    from managers.models import Skill

    return list(Skill.objects.values_list("slug", flat=True)[:3])


@pytest.fixture
def mandate(client_contact, staff, skills):
    obj = factories.mandate(client_contact.company, title="Interim CFO Köln", skills=skills[:2], owner=staff)
    obj.contacts.add(client_contact)
    return obj


def fitting_manager(skills, **fields):
    return factories.manager(skills=skills[:2], **fields)


@pytest.fixture
def staff_client(client, staff):
    factories.login_with_totp(client, staff)
    return client


def url(name, *args):
    return reverse(f"admin:{name}", args=args)


def test_non_staff_are_sent_to_the_admin_login(client, manager, mandate):
    client.force_login(manager.user)
    for target in (url("mandates_mandate_ranking", mandate.pk), url("mandates_mandate_shortlist", mandate.pk)):
        response = client.get(target)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_changelist_action_opens_drafts(staff_client, client_contact):
    draft = factories.mandate(client_contact.company, status=Mandate.Status.DRAFT, opened_at=None)
    response = staff_client.post(
        url("mandates_mandate_changelist"), {"action": "open_mandates", "_selected_action": [draft.pk]}, follow=True
    )
    assert "1 Mandat(e) eröffnet" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Mandate.Status.OPEN and draft.opened_at is not None


def test_the_open_button_needs_post_and_csrf(staff, client_contact):
    draft = factories.mandate(client_contact.company, status=Mandate.Status.DRAFT, opened_at=None)
    strict = Client(enforce_csrf_checks=True)
    factories.login_with_totp(strict, staff)
    assert strict.get(url("mandates_mandate_open", draft.pk)).status_code == 405
    assert strict.post(url("mandates_mandate_open", draft.pk)).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Mandate.Status.DRAFT


def test_a_new_mandate_belongs_to_the_staff_member_who_typed_it(staff_client, staff, client_contact):
    response = staff_client.post(
        url("mandates_mandate_add"),
        {
            "company": client_contact.company.pk,
            "title": "Interim COO",
            "remote_share": 0,
            "start_flex_days": 14,
            "days_per_week": 5,
            "budget_tolerance_pct": 10,
            "require_availability": "on",
            **{
                f"weight_{k}": 10
                for k in ("skills", "function", "industry", "languages", "region", "availability", "rate")
            },
            "languages-TOTAL_FORMS": 0,
            "languages-INITIAL_FORMS": 0,
            "candidacies-TOTAL_FORMS": 0,
            "candidacies-INITIAL_FORMS": 0,
            "status_changes-TOTAL_FORMS": 0,
            "status_changes-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Mandate.objects.get(title="Interim COO")
    assert created.owner == staff and created.status == Mandate.Status.DRAFT


def test_the_ranking_explains_each_candidate_and_shows_the_weights(staff_client, mandate, skills):
    best = fitting_manager(skills, first_name="Petra", last_name="Passgenau")
    factories.manager(first_name="Otto", last_name="Ohneskills")
    page = staff_client.get(url("mandates_mandate_ranking", mandate.pk)).content.decode()
    assert "Petra Passgenau" in page
    assert page.index("Petra Passgenau") < page.index("Otto Ohneskills")
    assert "Verwendete Gewichte" in page
    assert "Kompetenzen" in page
    assert "Zur Shortlist" in page
    assert f'value="{best.pk}"' in page


def test_hard_filters_keep_people_off_the_ranking(staff_client, mandate, skills):
    factories.manager(first_name="Nur", last_name="Englisch", languages=(("en", CEFR.C2),), skills=skills[:2])
    fitting_manager(skills, first_name="Auch", last_name="Deutsch")
    page = staff_client.get(url("mandates_mandate_ranking", mandate.pk)).content.decode()
    assert "Auch Deutsch" in page
    assert "Nur Englisch" not in page


def test_more_candidates_on_request(staff_client, mandate, skills):
    for _ in range(3):
        fitting_manager(skills)
    page = staff_client.get(url("mandates_mandate_ranking", mandate.pk) + "?limit=2").content.decode()
    assert page.count('data-testid="ranked-candidate"') == 2
    assert "?limit=22" in page


def test_the_ranking_page_has_constant_queries(staff_client, mandate, skills, django_assert_max_num_queries):
    for _ in range(2):
        fitting_manager(skills)
    target = url("mandates_mandate_ranking", mandate.pk)
    staff_client.get(target)  # warm per-process caches (e.g. the intarray probe)
    reset_queries()  # the capped query log would otherwise hide the count
    with django_assert_max_num_queries(40) as few:
        staff_client.get(target)
    few_count = len(few)
    for _ in range(10):
        fitting_manager(skills)
    staff_client.get(target)  # the search index catches up with the new profiles once, outside the count
    reset_queries()  # the capped query log would otherwise hide the count
    with django_assert_max_num_queries(few_count):
        page = staff_client.get(target).content.decode()
    assert page.count('data-testid="ranked-candidate"') == 12


def test_adding_from_the_ranking_snapshots_the_score(staff_client, staff, mandate, skills):
    profile = fitting_manager(skills)
    response = staff_client.post(url("mandates_mandate_add_candidate", mandate.pk), {"manager": profile.pk})
    assert response.status_code == 302
    candidacy = Candidacy.objects.get(mandate=mandate, manager=profile)
    assert candidacy.score and candidacy.score_detail["criteria"]
    assert candidacy.stage_changes.get().by == staff


def test_adding_from_the_ranking_keeps_the_score_the_ranking_showed(staff_client, staff, mandate, skills):
    profile = fitting_manager(skills)
    page = staff_client.get(url("mandates_mandate_ranking", mandate.pk))
    shown = next(row["score"] for row in page.context["rows"] if row["profile"] == profile)
    profile.skills.clear()  # the profile changes between the ranking and the click: the shown score is kept
    staff_client.post(url("mandates_mandate_add_candidate", mandate.pk), {"manager": profile.pk})
    candidacy = Candidacy.objects.get(mandate=mandate, manager=profile)
    assert candidacy.score_percent == shown.percent
    assert candidacy.score_detail["matched_skill_ids"]


def shortlist_of(mandate, staff, profiles):
    return [services.candidacy_add(mandate=mandate, manager=p, by=staff) for p in profiles]


def test_the_shortlist_page_has_constant_queries(staff_client, staff, mandate, django_assert_max_num_queries):
    shortlist_of(mandate, staff, [factories.manager() for _ in range(2)])
    target = url("mandates_mandate_shortlist", mandate.pk)
    reset_queries()  # the capped query log would otherwise hide the count
    with django_assert_max_num_queries(40) as few:
        staff_client.get(target)
    few_count = len(few)
    shortlist_of(mandate, staff, [factories.manager() for _ in range(8)])
    reset_queries()  # the capped query log would otherwise hide the count
    with django_assert_max_num_queries(few_count):
        page = staff_client.get(target).content.decode()
    assert page.count('data-testid="shortlist-row"') == 10


def test_a_stage_move_with_reason_is_recorded(staff_client, staff, mandate, manager):
    (candidacy,) = shortlist_of(mandate, staff, [manager])
    response = staff_client.post(
        url("mandates_candidacy_move", candidacy.pk),
        {
            f"m{candidacy.pk}-to_stage": "withdrawn",
            f"m{candidacy.pk}-reason": "Zu teuer",
            f"m{candidacy.pk}-from_stage": "proposed",
        },
    )
    assert response.status_code == 302
    change = candidacy.stage_changes.last()
    assert (change.to_stage, change.reason, change.by) == ("withdrawn", "Zu teuer", staff)


def test_a_no_without_reason_is_shown_back_with_the_form(staff_client, staff, mandate, manager):
    (candidacy,) = shortlist_of(mandate, staff, [manager])
    response = staff_client.post(
        url("mandates_candidacy_move", candidacy.pk),
        {
            f"m{candidacy.pk}-to_stage": "withdrawn",
            f"m{candidacy.pk}-reason": "",
            f"m{candidacy.pk}-from_stage": "proposed",
        },
    )
    assert response.status_code == 400
    assert "Begründung nötig" in response.content.decode()
    candidacy.refresh_from_db()
    assert candidacy.stage == Stage.PROPOSED


def test_a_move_from_an_outdated_page_is_refused(staff_client, staff, mandate, manager):
    (candidacy,) = shortlist_of(mandate, staff, [manager])
    services.candidacy_move(candidacy=candidacy, to_stage=Stage.CONTACTED, by=staff)
    response = staff_client.post(
        url("mandates_candidacy_move", candidacy.pk),
        {
            f"m{candidacy.pk}-to_stage": "shortlisted",
            f"m{candidacy.pk}-reason": "",
            f"m{candidacy.pk}-from_stage": "proposed",
        },
    )
    assert response.status_code == 400
    assert "inzwischen geändert" in response.content.decode()


def test_client_view_order_send_and_placement_from_the_shortlist_page(
    staff_client, staff, mandate, manager, other_manager
):
    first, second = shortlist_of(mandate, staff, [manager, other_manager])
    response = staff_client.post(
        url("mandates_candidacy_client", second.pk),
        {f"k{second.pk}-note_for_client": "Top Sanierer", f"k{second.pk}-client_price": "1500"},
    )
    assert response.status_code == 302
    staff_client.post(url("mandates_candidacy_up", second.pk))
    assert list(mandate.candidacies.values_list("pk", flat=True)) == [second.pk, first.pk]
    services.manager_respond(candidacy=second, interested=True)
    services.candidacy_move(candidacy=second, to_stage=Stage.SHORTLISTED, by=staff)

    response = staff_client.post(url("mandates_mandate_send", mandate.pk), follow=True)
    assert "Shortlist mit 1 Kandidat(en) an den Kunden gesendet" in response.content.decode()
    second.refresh_from_db()
    assert second.presented_at is not None and second.note_for_client == "Top Sanierer"
    assert (second.client_price, second.show_score_to_client) == (1500, False)

    staff_client.post(
        url("mandates_candidacy_place", second.pk),
        {
            f"p{second.pk}-starts_on": "2027-03-01",
            f"p{second.pk}-manager_day_rate": "1200",
            f"p{second.pk}-client_day_rate": "1500",
        },
    )
    placement = Placement.objects.get(mandate=mandate)
    assert (placement.manager, placement.starts_on) == (other_manager, date(2027, 3, 1))
    assert (placement.manager_day_rate, placement.client_day_rate) == (1200, 1500)
    mandate.refresh_from_db()
    assert mandate.status == Mandate.Status.WON
    other_manager.refresh_from_db()
    assert other_manager.status == ManagerProfile.Status.PLACED


def test_a_placement_without_both_rates_is_shown_back_with_the_form(staff_client, staff, mandate, manager):
    (candidacy,) = shortlist_of(mandate, staff, [manager])
    response = staff_client.post(
        url("mandates_candidacy_place", candidacy.pk), {f"p{candidacy.pk}-manager_day_rate": "1200"}
    )
    assert response.status_code == 400
    assert not Placement.objects.exists()


def test_staff_see_both_rates_and_the_margin(staff_client, staff, mandate):
    profile = factories.manager(day_rate_target=1000)
    mandate.margin_pct = 25
    mandate.save()
    (candidacy,) = shortlist_of(mandate, staff, [profile])
    assert candidacy.client_price == 1250
    row = staff_client.get(url("mandates_mandate_shortlist", mandate.pk)).content.decode()
    prices = re.search(r'data-testid="prices">(.*?)</span>', row, re.S).group(1)
    assert "1000" in prices and "1250" in prices and "Marge 25 %" in prices


def test_manager_answers_are_visible_on_the_mandate(staff_client, staff, mandate, manager):
    (candidacy,) = shortlist_of(mandate, staff, [manager])
    services.manager_respond(candidacy=candidacy, interested=False, reason="Zu weit von zu Hause")
    for target in (url("mandates_mandate_change", mandate.pk), url("mandates_mandate_shortlist", mandate.pk)):
        assert "Zu weit von zu Hause" in staff_client.get(target).content.decode()


def test_the_pool_search_finds_by_text_and_adds_to_a_mandate(staff_client, mandate):
    wanted = factories.manager(
        first_name="Sabine", last_name="Sanierung", headline="Restrukturierung Automobilzulieferer"
    )
    factories.manager(first_name="Karl", last_name="Kein", headline="Vertrieb Software")
    page = staff_client.get(url("mandates_mandate_pool"), {"text": "Automobilzulieferer", "mandate": mandate.pk})
    content = page.content.decode()
    assert "Sabine Sanierung" in content and "Karl Kein" not in content
    staff_client.post(
        url("mandates_mandate_add_candidate", mandate.pk), {"manager": wanted.pk, "next": page.request["PATH_INFO"]}
    )
    assert Candidacy.objects.filter(mandate=mandate, manager=wanted).exists()


def test_candidacies_cannot_be_added_around_the_workflow(staff_client):
    assert staff_client.get(url("mandates_candidacy_add")).status_code == 403


def test_the_changelist_closes_open_mandates_as_lost(staff_client, staff, mandate, manager):
    (candidacy,) = shortlist_of(mandate, staff, [manager])
    staff_client.post(url("mandates_mandate_changelist"), {"action": "close_as_lost", "_selected_action": [mandate.pk]})
    mandate.refresh_from_db()
    candidacy.refresh_from_db()
    assert mandate.status == Mandate.Status.LOST and mandate.closed_at is not None
    assert candidacy.stage == Stage.WITHDRAWN


def test_the_pool_page_has_constant_queries(staff_client, mandate, django_assert_max_num_queries):
    for _ in range(2):
        factories.manager(headline="Interim CFO Maschinenbau")
    target = url("mandates_mandate_pool") + f"?text=Maschinenbau&mandate={mandate.pk}"
    staff_client.get(target)
    reset_queries()
    with django_assert_max_num_queries(40) as few:
        staff_client.get(target)
    few_count = len(few)
    for _ in range(8):
        factories.manager(headline="Interim CFO Maschinenbau")
    staff_client.get(target)  # the search index catches up with the new profiles once, outside the count
    reset_queries()
    with django_assert_max_num_queries(few_count):
        page = staff_client.get(target).content.decode()
    assert page.count('data-testid="pool-result"') == 10
