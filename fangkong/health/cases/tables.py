import django_tables2 as tables
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.tables import BaseTable

from .models import Case, Contact, Disinfection, Facility, Sample, Transfer


def local_time(value):
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else "—"


class FacilityTable(BaseTable):
    name = tables.Column(verbose_name=_("Name"), linkify=True)
    kind = tables.Column(verbose_name=_("Kind"))
    area = tables.Column(verbose_name=_("County"), order_by="area_path")
    address = tables.Column(verbose_name=_("Address"))
    phone = tables.Column(verbose_name=_("Phone"))

    class Meta(BaseTable.Meta):
        model = Facility
        fields = ("name", "kind", "area", "address", "phone")


class TransferTable(BaseTable):
    person = tables.Column(
        verbose_name=pgettext_lazy("person", "Name"), linkify=lambda record: record.get_absolute_url()
    )
    area = tables.Column(verbose_name=_("Area"), order_by="area_path")
    facility = tables.Column(verbose_name=_("Facility"))
    transferred_at = tables.Column(verbose_name=_("Transferred at"))
    vehicle = tables.Column(verbose_name=_("Vehicle"))
    escort = tables.Column(verbose_name=_("Escort"))
    result = tables.Column(verbose_name=_("Result"))

    class Meta(BaseTable.Meta):
        model = Transfer
        fields = ("person", "area", "facility", "transferred_at", "vehicle", "escort", "result")

    def render_area(self, value):
        return value.label()

    def render_transferred_at(self, value):
        return local_time(value)


class CaseTable(BaseTable):
    person = tables.Column(
        verbose_name=pgettext_lazy("person", "Name"), linkify=lambda record: record.get_absolute_url()
    )
    area = tables.Column(verbose_name=_("Area"), order_by="area_path")
    classification = tables.Column(verbose_name=_("Classification"))
    onset_on = tables.DateColumn(verbose_name=_("Onset"), format="Y-m-d")
    diagnosed_at = tables.Column(verbose_name=_("Diagnosed at"))
    reported_at = tables.Column(verbose_name=_("Reported at"))
    reporting = tables.Column(verbose_name=_("Reporting"), accessor="pk", orderable=False)

    class Meta(BaseTable.Meta):
        model = Case
        fields = ("person", "area", "classification", "onset_on", "diagnosed_at", "reported_at", "reporting")

    def render_area(self, value):
        return value.label()

    def render_diagnosed_at(self, value):
        return local_time(value)

    def render_reported_at(self, value):
        return local_time(value)

    def render_reporting(self, record):
        minutes = int(record.report_delay.total_seconds() // 60)
        if record.is_late:
            return _("late (%(minutes)d minutes)") % {"minutes": minutes}
        return _("on time (%(minutes)d minutes)") % {"minutes": minutes}


class ContactTable(BaseTable):
    person = tables.Column(
        verbose_name=pgettext_lazy("person", "Name"), linkify=lambda record: record.get_absolute_url()
    )
    area = tables.Column(verbose_name=_("Area"), order_by="area_path")
    source = tables.Column(verbose_name=_("Contact of"), accessor="pk", orderable=False)
    setting = tables.Column(verbose_name=_("Setting"))
    last_contact_on = tables.DateColumn(verbose_name=_("Last contact"), format="Y-m-d")
    observed_until = tables.DateColumn(
        verbose_name=_("Observed until"), accessor="episode__planned_end_on", format="Y-m-d", orderable=False
    )

    class Meta(BaseTable.Meta):
        model = Contact
        fields = ("person", "area", "source", "setting", "last_contact_on", "observed_until")

    def render_area(self, value):
        return value.label()

    def render_source(self, record):
        return str(record.source_case.person if record.source_case_id else record.source_person)


class SampleTable(BaseTable):
    person = tables.Column(
        verbose_name=pgettext_lazy("person", "Name"), linkify=lambda record: record.get_absolute_url()
    )
    area = tables.Column(verbose_name=_("Area"), order_by="area_path")
    taken_on = tables.DateColumn(verbose_name=_("Sampled on"), format="Y-m-d")
    result = tables.Column(verbose_name=_("Result"))
    result_on = tables.DateColumn(verbose_name=_("Result on"), format="Y-m-d")

    class Meta(BaseTable.Meta):
        model = Sample
        fields = ("person", "area", "taken_on", "result", "result_on")

    def render_area(self, value):
        return value.label()


class DisinfectionTable(BaseTable):
    person = tables.Column(
        verbose_name=pgettext_lazy("person", "Name"),
        accessor="episode__person",
        linkify=lambda record: record.get_absolute_url(),
        order_by="episode__person__name",
    )
    area = tables.Column(verbose_name=_("Area"), order_by="area_path")
    household = tables.Column(verbose_name=_("Household"))
    done_on = tables.DateColumn(verbose_name=_("Done on"), format="Y-m-d")
    done_by = tables.Column(verbose_name=_("Done by"))

    class Meta(BaseTable.Meta):
        model = Disinfection
        fields = ("person", "area", "household", "done_on", "done_by")

    def render_area(self, value):
        return value.label()
