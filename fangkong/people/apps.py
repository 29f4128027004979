from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "fangkong.people"
    label = "people"
    verbose_name = _("People")

    def ready(self):
        # Connects the receiver that re-checks arrivals when a risk area changes (areas.services).
        from .services import arrivals  # noqa: F401
