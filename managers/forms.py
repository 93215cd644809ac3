from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .completeness import SUMMARY_MIN_CHARS
from .cv import validate_cv
from .models import (
    CEFR,
    Country,
    Function,
    Industry,
    Language,
    ManagerProfile,
    MandateHistoryEntry,
    Region,
    Skill,
    time_zone_choices,
    validate_linkedin_url,
)
from .services import cv_remove, cv_replace, manager_register, profile_update
from .signup import signup_notes


def _consent_label():
    return format_html(
        _(
            'Ich habe die <a href="{}" target="_blank">Datenschutzhinweise</a> gelesen und willige in die Verarbeitung '
            "meiner Daten zur Vermittlung von Interim-Mandaten ein."
        ),
        reverse_lazy("privacy"),
    )


class SignupConsentForm(forms.Form):
    """Extra fields on allauth's sign-up form: name and the recorded consent to the privacy notice."""

    first_name = forms.CharField(label=_("Vorname"), max_length=150)
    last_name = forms.CharField(label=_("Nachname"), max_length=150)
    privacy_consent = forms.BooleanField(
        label=lazy(_consent_label, str)(),
        error_messages={"required": _("Ohne Ihre Einwilligung können wir kein Profil für Sie anlegen.")},
    )

    def notes(self):
        """What other apps tell a person before they register (``managers.signup``), e.g. an honest base rate."""
        return signup_notes()

    def signup(self, request, user):
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.save(update_fields=["first_name", "last_name"])
        # Mails go out in the language the manager signed up in, until they choose otherwise.
        language = (get_language() or "de")[:2]
        manager_register(
            user=user,
            consent_version=settings.PRIVACY_NOTICE_VERSION,
            email_language=language if language in dict(settings.LANGUAGES) else "de",
        )


# --- Profile sections -------------------------------------------------------------------------------------------
# One form per section. ``initial_for(profile)`` fills it from the profile, ``save(profile)`` hands the cleaned
# data to a service (which sends ``profile_changed``); views only bind, validate and redirect.

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PHONE = RegexValidator(r"^\+?[0-9 ()/\-]{6,30}$", _("Bitte geben Sie eine Telefonnummer an, z. B. +49 221 1234567."))


class SectionForm(forms.Form):
    profile_fields = ()
    profile_relations = ()

    @classmethod
    def initial_for(cls, profile):
        initial = {name: getattr(profile, name) for name in cls.profile_fields}
        initial.update({name: list(getattr(profile, name).all()) for name in cls.profile_relations})
        return initial

    def __init__(self, *args, profile=None, **kwargs):
        self.profile = profile
        super().__init__(*args, **kwargs)

    def save(self, profile):
        data = self.cleaned_data
        profile_update(
            profile=profile,
            fields={name: data[name] for name in self.profile_fields},
            relations={name: data[name] for name in self.profile_relations},
        )


class PersonalForm(SectionForm):
    first_name = forms.CharField(label=_("Vorname"), max_length=150)
    last_name = forms.CharField(label=_("Nachname"), max_length=150)
    phone = forms.CharField(label=_("Telefon"), max_length=40, validators=[PHONE])
    linkedin_url = forms.URLField(
        label=_("LinkedIn-Profil"),
        required=False,
        assume_scheme="https",
        validators=[validate_linkedin_url],
        help_text=_("z. B. https://www.linkedin.com/in/ihr-name"),
    )
    profile_fields = ("phone", "linkedin_url")

    @classmethod
    def initial_for(cls, profile):
        return {
            **super().initial_for(profile),
            "first_name": profile.user.first_name,
            "last_name": profile.user.last_name,
        }

    def save(self, profile):
        data = self.cleaned_data
        profile_update(
            profile=profile,
            fields={"phone": data["phone"].strip(), "linkedin_url": data["linkedin_url"]},
            user_fields={"first_name": data["first_name"], "last_name": data["last_name"]},
        )


