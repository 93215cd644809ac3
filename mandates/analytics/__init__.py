"""Time-to-mandate told honestly, the mandate pipeline in numbers, and advice each manager can use.

One module per job; pure where it can be (plain NumPy columns in, dataclasses out), loaded by flat queries:

- ``facts``: the facts as they stood at one moment (managers, mandates, candidacies, stage stays, answers).
- ``segments``: dimensions (function, industry, rate band, region, cohort) and the staff's filters.
- ``survival``: Kaplan–Meier and Aalen–Johansen (lifelines) with 95 % intervals, the documented minimums.
- ``funnel``: the mandate side — time to first shortlist and to fill, stage times, conversion, answer times.
- ``risk``: the early-leave rules, each reason a sentence.
- ``report``: the staff page's tables and charts; ``display``: how a table reads on the page and in CSV.
- ``charts``: SVG geometry (no inline styles: the CSP forbids them).
- ``snapshots``: the daily stored figures behind the trend (the only derived numbers stored).
- ``store``: the shared cache, warmed by beat; pages only read it.
- ``selectors``: per-person reads (early-leave inputs, a manager's standing, market data, recent briefs).
- ``panel``: the manager's dashboard panel; ``signup``: the base rate shown before someone registers.
- ``views`` / ``forms``: the staff page and its CSV export.
"""
