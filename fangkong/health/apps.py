from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "fangkong.health"
    label = "health"
    verbose_name = _("Health observation")

    def ready(self):
        from fangkong.core import person_status

        # Registers the alert sweep with the periodic sweep, and the delivery task with Celery.
        from .alerts import services, tasks  # noqa: F401
        from .status import HealthStatus

        # The register shows and filters by the status derived from this app's records.
        person_status.register(HealthStatus())