class PositioningForm(SectionForm):
    """Headline, summary and the CV on one page: the three things a client reads first."""

    headline = forms.CharField(
        label=_("Kurzprofil"),
        max_length=160,
        help_text=_("Eine Zeile, z. B. „Interim CFO für Restrukturierung im Mittelstand“."),
    )
    summary = forms.CharField(
        label=_("Zusammenfassung / USP"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=ManagerProfile._meta.get_field("summary").max_length,
        help_text=lazy(
            lambda: (
                _("Was Sie auszeichnet und welche Ergebnisse Sie liefern (mindestens %(n)d Zeichen empfohlen).")
                % {"n": SUMMARY_MIN_CHARS}
            ),
            str,
        )(),
    )
    cv = forms.FileField(
        label=_("Lebenslauf (PDF oder DOCX)"),
        required=False,
        error_messages={"empty": _("Die Datei ist leer.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}),
    )
    remove_cv = forms.BooleanField(label=_("Lebenslauf entfernen"), required=False)
    profile_fields = ("headline", "summary")

    def clean_cv(self):
        upload = self.cleaned_data.get("cv")
        if upload:
            self.cv_kind, self.cv_name = validate_cv(upload)
        return upload

    def save(self, profile):
        data = self.cleaned_data
        profile_update(
            profile=profile, fields={"headline": data["headline"].strip(), "summary": data["summary"].strip()}
        )
        if data.get("cv"):
            cv_replace(profile=profile, upload=data["cv"], kind=self.cv_kind, display_name=self.cv_name)
        elif data.get("remove_cv") and profile.cv_file:
            cv_remove(profile=profile)


class FunctionsForm(SectionForm):
    functions = forms.ModelMultipleChoiceField(
        label=_("Funktionen"),
        queryset=Function.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Wählen Sie mindestens eine Funktion.")},
    )
    profile_relations = ("functions",)


class IndustriesForm(SectionForm):
    industries = forms.ModelMultipleChoiceField(
        label=_("Branchen (NACE Rev. 2)"),
        queryset=Industry.objects.select_related("parent"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    profile_relations = ("industries",)


class SkillsForm(SectionForm):
    skills = forms.ModelMultipleChoiceField(
        label=_("Kompetenzen"),
        queryset=Skill.objects.select_related("group"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    profile_relations = ("skills",)


class MobilityForm(SectionForm):
    city = forms.CharField(label=_("Wohnort"), max_length=100)
    postal_code = forms.CharField(
        label=_("PLZ"),
        max_length=10,
        required=False,
        validators=[RegexValidator(r"^[0-9A-Za-z \-]{3,10}$", _("Bitte geben Sie eine gültige Postleitzahl an."))],
    )
    country = forms.ModelChoiceField(label=_("Land"), queryset=Country.objects.all(), required=False)
    home_region = forms.ModelChoiceField(
        label=_("Heimatregion"), queryset=Region.objects.filter(kind=Region.Kind.STATE), required=False
    )
    accepted_regions = forms.ModelMultipleChoiceField(
        label=_("Einsatzregionen"),
        queryset=Region.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Wählen Sie mindestens eine Region, in der Sie arbeiten würden.")},
        help_text=_("Eine Region umfasst alles in ihr: „Deutschland“ schließt alle Bundesländer ein."),
    )
    remote_share = forms.IntegerField(
        label=_("Gewünschter Remote-Anteil (%)"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"step": 10}),
    )
    profile_fields = ("city", "postal_code", "country", "home_region", "remote_share")
    profile_relations = ("accepted_regions",)


class AvailabilityForm(SectionForm):
    available_from = forms.DateField(
        label=_("Verfügbar ab"),
        required=False,
        widget=DATE_WIDGET,
        validators=ManagerProfile._meta.get_field("available_from").validators,
        help_text=_("Leer lassen, wenn Sie sofort verfügbar sind."),
    )
    days_per_week = forms.TypedChoiceField(label=_("Tage pro Woche"), choices=[(n, n) for n in range(1, 6)], coerce=int)
    day_rate_min = forms.IntegerField(
        label=_("Tagessatz minimal (EUR)"), min_value=100, max_value=20000, required=False
    )
    day_rate_target = forms.IntegerField(label=_("Tagessatz Ziel (EUR)"), min_value=100, max_value=20000)
    profile_fields = ("available_from", "days_per_week", "day_rate_min", "day_rate_target")

    def clean_available_from(self):
        day = self.cleaned_data["available_from"]
        if day and day < timezone.localdate():
            raise ValidationError(_("Das Datum liegt in der Vergangenheit. Leer lassen heißt: sofort verfügbar."))
        return day

    def clean(self):
        data = super().clean()
        low, target = data.get("day_rate_min"), data.get("day_rate_target")
        if low and target and low > target:
            self.add_error("day_rate_min", _("Der minimale Tagessatz darf nicht über dem Ziel-Tagessatz liegen."))
        return data


class LanguageLevelForm(forms.Form):
    language = forms.ModelChoiceField(label=_("Sprache"), queryset=Language.objects.all(), required=False)
    level = forms.TypedChoiceField(
        label=_("Niveau (GER)"), choices=[("", "—"), *CEFR.choices], coerce=int, required=False, empty_value=None
    )

    def clean(self):
        data = super().clean()
        if data.get("language") and not data.get("level"):
            self.add_error("level", _("Bitte wählen Sie ein Niveau."))
        if data.get("level") and not data.get("language"):
            self.add_error("language", _("Bitte wählen Sie eine Sprache."))
        return data


class BaseLanguageFormSet(forms.BaseFormSet):
    def _construct_form(self, i, **kwargs):
        # Every row is validated, even one left as it was: the formset replaces all languages on save, so an
        # unchanged row that Django skipped as "empty" would silently delete that language.
        return super()._construct_form(i, **{"empty_permitted": False, **kwargs})

    def clean(self):
        seen = set()
        for form in self.forms:
            language = form.cleaned_data.get("language") if form.cleaned_data else None
            if language in seen:
                raise ValidationError(_("Jede Sprache bitte nur einmal angeben."))
            if language:
                seen.add(language)
        if not seen:
            raise ValidationError(_("Geben Sie mindestens eine Sprache an."))

    def levels(self):
        return {
            f.cleaned_data["language"]: f.cleaned_data["level"] for f in self.forms if f.cleaned_data.get("language")
        }


LanguageFormSet = forms.formset_factory(LanguageLevelForm, formset=BaseLanguageFormSet, extra=2, max_num=12)


def language_formset(profile, data=None):
    initial = [
        {"language": ls.language, "level": ls.level} for ls in profile.language_skills.select_related("language")
    ]
    return LanguageFormSet(data, initial=initial, prefix="lang")


class HistoryForm(forms.ModelForm):
    class Meta:
        model = MandateHistoryEntry
        fields = ["role", "company", "industry", "company_size", "started_on", "ended_on", "outcome"]
        widgets = {
            "started_on": DATE_WIDGET,
            "ended_on": DATE_WIDGET,
            "outcome": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "company": _("Den Namen dürfen Sie weglassen, z. B. „Familienunternehmen, Maschinenbau“."),
            "ended_on": _("Leer lassen, wenn das Mandat noch läuft."),
            "outcome": _("Was haben Sie erreicht? Zahlen überzeugen."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].queryset = Industry.objects.filter(parent__isnull=False)


class NotificationsForm(SectionForm):
    notify_matches = forms.ChoiceField(
        label=_("Passende Mandate melden"),
        choices=ManagerProfile.Notify.choices,
        widget=forms.RadioSelect,
    )
    email_language = forms.ChoiceField(label=_("Sprache der E-Mails"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(
        label=_("Zeitzone"),
        choices=time_zone_choices,
        help_text=_("Die tägliche Zusammenfassung kommt am Morgen in dieser Zeitzone."),
    )
    profile_fields = ("notify_matches", "email_language", "time_zone")


class PasswordConfirmForm(forms.Form):
    """Asks for the password again before handing out or deleting personal data."""

    password = forms.CharField(
        label=_("Ihr Passwort"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("Das Passwort ist nicht korrekt."))
        return password


class EraseForm(PasswordConfirmForm):
    confirm = forms.BooleanField(
        label=_("Ich verstehe, dass mein Konto mit allen Daten und Dateien endgültig gelöscht wird."),
        error_messages={"required": _("Bitte bestätigen Sie die Löschung.")},
    )
