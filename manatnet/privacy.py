"""Personal data, complete by construction: every model says how its rows about a person are exported, erased and
kept, and export, erasure and retention are built from those declarations alone.

Each app declares its own models in its ``personal_data`` module, imported from its ``AppConfig.ready()`` (this
app declares Django's, allauth's and django-axes' models in ``manatnet/personal_data.py``)::

    privacy.personal(
        Notification,
        about="recipient",                      # lookup path from the model to the person's user
        section="notifications",                # the section of the export …
        export=privacy.values("kind", "key", "state", "created_at", "sent_at", "last_error"),
        withheld={"context": "ids the mail is rendered from; what it said is in kind and key"},
        erase=privacy.DELETE,                   # or privacy.Keep("why"), or a function(rows, *, user, at)
        retention="RETENTION_NOTIFICATION_DAYS after sending",
    )
    privacy.not_personal(Function, reason="reference data: a list of job functions")

    @privacy.purge("notifications")             # run daily by the retention job
    def purge_notifications(now): ...

``tests/platform/test_personal_data.py`` walks every installed model (ours and third-party) and fails for one that
is declared neither way; it fills every declared model for two persons, checks that each row's data appears in
their export, erases them and searches every text column of the database for their name, e-mail and phone.

Rows are about a *person*, i.e. a user account: a manager's profile, a client contact, the rows hanging off them.
Staff appear in many rows only as the actor of a change (``by``, ``owner``); those references are set to NULL
when an account goes and are not the rows' subject.
"""

import io
import json
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from . import audit

DELETE = "delete"


@dataclass(frozen=True)
class Keep:
    """Rows that stay when the person is erased, and why (they must hold nothing that names the person)."""

    reason: str


@dataclass(frozen=True)
class PersonalData:
    model: type[models.Model]
    rows: Callable  # user -> QuerySet of the person's rows
    retention: str
    section: str = ""
    export: Callable | None = None  # QuerySet -> JSON-able part of the export
    exported_in: str = ""  # the rows appear inside another declaration's section
    not_exported: str = ""  # why the rows are not in the export at all
    withheld: Mapping[str, str] = field(default_factory=dict)  # field -> why it is not exported
    erase: object = DELETE
    files: Callable | None = None  # QuerySet -> [(name in the zip, path)]


@dataclass(frozen=True)
class NotPersonal:
    model: type[models.Model]
    reason: str


_declarations: dict[type[models.Model], PersonalData | NotPersonal] = {}
_purges: dict[str, Callable[[datetime], int]] = {}


def _declare(declaration):
    if declaration.model in _declarations:
        raise ValueError(f"{declaration.model._meta.label} is declared twice")
    _declarations[declaration.model] = declaration


def _rows_about(model, about):
    paths = (about,) if isinstance(about, str) else tuple(about)

    def rows(user):
        condition = Q()
        for path in paths:
            condition |= Q(**{path or "pk": user.pk})
        return model._default_manager.filter(condition)

    return rows


def personal(
    model,
    *,
    retention,
    about=None,
    rows=None,
    section="",
    export=None,
    exported_in="",
    not_exported="",
    withheld=None,
    erase=DELETE,
    files=None,
):
    """Declare that ``model`` holds personal data. Its rows about a person are found by the lookup path ``about``
    ("" for the user model itself; several paths are OR-ed) or by the function ``rows(user)``. The export takes
    them with ``export`` into ``section`` (or they appear in the section ``exported_in``, or ``not_exported``
    says why not); ``withheld`` names fields left out and why; ``erase`` says what erasure does; ``retention``
    how long they are kept, in words (docs/security.md)."""
    if (about is None) == (rows is None):
        raise ValueError(f"{model._meta.label}: give exactly one of about= and rows=")
    if sum(bool(x) for x in (section and export, exported_in, not_exported)) != 1:
        raise ValueError(f"{model._meta.label}: give section= with export=, or exported_in=, or not_exported=")
    _declare(
        PersonalData(
            model=model,
            rows=rows or _rows_about(model, about),
            retention=retention,
            section=section,
            export=export,
            exported_in=exported_in,
            not_exported=not_exported,
            withheld=dict(withheld or {}),
            erase=erase,
            files=files,
        )
    )


