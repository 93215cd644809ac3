"""Where computed figures wait for readers: the shared cache (Redis when configured, else the database table),
filled by a beat task, never by a page.

``warm()`` (``mandates.tasks.warm_analytics``, every ``ANALYTICS_WARM_MINUTES``) loads the facts once and stores:
the staff report for both clocks without filters (the page's copy, and the full tables for CSV apart: the early-leave
list of a large pool alone is megabytes), the "managers like you" estimates per function and per function and
industry section, the market data per function (rates, budgets of the last twelve months), the briefs of the last
90 days per function (the managers' levers are scored against those of their functions) and the sign-up base rate. Entries never expire; the
next warm replaces them, so a reader always finds the last complete set.

A report for other filters is computed on the first request by a task (``compute_report``) and kept for
``ANALYTICS_FILTERED_SECONDS``; until it is there the page says it is being computed and shows the last snapshot.
A cold cache (first start, flushed Redis) makes readers enqueue a warm and show the same note; they never compute
on their own. Without a broker (embedded mode) the task runs in the calling process, so the page has its figures.
"""

import logging

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from manatnet.cache import figures_when_cache_down
from manatnet.queue import enqueue

from . import charts, report, selectors, snapshots, survival
from .facts import load_managers, load_mandates, load_names
from .segments import CLOCKS, Filters, Label

logger = logging.getLogger(__name__)

PREFIX = "analytics:v1"
LOCK_SECONDS = 1800
PENDING_SECONDS = 300
# "Managers like you" points: the months a manager reads about.
LIKE_MONTHS = (1, 3, 6, 12)


def key(*parts):
    return ":".join((PREFIX, *(str(p) for p in parts)))


def report_key(filters):
    return key("report", filters.key())


def table_key(filters, name):
    return key("table", filters.key(), name)


def _report_values(result, filters):
    """What one report is stored as: the page's copy, and each table in full for its CSV file (apart, so a CSV of
    one table never loads the others)."""
    values = {report_key(filters): result.page_copy()}
    values.update((table_key(filters, name), table) for name, table in result.tables.items())
    return values


# --- Reading (pages) -----------------------------------------------------------------------------------------------


def _schedule(name, *args):
    """Enqueue a computation once per ``PENDING_SECONDS`` (later readers wait for the first one's result)."""
    from .. import tasks

    if cache.add(key("pending", name, *args), 1, PENDING_SECONDS):
        enqueue(getattr(tasks, name), *args)


@figures_when_cache_down(lambda: None)
def _get_or_schedule(name, filters):
    value = cache.get(name)
    if value is None:
        if filters.is_default:
            _schedule("warm_analytics")
        else:
            _schedule("compute_analytics_report", filters.key())
        value = cache.get(name)
    return value


def get_report(filters):
    """The cached report for ``filters`` (tables cut to the page's rows), or None while it is being computed (a
    computation is then enqueued)."""
    return _get_or_schedule(report_key(filters), filters)


def get_table(filters, name):
    """One table of the report for ``filters`` in full (for CSV), or None while it is being computed."""
    return _get_or_schedule(table_key(filters, name), filters)


@figures_when_cache_down(dict)
def get_many(keys, *, warm_if_missing):
    """Cached values by key; when ``warm_if_missing`` is absent, enqueue a warm first (embedded: it runs now)."""
    found = cache.get_many(keys)
    if warm_if_missing not in found:
        _schedule("warm_analytics")
        found = cache.get_many(keys)
    return found


# --- Computing (tasks) ---------------------------------------------------------------------------------------------


def warm(now=None):
    """Compute and store everything pages read; returns False when another warm is running."""
    if not cache.add(key("warming"), 1, LOCK_SECONDS):
        return False
    try:
        now = now or timezone.now()
        managers, mandates, names = load_managers(now), load_mandates(now), load_names()
        budgets = selectors.budgets_by_function(mandates, now)
        flags_of = _risk_inputs(managers, budgets, now)
        trend = snapshots.recent(timezone.localdate(now))
        values, memo = {}, {}
        for clock in CLOCKS:
            filters = Filters(clock=clock)
            result = report.build(
                managers, mandates, names, filters, snapshots=trend, risk_inputs=flags_of, now=now, memo=memo
            )
            values.update(_report_values(result, filters))
        values.update(_panel_values(managers, names, budgets, now))
        for function, briefs in selectors.recent_briefs(now).items():
            values[key("recent", function)] = briefs
        values[key("warmed_at")] = now
        cache.set_many(values, timeout=None)
        cache.delete(key("pending", "warm_analytics"))
        return True
    finally:
        cache.delete(key("warming"))


