import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from fangkong.core.tables import BaseTable

from .models import Site


class SiteTable(BaseTable):
    """Needs the rows ``with_occupancy``."""

    name = tables.Column(verbose_name=_("Name"), linkify=True)
    area = tables.Column(verbose_name=_("Area"), order_by="area_path")
    kind = tables.Column(verbose_name=_("Kind"))
    occupancy = tables.Column(verbose_name=_("Occupancy"), accessor="occupied", order_by="occupied")
    free_beds = tables.Column(verbose_name=_("Free beds"))
    rooms_count = tables.Column(verbose_name=_("Rooms"))
    contact = tables.Column(verbose_name=_("Contact person"))
    phone = tables.Column(verbose_name=_("Phone"))
    active = tables.BooleanColumn(verbose_name=_("In use"))

    class Meta(BaseTable.Meta):
        model = Site
        fields = ("name", "area", "kind", "occupancy", "free_beds", "rooms_count", "contact", "phone", "active")

    def render_area(self, value):
        return value.label()

    def render_occupancy(self, value, record):
        return f"{value}/{record.capacity}"
