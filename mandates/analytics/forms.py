"""The staff page's filters: one optional value per segment and the clock. Bad input never breaks the page: an
invalid value is reported next to its field and the report is shown without it."""

from django import forms
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from managers.models import Function, Industry, ManagerProfile, Region

from .segments import RATE_BANDS, Filters, quarter_key, quarters, rate_band_label


def _cohorts():
    span = ManagerProfile.objects.aggregate(first=Min("registered_at"), last=Max("registered_at"))
    if span["first"] is None:
        return []
    first, last = quarters([span["first"].timestamp(), max(span["last"], timezone.now()).timestamp()])
    return [quarter_key(code) for code in range(int(last), int(first) - 1, -1)]


class AnalyticsFilterForm(forms.Form):
    clock = forms.ChoiceField(
        label=_("Gemessen ab"),
        choices=[("registration", _("Registrierung")), ("completion", _("vollständigem Profil"))],
        required=False,
    )
    function = forms.TypedChoiceField(label=_("Funktion"), coerce=int, required=False, empty_value=None)
    industry = forms.TypedChoiceField(label=_("Branche"), coerce=int, required=False, empty_value=None)
    rate = forms.ChoiceField(label=_("Tagessatz / Budget"), required=False)
    region = forms.TypedChoiceField(label=_("Region"), coerce=int, required=False, empty_value=None)
    cohort = forms.ChoiceField(label=_("Kohorte"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everyone = [("", _("alle"))]
        self.fields["function"].choices = everyone + [(f.pk, f.name) for f in Function.objects.all()]
        sections = Industry.objects.filter(parent__isnull=True)
        self.fields["industry"].choices = everyone + [(s.pk, f"{s.code} {s.name}") for s in sections]
        self.fields["rate"].choices = everyone + [(key, str(rate_band_label(key))) for key, *_bounds in RATE_BANDS]
        self.fields["region"].choices = everyone + [(r.pk, r.name) for r in Region.objects.all()]
        self.fields["cohort"].choices = everyone + [(c, c) for c in _cohorts()]

    def filters(self):
        """The valid part of the input as Filters (defaults for what is missing or invalid)."""
        if not self.is_bound:
            return Filters()
        self.is_valid()
        data = {name: value for name, value in getattr(self, "cleaned_data", {}).items() if value not in (None, "")}
        return Filters(**data)
