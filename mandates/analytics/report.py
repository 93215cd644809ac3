"""The staff report: every table and chart of the analytics page, built once from facts and filters.

A ``Report`` is plain, language-neutral data (names are ``Label`` pairs, column headings are looked up when the
page is drawn), so one cached report serves German and English pages and their CSV files alike. Every figure is
rounded here, once, to what the page shows; the page and the CSV export print the same values (the page in the
reader's number format).
"""

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ..matching import percent
from . import charts, funnel, risk, segments, survival
from .facts import MEETING, PLACED, PRESENTED, PROPOSED
from .segments import Label
from .survival import DAYS_PER_MONTH

# Rows a table shows on the page at most; the CSV file has them all.
PAGE_ROWS = 30


def both(text, **params):
    """A translatable text as a ``Label`` in German and English, with ``params`` filled in."""
    values = []
    for language in ("de", "en"):
        with translation.override(language):
            values.append(str(text) % params if params else str(text))
    return Label(*values)


@dataclass(frozen=True)
class Column:
    key: str
    kind: str = "num"  # "num" (int or one decimal), "pct" (whole percent), "text", "profile" (id, linked)


@dataclass
class Table:
    key: str
    columns: tuple
    rows: list = field(default_factory=list)
    total: int | None = None  # rows in the full table, when this copy holds only the page's

    @property
    def page_rows(self):
        return self.rows[:PAGE_ROWS]

    @property
    def row_count(self):
        return len(self.rows) if self.total is None else self.total

    @property
    def truncated(self):
        return self.row_count > PAGE_ROWS

    def page_copy(self):
        return Table(self.key, self.columns, self.page_rows, self.row_count)


@dataclass
class Report:
    filters: segments.Filters
    generated_at: datetime
    managers: int
    mandates: int
    enough: bool
    median: tuple  # (months, low, high), each None when not estimable
    naive: float | None  # months
    tables: dict
    charts: dict
    flagged: int

    def page_copy(self):
        """The report as the page needs it: each table cut to its first ``PAGE_ROWS`` rows (the early-leave list
        of a large pool holds thousands; the CSV files read the full tables, cached apart)."""
        copy = Report(**{**self.__dict__, "tables": {key: t.page_copy() for key, t in self.tables.items()}})
        return copy


def as_months(days):
    return None if days is None else round(days / DAYS_PER_MONTH, 1)


def _days(value):
    return None if value is None else round(value, 1)


def as_pct(share):
    return None if share is None else percent(share * 100)


NOT_ENOUGH = _("zu wenige Daten")


def _survival_row(result, *, months=(6, 12)):
    """Observed, events, median with interval and shares by ``months`` — or only the counts and a note."""
    counts = [result.n, result.events, result.competing]
    if not result.enough:
        return [*counts, None, None, None, *([None] * len(months)), both(NOT_ENOUGH)]
    shares = [as_pct(p.share) if (p := result.at_month(m)) else None for m in months]
    return [
        *counts,
        as_months(result.median),
        as_months(result.median_low),
        as_months(result.median_high),
        *shares,
        "",
    ]


SEGMENT_COLUMNS = (
    Column("segment", "text"),
    Column("observed"),
    Column("placed"),
    Column("gave_up"),
    Column("median_months"),
    Column("ci_low"),
    Column("ci_high"),
    Column("share_6", "pct"),
    Column("share_12", "pct"),
    Column("note", "text"),
)


def _clock(managers, filters, rows):
    return managers.clock(filters.clock, rows)


def _segment_table(key, managers, filters, rows, groups):
    """One row per segment value: ``groups`` is [(label, mask)]."""
    table = Table(key, SEGMENT_COLUMNS)
    for label, mask in groups:
        durations, outcome = _clock(managers, filters, rows & mask)
        if len(durations):
            table.rows.append([label, *_survival_row(survival.kaplan_meier(durations, outcome))])
    return table


def _dimension_groups(managers, names):
    """For each segment dimension, [(label, mask)] of its values that occur."""
    n = len(managers)
    functions = [
        (names.functions[v], managers.functions.mask(n, v))
        for v in sorted(set(managers.functions.values.tolist()))
        if v in names.functions
    ]
    sections = [
        (names.sections[v], managers.sections.mask(n, v))
        for v in sorted(set(managers.sections.values.tolist()))
        if v in names.sections
    ]
    bands = segments.rate_bands(managers.rate)
    rates = [(segments.rate_band_label(key), bands == i) for i, (key, _low, _high) in enumerate(segments.RATE_BANDS)]
    regions = [
        (names.regions[v], managers.region == v) for v in sorted(set(managers.region.tolist())) if v in names.regions
    ]
    return {"function": functions, "industry": sections, "rate": rates, "region": regions}


