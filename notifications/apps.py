from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Benachrichtigungen")

    def ready(self):
        from . import checks, gauges, personal_data  # noqa: F401  (the start-up check of the kinds; the outbox's
        # backlog in /metrics and /healthz; how the outbox holds personal data)

        # Each app declares its kinds and recipient sources in ``<app>/emails.py`` (see notifications/kinds.py).
        autodiscover_modules("emails")
