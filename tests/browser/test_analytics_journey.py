"""Staff read time-to-mandate by function and take the figures away as CSV; a manager on their first day sees
what managers like them experienced."""

import csv
import re
from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.factories import PASSWORD
from tests.mandates.histories import History, write


def pool():
    """60 CFOs and 40 CEOs registered over the last two years; about half placed after one to seven months."""
    now = timezone.now()
    rng = np.random.default_rng(11)
    for function, n in (("cfo", 60), ("ceo", 40)):
        histories = []
        for _i in range(n):
            registered = now - timedelta(days=float(rng.uniform(20, 700)))
            wait = timedelta(days=float(rng.uniform(30, 210)))
            if registered + wait < now and rng.random() < 0.6:
                histories.append(History(registered, placed_at=registered + wait))
            else:
                histories.append(History(registered))
        write(histories, functions=[function])


def figures(cells):
    """Page text or CSV cells as comparable values ("12 %" → 12.0, "4,5" → 4.5, "–"/"" → None)."""
    out = []
    for cell in cells:
        cell = cell.strip().removesuffix(" %").replace("–", "")
        if re.fullmatch(r"-?\d+([.,]\d+)?", cell):
            out.append(float(cell.replace(",", ".")))
        else:
            out.append(cell or None)
    return out


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_staff_filter_by_function_see_the_curves_and_download_the_same_figures(reference_data, page, login, staff):
    pool()
    login(staff.email, PASSWORD)
    page.goto("/admin/")
    page.get_by_role("link", name="Zeit bis zum Mandat, Trichter, Service-Level").click()
    expect(page.locator("#chart-survival path.mn-line")).to_have_count(1)
    expect(page.locator("#chart-incidence path.mn-line")).to_have_count(2)
    expect(page.locator(".mn-analytics")).to_contain_text("100 Interim Manager")

    page.select_option("#id_function", label="Finanzen / CFO")
    page.get_by_role("button", name="Anwenden").click()
    expect(page.locator(".mn-analytics")).to_contain_text("60 Interim Manager")
    expect(page.locator("#chart-survival path.mn-band")).to_be_visible()
    curve = page.locator("#chart-survival path.mn-line")
    assert re.fullmatch(r"M[\d.]+,[\d.]+(H[\d.]+V[\d.]+)+", curve.get_attribute("d"))
    rows = page.locator("#table-curve tbody tr")
    assert rows.count() >= 3
    on_page = [figures(rows.nth(i).locator("td").all_inner_texts()) for i in range(rows.count())]

    with page.expect_download() as download:
        page.locator("#table-curve a.mn-csv").click()
    with open(download.value.path(), encoding="utf-8") as handle:
        downloaded = [figures(row) for row in list(csv.reader(handle))[1:]]
    assert downloaded == on_page
    assert download.value.suggested_filename.startswith("manatnet-curve-")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_new_manager_sees_a_like_you_curve_on_day_one(reference_data, page, login):
    pool()
    newcomer = factories.manager("neu@example.com", functions=["cfo"], first_name="Nina", last_name="Neu")
    login(newcomer.user.email, PASSWORD)
    page.goto("/manager/")
    panel = page.locator("#time-to-mandate-panel")
    expect(panel).to_contain_text("Interim Manager mit der Funktion Finanzen / CFO")
    expect(panel).to_contain_text("Sie haben sich heute registriert")
    expect(panel.locator("#chart-like-you path.mn-line")).to_be_visible()
    expect(panel.locator("#chart-like-you .mn-marker-label")).to_have_text("Sie: Tag 0")
    shares = panel.locator("#like-you-shares li")
    expect(shares).to_have_count(4)
    expect(shares.nth(0)).to_contain_text(re.compile(r"nach 1 Monat: \d+ %"))
    expect(panel).not_to_contain_text("0 Monaten")
