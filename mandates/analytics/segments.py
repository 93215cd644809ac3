"""Segments: which managers (and mandates) a figure is about, and the filters staff choose them by.

Five dimensions, the same for both sides wherever the mandate has the attribute:

=========  =========================================  ==============================================
dimension  manager                                    mandate
=========  =========================================  ==============================================
function   each of their functions                    its function
industry   the NACE section of each of their          the section of each of its industries
           industries
rate       band of their rate (target, else minimum)  band of its budget day rate
region     their home region (or one inside it)       its region (or one inside it)
cohort     quarter of registration                    quarter of opening
=========  =========================================  ==============================================

A manager with two functions counts in both function segments. The attributes are today's (a manager who changed
their rate counts in the band of the new one); registration quarter and the facts the clocks are measured on are
not. Anonymous records of erased accounts have only a registration month: they count where no filter other than
the cohort applies.
"""

from dataclasses import dataclass, fields
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.utils.translation import get_language

CLOCKS = ("registration", "completion")

# Day-rate bands in EUR: (key, lowest rate in the band, first rate above it).
RATE_BANDS = (
    ("lt800", None, 800),
    ("800", 800, 1000),
    ("1000", 1000, 1200),
    ("1200", 1200, 1500),
    ("1500", 1500, None),
)


class Label:
    """A display name in German and English; ``str()`` gives the one of the active language. Picklable, so cached
    reports stay language-neutral."""

    __slots__ = ("de", "en")

    def __init__(self, de, en=None):
        self.de = de
        self.en = en if en is not None else de

    def __str__(self):
        return self.en if (get_language() or "de").startswith("en") else self.de

    def __eq__(self, other):
        return isinstance(other, Label) and (self.de, self.en) == (other.de, other.en)

    def __hash__(self):
        return hash((self.de, self.en))

    def __getstate__(self):
        return (self.de, self.en)

    def __setstate__(self, state):
        self.de, self.en = state

    def __repr__(self):
        return f"Label({self.de!r})"


def rate_band_label(key):
    low, high = next((low, high) for k, low, high in RATE_BANDS if k == key)
    if low is None:
        return Label(f"unter {high} €", f"below €{high}")
    if high is None:
        return Label(f"ab {low:,} €".replace(",", "."), f"€{low:,} and more")
    return Label(f"{low:,}–{high - 1:,} €".replace(",", "."), f"€{low:,}–{high - 1:,}")


def rate_bands(values):
    """Index into ``RATE_BANDS`` of each rate (-1: no rate given)."""
    values = np.asarray(values, dtype=np.float64)
    result = np.full(len(values), -1, dtype=np.int64)
    for i, (_key, low, high) in enumerate(RATE_BANDS):
        inside = ~np.isnan(values)
        if low is not None:
            inside &= values >= low
        if high is not None:
            inside &= values < high
        result[inside] = i
    return result


def quarters(epochs):
    """Quarter of each moment in the platform's time zone as ``year * 4 + quarter - 1`` (-1 for NaN)."""
    import pandas as pd  # lifelines needs it anyway; imported where used

    epochs = np.asarray(epochs, dtype=np.float64)
    result = np.full(len(epochs), -1, dtype=np.int64)
    known = ~np.isnan(epochs)
    if known.any():
        moments = pd.to_datetime(epochs[known], unit="s", utc=True).tz_convert(ZoneInfo(settings.TIME_ZONE))
        result[known] = np.asarray(moments.year) * 4 + np.asarray(moments.quarter) - 1
    return result


def quarter_key(code):
    return f"{code // 4}-Q{code % 4 + 1}"


def quarter_code(key):
    """'2026-Q3' → code; ValueError for anything else."""
    year, quarter = key.split("-Q")
    year, quarter = int(year), int(quarter)
    if not (1 <= quarter <= 4 and 2000 <= year <= 2100):
        raise ValueError(key)
    return year * 4 + quarter - 1


@dataclass(frozen=True)
class Filters:
    """What staff selected: the clock and at most one value per dimension (None: all)."""

    clock: str = "registration"
    function: int | None = None
    industry: int | None = None
    rate: str | None = None
    region: int | None = None
    cohort: str | None = None

    def key(self):
        """A stable string for cache keys and task arguments."""
        return "|".join(
            f"{f.name}={'' if getattr(self, f.name) is None else getattr(self, f.name)}" for f in fields(self)
        )

    @classmethod
    def from_key(cls, key):
        values = dict(part.split("=", 1) for part in key.split("|"))
        kwargs = {}
        for f in fields(cls):
            raw = values.get(f.name, "")
            if raw:
                kwargs[f.name] = int(raw) if f.name in ("function", "industry", "region") else raw
        return cls(**kwargs)

    @property
    def is_default(self):
        return self == Filters(clock=self.clock)


def region_descendants(region_id):
    """The region and every region inside it (ids)."""
    from managers.models import Region

    parents = dict(Region.objects.values_list("id", "parent_id"))
    wanted = {region_id}
    changed = True
    while changed:
        changed = False
        for pk, parent in parents.items():
            if parent in wanted and pk not in wanted:
                wanted.add(pk)
                changed = True
    return wanted


def manager_mask(managers, filters, regions=None):
    """Rows of ``managers`` (facts.Managers) inside the filters. ``regions``: the region filter's descendants."""
    n = len(managers)
    mask = np.ones(n, dtype=bool)
    if filters.function is not None:
        mask &= managers.functions.mask(n, filters.function)
    if filters.industry is not None:
        mask &= managers.sections.mask(n, filters.industry)
    if filters.rate is not None:
        mask &= rate_bands(managers.rate) == _band_index(filters.rate)
    if filters.region is not None:
        mask &= np.isin(managers.region, list(regions or {filters.region}))
    if filters.cohort is not None:
        mask &= quarters(managers.registered) == quarter_code(filters.cohort)
    return mask


def mandate_mask(mandates, filters, regions=None):
    """Rows of ``mandates`` (facts.Mandates) inside the filters (by the mandate's own attributes)."""
    n = len(mandates)
    mask = np.ones(n, dtype=bool)
    if filters.function is not None:
        mask &= mandates.function == filters.function
    if filters.industry is not None:
        mask &= mandates.sections.mask(n, filters.industry)
    if filters.rate is not None:
        mask &= rate_bands(mandates.budget) == _band_index(filters.rate)
    if filters.region is not None:
        mask &= np.isin(mandates.region, list(regions or {filters.region}))
    if filters.cohort is not None:
        mask &= quarters(mandates.opened) == quarter_code(filters.cohort)
    return mask


def _band_index(key):
    return next(i for i, (k, _low, _high) in enumerate(RATE_BANDS) if k == key)
