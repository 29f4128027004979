"""Households."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from fangkong.core.crypto import mask_phone
from fangkong.core.tables import BaseTable

from ..models import Household


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
