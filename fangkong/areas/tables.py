import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from fangkong.core.tables import BaseTable

from .models import Area, RiskArea


class AreaTable(BaseTable):
    name = tables.Column(verbose_name=_("Name"), linkify=True, accessor="short_name", order_by="name")
    code = tables.Column(verbose_name=_("Code"))
    level = tables.Column(verbose_name=_("Level"))
    parent = tables.Column(verbose_name=_("Parent"), accessor="parent__short_name", order_by="parent__code")

    class Meta(BaseTable.Meta):
        model = Area
        fields = ("name", "code", "level", "parent")
        order_by = "code"


class ChildAreaTable(BaseTable):
    name = tables.Column(verbose_name=_("Name"), linkify=True, accessor="short_name", order_by="name")
    code = tables.Column(verbose_name=_("Code"))
    child_count = tables.Column(verbose_name=_("Sub-areas"))
    retired_on = tables.Column(verbose_name=_("Retired on"))

    class Meta(BaseTable.Meta):
        model = Area
        fields = ("name", "code", "child_count", "retired_on")
        order_by = "code"

    def render_name(self, record, value):
        return f"{value} ⓢ" if record.is_special else value


class RiskAreaTable(BaseTable):
    division = tables.Column(verbose_name=_("Division"), accessor="division__full_name", order_by="division__code")
    code = tables.Column(verbose_name=_("Code"), accessor="division__code")
    level = tables.Column(verbose_name=_("Risk level"))
    valid_from = tables.DateColumn(verbose_name=_("In force from"), format="Y-m-d")
    valid_until = tables.DateColumn(verbose_name=_("In force until"), format="Y-m-d")
    note = tables.Column(verbose_name=_("Note"))
    actions = tables.TemplateColumn(
        template_name="areas/riskarea_actions.html", verbose_name="", orderable=False, accessor="pk"
    )

    class Meta(BaseTable.Meta):
        model = RiskArea
        fields = ()
        sequence = ("division", "code", "level", "valid_from", "valid_until", "note", "actions")
