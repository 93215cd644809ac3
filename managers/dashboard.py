"""Panels other apps add to the manager's dashboard, without ``managers`` knowing them.

An app registers a panel with the template that shows it and a function that computes its data from the
manager's profile (queries belong there, in a selector, not in template tags); the dashboard view calls each
function and hands the templates plain data::

    @dashboard_panel(template="mandates/_manager_mandates_panel.html", order=10)
    def matching_mandates(profile):
        return {"matches": [...], "placements": [...]}

Each panel template gets its data as ``panel`` (besides ``profile`` and ``request``) and renders its own grid
column(s).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    template: str
    data: Callable
    order: int


_panels: list[Panel] = []


def dashboard_panel(*, template, order=100):
    """Register ``data(profile) -> dict`` as the data of a dashboard panel shown with ``template``."""

    def register(data):
        if not any(panel.data is data for panel in _panels):
            _panels.append(Panel(template, data, order))
        return data

    return register


def dashboard_panels(profile):
    """[{"template": …, "data": {…}}] for every registered panel, in their order."""
    return [
        {"template": panel.template, "data": panel.data(profile)}
        for panel in sorted(_panels, key=lambda panel: panel.order)
    ]
