"""Lists of the checkpoints app: the page and its export share the columns. Numbers and phones are
masked in every list, as the register's are."""

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.crypto import mask_phone
from fangkong.core.tables import BaseTable

from .models import Checkpoint, CheckpointShift, HandOver, Passage, Traveller


def local_time(value):
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


def yes(value):
    return str(_("yes")) if value else ""


class CheckpointTable(BaseTable):
    name = tables.Column(verbose_name=_("Name"), linkify=True)
    area = tables.Column(verbose_name=_("Area"), order_by="area_path")
    kind = tables.Column(verbose_name=_("Kind"))
    road = tables.Column(verbose_name=_("Road"))
    location = tables.Column(verbose_name=_("Location"))
    hours = tables.Column(verbose_name=_("Hours"))
    active = tables.BooleanColumn(verbose_name=_("In use"), yesno=("✔", ""))

    class Meta(BaseTable.Meta):
        model = Checkpoint
        fields = ("name", "area", "kind", "road", "location", "hours", "active")

    def render_area(self, value):
        return value.label()

    def value_active(self, value):
        return yes(value)


class ShiftTable(BaseTable):
    checkpoint = tables.Column(verbose_name=_("Checkpoint"))
    starts_at = tables.Column(verbose_name=_("Starts at"), linkify=lambda record: record.get_absolute_url())
    ends_at = tables.Column(verbose_name=_("Ends at"))
    staff = tables.ManyToManyColumn(verbose_name=_("Staff"), separator="、", orderable=False)
    note = tables.Column(verbose_name=_("Note"))

    class Meta(BaseTable.Meta):
        model = CheckpointShift
        fields = ("checkpoint", "starts_at", "ends_at", "staff", "note")

    def render_starts_at(self, value):
        return local_time(value)

    def render_ends_at(self, value):
        return local_time(value)


class PassageTable(BaseTable):
    passed_at = tables.Column(verbose_name=_("Time"), linkify=lambda record: record.get_absolute_url())
    checkpoint = tables.Column(verbose_name=_("Checkpoint"))
    plate = tables.Column(verbose_name=_("Plate"))
    vehicle_kind = tables.Column(verbose_name=_("Vehicle"))
    origin = tables.Column(verbose_name=_("Coming from"), accessor="origin__full_name", order_by="origin__code")
    heading_to = tables.Column(verbose_name=_("Heading to"))
    people = tables.Column(verbose_name=_("People"), orderable=False)

    class Meta(BaseTable.Meta):
        model = Passage
        fields = ("passed_at", "checkpoint", "plate", "vehicle_kind", "origin", "heading_to", "people")

    def render_passed_at(self, value):
        return local_time(value)


class TravellerTable(BaseTable):
    passed_at = tables.Column(
        verbose_name=_("Time"), accessor="passage__passed_at", linkify=lambda record: record.get_absolute_url()
    )
    checkpoint = tables.Column(verbose_name=_("Checkpoint"), accessor="passage__checkpoint__name")
    plate = tables.Column(verbose_name=_("Plate"), accessor="passage__plate")
    name = tables.Column(verbose_name=pgettext_lazy("person", "Name"))
    id_number = tables.Column(verbose_name=_("ID number"), accessor="id_number_masked", orderable=False)
    phone = tables.Column(verbose_name=_("Phone"), orderable=False)
    origin = tables.Column(verbose_name=_("Coming from"), accessor="origin__full_name", order_by="origin__code")
    destination = tables.Column(verbose_name=_("Destination"), accessor="destination_label", order_by="destination")
    temperature = tables.Column(verbose_name=_("Temperature (°C)"))
    fever = tables.BooleanColumn(verbose_name=_("Fever"), yesno=("✔", ""))
    decision = tables.Column(verbose_name=_("Decision"))
    reason = tables.Column(verbose_name=_("Reason"))

    class Meta(BaseTable.Meta):
        model = Traveller
        fields = ()
        sequence = ("passed_at", "checkpoint", "plate", "name", "id_number", "phone", "origin", "destination", "...")

    def render_passed_at(self, value):
        return local_time(value)

    def render_phone(self, value):
        return mask_phone(value)

    def value_fever(self, value):
        return yes(value)


class HandOverTable(BaseTable):
    name = tables.Column(
        verbose_name=pgettext_lazy("person", "Name"),
        accessor="traveller__name",
        linkify=lambda record: record.get_absolute_url(),
    )
    id_number = tables.Column(verbose_name=_("ID number"), accessor="traveller__id_number_masked", orderable=False)
    phone = tables.Column(verbose_name=_("Phone"), accessor="traveller__phone", orderable=False)
    area = tables.Column(verbose_name=_("Village"), order_by="area_path")
    checkpoint = tables.Column(verbose_name=_("Checkpoint"))
    passed_at = tables.Column(verbose_name=_("Time"), accessor="traveller__passage__passed_at")
    plate = tables.Column(verbose_name=_("Plate"), accessor="traveller__passage__plate")
    fever = tables.BooleanColumn(verbose_name=_("Fever"), accessor="traveller__fever", yesno=("✔", ""))
    due_at = tables.Column(verbose_name=_("Accept by"))
    status = tables.Column(verbose_name=_("Status"))

    class Meta(BaseTable.Meta):
        model = HandOver
        fields = ()
        sequence = ("name", "id_number", "phone", "area", "checkpoint", "passed_at", "plate", "fever", "due_at", "...")
        order_by = "due_at"

    def render_phone(self, value):
        return mask_phone(value)

    def render_area(self, value):
        return value.label()

    def render_passed_at(self, value):
        return local_time(value)

    def render_due_at(self, value):
        return local_time(value)

    def value_fever(self, value):
        return yes(value)

    def value_status(self, record):
        return str(record.status_label)

    def render_status(self, record):
        colour = {"pending": "warning", "accepted": "success", "not_arrived": "secondary"}[record.status]
        if record.is_overdue():
            colour = "danger"
        return format_html('<span class="badge text-bg-{}">{}</span>', colour, record.status_label)
