from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ManagersConfig(AppConfig):
    name = "managers"
    verbose_name = _("Interim Manager")

    def ready(self):
        from . import personal_data  # noqa: F401  (declares how our models hold personal data)
