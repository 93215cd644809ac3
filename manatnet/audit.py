"""Writing the audit log (``manatnet.models.AuditEntry``): one call where personal data is seen or handed on.

    audit.record(Action.CV_DOWNLOADED, actor=request.user, subject=profile.user, target=profile)
    audit.record(Action.CARD_VIEWED, actor=request.user, subject=manager_user, target=candidacy, company=name)

``actor`` is whoever acted (``None``: the platform itself, e.g. retention), ``subject`` the person whose data it
is (a user or a user id), ``company`` the client company that saw or received it, ``target`` the object (a model
instance or "<kind>:<id>"). The actor's role is derived: staff, the person themself, a client (with a company),
or the system. Call it inside the transaction of the change it records, so that both commit or neither.

Deleting entries is the retention job's alone (:func:`purge_before`); see ``manatnet.models`` for the trigger.
"""

from django.db import connection, transaction

from .models import AuditEntry

Action = AuditEntry.Action
Role = AuditEntry.Role

# The transaction-local setting the PostgreSQL trigger (migration 0002) checks before it lets a DELETE through.
PURGE_SETTING = "manatnet.audit_purge"


def _target(target):
    if isinstance(target, str):
        return target
    return f"{target._meta.model_name}:{target.pk}"


def _role(actor, subject_id, company):
    if actor is None:
        return Role.SYSTEM
    if actor.is_staff:
        return Role.STAFF
    if company:
        return Role.CLIENT
    if actor.pk == subject_id:
        return Role.SELF
    raise ValueError("an audit entry needs staff, the person themself, a client (company) or the system as actor")


def _subject_id(subject):
    return subject if isinstance(subject, int) or subject is None else subject.pk


def _entry(action, *, actor, subject, company="", target="", at=None):
    subject_id = _subject_id(subject)
    entry = AuditEntry(
        action=action,
        actor=actor,
        actor_role=_role(actor, subject_id, company),
        company=company[:160],
        subject_id=subject_id,
        target=_target(target) if target else "",
    )
    if at is not None:
        entry.at = at
    return entry


def record(action, *, actor, subject, company="", target="", at=None):
    """Append one entry (see the module docstring for the arguments) and return it."""
    entry = _entry(action, actor=actor, subject=subject, company=company, target=target, at=at)
    entry.save()
    return entry


def record_each(action, *, actor, items, company=""):
    """Append one entry per ``(subject, target)`` in ``items`` with one INSERT (a page showing several people)."""
    AuditEntry.objects.bulk_create(
        [_entry(action, actor=actor, subject=subject, company=company, target=target) for subject, target in items]
    )


@transaction.atomic
def purge_before(cutoff):
    """Delete entries older than ``cutoff``: the one way out of the log, used by the retention job. Returns how
    many went. On PostgreSQL it opens the trigger's door for this DELETE only."""
    if connection.vendor != "postgresql":
        return AuditEntry.objects.filter(at__lt=cutoff).delete()[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'on', true)", [PURGE_SETTING])
        try:
            return AuditEntry.objects.filter(at__lt=cutoff).delete()[0]
        finally:
            # Closed again at once, also when the caller's transaction goes on after this one.
            cursor.execute("SELECT set_config(%s, 'off', true)", [PURGE_SETTING])
