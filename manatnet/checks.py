"""Start-up checks: bad configuration is reported by name when the platform starts, not deep inside a request."""

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.db import connection

from . import health


@register()
def database_reachable(app_configs, **kwargs):
    if not settings.DATABASE_URL:
        return []
    try:
        connection.ensure_connection()
    except Exception as exc:  # driver errors differ per backend; the operator needs the variable and the reason
        return [
            Error(
                f"DATABASE_URL points to a database that cannot be reached: {str(exc).strip().splitlines()[0]}",
                hint="Check host, port, name and credentials in DATABASE_URL, or unset it to run on the embedded SQLite file.",
                id="manatnet.E001",
            )
        ]
    return []


def fail_fast_on_unreachable_database():
    """For processes that run no system checks (gunicorn, the Celery worker and beat): stop at start-up with the
    variable's name instead of failing later inside a request or task."""
    from django.core.exceptions import ImproperlyConfigured

    errors = database_reachable(None)
    if errors:
        raise ImproperlyConfigured(f"{errors[0].msg} {errors[0].hint}")


@register()
def broker_reachable(app_configs, **kwargs):
    """Only a warning: the web keeps working without Redis (notifications wait in the outbox)."""
    ok, detail = health.broker_ok()
    if ok:
        return []
    return [
        Warning(
            f"REDIS_URL points to a broker that cannot be reached: {detail}",
            hint="Start Redis or fix REDIS_URL; until then background work waits in the database.",
            id="manatnet.W001",
        )
    ]


@register()
def personal_data_declared(app_configs, **kwargs):
    """Every model says how it holds personal data (manatnet.privacy); a new one is named at start-up already."""
    from django.apps import apps

    from . import privacy

    return [
        Warning(
            f"{model._meta.label} does not say whether it holds personal data.",
            hint="Declare it in its app's personal_data.py with manatnet.privacy.personal(...) or not_personal(...).",
            obj=model,
            id="manatnet.W002",
        )
        for model in apps.get_models()
        if privacy.declaration(model) is None
    ]
