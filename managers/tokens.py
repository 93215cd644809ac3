"""Signed links that let a manager confirm their availability from a reminder e-mail without logging in.

The salt makes a token good for this one purpose; the expiry bounds how long a forwarded mail stays useful; the
current ``availability_confirmed_at`` inside the signed value makes it single-use: once confirmed, the value
changes and every older link stops working.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import ManagerProfile

SALT = "managers.availability-confirm"
MAX_AGE_DAYS = 14


class TokenExpired(Exception):
    pass


class TokenInvalid(Exception):
    pass


class TokenUsed(Exception):
    pass


def _stamp(profile):
    at = profile.availability_confirmed_at
    return at.isoformat() if at else ""


def availability_confirm_token(profile):
    return signing.dumps({"p": str(profile.public_id), "c": _stamp(profile)}, salt=SALT, compress=True)


def availability_confirm_url(profile) -> str:
    """The absolute link to put into a reminder e-mail."""
    path = reverse("manager_availability_token", kwargs={"token": availability_confirm_token(profile)})
    return f"{settings.SITE_URL}{path}"


def profile_for_token(token):
    """The profile a still-valid token belongs to; raises TokenExpired, TokenInvalid or TokenUsed."""
    try:
        value = signing.loads(token, salt=SALT, max_age=MAX_AGE_DAYS * 24 * 3600)
    except signing.SignatureExpired:
        raise TokenExpired from None
    except signing.BadSignature:
        raise TokenInvalid from None
    profile = ManagerProfile.objects.select_related("user").filter(public_id=value.get("p")).first()
    if profile is None:
        raise TokenInvalid
    if value.get("c") != _stamp(profile):
        raise TokenUsed
    return profile