def not_personal(model, *, reason):
    """Declare that ``model`` holds no personal data, and why."""
    if not reason:
        raise ValueError(f"{model._meta.label}: say why it holds no personal data")
    _declare(NotPersonal(model=model, reason=reason))


def purge(name):
    """Register ``function(now) -> count`` with the daily retention job under ``name``."""

    def register(function):
        _purges[name] = function
        return function

    return register


def values(*names):
    """An ``export`` that lists these fields of each row."""
    return lambda rows: list(rows.values(*names))


def declaration(model):
    return _declarations.get(model)


def declarations():
    return list(_declarations.values())


def personal_declarations():
    return [d for d in _declarations.values() if isinstance(d, PersonalData)]


# --- Who a person is, and what is theirs --------------------------------------------------------------------------


def emails(user):
    """The person's e-mail addresses: the account's and every address they added."""
    from allauth.account.models import EmailAddress

    found = {user.email, *EmailAddress.objects.filter(user=user).values_list("email", flat=True)}
    return {email for email in found if email}


def identifiers(user):
    """Texts that name the person in other rows (the admin log): their e-mail addresses and their full name."""
    name = user.get_full_name().strip()
    return emails(user) | ({name} if len(name.split()) >= 2 else set())  # a lone first name names strangers


def mentions(texts):
    """A pattern finding any of ``texts`` as a whole (so "anna@example.com" is not found in
    "hanna@example.com", nor "Anna Berger" in "Anna Bergerson"), ignoring case."""
    alternatives = "|".join(re.escape(text) for text in sorted(texts, key=len, reverse=True))
    return re.compile(rf"(?<![\w.+-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def objects_of(user, *, skip=()):
    """``{model: [pk, …]}`` of every declared row about the person (the admin log points at these)."""
    found = {}
    for item in personal_declarations():
        if item.model in skip:
            continue
        pks = list(item.rows(user).values_list("pk", flat=True))
        if pks:
            found[item.model] = pks
    return found


# --- Export ---------------------------------------------------------------------------------------------------


def export_data(user):
    """Everything declared about the person, section by section (the ``data.json`` of the export)."""
    data = {"exported_at": timezone.now()}
    for item in personal_declarations():
        if item.export is None:
            continue
        value = item.export(item.rows(user))
        if value is not None:
            data[item.section] = value
    return data


def export_zip(user, *, by):
    """The export as zip bytes: ``data.json`` plus the person's files (a manager's CV). Recorded in the audit log
    with ``by``: the person themself or the staff member answering their request."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json", json.dumps(export_data(user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        )
        for item in personal_declarations():
            if item.files is None:
                continue
            for name, path in item.files(item.rows(user)):
                if path.is_file():
                    archive.write(path, name)
    audit.record(audit.Action.EXPORTED, actor=by, subject=user)
    return buffer.getvalue()


# --- Erasure --------------------------------------------------------------------------------------------------


@transaction.atomic
def person_erase(*, user, by=None, at=None):
    """Erase a person: every declared row about them goes or is made anonymous, then the account itself.

    The person's rows are all looked up first (the admin log is found through them); declarations with an erase
    function run next, in declaration order; then rows declared ``DELETE`` go, the last declared first (apps
    higher up first, the account last). Kept rows (``Keep``) stay as they are. The erasure is recorded in the
    audit log with ``by`` (the person, staff, or ``None`` for the retention job).
    """
    at = at or timezone.now()
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    plan = [(item, item.rows(user)) for item in personal_declarations()]
    for item, rows in plan:
        if callable(item.erase):
            item.erase(rows, user=user, at=at)
    for item, rows in reversed(plan):
        if item.erase == DELETE:
            rows.delete()
    audit.record(audit.Action.ERASED, actor=by, subject=user.pk, at=at)


# --- Retention ------------------------------------------------------------------------------------------------


def retention_apply(*, now=None):
    """Run every registered purge; return ``{name: rows deleted or emptied}``."""
    now = now or timezone.now()
    return {name: function(now) for name, function in _purges.items()}
