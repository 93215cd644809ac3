"""What ``mandates`` shows on the manager's dashboard (``managers.dashboard``): computed here, shown by plain
templates. Imported by ``MandatesConfig.ready``."""

from managers.dashboard import dashboard_panel

from .access import manager_mandate_panel_data
from .analytics.panel import manager_panel


@dashboard_panel(template="mandates/_manager_mandates_panel.html", order=10)
def matching_mandates(profile):
    """Matching open mandates (anonymous), the manager's answers, their placements."""
    return manager_mandate_panel_data(profile)


@dashboard_panel(template="mandates/_time_to_mandate_panel.html", order=20)
def time_to_mandate(profile):
    """The manager's way to a first mandate, from cached estimates (``analytics.panel``)."""
    return manager_panel(profile)
