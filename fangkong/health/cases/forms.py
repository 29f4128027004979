from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fangkong.areas.models import Area
from fangkong.core import scope
from fangkong.core.fields import IdNumberField, PhoneField
from fangkong.core.forms import AreaPickerWidget, ScopedModelForm, StyledForm
from fangkong.core.roles import Action
from fangkong.people.models import Person

from ..forms import DATE_INPUT
from . import services
from .models import INITIAL_CLASSIFICATIONS, Case, Classification, Contact, Disinfection, Facility, Sample, Transfer

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class FacilityForm(ScopedModelForm):
    class Meta:
        model = Facility
        fields = ["name", "kind", "area", "address", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        roles = Facility.roles_by_action[Action.ADD]
        self.fields["area"].queryset = scope.areas_for(self.user, roles, [Area.Level.COUNTY]).order_by("code")
        self.fields["area"].label = _("County")


class TransferForm(ScopedModelForm):
    class Meta:
        model = Transfer
        fields = ["facility", "transferred_at", "vehicle", "escort"]
        widgets = {"transferred_at": DATETIME_INPUT}


class ResultForm(StyledForm):
    result = forms.ChoiceField(label=_("Result"), choices=Transfer.Result.choices)


class CaseForm(ScopedModelForm):
    class Meta:
        model = Case
        fields = ["classification", "onset_on", "diagnosed_at", "reported_at"]
        widgets = {"onset_on": DATE_INPUT, "diagnosed_at": DATETIME_INPUT, "reported_at": DATETIME_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classification"].choices = [
            (value, Classification(value).label) for value in INITIAL_CLASSIFICATIONS
        ]


class ClassifyForm(StyledForm):
    classification = forms.ChoiceField(label=_("New classification"))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        # Every classification is offered to the API; the page offers the allowed ones only.
        self.fields["classification"].choices = [
            (value, Classification(value).label) for value in case.next_classifications()
        ]


class ContactForm(StyledForm):
    """A contact: a registered person found with the register's search, or a new one registered here."""

    q = forms.CharField(label=_("Find a registered person"), required=False, max_length=50)
    person = forms.ModelChoiceField(
        label=_("Registered person"), queryset=Person.objects.none(), required=False, widget=forms.RadioSelect
    )
    name = forms.CharField(label=_("Name of a new person"), required=False, max_length=50)
    id_number = IdNumberField(label=_("ID number"), required=False)
    phone = PhoneField(label=_("Phone"), required=False)
    area = forms.ModelChoiceField(
        label=_("Village or grid of a new person"),
        queryset=Area.objects.none(),
        required=False,
        to_field_name="code",
        widget=AreaPickerWidget(),
    )
    setting = forms.ChoiceField(label=_("Setting"), choices=Contact.Setting.choices)
    last_contact_on = forms.DateField(label=_("Last contact"), widget=DATE_INPUT)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        query = (self.data.get("q") or self.initial.get("q") or "").strip()
        people = Person.objects.restrict(user, Action.VIEW)
        self.fields["person"].queryset = people.search(query) if query else people.none()
        # Any listed person may be picked by id (a result of an earlier search).
        if self.data.get("person"):
            self.fields["person"].queryset = people
        # Where the user may record contacts (CDC too, who registers no one otherwise).
        self.fields["area"].queryset = scope.areas_for(
            user, Contact.roles_by_action[Action.ADD], [Area.Level.VILLAGE, Area.Level.GRID]
        ).order_by("path")
        self.fields["person"].widget.attrs.pop("class", None)
        self.results = list(people.search(query).select_related("area__parent")[:20]) if query else []

    def clean(self):
        data = super().clean()
        if not data.get("person") and not data.get("name"):
            raise ValidationError(_("Pick a registered person or give a new person's name."))
        if not data.get("person") and not data.get("area"):
            self.add_error("area", _("Pick the village or grid where the new person lives."))
        return data


class SampleForm(ScopedModelForm):
    """The sampling, and its result for those who enter results (a grid worker sees the date only)."""

    class Meta:
        model = Sample
        fields = ["taken_on", "result", "result_on"]
        widgets = {"taken_on": DATE_INPUT, "result_on": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not services.may_enter_results(self.user, self.instance.person):
            del self.fields["result"], self.fields["result_on"]


class DisinfectionForm(ScopedModelForm):
    class Meta:
        model = Disinfection
        fields = ["done_on", "done_by"]
        widgets = {"done_on": DATE_INPUT}
