import django_tables2 as tables
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.tables import BaseTable

from .models import Alert


class AlertTable(BaseTable):
    raised_at = tables.Column(verbose_name=_("Raised at"), linkify=lambda record: record.get_absolute_url())
    # The person in the register, or the name told at a checkpoint.
    person = tables.Column(verbose_name=pgettext_lazy("person", "Name"), accessor="subject", order_by="person__name")
    area = tables.Column(verbose_name=_("Area"), order_by="area_path")
    kind = tables.Column(verbose_name=_("Kind"))
    level = tables.Column(verbose_name=_("Level"))
    status = tables.Column(verbose_name=_("Status"))

    class Meta(BaseTable.Meta):
        model = Alert
        fields = ("raised_at", "person", "area", "kind", "level", "status")

    def render_raised_at(self, value):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"

    def render_area(self, value):
        return value.label()
