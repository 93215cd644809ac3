"""Staff post a mandate in the admin, see who fits and why, build a shortlist and record the placement."""

import re

import pytest
from playwright.sync_api import expect

from managers.models import CEFR, ManagerProfile
from mandates.models import Candidacy, Mandate, Placement
from tests import factories
from tests.factories import PASSWORD

SKILLS = ("financial-planning", "liquidity-management")


def select2(page, field, text):
    """Pick ``text`` in an admin autocomplete (select2) field."""
    page.locator(f"#{field} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_staff_create_open_rank_shortlist_and_place(reference_data, page, login, staff):
    contact = factories.client_contact("kunde@example.com")
    company = contact.company
    names = ["Anna Aktiv", "Bernd Bilanz", "Clara Cash", "Dieter Dazu"]
    managers = {
        name: factories.manager(
            f"{name.split()[0].lower()}@example.com",
            first_name=name.split()[0],
            last_name=name.split()[1],
            skills=SKILLS if i < 3 else SKILLS[:1],
            functions=("cfo",),
            languages=(("de", CEFR.NATIVE),),
        )
        for i, name in enumerate(names)
    }

    login(staff.email, PASSWORD)
    page.goto("/admin/mandates/mandate/add/")
    select2(page, "id_company", company.name)
    page.fill("#id_title", "Interim CFO Sanierung")
    page.fill("#id_public_title", "Interim CFO im Maschinenbau")
    page.fill("#id_public_summary", "Mittelständler im Maschinenbau sucht Interim CFO für die Sanierung")
    page.select_option("#id_function", label="Finanzen / CFO")
    select2(page, "id_required_skills", "Finanzplanung")
    select2(page, "id_required_skills", "Liquiditätsmanagement")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("erfolgreich")

    page.get_by_role("button", name="Mandat eröffnen").click()
    expect(page).to_have_url(re.compile(r"/ranking/$"))
    mandate = Mandate.objects.get(title="Interim CFO Sanierung")
    assert mandate.status == Mandate.Status.OPEN and mandate.opened_at is not None

    ranked = page.locator("[data-testid=ranked-candidate]")
    expect(ranked).to_have_count(4)
    # The best three fit both skills; the explanation names what is missing for the fourth.
    expect(ranked.nth(3)).to_contain_text("Dieter Dazu")
    expect(ranked.nth(3)).to_contain_text("Liquiditätsmanagement")
    expect(page.locator("table.mn-weights")).to_contain_text("Kompetenzen")

    for _ in range(3):
        page.locator("[data-testid=ranked-candidate]").filter(
            has=page.get_by_role("button", name="Zur Shortlist")
        ).first.get_by_role("button", name="Zur Shortlist").click()
        page.wait_for_load_state()
    assert Candidacy.objects.filter(mandate=mandate).count() == 3
    expect(page.get_by_role("button", name="Zur Shortlist")).to_have_count(1)

    page.get_by_role("link", name="Shortlist").first.click()
    rows = page.locator("[data-testid=shortlist-row]")
    expect(rows).to_have_count(3)
    chosen = rows.first
    chosen_name = chosen.locator("td").nth(1).locator("a").inner_text()
    chosen.get_by_role("button", name="Platzierung erfassen").click()
    expect(page.locator(".messagelist")).to_contain_text("das Mandat ist gewonnen")
    expect(page.locator("[data-testid=shortlist-row]").first.locator("[data-testid=stage]")).to_have_text("Platziert")

    placed = managers[chosen_name]
    placement = Placement.objects.get(mandate=mandate)
    assert placement.manager == placed
    placed.refresh_from_db()
    assert placed.status == ManagerProfile.Status.PLACED

    page.context.clear_cookies()
    login(placed.user.email, PASSWORD)
    page.goto("/manager/")
    # The placed manager sees the public title and now the client's name, never the internal title.
    expect(page.locator("#placement-panel")).to_contain_text(
        f"Sie wurden platziert: Interim CFO im Maschinenbau · {company.name}"
    )
    expect(page.locator("body")).not_to_contain_text("Interim CFO Sanierung")
