from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MandatesConfig(AppConfig):
    name = "mandates"
    verbose_name = _("Mandate")

    def ready(self):
        from . import panels, personal_data, receivers, retention  # noqa: F401  (dashboard panels, personal data, signals, retention)
        from .analytics import signup  # noqa: F401  (the base rate on the sign-up page)
        from .matching import jobs as matching_jobs  # noqa: F401  (Celery tasks)
        from .matching import receivers as matching_receivers  # noqa: F401  (index upkeep, re-matching)
