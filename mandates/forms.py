from django import forms
from django.utils.translation import gettext_lazy as _

from managers.models import CEFR, Function, Industry, Language, Region, Skill
from manatnet import limits

from .models import Candidacy, ClientContact, DeclineReason, Mandate, Placement


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


class ConsentAnswerForm(forms.Form):
    """A manager's answer to a consent request (dashboard or mail link)."""

    agreed = forms.TypedChoiceField(
        choices=[("yes", _("Ja, ich stimme zu")), ("no", _("Nein, danke"))],
        coerce=lambda value: value == "yes",
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(label=_("Grund (freiwillig)"), required=False, max_length=200)


class StageMoveForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("Neue Phase"), choices=Candidacy.Stage.choices)
    reason = forms.CharField(label=_("Begründung (intern)"), required=False, max_length=200)
    manager_reason = forms.ChoiceField(
        label=_("Was der Manager bei einer Absage erfährt"),
        choices=[("", "—"), *DeclineReason.choices],
        required=False,
    )
    manager_reason_text = forms.CharField(
        label=_("Eigener Wortlaut (freiwillig)"),
        required=False,
        max_length=300,
        help_text=_("Ersetzt die gewählte Begründung; neutral formulieren, ohne Worte des Kunden."),
    )
    # The stage the staff member saw: a move based on an outdated view is refused instead of overwriting.
    from_stage = forms.ChoiceField(choices=Candidacy.Stage.choices, widget=forms.HiddenInput)


class ClientViewForm(forms.Form):
    """What the client reads about a candidate besides the profile."""

    note_for_client = forms.CharField(
        label=_("Unsere Einschätzung"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    client_price = forms.IntegerField(
        label=_("Tagessatz für den Kunden (EUR)"), required=False, min_value=0, max_value=limits.MAX_DAY_RATE
    )
    show_score_to_client = forms.BooleanField(label=_("Punktzahl zeigen"), required=False)


class ConsentRequestForm(forms.Form):
    reveal_client = forms.BooleanField(
        label=_("Kunden nennen"),
        required=False,
        help_text=_("Der Manager erfährt in der Anfrage, um welchen Kunden es geht."),
    )


class PlacementForm(forms.Form):
    starts_on = forms.DateField(
        label=_("Start"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=Placement._meta.get_field("starts_on").validators,
    )
    manager_day_rate = forms.IntegerField(
        label=_("Tagessatz des Managers (EUR)"), min_value=0, max_value=limits.MAX_DAY_RATE
    )
    client_day_rate = forms.IntegerField(
        label=_("Tagessatz für den Kunden (EUR)"), min_value=0, max_value=limits.MAX_DAY_RATE
    )


class MandateAdminForm(forms.ModelForm):
    """The mandate's brief in the admin: its contacts can only be chosen among its client company's contacts."""

    class Meta:
        model = Mandate
        fields = ["company", "contacts"]  # the admin passes the fields of its fieldsets

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "contacts" not in self.fields:
            return
        company_id = self.data.get(self.add_prefix("company")) if self.is_bound else None
        company_id = company_id or self.instance.company_id
        contacts = ClientContact.objects.select_related("user", "company")
        if company_id:
            # An unknown or foreign id simply matches no contact: the field then reports an invalid choice.
            contacts = contacts.filter(company_id=company_id) if str(company_id).isdigit() else contacts.none()
        self.fields["contacts"].queryset = contacts

    def clean(self):
        data = super().clean()
        company, contacts = data.get("company"), data.get("contacts")
        if company is not None and contacts:
            probe = Mandate(company=company)
            try:
                probe.check_contacts(contacts)
            except forms.ValidationError as exc:
                self.add_error("contacts", exc)
        return data


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
    max_rate = forms.IntegerField(
        label=_("Tagessatz höchstens (EUR)"), required=False, min_value=0, max_value=limits.MAX_DAY_RATE
    )
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
