from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "fangkong.community"
    label = "community"
    verbose_name = _("Community work")

    def ready(self):
        # Registers the sweeps of the community's topics (help: overdue needs go up to the town).
        from . import services  # noqa: F401
