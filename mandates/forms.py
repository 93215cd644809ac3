from django import forms
from django.utils.translation import gettext_lazy as _

from managers.models import CEFR, Function, Industry, Language, Region, Skill

from .models import Candidacy, Mandate


class ClientFeedbackForm(forms.Form):
    wants_meeting = forms.TypedChoiceField(
        label=_("Möchten Sie diese Person kennenlernen?"),
        choices=[("yes", _("Ja, gern kennenlernen")), ("no", _("Nein"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Kommentar"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bei „Nein“ bitte kurz begründen – das hilft uns, bessere Vorschläge zu machen."),
    )

    def clean(self):
        data = super().clean()
        if data.get("wants_meeting") is False and not data.get("comment", "").strip():
            self.add_error("comment", _("Bitte sagen Sie uns kurz, warum Sie diese Person nicht kennenlernen möchten."))
        return data


class ManagerResponseForm(forms.Form):
    interested = forms.TypedChoiceField(
        choices=[("yes", _("Ich bin interessiert")), ("no", _("Nicht für mich"))],
        coerce=lambda value: value == "yes",
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(label=_("Grund"), required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if data.get("interested") is False and not data.get("reason", "").strip():
            self.add_error("reason", _("Bitte nennen Sie kurz den Grund, warum das Mandat nicht passt."))
        return data


class StageMoveForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("Neue Phase"), choices=Candidacy.Stage.choices)
    reason = forms.CharField(label=_("Begründung"), required=False, max_length=200)
    # The stage the staff member saw: a move based on an outdated view is refused instead of overwriting.
    from_stage = forms.ChoiceField(choices=Candidacy.Stage.choices, widget=forms.HiddenInput)


class NoteForm(forms.Form):
    note_for_client = forms.CharField(
        label=_("Notiz für den Kunden"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PlacementForm(forms.Form):
    starts_on = forms.DateField(
        label=_("Start"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    day_rate = forms.IntegerField(label=_("Vereinbarter Tagessatz (EUR)"), required=False, min_value=0)


class PoolSearchForm(forms.Form):
    text = forms.CharField(label=_("Freitext"), required=False, max_length=200)
    function = forms.ModelChoiceField(label=_("Funktion"), queryset=Function.objects.all(), required=False)
    industry = forms.ModelChoiceField(label=_("Branche"), queryset=Industry.objects.all(), required=False)
    skill = forms.ModelChoiceField(label=_("Kompetenz"), queryset=Skill.objects.all(), required=False)
    language = forms.ModelChoiceField(label=_("Sprache"), queryset=Language.objects.all(), required=False)
    min_level = forms.TypedChoiceField(
        label=_("Mindestniveau"), choices=[("", "—"), *CEFR.choices], coerce=int, empty_value=None, required=False
    )
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.all(), required=False)
    available_by = forms.DateField(
        label=_("Verfügbar bis"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    max_rate = forms.IntegerField(label=_("Tagessatz höchstens (EUR)"), required=False, min_value=0)
    mandate = forms.ModelChoiceField(
        label=_("Für Mandat"),
        queryset=Mandate.objects.open().select_related("company"),
        required=False,
        help_text=_("Wählen Sie ein offenes Mandat, um Treffer direkt auf dessen Liste zu setzen."),
    )

    def search_kwargs(self):
        data = {key: value for key, value in self.cleaned_data.items() if key != "mandate"}
        data["text"] = data.get("text") or ""
        return data
