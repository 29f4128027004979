from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "fangkong.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        # The change-log signals connect, the import and export jobs register.
        from . import changelog, indicators, job_kinds  # noqa: F401

        # Every app's figures for the daily reports (``<app>/indicators.py``).
        indicators.autodiscover()
