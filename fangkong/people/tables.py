"""Tables of the register's list pages and exports."""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.areas.models import RiskArea
from fangkong.core.crypto import mask_phone
from fangkong.core.tables import BaseTable

from .models import Arrival, Household, IdNumberReveal, KeyPersonTag, Person, ScreeningRound

STATUS_BADGES = {"red": "text-bg-danger", "yellow": "text-bg-warning", "green": "text-bg-success"}
STATUS_LABELS = {"red": _("red"), "yellow": _("yellow"), "green": _("green")}


class PersonTable(BaseTable):
    """Lists and exports show ID numbers and phones masked; the full number is only revealed, and logged."""

    name = tables.Column(
        verbose_name=pgettext_lazy("person", "Name"), linkify=("people:person", {"pk": tables.A("pk")})
    )
    sex = tables.Column(verbose_name=_("Sex"))
    # The year, not the age: an age seen to change on a given day tells the birthday, and the birth
    # date is 8 of the masked ID digits (docs/privacy.md). The whole date is on the person's page.
    born = tables.Column(verbose_name=_("Year of birth"), accessor="birth_date", orderable=False)
    id_number = tables.Column(verbose_name=_("ID number"), accessor="id_number_masked", orderable=False)
    phone = tables.Column(verbose_name=_("Phone"))
    area = tables.Column(verbose_name=_("Area"), order_by="area_path")
    tags = tables.Column(verbose_name=_("Key-person categories"), accessor="pk", orderable=False)
    status = tables.Column(verbose_name=_("Status"), accessor="pk", orderable=False)

    class Meta(BaseTable.Meta):
        model = Person
        fields = ("name", "sex", "born", "id_number", "phone", "area", "tags", "status")

    def render_born(self, value):
        return value.year

    def value_born(self, value):
        return value.year

    def render_phone(self, value):
        return mask_phone(value)

    def render_area(self, value):
        return value.label()

    def render_tags(self, record):
        return "、".join(str(tag) for tag in record.tags.all())

    def value_status(self, record):
        return str(STATUS_LABELS[record.status_colour])

    def render_status(self, record):
        colour = record.status_colour
        return format_html('<span class="badge {}">{}</span>', STATUS_BADGES[colour], STATUS_LABELS[colour])


class IdNumberRevealTable(BaseTable):
    """Who saw or looked up whose ID number, when; the number itself is never here."""

    time = tables.DateTimeColumn(verbose_name=_("Time"), format="Y-m-d H:i:s")
    kind = tables.Column(verbose_name=_("Kind"))
    user = tables.Column(verbose_name=_("User"), accessor="user__username", order_by="user__username")
    person_name = tables.Column(
        verbose_name=_("Person"), linkify=lambda record: person_url(record.person) if record.person_id else None
    )
    id_number = tables.Column(verbose_name=_("ID number"), accessor="person__id_number_masked", orderable=False)
    area = tables.Column(verbose_name=_("Area"), accessor="person__area", order_by="area_path")
    request_id = tables.Column(verbose_name=_("Request id"), orderable=False)

    class Meta(BaseTable.Meta):
        model = IdNumberReveal
        fields = ()
        sequence = ("time", "kind", "user", "person_name", "id_number", "area", "request_id")
        order_by = "-time"

    def render_person_name(self, value):
        return value

    def render_area(self, value):
        return value.label()


class KeyPersonTagTable(BaseTable):
    code = tables.Column(verbose_name=_("Code"))
    name = tables.Column(verbose_name=_("Name (Chinese)"))
    name_en = tables.Column(verbose_name=_("Name (English)"))
    builtin = tables.BooleanColumn(verbose_name=_("Built in"))
    actions = tables.Column(verbose_name="", accessor="pk", orderable=False)

    class Meta(BaseTable.Meta):
        model = KeyPersonTag
        fields = ("code", "name", "name_en", "builtin")

    def render_actions(self, record):
        rename = format_html(
            '<a class="btn btn-sm btn-outline-primary" href="{}">{}</a>',
            reverse("people:tag-edit", args=[record.pk]),
            _("Rename"),
        )
        if record.builtin:
            return rename
        delete = format_html(
            ' <a class="btn btn-sm btn-outline-danger" href="{}">{}</a>',
            reverse("people:tag-delete", args=[record.pk]),
            _("Delete"),
        )
        return rename + delete


# --- arrivals, needs observation, risk areas -------------------------------------------------------


def person_url(person):
    return reverse("people:person", kwargs={"pk": person.pk})


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


class NeedsObservationTable(BaseTable):
    """Flagged people still waiting for an observation episode, the longest waiting first."""

    name = tables.Column(verbose_name=pgettext_lazy("person", "Name"), linkify=person_url)
    id_number = tables.Column(verbose_name=_("ID number"), accessor="id_number_masked", orderable=False)
    phone = tables.Column(verbose_name=_("Phone"))
    area = tables.Column(verbose_name=_("Area"), order_by="area_path")
    tags = tables.Column(verbose_name=_("Key-person categories"), accessor="pk", orderable=False)
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
        sequence = ("name", "id_number", "phone", "area", "tags", "last_arrived_on", "days", "observe")

    def render_phone(self, value):
        return mask_phone(value)

    def render_area(self, value):
        return value.label()

    def render_tags(self, record):
        return "、".join(str(tag) for tag in record.tags.all())

    def render_days(self, value):
        return (timezone.localdate() - value).days


class RiskAreaTable(BaseTable):
    division = tables.Column(verbose_name=_("Division"), accessor="division__full_name", order_by="division__code")
    code = tables.Column(verbose_name=_("Code"), accessor="division__code")
    level = tables.Column(verbose_name=_("Risk level"))
    valid_from = tables.DateColumn(verbose_name=_("In force from"), format="Y-m-d")
    valid_until = tables.DateColumn(verbose_name=_("In force until"), format="Y-m-d")
    note = tables.Column(verbose_name=_("Note"))
    actions = tables.TemplateColumn(
        template_name="people/riskarea_actions.html", verbose_name="", orderable=False, accessor="pk"
    )

    class Meta(BaseTable.Meta):
        model = RiskArea
        fields = ()
        sequence = ("division", "code", "level", "valid_from", "valid_until", "note", "actions")


# --- households ----------------------------------------------------------------------------------


class HouseholdTable(BaseTable):
    """Phones masked, in the list and its exports alike."""

    not_exported = ("select", "actions")

    select = tables.CheckBoxColumn(
        accessor="pk",
        attrs={
            "input": {"name": "households", "form": "assign-form"},
            # Ticks every row of the page; the header box itself is not submitted.
            "th__input": {
                "name": "",
                "aria-label": _("Select all"),
                "data-select-all": "households",  # fangkong.js
            },
        },
    )
    address = tables.Column(verbose_name=_("Address"), linkify=("people:household", {"pk": tables.A("pk")}))
    area = tables.Column(verbose_name=_("Grid"), order_by="area_path")
    member_count = tables.Column(verbose_name=_("Members"))
    responsible = tables.Column(verbose_name=_("Responsible person"), default="—", order_by="responsible__username")
    phone = tables.Column(verbose_name=_("Phone"))

    class Meta(BaseTable.Meta):
        model = Household
        fields = ("select", "address", "area", "member_count", "responsible", "phone")

    def render_area(self, value):
        return value.label()

    def render_phone(self, value):
        return mask_phone(value)

    def value_responsible(self, value):
        return str(value) if value else ""


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
