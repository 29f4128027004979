from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckpointsConfig(AppConfig):
    name = "fangkong.checkpoints"
    label = "checkpoints"
    verbose_name = _("Checkpoints")

    def ready(self):
        # Registers the sweep that sends overdue hand-overs up to the town.
        from . import services  # noqa: F401
