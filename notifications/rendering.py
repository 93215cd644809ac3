"""Turning an outbox row into an e-mail, at send time, in the recipient's language.

Rows hold ids, not text: each kind's *context builder* (``notifications.kinds``) loads the objects fresh when the
mail is sent, so a mail never shows stale data and a row whose subject is gone (mandate deleted or closed,
candidacy removed) is skipped with a note instead of failing. Builders live with the app that owns the data, in
``<app>/emails.py``; their templates in that app's ``templates/emails/``, on the shared layout in
``notifications/templates/emails/``.

A drain renders a batch of rows inside ``shared_lookups()``: what the rows have in common (the mandate of a fan-out,
the recipients' settings, the compiled templates, a fragment every recipient of one mandate sees) is loaded or
rendered once per batch, not once per mail.
"""

import contextvars
from contextlib import contextmanager

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string, select_template
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from . import kinds

_lookups = contextvars.ContextVar("notification_lookups", default=None)


class Skip(Exception):
    """Raised by a builder when the mail no longer makes sense; the message becomes the row's note."""


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


def shared_fragment(template_name, context, *, key):
    """``template_name`` rendered with ``context`` once per batch and language for everyone whose mail shows the
    same thing (``key``, e.g. the mandate's id): a fan-out of one mandate renders its description once."""
    language = translation.get_language()
    return lookup(("fragment", template_name, key, language), lambda: render_to_string(template_name, context))


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def url(name, *args):
    """An absolute link to a named page (reversed once per batch: a fan-out links the same pages thousands of times)."""
    return absolute(lookup(("url", name, args), lambda: reverse(name, args=args)))


def _template(kind, part, extension, language):
    names = kind.template_names(part, extension, language)
    return lookup(("template", *names), lambda: select_template(names))


def render(notification, recipient):
    """Build the ``EmailMultiAlternatives`` for a row (without a connection), or raise ``Skip``.

    ``recipient`` is what the recipient's app told us about them (``notifications.recipients.Recipient``). Anything
    else a builder or template raises (a bug, a template missing) propagates: the caller marks the row failed.
    """
    kind = kinds.get(notification.kind)
    if recipient.has_opted_out(kind.opt_out):
        raise Skip(_("Der Empfänger hat diese Benachrichtigungen abbestellt."))
    if not notification.recipient.email:
        raise Skip(_("Der Empfänger hat keine E-Mail-Adresse."))
    language = notification.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "recipient": notification.recipient,
            "site_url": settings.SITE_URL,
            "notification": notification,
            "preferences_url": recipient.settings_url,
            **kind.builder(notification),
        }
        subject, text, html = (
            _template(kind, part, extension, language).render(context) for part, extension in kinds.TEMPLATE_PARTS
        )
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),  # one line, whatever the template's whitespace
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient.email],
        headers={"Message-ID": notification.message_id},
    )
    message.attach_alternative(html, "text/html")
    if recipient.settings_url:
        message.extra_headers["List-Unsubscribe"] = f"<{recipient.settings_url}>"
    return message
