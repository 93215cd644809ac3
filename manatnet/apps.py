from django.apps import AppConfig


class ManatnetConfig(AppConfig):
    """The project package as an app, so its start-up checks are registered."""

    name = "manatnet"
    verbose_name = "MANATNET"

    def ready(self):
        from . import checks  # noqa: F401  (registers the checks)
