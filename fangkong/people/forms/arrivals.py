"""Arrivals (返乡/来商人员): registering and correcting one."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.areas.forms import DivisionField
from fangkong.areas.models import Area
from fangkong.core.fields import IdNumberField, PhoneField
from fangkong.core.forms import ScopedModelForm
from fangkong.core.validators import not_in_future

from .. import services
from ..models import ARRIVAL_FIELDS, Arrival, Person
from ..scoping import NOT_IN_YOUR_AREAS, areas_for_arrivals
from .common import DATE_WIDGET, check_identity, limit_choices


class ArrivalEditForm(ScopedModelForm):
    """An arrival's own fields: from where, how, when, and health at arrival. The person is edited on
    their own record; a changed origin or date is checked against the risk areas again."""

    origin = DivisionField(
        label=_("Coming from (county)"),
        help_text=_("Type a few characters of the county, its city or province, or their initials, and pick it."),
    )

    class Meta:
        model = Arrival
        fields = ARRIVAL_FIELDS
        widgets = {"arrived_on": DATE_WIDGET, "registered_on": DATE_WIDGET}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        area = self.fields["area"]
        area.queryset = areas_for_arrivals(user).select_related("parent").order_by("path")
        area.label = _("Grid or village")
        area.help_text = _("Where the person stays.")
        area.to_field_name = "code"
        if self.instance.area_id:  # the field takes codes; the instance's initial value is a key
            self.initial["area"] = self.instance.area.code
        keep = list(area.queryset.filter(code=self.initial.get("area") or ""))
        limit_choices(area, area.queryset, Area.label, keep)
        if getattr(area, "truncated", False):
            area.widget = forms.TextInput(attrs={"class": "form-control", "inputmode": "numeric"})
            area.help_text = _("The code of the grid or village, e.g. 611022106200001.")
        area.error_messages["invalid_choice"] = NOT_IN_YOUR_AREAS
        if self.instance.pk:  # a correction: an empty field stays empty
            self.fields["registered_on"].help_text = _("登记时间 on the paper form.")
            self.fields["registrar"].help_text = _("登记人 on the paper form.")
        else:
            self.fields["registered_on"].help_text = _("登记时间 on the paper form; today if left empty.")
            self.fields["registrar"].help_text = _("登记人 on the paper form; your name if left empty.")

    def clean_arrived_on(self):
        return not_in_future(self.cleaned_data["arrived_on"])

    def clean_registered_on(self):
        day = self.cleaned_data.get("registered_on")
        return day and not_in_future(day)


class ArrivalForm(ArrivalEditForm):
    """The arrival register (返乡人员登记表): who, from where, how, when, and their health at arrival."""

    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    id_number = IdNumberField(
        label=_("ID number"),
        help_text=_("18 characters. A person registered already is found by it, never entered twice."),
    )
    sex = forms.ChoiceField(
        label=_("Sex"), choices=Person.Sex.choices, required=False, help_text=_("Read from the ID number.")
    )
    phone = PhoneField(label=_("Phone"), required=False)

    class Meta(ArrivalEditForm.Meta):
        fields = ["name", "id_number", "sex", "phone", *ARRIVAL_FIELDS]

    def clean(self):
        data = super().clean()
        check_identity(self, data)
        return data

    def save(self, commit=True):
        """Find or register the person, then the arrival, in one transaction (the view checks scope)."""
        data = self.cleaned_data
        self.result = services.register_arrival_of(
            self.user, self.instance, data["name"].strip(), data["id_number"], data.get("phone", "")
        )
        return self.result.arrival
