from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "fangkong.reports"
    label = "reports"
    verbose_name = _("Daily reports")

    def ready(self):
        # Registers the missing-reports reminder with the periodic sweep.
        from . import services  # noqa: F401
