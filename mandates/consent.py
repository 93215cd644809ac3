"""The wording a manager agrees to before being presented to a client, and the signed links to agree by mail.

The wording is versioned: each consent row stores the version and the text the manager saw, so a later change of
the text never rewrites what someone agreed to. Change ``WORDING`` only together with ``WORDING_VERSION``.

A consent request's link works like the availability link (``managers/tokens.py``): the salt binds it to this
purpose, the signature's age and the request's own ``expires_at`` bound its life, and it is single-use because it
names one request, which is closed once answered. Only a POST records the answer, so mail scanners that fetch the
link agree to nothing.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ConsentRequest

WORDING_VERSION = "2026-12"
WORDING = _(
    "Ich bin damit einverstanden, dass MANATNET mein Profil dem Kunden dieses Mandats vorstellt: zunächst anonym, "
    "ohne Namen, Kontaktdaten, Arbeitgeber und Lebenslauf. Möchte der Kunde mich kennenlernen, gibt MANATNET "
    "meinen Namen, meine Kontaktdaten und meinen Lebenslauf in der dann aktuellen Fassung an diesen Kunden frei. "
    "Ich kann meine Zustimmung jederzeit widerrufen, indem ich „Nicht für mich“ wähle."
)
# How long a consent request (and its link) stays answerable.
REQUEST_VALID_DAYS = 14
SALT = "mandates.consent-request"


class TokenExpired(Exception):
    pass


class TokenInvalid(Exception):
    pass


class TokenUsed(Exception):
    pass


def wording():
    """The current wording in the active language, as stored with a consent."""
    return str(WORDING)


def consent_token(request):
    return signing.dumps({"r": str(request.public_id)}, salt=SALT, compress=True)


def consent_url(request):
    """The absolute link to put into the consent request mail."""
    path = reverse("manager_consent_token", kwargs={"token": consent_token(request)})
    return f"{settings.SITE_URL}{path}"


def request_for_token(token):
    """The open request a token names; raises TokenExpired, TokenInvalid or TokenUsed."""
    try:
        value = signing.loads(token, salt=SALT, max_age=REQUEST_VALID_DAYS * 24 * 3600)
    except signing.SignatureExpired:
        raise TokenExpired from None
    except signing.BadSignature:
        raise TokenInvalid from None
    request = (
        ConsentRequest.objects.select_related("candidacy__mandate__company", "candidacy__manager__user")
        .filter(public_id=value.get("r"))
        .first()
    )
    if request is None:
        raise TokenInvalid
    if request.closed_at is not None:
        raise TokenUsed
    if request.expires_at <= timezone.now():
        raise TokenExpired
    return request
