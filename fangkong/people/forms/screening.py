"""Screening rounds and visits."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fangkong.areas.forms import DivisionField
from fangkong.areas.models import Area
from fangkong.core import scope
from fangkong.core.fields import IdNumberField
from fangkong.core.forms import ModelMultipleChoiceField, ScopedModelForm, StyledForm
from fangkong.core.roles import Action
from fangkong.core.validators import not_in_future

from .. import services
from ..models import Person, ScreeningRound


class RoundForm(ScopedModelForm):
    """Open a screening round over a town or village of the user's area."""

    class Meta:
        model = ScreeningRound
        fields = ["area", "title", "deadline"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"title": _("For example: 第二轮全覆盖排查.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        roles = ScreeningRound.roles_by_action[Action.ADD]
        areas = scope.areas_for(self.user, roles, [Area.Level.TOWN, Area.Level.VILLAGE]).active()
        field = self.fields["area"]
        field.queryset = areas.select_related("parent").order_by("path")
        field.label_from_instance = lambda a: f"{a.parent} {a}" if a.level == Area.Level.VILLAGE else str(a)
        field.help_text = _("A town or a village: every household in it is to be visited.")
        if not self.initial.get("area"):
            only = list(field.queryset[:2])
            if len(only) == 1:  # a village officer: their village
                self.initial["area"] = only[0]

    def clean(self):
        data = super().clean()
        if data.get("area") and data.get("deadline"):
            try:
                services.check_round(data["area"], data["deadline"])
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field, messages)
        return data


class VisitForm(StyledForm):
    """A household's visit: who was home, arrivals (registered right here) and members with fever."""

    visited_on = forms.DateField(
        label=_("Visited on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    members_home = forms.IntegerField(
        label=_("People at home"), min_value=0, max_value=99, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    arrivals_found = forms.BooleanField(label=_("Someone arrived from elsewhere"), required=False)
    arrival_name = forms.CharField(label=_("Name of the person who arrived"), max_length=50, required=False)
    arrival_id_number = IdNumberField(label=_("Their ID number"), required=False)
    arrival_origin = DivisionField(
        label=_("Coming from"), required=False, help_text=_("The county or district: type its name, initials or code.")
    )
    arrival_date = forms.DateField(
        label=_("Arrival date"),
        required=False,
        help_text=_("Empty: the day of the visit."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    arrival_fever = forms.BooleanField(label=_("The person who arrived has fever or symptoms"), required=False)
    symptoms_found = forms.BooleanField(label=_("Someone has fever or symptoms"), required=False)
    fever_members = ModelMultipleChoiceField(
        label=_("Who has fever or symptoms"), queryset=Person.objects.none(), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, household, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["fever_members"]
        # Only members the user may change: a member registered in a grid they cannot see is neither
        # listed nor accepted (services.record_visit refuses them too).
        field.queryset = household.members.restrict(user, Action.CHANGE).order_by("id")
        field.widget = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})
        field.widget.choices = field.choices

    def clean_visited_on(self):
        return not_in_future(self.cleaned_data["visited_on"])

    def clean_arrival_date(self):
        value = self.cleaned_data["arrival_date"]
        return value and not_in_future(value)

    def clean(self):
        data = super().clean()
        given = any(data.get(name) for name in ("arrival_name", "arrival_id_number", "arrival_origin"))
        if given:
            data["arrivals_found"] = True
            if not data.get("arrival_origin") and "arrival_origin" not in self.errors:
                self.add_error("arrival_origin", _("Where did they come from? Pick the county or district."))
            if not data.get("arrival_name") and not data.get("arrival_id_number"):
                self.add_error("arrival_name", services.NAME_OR_ID_NUMBER)
        if data.get("fever_members"):
            data["symptoms_found"] = True
        return data

    def arrivals(self):
        """The arrival typed into the form, for services.record_visit."""
        data = self.cleaned_data
        if not data.get("arrival_origin"):
            return []
        return [
            services.ArrivalFound(
                name=data["arrival_name"].strip(),
                origin=data["arrival_origin"],
                id_number=data["arrival_id_number"],
                arrived_on=data["arrival_date"],
                fever=data["arrival_fever"],
            )
        ]

    def visit_values(self):
        names = ("visited_on", "members_home", "arrivals_found", "symptoms_found", "note")
        return {name: self.cleaned_data[name] for name in names}
