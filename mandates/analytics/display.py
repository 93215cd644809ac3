"""How a report table reads: headings and titles in the reader's language, cells in their number format on the
page and as plain numbers in the CSV file. Both come from the same rounded values of ``report.Table``, so the
figures are equal."""

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

TITLES = {
    "summary": _("Überblick: ehrliche Schätzung und naiver Durchschnitt"),
    "curve": _("Anteil mit erstem Mandat nach … Monaten (Kaplan–Meier)"),
    "incidence": _("Erstes Mandat oder gegangen (kumulative Inzidenz, Aalen–Johansen)"),
    "cohorts": _("Kohorten nach Quartal der Registrierung"),
    "by_function": _("Nach Funktion"),
    "by_industry": _("Nach Branche (NACE-Abschnitt)"),
    "by_rate": _("Nach Tagessatz"),
    "by_region": _("Nach Heimatregion"),
    "mandate_times": _("Mandate: Durchlaufzeiten und Service-Level"),
    "funnel": _("Trichter: vorgeschlagen → vorgestellt → Gespräch → platziert"),
    "stage_times": _("Zeit je Phase"),
    "by_owner": _("Je Mitarbeiter (Median in Tagen)"),
    "by_client": _("Je Kunde (Median in Tagen)"),
    "risk": _("Frühwarnung: Interim Manager, die wir anrufen sollten"),
    "trend": _("Verlauf (ein Stand je Monat)"),
}

HEADINGS = {
    "figure": _("Kennzahl"),
    "value": _("Wert"),
    "ci_low": _("95 % von"),
    "ci_high": _("95 % bis"),
    "months": _("Monate"),
    "share": _("Anteil"),
    "at_risk": _("noch beobachtet"),
    "placed_share": _("erstes Mandat"),
    "gave_up_share": _("gegangen"),
    "waiting_share": _("wartet noch"),
    "cohort": _("Kohorte"),
    "segment": _("Segment"),
    "observed": _("Beobachtet"),
    "placed": _("Mit Mandat"),
    "gave_up": _("Gegangen"),
    "waiting": _("Warten"),
    "share_3": _("nach 3 Monaten"),
    "share_6": _("nach 6 Monaten"),
    "share_12": _("nach 12 Monaten"),
    "median_months": _("Median (Monate)"),
    "note": _("Hinweis"),
    "measure": _("Messgröße"),
    "observations": _("Beobachtungen"),
    "done": _("abgeschlossen"),
    "median_days": _("Median (Tage)"),
    "within_7": _("binnen 7 Tagen"),
    "within_30": _("binnen 30 Tagen"),
    "step": _("Schritt"),
    "reached": _("erreicht"),
    "of_previous": _("vom vorigen Schritt"),
    "of_first": _("von allen Vorschlägen"),
    "stage": _("Phase"),
    "stays": _("Aufenthalte"),
    "ended": _("beendet"),
    "still_in_stage": _("noch in der Phase"),
    "who": _("Wer"),
    "mandates": _("Mandate"),
    "filled": _("besetzt"),
    "open": _("offen"),
    "first_shortlist_days": _("bis Shortlist"),
    "fill_days": _("bis Besetzung"),
    "client_answer_days": _("Antwort Kunde"),
    "manager_answer_days": _("Antwort Manager"),
    "profile": _("Profil"),
    "name": _("Name"),
    "days_registered": _("Tage registriert"),
    "reasons": _("Gründe"),
    "day": _("Stand"),
    "gave_up_12": _("gegangen nach 12 Monaten"),
}


def cell(value, kind):
    """A value as the page shows it."""
    if value is None or value == "":
        return "–" if value is None else ""
    if kind == "pct":
        return f"{number_format(value, 0)} %"
    if isinstance(value, float):
        return number_format(value, 1)
    if isinstance(value, int):
        return number_format(value, 0, force_grouping=True)
    return str(value)


def csv_value(value):
    """A value as the CSV file holds it: plain numbers (dot as decimal separator), text in the reader's language."""
    return "" if value is None else str(value)


def _cell_html(value, column):
    if column.kind == "profile":
        if not value:
            return format_html("<td></td>")
        link = reverse("admin:managers_managerprofile_change", args=[value])
        return format_html('<td><a href="{}">{}</a></td>', link, _("öffnen"))
    if column.kind in ("num", "pct"):
        return format_html('<td class="mn-num">{}</td>', cell(value, column.kind))
    return format_html("<td>{}</td>", cell(value, column.kind))


def page_table(table):
    """Title, headings and the rows (at most ``report.PAGE_ROWS``) of a report table, the rows as escaped HTML:
    a few hundred cells per page are drawn here rather than by template loops (a third of the page's time)."""
    body = format_html_join(
        "\n",
        "<tr>{}</tr>",
        (
            (mark_safe("".join(_cell_html(v, c) for v, c in zip(row, table.columns, strict=True))),)  # noqa: S308
            for row in table.page_rows
        ),
    )
    return {
        "key": table.key,
        "title": TITLES[table.key],
        "headings": [HEADINGS[column.key] for column in table.columns],
        "body": body,
        "empty": not table.page_rows,
        "total": table.row_count,
        "truncated": table.truncated,
    }


def csv_rows(table):
    """Headings and every row of a report table for its CSV file."""
    yield [str(HEADINGS[column.key]) for column in table.columns]
    for row in table.rows:
        yield [csv_value(value) for value in row]
