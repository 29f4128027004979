"""The person form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.areas.models import Area
from fangkong.core.fields import IdNumberField, PhoneField
from fangkong.core.forms import ModelMultipleChoiceField, ScopedModelForm
from fangkong.core.roles import Action, Role
from fangkong.core.validators import id_number_facts

from .. import services
from ..models import Household, KeyPersonTag, Person
from ..scoping import areas_for_people, village_path
from .common import check_identity, limit_choices


class PersonForm(ScopedModelForm):
    """Register or edit a person. The ID number fills in sex and birth date; duplicates are refused."""

    id_number = IdNumberField(
        label=_("ID number"), required=False, help_text=_("18 characters. Sex and birth date are read from it.")
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Person
        fields = [
            "name",
            "id_number",
            "sex",
            "birth_date",
            "phone",
            "area",
            "household",
            "relation_to_head",
            "residency",
            "party_member",
            "address",
            "tags",
            "responsible",
            "doctor",
        ]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "tags": forms.CheckboxSelectMultiple,
        }
        field_classes = {"phone": PhoneField, "tags": ModelMultipleChoiceField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.existing = None  # a person already registered with this ID number (services.Existing)
        person = self.instance
        fields = self.fields
        fields["area"].queryset = areas_for_people(user).select_related("parent").order_by("path")
        fields["area"].label = _("Grid or village")
        initial_area = self.initial.get("area")
        keep_area = [person.area] if person.area_id else []
        if initial_area and not isinstance(initial_area, Area):
            keep_area += list(fields["area"].queryset.filter(pk=initial_area))
        limit_choices(fields["area"], fields["area"].queryset, Area.label, keep_area)
        households = Household.objects.restrict(user, Action.VIEW).order_by("area_path", "address")
        fields["household"].queryset = households
        keep_household = [person.household] if person.household_id else []
        if self.initial.get("household"):
            keep_household += list(households.filter(pk=self.initial["household"]))
        limit_choices(fields["household"], households, keep=keep_household)
        fields["responsible"].queryset = services.responsible_candidates(user)
        limit_choices(fields["responsible"], fields["responsible"].queryset, keep=[person.responsible])
        fields["doctor"].queryset = services.responsible_candidates(user, roles=[Role.DOCTOR])
        limit_choices(fields["doctor"], fields["doctor"].queryset, keep=[person.doctor])
        fields["tags"].queryset = KeyPersonTag.objects.all()
        # The derived categories are not offered; one posted anyway is refused by the service, by name.
        fields["tags"].choices = [
            (tag.pk, str(tag)) for tag in KeyPersonTag.objects.exclude(code__in=KeyPersonTag.DERIVED)
        ]
        fields["tags"].required = False
        fields["tags"].widget.attrs["class"] = "form-check-input"
        if person.pk:
            fields["version"].initial = person.version
            if not person.shows_birth_date_to(user):
                # The ID number gives the birth date (a new number typed in gives the new one).
                del fields["birth_date"]
            if person.id_number_encrypted:
                # Never put the full number in the page: editing is not a (logged) reveal.
                fields["id_number"].widget.attrs["placeholder"] = person.id_number_masked
                fields["id_number"].help_text = _("Leave empty to keep %(masked)s.") % {
                    "masked": person.id_number_masked
                }
        for name, field in fields.items():
            if name != "tags" and not isinstance(field.widget, forms.HiddenInput):
                css = "form-select-lg" if "form-select" in field.widget.attrs.get("class", "") else "form-control-lg"
                field.widget.attrs["class"] += f" {css}"

    def clean(self):
        data = super().clean()
        check_identity(self, data)
        if data.get("id_number"):
            self.check_duplicate(data["id_number"])
        area, household = data.get("area"), data.get("household")
        if area and household and village_path(area.path) != village_path(household.area_path):
            self.add_error("household", _("This household is in another village than the person's area."))
        return data

    def check_duplicate(self, number):
        try:
            existing = services.find_by_id_number(number, self.user)
        except services.LookupLimitReached as error:
            self.add_error("id_number", error)
            return
        if existing is None or existing.person.pk == self.instance.pk:
            return
        self.existing = existing
        self.add_error("id_number", services.id_number_taken(existing))

    def save(self, commit=True):
        """Through the register's service: the version check, the tags and the change log in one go."""
        person = self.instance
        number = self.cleaned_data.get("id_number")
        if number:
            person.id_number = number
        person.sex = self.cleaned_data["sex"]
        if number:
            person.birth_date = id_number_facts(number)[1]
        elif "birth_date" in self.cleaned_data:
            person.birth_date = self.cleaned_data["birth_date"]
        expected = self.cleaned_data.get("version") if person.pk else None
        return services.save_person(person, expected_version=expected, tags=self.cleaned_data["tags"])
