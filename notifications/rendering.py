"""Turning an outbox row into an e-mail, at send time, in the recipient's language.

Rows hold ids, not text: each kind's *context builder* loads the objects fresh when the mail is sent, so a mail
never shows stale data and a row whose subject is gone (mandate deleted or closed, candidacy removed) is skipped
with a note instead of failing. Builders live with the app that owns the data, in ``<app>/emails.py``, and are
registered with ``@kind("…")``; this module imports them on first use, so ``notifications`` imports neither app.

Templates are triplets in ``templates/emails/``: ``<kind>-subject.txt``, ``<kind>-body.txt``, ``<kind>-body.html``.
"""

import contextvars
from contextlib import contextmanager
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.module_loading import autodiscover_modules

_builders = {}
_discovered = False
_lookups = contextvars.ContextVar("notification_lookups", default=None)


class Skip(Exception):
    """Raised by a builder when the mail no longer makes sense; the message becomes the row's note."""


def kind(name):
    """Register ``builder(notification) -> dict`` as the context builder of one notification kind."""

    def register(builder):
        _builders[name] = builder
        return builder

    return register


def builder_for(name):
    global _discovered
    if not _discovered:
        autodiscover_modules("emails")
        _discovered = True
    try:
        return _builders[name]
    except KeyError:
        raise Skip(f"Unbekannte Benachrichtigungsart {name!r}") from None


@contextmanager
def shared_lookups():
    """Within this block builders share what they load (``lookup``): a drain batch of 20 alerts about one mandate
    reads the mandate once. Kept to one batch, so what a mail shows is at most a few seconds old."""
    token = _lookups.set({})
    try:
        yield
    finally:
        _lookups.reset(token)


def lookup(key, load):
    """``load()``, or its result from earlier in the same ``shared_lookups`` block."""
    memo = _lookups.get()
    if memo is None:
        return load()
    if key not in memo:
        memo[key] = load()
    return memo[key]


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def url(name, fallback, *args):
    """An absolute link to a named page, or to ``fallback`` while that page does not exist yet."""
    return absolute(_path(name, fallback, args))


@lru_cache(maxsize=256)
def _path(name, fallback, args):
    # URL patterns do not change while a worker runs; a fan-out renders the same links thousands of times.
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


def preferences_url(user):
    """Where a manager changes or stops these e-mails (the link the law expects in every such mail)."""
    try:
        user.manager_profile  # noqa: B018 - only managers have e-mail preferences
    except ObjectDoesNotExist:
        return ""
    return url("manager_notifications", "/manager/")


def render(notification):
    """Build the ``EmailMultiAlternatives`` for a row (without a connection), or raise ``Skip``."""
    builder = builder_for(notification.kind)
    with translation.override(notification.language or settings.LANGUAGE_CODE):
        context = {
            "recipient": notification.recipient,
            "site_url": settings.SITE_URL,
            "notification": notification,
            "preferences_url": preferences_url(notification.recipient),
            **builder(notification),
        }
        subject = render_to_string(f"emails/{notification.kind}-subject.txt", context)
        text = render_to_string(f"emails/{notification.kind}-body.txt", context)
        html = render_to_string(f"emails/{notification.kind}-body.html", context)
    if not notification.recipient.email:
        raise Skip("Empfänger hat keine E-Mail-Adresse")
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),  # one line, whatever the template's whitespace
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient.email],
        headers={"Message-ID": notification.message_id},
    )
    message.attach_alternative(html, "text/html")
    if context["preferences_url"]:
        message.extra_headers["List-Unsubscribe"] = f"<{context['preferences_url']}>"
    return message
