from django import template

from mandates import analytics

register = template.Library()


@register.inclusion_tag("mandates/_time_to_mandate_panel.html")
def time_to_mandate_panel(profile):
    """The manager's own position on the time-to-mandate curve, and what raises their chances."""
    estimate = analytics.time_to_mandate()
    return {
        "profile": profile,
        "estimate": estimate,
        "position": analytics.manager_position(profile, estimate),
        "rate_gap": analytics.rate_against_open_budgets(profile),
    }
