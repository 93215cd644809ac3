"""The manager dashboard's mandate panel: matching open mandates (anonymous), their answers, their placement."""

from django import template

from ..access import manager_mandate_panel_data

register = template.Library()


@register.inclusion_tag("mandates/_manager_mandates_panel.html", takes_context=True)
def manager_mandates_panel(context, profile):
    return {**manager_mandate_panel_data(profile), "profile": profile, "request": context.get("request")}