def _curve_table(result):
    table = Table(
        "curve",
        (
            Column("months"),
            Column("share", "pct"),
            Column("ci_low", "pct"),
            Column("ci_high", "pct"),
            Column("at_risk"),
        ),
    )
    for month in survival.TABLE_MONTHS:
        point = result.at_month(month)
        if point is not None:
            table.rows.append([month, as_pct(point.share), as_pct(point.low), as_pct(point.high), point.at_risk])
    return table


def _incidence_table(result):
    table = Table(
        "incidence",
        (
            Column("months"),
            Column("placed_share", "pct"),
            Column("ci_low", "pct"),
            Column("ci_high", "pct"),
            Column("gave_up_share", "pct"),
            Column("ci_low", "pct"),
            Column("ci_high", "pct"),
            Column("waiting_share", "pct"),
        ),
    )
    for month in survival.TABLE_MONTHS:
        placed, gone = result.at_month(month)
        if placed is not None:
            table.rows.append(
                [
                    month,
                    as_pct(placed.share),
                    as_pct(placed.low),
                    as_pct(placed.high),
                    as_pct(gone.share),
                    as_pct(gone.low),
                    as_pct(gone.high),
                    # The rest, from the rounded shares: the three add up to 100 on the page.
                    max(0, 100 - as_pct(placed.share) - as_pct(gone.share)),
                ]
            )
    return table


SUMMARY_FIGURES = {
    "observed": _("Beobachtete Interim Manager"),
    "placed": _("Mit erstem Mandat"),
    "waiting": _("Warten noch (zensiert)"),
    "gave_up": _("Ohne Mandat gegangen (zensiert)"),
    "median": _("Median bis zum ersten Mandat (Kaplan–Meier, Monate)"),
    "naive": _("Naiver Durchschnitt nur über Platzierte (Monate)"),
}


def _summary_table(result, outcome, naive):
    table = Table("summary", (Column("figure", "text"), Column("value"), Column("ci_low"), Column("ci_high")))
    waiting = int((outcome == 0).sum())
    median = (
        (as_months(result.median), as_months(result.median_low), as_months(result.median_high))
        if result.enough
        else (None, None, None)
    )
    rows = [
        ("observed", result.n, None, None),
        ("placed", result.events, None, None),
        ("waiting", waiting, None, None),
        ("gave_up", result.competing, None, None),
        ("median", *median),
        ("naive", as_months(naive), None, None),
    ]
    table.rows = [[both(SUMMARY_FIGURES[key]), *values] for key, *values in rows]
    return table


def _cohort_table(managers, filters, rows):
    table = Table(
        "cohorts",
        (
            Column("cohort", "text"),
            Column("observed"),
            Column("placed"),
            Column("gave_up"),
            Column("waiting"),
            Column("share_3", "pct"),
            Column("share_6", "pct"),
            Column("share_12", "pct"),
            Column("median_months"),
            Column("note", "text"),
        ),
    )
    cohorts = segments.quarters(managers.registered)
    for code in sorted(set(cohorts[rows].tolist()), reverse=True):
        if code < 0:
            continue
        durations, outcome = _clock(managers, filters, rows & (cohorts == code))
        if not len(durations):
            continue
        result = survival.kaplan_meier(durations, outcome)
        counts = [result.n, result.events, result.competing, int((outcome == 0).sum())]
        if result.enough:
            shares = [as_pct(p.share) if (p := result.at_month(m)) else None for m in (3, 6, 12)]
            table.rows.append([segments.quarter_key(code), *counts, *shares, as_months(result.median), ""])
        else:
            table.rows.append([segments.quarter_key(code), *counts, None, None, None, None, both(NOT_ENOUGH)])
    return table


MEASURE_LABELS = {
    "first_shortlist": _("Eröffnung → erste Shortlist beim Kunden"),
    "fill": _("Eröffnung → Besetzung"),
    "client_answer": _("Vorstellung → Antwort des Kunden"),
    "manager_answer": _("Zustimmungsanfrage → Antwort des Managers"),
}
STEP_LABELS = {
    PROPOSED: _("Vorgeschlagen"),
    PRESENTED: _("Dem Kunden vorgestellt"),
    MEETING: _("Kundengespräch"),
    PLACED: _("Platziert"),
}


def _days_row(result):
    if not result.enough:
        return [result.n, result.events, None, None, None, None, None, both(NOT_ENOUGH)]
    within = [as_pct(p.share) if (p := funnel.share_within(result, d)) else None for d in (7, 30)]
    return [
        result.n,
        result.events,
        _days(result.median),
        _days(result.median_low),
        _days(result.median_high),
        *within,
        "",
    ]


