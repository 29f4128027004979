from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "fangkong.duty"
    label = "duty"
    verbose_name = _("Duty and volunteers")

    def ready(self):
        # Registers the sweep that flags tomorrow's missing rosters with the periodic sweep.
        from . import services  # noqa: F401
