"""Two-factor authentication (allauth's MFA: TOTP with recovery codes): required for staff, optional for others.

Staff see every manager's personal data, so a staff session counts only once it proved a second factor: at login
(allauth asks for the code when an authenticator exists) or by enrolling one in this session. Until then every
request of a staff user outside the account pages is sent to enrolment (no authenticator yet) or to entering a
code (an authenticator exists, but this session never used it). Staff cannot switch their authenticator off.
"""

from allauth.account.authentication import get_authentication_records
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

# What a staff user without a second factor may still reach: the account pages (enrolment, code entry, logout,
# password), the language switch, static files and the privacy notice.
OPEN_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/privacy/")


class SecondFactorAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator):
        return not (authenticator.user.is_staff and authenticator.type == Authenticator.Type.TOTP)


def session_used_second_factor(request):
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def needs_second_factor(request):
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and user.is_staff and not session_used_second_factor(request))


class StaffSecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if needs_second_factor(request) and not request.path_info.startswith(OPEN_PREFIXES):
            return self._second_factor_first(request)
        return self.get_response(request)

    def _second_factor_first(self, request):
        user = request.user
        if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            target = reverse("mfa_reauthenticate")
            messages.info(request, _("Bitte bestätigen Sie diese Sitzung mit einem Code aus Ihrer Authenticator-App."))
        else:
            target = reverse("mfa_activate_totp")
            messages.info(
                request,
                _(
                    "Mitarbeitende sehen personenbezogene Daten aller Interim Manager: Richten Sie bitte zuerst die "
                    "Zwei-Faktor-Authentifizierung mit einer Authenticator-App ein."
                ),
            )
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)


def record_enrolment(sender, request, user, authenticator, **kwargs):
    """Enrolling proves the second factor (the app's code was entered): this session counts as using it."""
    from allauth.account.internal.flows.login import record_authentication

    if request is not None and authenticator.type == Authenticator.Type.TOTP:
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
