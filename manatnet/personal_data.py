"""How the platform's own models and the third-party ones it installs handle personal data (``manatnet.privacy``):
accounts (Django's user, allauth's addresses and second factors), sessions, the admin log, django-axes' login
records and the audit log."""

from datetime import timedelta

from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db.models import Q

from . import audit, privacy
from .logins import AccountAndAddressHandler
from .models import AuditEntry

User = get_user_model()

ACCOUNT_FIELDS = ("username", "email", "first_name", "last_name", "date_joined", "last_login")
LOGIN_RECORD_FIELDS = ("attempt_time", "username", "ip_address", "user_agent", "http_accept", "path_info")
ERASED = "—"
LOG_ACTIONS = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}


def _account(rows):
    return rows.values(*ACCOUNT_FIELDS).first()


def _log_entries(user):
    """Admin log entries about the person's rows or naming them, and those of their own changes (staff)."""
    condition = Q(user=user)
    for model, pks in privacy.objects_of(user, skip=(LogEntry, Session, AuditEntry)).items():
        content_type = ContentType.objects.get_for_model(model)
        condition |= Q(content_type=content_type, object_id__in=[str(pk) for pk in pks])
    texts = privacy.identifiers(user)
    pattern = privacy.mentions(texts)
    candidates = LogEntry.objects.none()
    for text in texts:
        candidates |= LogEntry.objects.filter(Q(object_repr__icontains=text) | Q(change_message__icontains=text))
    naming = [e.pk for e in candidates if pattern.search(e.object_repr) or pattern.search(e.change_message)]
    return LogEntry.objects.filter(condition | Q(pk__in=naming))


def _export_log_entries(rows):
    return [
        {
            "at": entry.action_time,
            "object_id": entry.object_id,
            "object": entry.object_repr,
            "action": LOG_ACTIONS.get(entry.action_flag, ""),
            "change": str(entry.get_change_message()),
        }
        for entry in rows.order_by("action_time")
    ]


def _scrub_log_entries(rows, *, user, at):
    """The entries stay (which staff member changed which row when), but no longer say whose row it was."""
    rows.update(object_repr=ERASED, change_message="")


def _sessions(user):
    """Sessions are signed blobs without a user column: the person's are found by decoding each."""
    pks = [s.pk for s in Session.objects.iterator() if s.get_decoded().get("_auth_user_id") == str(user.pk)]
    return Session.objects.filter(pk__in=pks)


def _login_records(model):
    """django-axes keeps the login name typed (our lockout maps every door to the account's e-mail)."""

    def rows(user):
        condition = Q(pk__in=[])
        for email in privacy.emails(user):
            condition |= Q(username__iexact=email)
        return model.objects.filter(condition)

    return rows


def _erase_login_attempts(rows, *, user, at):
    """The attempt rows, and the failure counters our lockout keeps in the cache under the account's hash."""
    rows.delete()
    for email in privacy.emails(user):
        AccountAndAddressHandler().reset_attempts(username=email)


def _export_access_log(rows):
    return [
        {
            "at": entry.at,
            "action": str(entry.get_action_display()),
            "by": str(entry.get_actor_role_display()),
            "company": entry.company,
            "object": entry.target,
        }
        for entry in rows.order_by("at", "id")
    ]


privacy.personal(
    User,
    about="",
    section="account",
    export=_account,
    withheld={"password": "a one-way hash of the password: of no use to the person, a risk if handed out"},
    retention="as long as the account is used; never-confirmed sign-ups RETENTION_UNCONFIRMED_SIGNUP_DAYS after "
    "sign-up, managers who left RETENTION_LEFT_MANAGER_DAYS after leaving",
)
privacy.not_personal(Group, reason="a staff role; who holds it is part of the account (User.groups)")
privacy.not_personal(Permission, reason="the list of permissions of the installation")
privacy.not_personal(ContentType, reason="the list of installed models")
privacy.personal(
    EmailAddress,
    about="user",
    section="email_addresses",
    export=privacy.values("email", "verified", "primary"),
    retention="with the account",
)
privacy.personal(
    EmailConfirmation,
    about="email_address__user",
    not_exported="the key of a pending confirmation link (valid for three days); the address itself is exported",
    retention="until confirmed or expired; expired ones are deleted daily",
)
privacy.personal(
    Authenticator,
    about="user",
    section="second_factors",
    export=privacy.values("type", "created_at", "last_used_at"),
    withheld={"data": "the authenticator secret and recovery codes: handing them out would weaken the account"},
    retention="with the account",
)
privacy.personal(
    Session,
    rows=_sessions,
    not_exported="a login session (a random key and the signed content of a cookie): technical, ends at logout",
    retention="until logout or expiry (SESSION_COOKIE_AGE, two weeks); expired ones are deleted daily",
)
privacy.personal(
    LogEntry,
    rows=_log_entries,
    section="admin_log",
    export=_export_log_entries,
    withheld={"change_message": "exported in words ('change')"},
    erase=_scrub_log_entries,
    retention="RETENTION_AUDIT_DAYS after the change; at erasure the entries stop naming the person",
)
LOGIN_RECORDS = "RETENTION_LOGIN_LOG_DAYS (django-axes writes no such rows any more: counters live in the cache)"
privacy.personal(
    AccessAttempt,
    rows=_login_records(AccessAttempt),
    section="login_attempts",
    export=privacy.values(*LOGIN_RECORD_FIELDS, "failures_since_start"),
    withheld={"get_data": "the login form's query string", "post_data": "the login form's fields"},
    erase=_erase_login_attempts,
    retention=LOGIN_RECORDS,
)
privacy.personal(
    AccessFailureLog,
    rows=_login_records(AccessFailureLog),
    section="login_failures",
    export=privacy.values(*LOGIN_RECORD_FIELDS, "locked_out"),
    retention=LOGIN_RECORDS,
)
privacy.personal(
    AccessLog,
    rows=_login_records(AccessLog),
    section="login_log",
    export=privacy.values(*LOGIN_RECORD_FIELDS, "logout_time"),
    withheld={"session_hash": "a hash of the session key: technical"},
    retention=LOGIN_RECORDS,
)
privacy.not_personal(AccessAttemptExpiration, reason="only the expiry time of a login attempt, deleted with it")
privacy.personal(
    AuditEntry,
    rows=lambda user: AuditEntry.objects.about(user.pk),
    section="access_log",
    export=_export_access_log,
    erase=privacy.Keep(
        "names people by account id only, never by name or e-mail: kept as proof of who saw the data and that it "
        "was erased, until its retention period ends"
    ),
    retention="RETENTION_AUDIT_DAYS after the event",
)


@privacy.purge("sessions")
def purge_sessions(now):
    return Session.objects.filter(expire_date__lt=now).delete()[0]


@privacy.purge("email_confirmations")
def purge_email_confirmations(now):
    return EmailConfirmation.objects.all_expired().delete()[0]


@privacy.purge("login_records")
def purge_login_records(now):
    before = now - timedelta(days=settings.RETENTION_LOGIN_LOG_DAYS)
    models = (AccessAttempt, AccessLog, AccessFailureLog)
    return sum(model.objects.filter(attempt_time__lt=before).delete()[0] for model in models)


@privacy.purge("admin_log")
def purge_admin_log(now):
    return LogEntry.objects.filter(action_time__lt=now - timedelta(days=settings.RETENTION_AUDIT_DAYS)).delete()[0]


@privacy.purge("audit_log")
def purge_audit_log(now):
    return audit.purge_before(now - timedelta(days=settings.RETENTION_AUDIT_DAYS))
