import django_tables2 as tables
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.tables import BaseTable

from .models import Check, Episode, Protocol


class ProtocolTable(BaseTable):
    name = tables.Column(verbose_name=_("Name"), linkify=True)
    effective_from = tables.DateColumn(verbose_name=_("In force from"), format="Y-m-d")
    fever_threshold = tables.Column(verbose_name=_("Fever threshold (°C)"))
    days_risk_area_arrival = tables.Column(verbose_name=_("Days (risk area)"))
    days_close_contact = tables.Column(verbose_name=_("Days (close contact)"))
    test_days = tables.Column(verbose_name=_("Test days"), empty_values=())
    backfill_days = tables.Column(verbose_name=_("Back-fill days"))

    class Meta(BaseTable.Meta):
        model = Protocol
        fields = (
            "name",
            "effective_from",
            "fever_threshold",
            "days_risk_area_arrival",
            "days_close_contact",
            "test_days",
            "backfill_days",
        )

    def render_test_days(self, value):
        return ", ".join(str(day) for day in value)


class EpisodeTable(BaseTable):
    person = tables.Column(
        verbose_name=pgettext_lazy("person", "Name"), linkify=lambda record: record.get_absolute_url()
    )
    area = tables.Column(verbose_name=_("Area"), order_by="area_path")
    kind = tables.Column(verbose_name=_("Kind"))
    reason = tables.Column(verbose_name=_("Reason"))
    start_on = tables.DateColumn(verbose_name=_("Start"), format="Y-m-d")
    planned_end_on = tables.DateColumn(verbose_name=_("Planned end"), format="Y-m-d")
    site = tables.Column(verbose_name=_("Isolation site"), orderable=False)
    status = tables.Column(verbose_name=_("Status"))
    checks = tables.Column(verbose_name=_("Checks"), accessor="checks_done", orderable=False)

    class Meta(BaseTable.Meta):
        model = Episode
        fields = ("person", "area", "kind", "site", "reason", "start_on", "planned_end_on", "status", "checks")

    def render_area(self, value):
        return value.label()

    def render_site(self, value, record):
        return f"{value} · {record.room.label}" if record.room_id else str(value)

    def render_status(self, value):
        return Episode.Status(value).label

    def render_checks(self, value, record):
        missed = record.windows_missed()
        if not missed:
            return str(value)
        return _("%(done)d (%(missed)d missed)") % {"done": value, "missed": missed}


class CheckTable(BaseTable):
    person = tables.Column(
        verbose_name=pgettext_lazy("person", "Name"), linkify=lambda record: record.episode.get_absolute_url()
    )
    area = tables.Column(verbose_name=_("Area"), order_by="area_path")
    taken_at = tables.Column(verbose_name=_("Taken at"))
    window = tables.Column(verbose_name=_("Window"))
    temperature = tables.Column(verbose_name=_("Temperature (°C)"))
    symptoms = tables.Column(verbose_name=_("Symptoms"), orderable=False)
    is_fever = tables.BooleanColumn(verbose_name=_("Fever"))
    source = tables.Column(verbose_name=_("Source"))

    class Meta(BaseTable.Meta):
        model = Check
        fields = ("person", "area", "taken_at", "window", "temperature", "symptoms", "is_fever", "source")

    def render_area(self, value):
        return value.label()

    def render_taken_at(self, value):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"

    def render_symptoms(self, value, record):
        return "、".join(record.episode.protocol.symptom_names(value)) or "—"
