"""Forms of the checkpoints app; the passage form is one vehicle with a row per person."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.areas.forms import DivisionField
from fangkong.areas.models import Area
from fangkong.core import scope
from fangkong.core.fields import IdNumberField, PhoneField
from fangkong.core.forms import AreaPickerWidget, ScopedModelForm, StyledForm
from fangkong.core.roles import Action, Role
from fangkong.health.models import HIGHEST_TEMPERATURE, LOWEST_TEMPERATURE

from . import rules, services
from .models import CHECKPOINT_LEVELS, Checkpoint, CheckpointShift, Passage, Traveller

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CheckpointForm(ScopedModelForm):
    class Meta:
        model = Checkpoint
        fields = ["area", "name", "kind", "road", "location", "hours", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        area = self.fields["area"]
        area.queryset = scope.areas_for(self.user, Checkpoint.roles_by_action[Action.ADD], CHECKPOINT_LEVELS).order_by(
            "path"
        )
        area.label = _("County or town")


class ShiftForm(ScopedModelForm):
    """A shift and its staff: accounts with the checkpoint role over the checkpoint's area."""

    class Meta:
        model = CheckpointShift
        fields = ["checkpoint", "starts_at", "ends_at", "staff", "note"]
        widgets = {"starts_at": DATETIME_INPUT, "ends_at": DATETIME_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checkpoint"].queryset = Checkpoint.objects.restrict(self.user, Action.CHANGE).order_by("name")
        self.fields["staff"].queryset = (
            User.objects.restrict(self.user).filter(memberships__role=Role.CHECKPOINT).distinct().order_by("username")
        )
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def clean(self):
        data = super().clean()
        rules.check_shift(data.get("checkpoint"), data.get("starts_at"), data.get("ends_at"), data.get("staff") or [])
        return data


class DestinationWidget(AreaPickerWidget):
    """The area picker over the villages of the city (any of them: checkpoint staff hand people over to
    villages outside their own area)."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["search_url"] = reverse("checkpoints:destination-search")
        return context


class DestinationField(forms.CharField):
    """A village of the city by code (picked) or by a name that finds exactly one; anything else is a
    destination outside the city, kept as typed. Cleans to an Area or a text."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", DestinationWidget())
        super().__init__(max_length=100, **kwargs)
        self.villages = Area.objects.none()

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return ""
        if text.isdigit():
            village = self.villages.filter(code=text).first()
            if village is None:
                raise ValidationError(_("No village of the city with code %(code)s."), params={"code": text})
            return village
        found = list(self.villages.search(text)[:2])
        return found[0] if len(found) == 1 else text


class PassageForm(ScopedModelForm):
    """The vehicle; ``key`` is made when the form is first shown, so a resent form is one passage."""

    key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    origin = DivisionField(
        label=_("Coming from (county)"),
        help_text=_("Type a few characters or the initials of the county, and pick it."),
    )

    class Meta:
        model = Passage
        fields = ["checkpoint", "plate", "vehicle_kind", "origin", "heading_to", "key"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        checkpoints = services.checkpoints_for(self.user).order_by("name")
        self.fields["checkpoint"].queryset = checkpoints
        if not self.is_bound:
            self.initial.setdefault("key", uuid.uuid4().hex)
            if len(checkpoints[:2]) == 1:
                self.initial.setdefault("checkpoint", checkpoints[0].pk)
        self.fields["plate"].widget.attrs.update(autocomplete="off", autocapitalize="characters")

    def validate_unique(self):
        """A key already saved is a resent form: ``record_passage`` answers with that passage."""


class TravellerForm(StyledForm):
    """One person of the car."""

    name = forms.CharField(label=_("Name"), max_length=50)
    id_number = IdNumberField(label=_("ID number"), required=False)
    phone = PhoneField(label=_("Phone"), required=False)
    origin = DivisionField(label=_("Coming from, if not as the car"), required=False)
    destination = DestinationField(
        label=_("Destination village"),
        required=False,
        help_text=_("Pinyin initials of the village (zlg); a place outside the city is kept as typed."),
    )
    temperature = forms.DecimalField(
        label=_("Temperature (°C)"),
        required=False,
        decimal_places=1,
        min_value=LOWEST_TEMPERATURE,
        max_value=HIGHEST_TEMPERATURE,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Traveller.Decision.choices, initial=Traveller.Decision.LET_THROUGH
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["destination"].villages = villages

    def clean(self):
        data = super().clean()
        destination = data.get("destination")
        data["destination_text"] = destination if isinstance(destination, str) else ""
        data["destination"] = destination if isinstance(destination, Area) else None
        if not self.errors:
            rules.check_traveller(data)
        return data

    def traveller(self, passage_origin):
        data = self.cleaned_data
        traveller = Traveller(
            name=data["name"],
            phone=data["phone"],
            origin=data["origin"] or passage_origin,
            destination=data["destination"],
            destination_text=data["destination_text"],
            temperature=data["temperature"],
            decision=data["decision"],
            reason=data["reason"],
        )
        traveller.id_number = data["id_number"]
        return traveller


class BaseTravellerFormSet(forms.BaseFormSet):
    def __init__(self, *args, villages, **kwargs):
        self.villages = villages
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "villages": self.villages}


TravellerFormSet = forms.formset_factory(
    TravellerForm, formset=BaseTravellerFormSet, extra=0, min_num=1, validate_min=True, max_num=60, validate_max=True
)


class NoteForm(StyledForm):
    note = forms.CharField(label=_("Note"), max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2}))
