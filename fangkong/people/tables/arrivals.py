"""Arrivals and the people who still need observation."""

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.crypto import mask_phone
from fangkong.core.tables import BaseTable

from ..models import Arrival, Person
from .persons import PersonColumns, person_url


class ArrivalTable(BaseTable):
    """Masked like every list: the full ID number is only shown through a logged reveal."""

    name = tables.Column(
        verbose_name=pgettext_lazy("person", "Name"),
        accessor="person__name",
        linkify=("people:arrival", {"pk": tables.A("pk")}),
    )
    id_number = tables.Column(verbose_name=_("ID number"), accessor="person__id_number_masked", orderable=False)
    phone = tables.Column(verbose_name=_("Phone"), accessor="person__phone")
    kind = tables.Column(verbose_name=_("Kind"))
    origin = tables.Column(verbose_name=_("Coming from"), accessor="origin__full_name", order_by="origin__code")
    arrived_on = tables.DateColumn(verbose_name=_("Arrival date"), format="Y-m-d")
    transport = tables.Column(verbose_name=_("Transport"))
    trip_number = tables.Column(verbose_name=_("Train, flight or plate number"))
    area = tables.Column(verbose_name=_("Area"), order_by="area_path")
    risk = tables.Column(verbose_name=_("Risk area"), accessor="risk_area_id", orderable=False)
    fever = tables.BooleanColumn(verbose_name=_("Fever"), yesno=("✔", ""))

    class Meta(BaseTable.Meta):
        model = Arrival
        fields = ()
        sequence = ("name", "id_number", "phone", "kind", "origin", "arrived_on", "transport", "trip_number", "...")
        order_by = "-arrived_on"

    def value_fever(self, record):
        return str(_("yes")) if record.fever else ""

    def render_phone(self, value):
        return mask_phone(value)

    def render_area(self, value):
        return value.label()

    def value_risk(self, record):
        return str(_("yes")) if record.risk else ""

    def render_risk(self, record):
        return format_html('<span class="badge text-bg-danger">{}</span>', _("risk area")) if record.risk else ""


class NeedsObservationTable(PersonColumns):
    """Flagged people still waiting for an observation episode, the longest waiting first."""

    name = tables.Column(verbose_name=pgettext_lazy("person", "Name"), linkify=person_url)
    last_arrived_on = tables.DateColumn(verbose_name=_("Arrival date"), format="Y-m-d")
    days = tables.Column(verbose_name=_("Days since arrival"), accessor="last_arrived_on", order_by="last_arrived_on")
    # Opens the observation (health) in one step, pre-filled from the person's categories and arrival.
    observe = tables.TemplateColumn(
        template_name="health/observe_button.html", verbose_name="", orderable=False, accessor="pk"
    )
    not_exported = ("observe",)

    class Meta(BaseTable.Meta):
        model = Person
        fields = ()
        # The button next to the name: at the end of the row it is off-screen on a phone.
        sequence = ("name", "observe", "id_number", "phone", "area", "tags", "last_arrived_on", "days")

    def render_days(self, value):
        return (timezone.localdate() - value).days
