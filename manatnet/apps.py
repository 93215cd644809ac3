from django.apps import AppConfig


class ManatnetConfig(AppConfig):
    """The project package as an app: start-up checks, the cache table migration, login and second-factor hooks,
    the audit log and the declarations of personal data held by Django's, allauth's and django-axes' models."""

    name = "manatnet"
    verbose_name = "MANATNET"

    def ready(self):
        from allauth.account.signals import password_reset
        from allauth.mfa.signals import authenticator_added

        from . import checks, personal_data  # noqa: F401  (register the checks and the declarations)
        from .logins import unlock_after_password_reset
        from .second_factor import record_enrolment

        password_reset.connect(unlock_after_password_reset, dispatch_uid="manatnet-unlock-after-password-reset")
        authenticator_added.connect(record_enrolment, dispatch_uid="manatnet-record-enrolment")
