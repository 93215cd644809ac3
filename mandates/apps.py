from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MandatesConfig(AppConfig):
    name = "mandates"
    verbose_name = _("Mandate")

    def ready(self):
        from managers.signals import profile_changed

        from . import panels, personal_data, receivers, retention  # noqa: F401  (dashboard panels, personal data, index upkeep, retention)
        from .analytics import signup  # noqa: F401  (the base rate on the sign-up page)
        from .rematch import enqueue_rematch

        # Re-match an edited profile against open mandates (alerts only on new strong matches).
        profile_changed.connect(enqueue_rematch, dispatch_uid="mandates.rematch")
