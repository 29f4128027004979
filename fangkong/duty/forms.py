from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fangkong.areas.models import Area
from fangkong.core.fields import PhoneField
from fangkong.core.forms import ScopedModelForm, StyledForm, add_errors
from fangkong.people.models import Person

from . import services
from .models import (
    DUTY_LEVELS,
    DutyLogEntry,
    DutyRoster,
    PioneerPost,
    ResponsibilityZone,
    Volunteer,
    VolunteerShift,
    VolunteerTeam,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
# A select of many rows stays a list the user can scroll on a phone.
MULTIPLE = forms.SelectMultiple(attrs={"size": 6})


def duty_area_field(form):
    area = form.fields["area"]
    area.queryset = area.queryset.filter(level__in=DUTY_LEVELS).order_by("path")


class RosterForm(ScopedModelForm):
    """The leader, and the staff as offices write them: names in one box, their phones in the same order."""

    leader_phone = PhoneField(label=_("leader's phone"))
    staff_names = forms.CharField(
        label=_("staff on duty"), required=False, max_length=500, help_text=_("Names separated by 、 or commas.")
    )
    staff_phones = forms.CharField(
        label=_("staff phones"), required=False, max_length=500, help_text=_("One phone per name, in the same order.")
    )

    class Meta:
        model = DutyRoster
        fields = ["area", "date", "shift", "leader_name", "leader_phone", "staff_names", "staff_phones", "note"]
        widgets = {"date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        duty_area_field(self)
        self.fields["leader_name"].required = False  # refused by the service, with the day named
        if self.instance.pk:
            self.initial.update(staff_names=self.instance.staff_names, staff_phones=self.instance.staff_phones)

    def clean(self):
        cleaned = super().clean()
        try:
            self.instance.staff = services.parse_staff(cleaned.get("staff_names"), cleaned.get("staff_phones"))
        except ValidationError as error:
            add_errors(self, error)
        return cleaned


class LogEntryForm(ScopedModelForm):
    class Meta:
        model = DutyLogEntry
        fields = ["area", "time", "kind", "counterpart", "text"]
        widgets = {"time": DATETIME, "text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        duty_area_field(self)


# A list of registered records to pick from (party members, households) is offered up to this length.
CHOICES_LIMIT = 1000


class HoldingForm(ScopedModelForm):
    """A pioneer post or a zone: its members are party members the user may see.

    Registered party members (and a zone's households) are picked among those of the record's area: a
    city holds too many for one list. Until the area is known (a new record opened without ``?area=``)
    or where it holds more than CHOICES_LIMIT of them, the field is left out and the page says why."""

    within_area = ("person_holders",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.restrict(self.user).filter(party_member=True)
        self.fields["holders"].queryset = users.order_by("username")
        self.fields["person_holders"].queryset = Person.objects.restrict(self.user).filter(party_member=True)
        area = self.instance.area if self.instance.area_id else self.initial.get("area")
        for name in self.within_area:
            self.limit_to_area(name, area)
        for name in ("holders", "person_holders", "grids", "households"):
            if name in self.fields:
                self.fields[name].widget.attrs["size"] = 6

    def limit_to_area(self, name, area):
        field = self.fields[name]
        choices = field.queryset.within(area) if area is not None else None
        if choices is None or len(choices.values_list("pk", flat=True)[: CHOICES_LIMIT + 1]) > CHOICES_LIMIT:
            del self.fields[name]
            self.fields["area"].help_text = _(
                "Registered party members and households are picked among the area's, once it is saved."
            )
            return
        field.queryset = choices

    def related(self):
        return {name: self.cleaned_data[name] for name in self.Meta.related if name in self.fields}


class PostForm(HoldingForm):
    class Meta:
        model = PioneerPost
        fields = ["area", "organisation", "name", "kind", "place", "holders", "person_holders"]
        related = ["holders", "person_holders"]


class ZoneForm(HoldingForm):
    within_area = ("person_holders", "households")

    class Meta:
        model = ResponsibilityZone
        fields = ["area", "organisation", "name", "grids", "households", "holders", "person_holders"]
        related = ["grids", "households", "holders", "person_holders"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        grids = self.fields["grids"]
        grids.queryset = Area.objects.restrict(self.user).filter(level=Area.Level.GRID).order_by("path")
        if "households" in self.fields:
            self.fields["households"].queryset = self.fields["households"].queryset.order_by("area_path", "address")


class TeamForm(ScopedModelForm):
    leader_phone = PhoneField(label=_("team leader's phone"), required=False)

    class Meta:
        model = VolunteerTeam
        fields = ["area", "name", "leader_name", "leader_phone", "signup_open"]


class VolunteerForm(ScopedModelForm):
    phone = PhoneField(label=_("phone"))

    class Meta:
        model = Volunteer
        fields = ["team", "name", "phone", "skills", "availability", "status"]


class ShiftForm(ScopedModelForm):
    class Meta:
        model = VolunteerShift
        fields = ["team", "kind", "place", "starts_at", "ends_at", "description", "volunteers"]
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME, "volunteers": MULTIPLE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        volunteers = self.fields["volunteers"]
        choices = volunteers.queryset.filter(status=Volunteer.Status.APPROVED).select_related("team")
        team = self.instance.team if self.instance.team_id else self.initial.get("team")
        if team is not None:
            choices = choices.filter(team=team)
        elif len(choices.values_list("pk", flat=True)[: CHOICES_LIMIT + 1]) > CHOICES_LIMIT:
            # Too many to list: the team's page opens this form for the team (?team=).
            del self.fields["volunteers"]
            return
        volunteers.queryset = choices
        volunteers.label_from_instance = lambda volunteer: f"{volunteer.name} ({volunteer.team})"


class SignUpForm(StyledForm):
    """The public sign-up of a volunteer: no login."""

    name = forms.CharField(label=_("Name"), max_length=50)
    phone = PhoneField(label=_("Phone"))
    skills = forms.CharField(label=_("Skills"), max_length=200, required=False, help_text=_("e.g. driving, first aid"))
    availability = forms.CharField(
        label=_("When you can help"), max_length=200, required=False, help_text=_("e.g. weekday evenings")
    )


class CheckForm(StyledForm):
    volunteer = forms.IntegerField(widget=forms.HiddenInput)
