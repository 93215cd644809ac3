"""Errors to Sentry when ``SENTRY_DSN`` is set. sentry-sdk is an optional dependency (requirements-optional.txt):
an installation without Sentry does not carry it, and one that sets the DSN without it fails at start-up, loudly."""

from django.core.exceptions import ImproperlyConfigured


def init_sentry(dsn, *, environment, traces_sample_rate):
    try:
        import sentry_sdk
        from sentry_sdk.integrations.celery import CeleryIntegration
        from sentry_sdk.integrations.django import DjangoIntegration
    except ImportError as exc:
        raise ImproperlyConfigured(
            "SENTRY_DSN is set but sentry-sdk is not installed: pip install -r requirements-optional.txt"
        ) from exc
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # Personal data stays here: no e-mail addresses, cookies or request bodies in an error report; the user
        # is identified by id only, like in the logs.
        send_default_pii=False,
        traces_sample_rate=traces_sample_rate,
    )
