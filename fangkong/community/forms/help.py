"""Forms of help for households in difficulty: a need, its assignment and delivery, and the household's
own request on its QR page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.forms import ScopedModelForm, StyledForm
from fangkong.core.roles import Action
from fangkong.people.forms.common import UserChoiceField, limit_choices
from fangkong.people.models import Household

from .. import services
from ..models import Need


class HouseholdChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.address} ({obj.area.short_name})"


class NeedForm(ScopedModelForm):
    household = HouseholdChoiceField(label=_("Household"), queryset=Household.objects.none())

    class Meta:
        model = Need
        fields = ["household", "kind", "urgent", "description", "volunteer"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        household = self.fields["household"]
        household.queryset = (
            Household.objects.restrict(user, Action.VIEW).select_related("area").order_by("area_path", "address")
        )
        limit_choices(household, household.queryset, household.label_from_instance, keep=[self.initial_household()])
        volunteer = self.fields["volunteer"]
        volunteer.queryset = services.assignable_volunteers(user).order_by("name")
        limit_choices(volunteer, volunteer.queryset)
        if self.instance.pk:
            del self.fields["household"]  # a need stays with its household

    def initial_household(self):
        pk = self.initial.get("household")
        return Household.objects.filter(pk=pk).first() if str(pk or "").isdigit() else None


class AssignForm(StyledForm):
    """A cadre or a volunteer of the assigner's area; anyone else is refused naming the field."""

    assigned_user = UserChoiceField(label=_("Cadre"), queryset=None, required=False)
    assigned_volunteer = forms.ModelChoiceField(label=_("Volunteer"), queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        cadre, volunteer = self.fields["assigned_user"], self.fields["assigned_volunteer"]
        cadre.queryset = services.assignable_users(user).order_by("username")
        cadre.error_messages["invalid_choice"] = _(
            "This person does not work in your area: choose a cadre of your area."
        )
        limit_choices(cadre, cadre.queryset, cadre.label_from_instance)
        volunteer.queryset = services.assignable_volunteers(user).order_by("name")
        volunteer.error_messages["invalid_choice"] = _(
            "This is not an approved volunteer of your area: choose a volunteer of your area."
        )
        limit_choices(volunteer, volunteer.queryset)

    def clean(self):
        data = super().clean()
        if not self.errors and (data.get("assigned_user") is None) == (data.get("assigned_volunteer") is None):
            raise forms.ValidationError(_("Choose a cadre or a volunteer (one of them)."))
        return data


class DeliverForm(StyledForm):
    note = forms.CharField(label=_("What was delivered"), max_length=200, help_text=_("What was brought, and to whom."))


class AskForm(StyledForm):
    """The household's own request, on its QR page (no login)."""

    kind = forms.ChoiceField(label=_("What do you need?"), choices=Need.Kind.choices)
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    description = forms.CharField(label=_("Details"), max_length=200, required=False)
