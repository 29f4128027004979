"""Households and responsibility (包组联户): the household, adding a member, assigning."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.areas.models import Area
from fangkong.core.fields import IdNumberField, PhoneField
from fangkong.core.forms import ScopedModelForm, StyledForm
from fangkong.core.roles import Action, Role

from .. import difficulties, services
from ..models import Household, Person
from ..scoping import NOT_IN_YOUR_AREAS, household_areas
from .common import AREA_SELECT_LIMIT, GridChoiceField, UserChoiceField, check_identity, default_area, limit_choices


class HouseholdForm(ScopedModelForm):
    area = GridChoiceField(label=_("Grid or village"), queryset=Area.objects.none(), to_field_name="code")
    responsible = UserChoiceField(
        label=_("Responsible person"),
        queryset=None,
        required=False,
        help_text=_("The cadre or party member who looks after this household (包组联户)."),
    )
    difficulties = forms.MultipleChoiceField(
        label=_("Difficulties"),
        choices=difficulties.STORED,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Under observation is shown from the observation records."),
    )
    # The version the form was read at: a save over someone else's newer one is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Household
        fields = ["area", "address", "phone", "responsible", "head", "note"]
        field_classes = {"phone": PhoneField}
        widgets = {
            "address": forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        creating = self.instance.pk is None
        areas = household_areas(user, Action.ADD if creating else Action.CHANGE)
        area_field = self.fields["area"]
        area_field.queryset = areas.select_related("parent")
        area_field.error_messages["invalid_choice"] = NOT_IN_YOUR_AREAS
        if areas.count() > AREA_SELECT_LIMIT:
            area_field.widget = forms.TextInput(attrs={"class": "form-control", "inputmode": "numeric"})
            area_field.help_text = _("The code shown on the area's page, e.g. 611022106200001.")
        responsible = self.fields["responsible"]
        responsible.queryset = services.responsible_candidates(user)
        limit_choices(
            responsible, responsible.queryset, responsible.label_from_instance, keep=[self.instance.responsible]
        )
        if creating:
            if not self.initial.get("area"):
                area = default_area(user, areas)
                if area is not None:
                    self.initial["area"] = area.code
            holds_grid_role = any(role == Role.GRID_WORKER for role, _path in user.memberships_cached())
            if holds_grid_role and not self.initial.get("responsible"):
                self.initial["responsible"] = user.pk
        else:
            self.initial["area"] = self.instance.area.code
            self.initial["version"] = self.instance.version
            self.initial["difficulties"] = difficulties.of(self.instance)
        # The head is one of the members: none to pick from before any is registered.
        head = self.fields["head"]
        members = Person.objects.restrict(user).filter(household=self.instance.pk).order_by("pk")
        head.queryset = members if self.instance.pk else Person.objects.none()
        if not self.instance.pk:
            del self.fields["head"]

    def clean_difficulties(self):
        codes = self.cleaned_data.get("difficulties") or []
        difficulties.apply(self.instance, codes)
        return codes


class AddMemberForm(StyledForm):
    """The quick form on a household's page: a name, and the ID number if the person has one."""

    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    id_number = IdNumberField(
        label=_("ID number"),
        required=False,
        help_text=_("Fills in sex and birth date. Someone registered already is linked, not entered twice."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Person.Sex.choices], required=False)
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    phone = PhoneField(label=_("Phone"), max_length=20, required=False, widget=forms.TextInput(attrs={"type": "tel"}))

    def clean(self):
        data = super().clean()
        check_identity(self, data)
        return data


class AssignForm(StyledForm):
    """One responsible cadre (and, for key persons, a village doctor) for many records at once."""

    responsible = UserChoiceField(label=_("Responsible cadre"), queryset=None, required=False)

    def __init__(self, *args, user, with_doctor=False, **kwargs):
        super().__init__(*args, **kwargs)
        responsible = self.fields["responsible"]
        responsible.queryset = services.responsible_candidates(user)
        limit_choices(responsible, responsible.queryset, responsible.label_from_instance)
        if with_doctor:
            doctor = self.fields["doctor"] = UserChoiceField(
                label=_("Village doctor"),
                queryset=services.responsible_candidates(user, roles=[Role.DOCTOR]),
                required=False,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            limit_choices(doctor, doctor.queryset, doctor.label_from_instance)
        else:
            self.fields["responsible"].required = True

    def clean(self):
        data = super().clean()
        if "doctor" in self.fields and not data.get("responsible") and not data.get("doctor"):
            raise forms.ValidationError(_("Choose a responsible cadre, a village doctor or both."))
        return data
