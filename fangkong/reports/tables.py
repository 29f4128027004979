import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from fangkong.core.tables import BaseTable

from .models import ReportForm


class ReportFormTable(BaseTable):
    name = tables.Column(verbose_name=_("Name"), linkify=True)
    area = tables.Column(verbose_name=_("Area"), order_by="area_path")
    unit = tables.Column(verbose_name=_("Reporting unit"))
    signer = tables.Column(verbose_name=_("Signed by"))

    class Meta(BaseTable.Meta):
        model = ReportForm
        fields = ("name", "area", "unit", "signer")
