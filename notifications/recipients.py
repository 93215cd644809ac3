"""What ``notifications`` needs to know about a recipient, told by the app that owns the person.

``notifications`` does not know who managers or client contacts are. Each app that has people who receive mail
registers a *recipient source* in its ``emails`` module: a function that takes user ids and returns, for those
it knows, a ``Recipient``: the language and time zone they chose, where they change their notification settings,
and which preferences (see ``Kind.opt_out``) they switched off::

    @recipient_source(preferences=[MATCH_ALERTS])
    def managers(user_ids):
        return {profile.user_id: Recipient(...) for profile in ManagerProfile.objects.filter(user_id__in=user_ids)}

Anyone no source knows (staff) gets the defaults: the platform's language and time zone, no settings page.
Sources are asked once per drain batch, so a batch of 20 mails costs one query per source, not one per mail.
"""

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings

from .rendering import lookup


@dataclass(frozen=True)
class Recipient:
    language: str = ""
    time_zone: str = ""
    # Absolute URL of the page where the recipient changes or stops these e-mails ("" if they have none).
    settings_url: str = ""
    # Preferences the recipient switched off: kinds whose ``opt_out`` is one of these are not sent to them.
    opted_out: frozenset = field(default_factory=frozenset)

    def zone(self):
        try:
            return ZoneInfo(self.time_zone or settings.TIME_ZONE)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo(settings.TIME_ZONE)

    def has_opted_out(self, preference):
        return preference is not None and preference in self.opted_out


@dataclass(frozen=True)
class _Source:
    describe: object
    preferences: frozenset


_sources: list[_Source] = []


def recipient_source(*, preferences=()):
    """Register ``describe(user_ids) -> {user_id: Recipient}``; ``preferences`` are the names of the opt-out
    preferences its recipients can switch off (checked at start-up against the kinds that name them)."""

    def register(describe):
        if not any(source.describe is describe for source in _sources):
            _sources.append(_Source(describe, frozenset(preferences)))
        return describe

    return register


def known_preferences():
    return frozenset().union(*(source.preferences for source in _sources))


def recipients_for(user_ids):
    """``{user_id: Recipient}`` for every id given, asking each source once for the ids it has not answered yet in
    this drain batch (``shared_lookups``)."""
    known = lookup(("recipients",), dict)
    missing = {user_id for user_id in user_ids if user_id not in known}
    for source in _sources:
        if not missing:
            break
        found = source.describe(sorted(missing))
        known.update(found)
        missing -= found.keys()
    known.update(dict.fromkeys(missing, Recipient(language=settings.LANGUAGE_CODE)))
    return {user_id: known[user_id] for user_id in user_ids}


def recipient_for(user):
    return recipients_for([user.pk])[user.pk]
