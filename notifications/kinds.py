"""The registry of notification kinds: what each kind of e-mail is built from, in one declaration per kind.

A kind names its context builder, its templates (subject, text body, HTML body), the preference that lets a
recipient stop it (``None``: a message about the recipient's own affairs, always sent) and, for a daily digest,
the kind whose rows it gathers. Apps declare their kinds next to the builders, in ``<app>/emails.py``::

    @notification_kind("match_alert", opt_out=MATCH_ALERTS)
    def match_alert(notification):
        return {...}

``notifications`` imports every app's ``emails`` module when Django starts (like the admin does with ``admin``),
so the registry is complete before the first row is written: ``notification_create`` refuses a kind nobody
declared, and the system check in ``notifications/checks.py`` stops start-up when a kind lacks its builder or a
template in one of ``settings.LANGUAGES``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

# (part, extension) of the three templates every kind has.
TEMPLATE_PARTS = (("subject", "txt"), ("body", "txt"), ("body", "html"))


class UnknownKind(LookupError):
    """A notification kind that no app declared (a typo, or a kind removed while rows of it still wait)."""


@dataclass(frozen=True)
class Kind:
    name: str
    builder: Callable | None
    # Template names without the part: "emails/match_alert" → "emails/match_alert-subject.txt" and so on.
    templates: str = ""
    # The recipient preference that stops this kind (see ``notifications.recipients``); None: cannot be stopped.
    opt_out: str | None = None
    # For a digest: the kind whose waiting rows (``via_digest``) it sends, once a day, in one mail.
    digest_of: str | None = None

    def __post_init__(self):
        if not self.templates:
            object.__setattr__(self, "templates", f"emails/{self.name}")

    def template_names(self, part, extension, language):
        """Where a part is looked up: a language's own template first (for a language whose sentences need a
        different shape), then the shared one that translates its strings with ``{% translate %}``."""
        return [f"{self.templates}-{part}.{language}.{extension}", f"{self.templates}-{part}.{extension}"]


_registry: dict[str, Kind] = {}


def register(kind):
    """Add ``kind`` to the registry. Declaring the same name twice with different content is a start-up error:
    two apps would be sending different mails under one name."""
    existing = _registry.get(kind.name)
    if existing is not None and existing != kind:
        raise ImproperlyConfigured(f"Notification kind {kind.name!r} is declared twice.")
    _registry[kind.name] = kind
    return kind


def notification_kind(name, *, templates="", opt_out=None, digest_of=None):
    """Declare ``builder(notification) -> dict`` as the context builder of the kind ``name``. Stack it to give
    several kinds one builder."""

    def declare(builder):
        register(Kind(name, builder, templates=templates, opt_out=opt_out, digest_of=digest_of))
        return builder

    return declare


def get(name):
    try:
        return _registry[name]
    except KeyError:
        raise UnknownKind(f"Unbekannte Benachrichtigungsart {name!r}") from None


def all_kinds():
    return sorted(_registry.values(), key=lambda kind: kind.name)


def digest_for(name):
    """The digest kind that gathers rows of ``name``, or None."""
    return next((kind for kind in _registry.values() if kind.digest_of == name), None)