def compute_report(filters_key, now=None):
    """Compute and store the report for one set of filters (the first page request for them enqueued this)."""
    filters = Filters.from_key(filters_key)
    now = now or timezone.now()
    managers, mandates, names = load_managers(now), load_mandates(now), load_names()
    budgets = selectors.budgets_by_function(mandates, now)
    trend = snapshots.recent(timezone.localdate(now)) if filters.is_default else ()
    value = report.build(
        managers, mandates, names, filters, snapshots=trend, risk_inputs=_risk_inputs(managers, budgets, now), now=now
    )
    timeout = None if filters.is_default else settings.ANALYTICS_FILTERED_SECONDS
    cache.set_many(_report_values(value, filters), timeout)
    cache.delete(key("pending", "compute_analytics_report", filters_key))
    return value


def _risk_inputs(managers, budgets, now):
    """The early-leave inputs for a mask of managers, loaded once per distinct mask."""
    loaded = {}

    def inputs(rows):
        token = np.packbits(rows).tobytes()
        if token not in loaded:
            loaded[token] = selectors.risk_inputs(managers, rows, budgets, now)
        return loaded[token]

    return inputs


# --- "Managers like you" and the market data behind the dashboard panel ---------------------------------------------


class LikeYou:
    """What managers of one segment experienced: share with a first mandate by 1, 3, 6, 12 months, the median,
    the basis, and a small chart. Plain, picklable data."""

    def __init__(self, label, result):
        self.label = label
        self.observed = result.n
        self.placed = result.events
        self.enough = result.enough
        self.shares = tuple((m, report.as_pct(p.share) if (p := result.at_month(m)) else None) for m in LIKE_MONTHS)
        self.median_months = report.as_months(result.median) if result.enough else None
        points = result.points if result.enough else ()
        self.chart = charts.chart(
            [
                charts.Series(
                    "mn-s1",
                    tuple(p.day / survival.DAYS_PER_MONTH for p in points),
                    tuple(p.share for p in points),
                    tuple(p.low for p in points),
                    tuple(p.high for p in points),
                )
            ],
            x_max=24,
            x_ticks=(0, 3, 6, 12, 18, 24),
            size=charts.SMALL,
        )


def _panel_values(managers, names, budgets, now):
    durations, outcome = managers.clock("registration")
    overall = survival.kaplan_meier(durations, outcome)
    values = {key("like", "all"): LikeYou(None, overall)}
    six = overall.at_month(6)
    values[key("base_rate")] = {
        "share": report.as_pct(six.share) if six else None,
        "observed": overall.n,
        "as_of": now,
    }
    n = len(managers)
    for function in sorted(set(managers.functions.values.tolist())):
        in_function = managers.functions.mask(n, function)
        label = names.functions.get(function, Label(f"#{function}"))
        result = survival.kaplan_meier(*managers.clock("registration", in_function))
        if result.enough:
            values[key("like", f"f{function}")] = LikeYou(label, result)
            for section in sorted(set(managers.sections.values[in_function[managers.sections.rows]].tolist())):
                both_rows = in_function & managers.sections.mask(n, section)
                result = survival.kaplan_meier(*managers.clock("registration", both_rows))
                if result.enough:
                    section_label = names.sections.get(section, Label(f"#{section}"))
                    values[key("like", f"f{function}s{section}")] = LikeYou((label, section_label), result)
    for function, rates in selectors.rates_by_function(managers).items():
        values[key("rates", function)] = rates
    for function, amounts in budgets.items():
        values[key("budgets", function)] = amounts
    return values


@figures_when_cache_down(lambda: None)
def _cached_base_rate():
    return cache.get(key("base_rate"))


def base_rate():
    """The sign-up sentence's figures: share with a first mandate within six months, with its basis; falls back to
    the last snapshot; None when neither exists (nothing is computed for an anonymous visitor)."""
    value = _cached_base_rate()
    if value is not None and value["share"] is not None:
        return value
    from ..models import AnalyticsSnapshot

    snapshot = AnalyticsSnapshot.objects.order_by("-day").first()
    if snapshot is None or snapshot.figures.get("share_6") is None:
        return None
    return {
        "share": report.as_pct(snapshot.figures["share_6"]),
        "observed": snapshot.figures["observed"],
        "as_of": snapshots.day_end(snapshot.day),
    }