DAYS_COLUMNS = (
    Column("observations"),
    Column("done"),
    Column("median_days"),
    Column("ci_low"),
    Column("ci_high"),
    Column("within_7", "pct"),
    Column("within_30", "pct"),
    Column("note", "text"),
)


def _mandate_tables(mandates, rows, names):
    times = funnel.mandate_times(mandates, rows)
    measures = Table("mandate_times", (Column("measure", "text"), *DAYS_COLUMNS))
    measures.rows = [[both(MEASURE_LABELS[key]), *_days_row(times[key])] for key in funnel.MEASURES]

    steps = Table(
        "funnel", (Column("step", "text"), Column("reached"), Column("of_previous", "pct"), Column("of_first", "pct"))
    )
    steps.rows = [
        [both(STEP_LABELS[s.step]), s.reached, as_pct(s.of_previous), as_pct(s.of_first)]
        for s in funnel.funnel(mandates, rows)
    ]

    from ..models import Candidacy

    stage_names = dict(Candidacy.Stage.choices)
    stays = Table(
        "stage_times",
        (
            Column("stage", "text"),
            Column("stays"),
            Column("ended"),
            Column("median_days"),
            Column("ci_low"),
            Column("ci_high"),
            Column("still_in_stage"),
            Column("note", "text"),
        ),
    )
    for stage, result in funnel.stage_times(mandates, rows).items():
        if not result.n:
            continue
        estimate = (
            [_days(result.median), _days(result.median_low), _days(result.median_high), result.n - result.events, ""]
            if result.enough
            else [None, None, None, result.n - result.events, both(NOT_ENOUGH)]
        )
        stays.rows.append([both(stage_names[stage]), result.n, result.events, *estimate])

    tables = {t.key: t for t in (measures, steps, stays)}
    for key, column, labels in (
        ("by_owner", mandates.owner, names.owners),
        ("by_client", mandates.company, names.companies),
    ):
        table = Table(
            key,
            (
                Column("who", "text"),
                Column("mandates"),
                Column("filled"),
                Column("open"),
                *(Column(f"{measure}_days") for measure in funnel.MEASURES),
            ),
        )
        for group in funnel.by_group(mandates, rows, column):
            medians = [_days(group.times[m].median) if group.times[m].enough else None for m in funnel.MEASURES]
            table.rows.append(
                [labels.get(group.key, Label(f"#{group.key}")), group.mandates, group.filled, group.open, *medians]
            )
        tables[key] = table
    return tables


REASON_TEXTS = {
    "no_matches": _("keine passenden Mandate in %(value)s Tagen"),
    "unanswered": _("%(value)s Zustimmungsanfrage(n) unbeantwortet abgelaufen"),
    "incomplete": _("Profil nur zu %(value)s %% vollständig"),
    "rate": _("Tagessatz %(value)s %% über dem mittleren Budget seiner Funktionen"),
    "absent": _("seit %(value)s Tagen nicht angemeldet"),
    "availability": _("Verfügbarkeit seit über %(value)s Tagen nicht bestätigt oder Datum verstrichen"),
}


def reason_label(code, value):
    return both(REASON_TEXTS[code], value=value)


def _risk_table(flags):
    table = Table(
        "risk",
        (Column("profile", "profile"), Column("name", "text"), Column("days_registered"), Column("reasons", "text")),
    )
    # The sentences in both languages once, then filled in: thousands of flags, six kinds of reason.
    texts = {code: both(text) for code, text in REASON_TEXTS.items()}
    for flag in flags:
        de = "; ".join(texts[code].de % {"value": value} for code, value in flag.reasons)
        en = "; ".join(texts[code].en % {"value": value} for code, value in flag.reasons)
        table.rows.append([flag.profile_id, flag.name, flag.days_registered, Label(de, en)])
    return table


def _trend(snapshots):
    """Monthly rows (the last snapshot of each month) and a daily chart of the provider-wide figures."""
    table = Table(
        "trend",
        (
            Column("day", "text"),
            Column("observed"),
            Column("median_months"),
            Column("share_6", "pct"),
            Column("share_12", "pct"),
            Column("gave_up_12", "pct"),
        ),
    )
    monthly = {}
    for snapshot in snapshots:
        monthly[snapshot.day.strftime("%Y-%m")] = snapshot
    for snapshot in sorted(monthly.values(), key=lambda s: s.day, reverse=True):
        f = snapshot.figures
        table.rows.append(
            [
                snapshot.day.isoformat(),
                f.get("observed"),
                f.get("median_months"),
                as_pct(f.get("share_6")),
                as_pct(f.get("share_12")),
                as_pct(f.get("gave_up_12")),
            ]
        )
    if len(snapshots) < 2:
        return table, None
    first = snapshots[0].day
    xs = tuple(float((s.day - first).days) for s in snapshots)
    lines = []
    for key, css, label in (
        ("share_6", "mn-s1", _("mit Mandat nach 6 Monaten")),
        ("share_12", "mn-s2", _("mit Mandat nach 12 Monaten")),
        ("gave_up_12", "mn-s3", _("ohne Mandat gegangen nach 12 Monaten")),
    ):
        pairs = [(x, s.figures.get(key)) for x, s in zip(xs, snapshots, strict=True) if s.figures.get(key) is not None]
        if pairs:
            lines.append(charts.Series(css, tuple(p[0] for p in pairs), tuple(p[1] for p in pairs), label=both(label)))
    span = max(xs[-1], 1.0)
    ticks = [snapshots[int(i)] for i in np.linspace(0, len(snapshots) - 1, min(5, len(snapshots)))]
    chart = charts.chart(
        lines,
        x_max=span,
        x_ticks=[float((s.day - first).days) for s in ticks],
        x_labels=[s.day.strftime("%d.%m.%y") for s in ticks],
        step=False,
    )
    return table, chart


