"""The staff analytics page: who may open it, filters, the same figures in the CSV files, and what a cold cache
shows instead of computing."""

import csv
import io
import re
from datetime import timedelta

import numpy as np
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from managers.models import Function
from mandates.analytics import snapshots, store
from tests import factories
from tests.mandates.histories import History, write

URL = "/admin/analytics/"


@pytest.fixture
def pool(db):
    """60 CFOs and 40 CEOs: half of them placed after two to six months, some left, the rest waiting."""
    now = timezone.now()
    rng = np.random.default_rng(3)

    def histories(n):
        out = []
        for _i in range(n):
            registered = now - timedelta(days=float(rng.uniform(30, 600)))
            wait = timedelta(days=float(rng.uniform(40, 200)))
            if registered + wait < now and rng.random() < 0.6:
                out.append(History(registered, placed_at=registered + wait, completed_at=registered + wait / 4))
            elif rng.random() < 0.2:
                out.append(History(registered, left_at=registered + timedelta(days=20)))
            else:
                out.append(History(registered, completed_at=registered + timedelta(days=3)))
        return out

    write(histories(60), functions=["cfo"])
    write(histories(40), functions=["ceo"])


def analyst(**kwargs):
    """A staff member who is no superuser and holds only the analytics permission."""
    user = factories.user("analyst@example.com", staff=True)
    user.is_superuser = False
    user.save(update_fields=["is_superuser"])
    user.user_permissions.add(Permission.objects.get(codename="view_analytics", content_type__app_label="mandates"))
    return user


def numbers(text):
    """The figures of a page cell or a CSV cell as floats ("1.234,5 %" → 1234.5; "–" and "" → None)."""
    text = text.strip().replace("\xa0", " ").removesuffix(" %").replace("–", "")
    if not text:
        return None
    if re.fullmatch(r"-?[\d.]+,\d+|-?\d{1,3}(\.\d{3})+|-?\d+", text):
        return float(text.replace(".", "").replace(",", "."))
    return text


def page_rows(html, table):
    section = html[html.index(f'id="table-{table}"') :]
    body = section[section.index("<tbody>") : section.index("</tbody>")]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        rows.append([numbers(c) for c in cells])
    return rows


def csv_rows(response):
    reader = csv.reader(io.StringIO(response.content.decode()))
    next(reader)
    return [[numbers(c.replace(".", ",") if re.fullmatch(r"-?\d+\.\d+", c) else c) for c in row] for row in reader]


def test_staff_with_the_permission_see_curves_tables_and_the_naive_average_next_to_the_estimate(client, pool):
    factories.log_in(client, analyst())
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="chart-survival"' in html and 'id="chart-incidence"' in html
    assert re.search(r'<path class="mn-line mn-s1" d="M[\d.]+,[\d.]+H', html)  # a plotted step curve
    assert "Naiver Durchschnitt nur über Platzierte" in html and "fällt er zu kurz aus" in html
    for table in ("summary", "curve", "incidence", "cohorts", "by_function", "funnel", "stage_times", "risk"):
        assert f'id="table-{table}"' in html
    assert "<style" not in html and " style=" not in html  # the CSP allows no inline style


def test_the_admin_index_links_the_page_only_for_those_who_may_open_it(client, staff, pool):
    factories.log_in(client, staff)
    assert reverse("staff_analytics") in client.get("/admin/").content.decode()
    other = factories.user("plain.staff@example.com", staff=True)
    other.is_superuser = False
    other.save(update_fields=["is_superuser"])
    factories.log_in(client, other)
    assert reverse("staff_analytics") not in client.get("/admin/").content.decode()


def test_staff_without_the_permission_are_refused_and_others_sent_to_log_in(client, manager, pool):
    plain = factories.user("plain.staff@example.com", staff=True)
    plain.is_superuser = False
    plain.save(update_fields=["is_superuser"])
    factories.log_in(client, plain)
    assert client.get(URL).status_code == 403
    assert client.get(reverse("staff_analytics_csv", args=["curve"])).status_code == 403
    client.force_login(manager.user)
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_filter_by_function_narrows_the_page_and_its_csv_holds_the_same_figures(client, pool):
    factories.log_in(client, analyst())
    cfo = Function.objects.get(code="cfo").pk
    html = client.get(URL, {"function": cfo}).content.decode()
    assert "60 Interim Manager" in html
    for table in ("summary", "curve", "cohorts", "by_function", "incidence"):
        response = client.get(reverse("staff_analytics_csv", args=[table]), {"function": cfo})
        assert response["Content-Type"].startswith("text/csv")
        assert csv_rows(response) == page_rows(html, table), table
    by_function = page_rows(html, "by_function")
    assert [row[0] for row in by_function] == ["Finanzen / CFO"]


def test_the_old_report_address_leads_to_the_page(client, staff):
    factories.log_in(client, staff)
    response = client.get("/admin/time-to-mandate/")
    assert response.status_code == 302 and response["Location"] == URL


def test_bad_filter_values_are_reported_and_ignored_never_a_server_error(client, staff, pool):
    factories.log_in(client, staff)
    response = client.get(URL, {"function": "abc", "cohort": "2026-Q9", "rate": "<script>", "clock": "x"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bitte eine gültige Auswahl treffen." in html and "&lt;script&gt;" in html
    assert "100 Interim Manager" in html  # the report without the invalid filters
    assert client.get(reverse("staff_analytics_csv", args=["nonsense"])).status_code == 404


def test_a_cold_cache_shows_the_last_snapshot_and_a_note_instead_of_computing(client, staff, pool, monkeypatch):
    queued = []
    monkeypatch.setattr(store, "enqueue", lambda task, *args: queued.append((task.name, args)))
    snapshots.snapshot_store(day=timezone.localdate() - timedelta(days=1))
    factories.log_in(client, staff)
    html = client.get(URL).content.decode()
    assert "wird gerade berechnet" in html and 'id="analytics-snapshot"' in html
    assert queued == [("mandates.tasks.warm_analytics", ())]
    client.get(URL)
    assert len(queued) == 1  # one computation is enough for every reader
    response = client.get(reverse("staff_analytics_csv", args=["curve"]), {"function": 1})
    assert response.status_code == 503 and response["Retry-After"] == "60"


def test_a_warm_cache_serves_filtered_reports_computed_once(client, staff, pool, django_assert_max_num_queries):
    store.warm()
    factories.log_in(client, staff)
    cfo = Function.objects.get(code="cfo").pk
    client.get(URL, {"function": cfo})  # computed by the task (in-process here) on the first request
    with django_assert_max_num_queries(20):  # session, user, filter choices: nothing over the pool
        assert client.get(URL, {"function": cfo}).status_code == 200


def test_long_tables_show_their_first_rows_and_the_csv_has_them_all(client, staff, pool, monkeypatch):
    from mandates.analytics import report

    monkeypatch.setattr(report, "PAGE_ROWS", 2)
    factories.log_in(client, staff)
    html = client.get(URL).content.decode()
    cohorts = page_rows(html, "cohorts")
    every = csv_rows(client.get(reverse("staff_analytics_csv", args=["cohorts"])))
    assert len(cohorts) == 2 < len(every) and every[:2] == cohorts
    assert f"Die ersten 2 von {len(every)} Zeilen; alle in der CSV-Datei." in html
