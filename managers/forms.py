from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .services import manager_register


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

    def signup(self, request, user):
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.save(update_fields=["first_name", "last_name"])
        manager_register(user=user, consent_version=settings.PRIVACY_NOTICE_VERSION)
