"""Screening rounds."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from fangkong.core.tables import BaseTable

from ..models import ScreeningRound


class ScreeningRoundTable(BaseTable):
    """Rounds with their live coverage (annotated by ScreeningRound.objects.with_coverage)."""

    title = tables.Column(verbose_name=_("Title"), linkify=True)
    area = tables.Column(verbose_name=_("Area"), order_by="area_path")
    deadline = tables.Column(verbose_name=_("Deadline"))
    status = tables.Column(verbose_name=_("Status"), accessor="overdue", order_by=("closed_on", "deadline"))
    households = tables.Column(verbose_name=_("Households"))
    visited = tables.Column(verbose_name=_("Visited"))
    coverage = tables.Column(verbose_name=_("Coverage"), accessor="visited", orderable=False)

    class Meta(BaseTable.Meta):
        model = ScreeningRound
        fields = ("title", "area", "opened_on", "deadline", "status", "households", "visited", "coverage")
        order_by = "-opened_on"

    def render_area(self, value):
        return value.label()

    def render_status(self, record):
        if record.closed_on:
            return format_html('<span class="badge text-bg-secondary">{}</span>', _("closed"))
        if record.overdue:
            return format_html('<span class="badge text-bg-danger">{}</span>', _("overdue"))
        return format_html('<span class="badge text-bg-primary">{}</span>', _("open"))

    def value_status(self, record):
        return str(_("closed") if record.closed_on else _("overdue") if record.overdue else _("open"))

    def render_coverage(self, record):
        return "—" if not record.households else f"{record.visited * 100 // record.households} %"

    def value_coverage(self, record):
        return record.visited * 100 // record.households if record.households else ""
