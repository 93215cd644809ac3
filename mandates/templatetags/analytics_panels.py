from django import template

from mandates.analytics.panel import manager_panel

register = template.Library()


@register.inclusion_tag("mandates/_time_to_mandate_panel.html")
def time_to_mandate_panel(profile):
    """The manager's way to a first mandate: computed by ``analytics.panel`` from cached estimates, shown plainly."""
    return {"profile": profile, "panel": manager_panel(profile)}
