"""Lists of help for households in difficulty: the page and its export share the columns."""

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from fangkong.core.tables import BaseTable
from fangkong.people import difficulties
from fangkong.people.models import Household

from ..models import Need

STATUS_COLOURS = {"open": "warning", "assigned": "info", "delivered": "primary", "confirmed": "success"}


def local_time(value):
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


class NeedTable(BaseTable):
    kind = tables.Column(verbose_name=_("Need"), linkify=lambda record: record.get_absolute_url())
    household = tables.Column(verbose_name=_("Household"), accessor="household__address")
    area = tables.Column(verbose_name=_("Area"), order_by="area_path")
    urgent = tables.BooleanColumn(verbose_name=_("Urgent"), yesno=("!", ""))
    assignee = tables.Column(verbose_name=_("Assigned to"), empty_values=(), orderable=False)
    due_at = tables.Column(verbose_name=_("Deliver by"))
    status = tables.Column(verbose_name=_("Status"))

    class Meta(BaseTable.Meta):
        model = Need
        fields = ()
        sequence = ("kind", "household", "area", "urgent", "assignee", "due_at", "status")
        order_by = "due_at"

    def render_area(self, value):
        return value.label()

    def render_assignee(self, record):
        return str(record.assignee or "—")

    def value_assignee(self, record):
        return str(record.assignee or "")

    def render_due_at(self, value):
        return local_time(value)

    def value_urgent(self, value):
        return "!" if value else ""

    def value_status(self, record):
        return str(record.status_label)

    def render_status(self, record):
        colour = "danger" if record.is_overdue() else STATUS_COLOURS[record.status]
        return format_html('<span class="badge text-bg-{}">{}</span>', colour, record.status_label)


class HelpHouseholdTable(BaseTable):
    address = tables.Column(verbose_name=_("Household"), linkify=lambda record: record.get_absolute_url())
    area = tables.Column(verbose_name=_("Area"), order_by="area_path")
    difficulties = tables.Column(verbose_name=_("Difficulties"), empty_values=(), orderable=False)
    last_visit = tables.Column(verbose_name=_("Last visit"))
    open_need = tables.BooleanColumn(verbose_name=_("Need waiting"), yesno=("✔", ""))

    class Meta(BaseTable.Meta):
        model = Household
        fields = ()
        sequence = ("address", "area", "difficulties", "last_visit", "open_need")
        order_by = "last_visit"

    def render_area(self, value):
        return value.label()

    def value_difficulties(self, record):
        return "、".join(difficulties.labels(record))

    def render_difficulties(self, record):
        return format_html_join(
            " ", '<span class="badge text-bg-warning">{}</span>', ((label,) for label in difficulties.labels(record))
        )

    def render_last_visit(self, value):
        return f"{value:%Y-%m-%d}"

    def value_last_visit(self, value):
        return f"{value:%Y-%m-%d}" if value else ""

    def value_open_need(self, value):
        return "✔" if value else ""
