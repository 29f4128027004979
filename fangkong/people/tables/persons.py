"""Persons and the ID-number reveal log."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.crypto import mask_phone
from fangkong.core.person_status import COLOUR_LABELS
from fangkong.core.tables import BaseTable

from ..models import IdNumberReveal, Person

STATUS_BADGES = {"red": "text-bg-danger", "yellow": "text-bg-warning", "green": "text-bg-success"}
DERIVED_LABELS = {"under_observation": _("under observation"), "fever": _("fever")}


class PersonColumns(BaseTable):
    """The columns every list of persons shows: ID numbers and phones masked (the full number is only
    revealed, and logged), the area and the key-person categories."""

    id_number = tables.Column(verbose_name=_("ID number"), accessor="id_number_masked", orderable=False)
    phone = tables.Column(verbose_name=_("Phone"))
    area = tables.Column(verbose_name=_("Area"), order_by="area_path")
    tags = tables.Column(verbose_name=_("Key-person categories"), accessor="pk", orderable=False)

    def render_phone(self, value):
        return mask_phone(value)

    def render_area(self, value):
        return value.label()

    def render_tags(self, record):
        return "、".join(str(tag) for tag in record.tags.all())


class PersonTable(PersonColumns):
    """The register's list and export of persons."""

    name = tables.Column(
        verbose_name=pgettext_lazy("person", "Name"), linkify=("people:person", {"pk": tables.A("pk")})
    )
    sex = tables.Column(verbose_name=_("Sex"))
    # The year, not the age: an age seen to change on a given day tells the birthday, and the birth
    # date is 8 of the masked ID digits (docs/privacy.md). The whole date is on the person's page.
    born = tables.Column(verbose_name=_("Year of birth"), accessor="birth_date", orderable=False)
    # Derived from the records (core.person_status), read with the page's rows (the view annotates them).
    status = tables.Column(verbose_name=_("Status"), accessor="pk", orderable=False)
    reason = tables.Column(verbose_name=_("Why this colour"), accessor="pk", orderable=False)

    class Meta(BaseTable.Meta):
        model = Person
        fields = ("name", "sex", "born", "id_number", "phone", "area", "tags", "status", "reason")

    def render_born(self, value):
        return value.year

    def render_tags(self, record):
        """The stored categories, then the derived ones the records say (read with the row)."""
        derived = [DERIVED_LABELS[name] for name in DERIVED_LABELS if getattr(record.status, name)]
        return "、".join([str(tag) for tag in record.tags.all()] + [str(label) for label in derived])

    def value_born(self, value):
        return value.year

    def value_status(self, record):
        return str(COLOUR_LABELS[record.status_colour])

    def render_status(self, record):
        colour = record.status_colour
        return format_html('<span class="badge {}">{}</span>', STATUS_BADGES[colour], COLOUR_LABELS[colour])

    def render_reason(self, record):
        return record.colour_reason

    value_reason = render_reason


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


def person_url(person):
    return reverse("people:person", kwargs={"pk": person.pk})
