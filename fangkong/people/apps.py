from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "fangkong.people"
    label = "people"
    verbose_name = _("People")

    def ready(self):
        # Connect the receivers that keep the households figures' tallies with the records, and the
        # one that re-checks arrivals when a risk area changes (areas.services).
        from . import tallies  # noqa: F401
        from .services import arrivals  # noqa: F401