def _survival_chart(result, label):
    points = result.points if result.enough else ()
    series = charts.Series(
        "mn-s1",
        tuple(p.day / DAYS_PER_MONTH for p in points),
        tuple(p.share for p in points),
        tuple(p.low for p in points),
        tuple(p.high for p in points),
        both(label),
    )
    return charts.chart([series], x_max=survival.CHART_MONTHS, x_ticks=(0, 3, 6, 9, 12, 18, 24, 30, 36))


def _incidence_chart(result):
    series = []
    for css, points, label in (
        ("mn-s1", result.placed, _("erstes Mandat")),
        ("mn-s3", result.gave_up, _("ohne Mandat gegangen")),
    ):
        points = points if result.enough else ()
        series.append(
            charts.Series(
                css,
                tuple(p.day / DAYS_PER_MONTH for p in points),
                tuple(p.share for p in points),
                tuple(p.low for p in points),
                tuple(p.high for p in points),
                both(label),
            )
        )
    return charts.chart(series, x_max=survival.CHART_MONTHS, x_ticks=(0, 3, 6, 9, 12, 18, 24, 30, 36))


CLOCK_LABELS = {
    "registration": _("Anteil mit erstem Mandat, Monate seit Registrierung"),
    "completion": _("Anteil mit erstem Mandat, Monate seit vollständigem Profil"),
}


def build(
    managers, mandates, names, filters, *, snapshots=(), risk_inputs=None, now=None, variance=True, memo=None
) -> Report:
    """Every table and chart for ``filters``. ``risk_inputs``: a callable (rows mask) -> [RiskInput], or None.
    ``memo``: a dict shared by builds over the same facts (the mandate side does not depend on the clock)."""
    now = now or timezone.now()
    regions = segments.region_descendants(filters.region) if filters.region is not None else None
    rows = segments.manager_mask(managers, filters, regions)
    durations, outcome = _clock(managers, filters, rows)
    result = survival.kaplan_meier(durations, outcome)
    incidence = survival.cumulative_incidence(durations, outcome, variance=variance)
    naive = survival.naive_average(durations, outcome)
    mandate_rows = segments.mandate_mask(mandates, filters, regions)

    tables = {
        "summary": _summary_table(result, outcome, naive),
        "curve": _curve_table(result),
        "incidence": _incidence_table(incidence),
        "cohorts": _cohort_table(managers, filters, rows),
    }
    for dimension, groups in _dimension_groups(managers, names).items():
        key = f"by_{dimension}"
        tables[key] = _segment_table(key, managers, filters, rows, groups)
    memo = {} if memo is None else memo
    token = ("mandates", np.packbits(mandate_rows).tobytes())
    if token not in memo:
        memo[token] = _mandate_tables(mandates, mandate_rows, names)
    tables.update(memo[token])
    flags = risk.flags(risk_inputs(rows)) if risk_inputs is not None else []
    tables["risk"] = _risk_table(flags)
    # Snapshots hold the provider-wide figures from registration: they belong to the unfiltered page only.
    provider_wide = filters == segments.Filters()
    trend_table, trend_chart = _trend(list(snapshots) if provider_wide else [])
    tables["trend"] = trend_table

    figures = {
        "survival": _survival_chart(result, CLOCK_LABELS[filters.clock]),
        "incidence": _incidence_chart(incidence),
    }
    if trend_chart is not None:
        figures["trend"] = trend_chart
    return Report(
        filters=filters,
        generated_at=now,
        managers=int(rows.sum()),
        mandates=int(mandate_rows.sum()),
        enough=result.enough,
        median=(as_months(result.median), as_months(result.median_low), as_months(result.median_high))
        if result.enough
        else (None, None, None),
        naive=as_months(naive),
        tables=tables,
        charts=figures,
        flagged=len(flags),
    )
