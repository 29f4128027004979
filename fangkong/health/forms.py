import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.forms import ScopedModelForm, StyledForm

from .models import (
    HIGHEST_TEMPERATURE,
    LOWEST_TEMPERATURE,
    PROTOCOL_FIELDS,
    TEMPERATURE_ERRORS,
    Check,
    Episode,
    Protocol,
)
from .sites.forms import place_fields

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class DayNumbersField(forms.CharField):
    """Day numbers of an observation typed on one line, "1, 7, 13" (commas, 、 or spaces between them);
    the model's validator then checks their range and order."""

    def prepare_value(self, value):
        return ", ".join(str(day) for day in value) if isinstance(value, list) else value

    def to_python(self, value):
        parts = [part for part in re.split(r"[\s,，、;；]+", super().to_python(value)) if part]
        if not all(part.isascii() and part.isdigit() for part in parts):
            raise ValidationError(_("List the test days as whole numbers, e.g. 1, 7, 13."), code="invalid")
        return [int(part) for part in parts]


class ProtocolForm(ScopedModelForm):
    test_days = DayNumbersField(
        label=_("test days"),
        required=False,
        help_text=_("The days on which a nucleic-acid sample is due, e.g. 1, 7, 13; day 1 is the start."),
    )

    class Meta:
        model = Protocol
        fields = PROTOCOL_FIELDS
        widgets = {
            "effective_from": DATE_INPUT,
            "morning_from": TIME_INPUT,
            "morning_until": TIME_INPUT,
            "evening_from": TIME_INPUT,
            "evening_until": TIME_INPUT,
        }


class EpisodeForm(ScopedModelForm):
    """Open an observation of the person named in the URL; the protocol in force sets the planned end.
    A centralised one names its isolation site (and room)."""

    class Meta:
        model = Episode
        fields = ["kind", "site", "room", "reason", "start_on"]
        widgets = {"start_on": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        place_fields(self)
        self.fields["kind"].widget.attrs["data-kind-select"] = ""


class MoveEndForm(ScopedModelForm):
    """Extend or shorten an observation, saying why."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Episode
        fields = ["planned_end_on", "end_change_reason"]
        widgets = {"planned_end_on": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end_change_reason"].required = True
        self.initial.setdefault("version", self.instance.version)


class CheckForm(StyledForm):
    """The quick check of today's work: a temperature and the symptoms, none ticked by default."""

    key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    temperature = forms.DecimalField(
        label=_("Temperature (°C)"),
        min_value=LOWEST_TEMPERATURE,
        max_value=HIGHEST_TEMPERATURE,
        decimal_places=1,
        error_messages=TEMPERATURE_ERRORS,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal", "autofocus": True}),
    )
    symptoms = forms.MultipleChoiceField(label=_("Symptoms"), required=False, widget=forms.CheckboxSelectMultiple)
    taken_at = forms.DateTimeField(
        label=_("Taken at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty for now; a missed check may be entered later, within the back-fill window."),
    )
    source = forms.ChoiceField(label=_("Source"), choices=Check.Source.choices, initial=Check.Source.WORKER)

    def __init__(self, *args, protocol, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["symptoms"].choices = protocol.symptom_choices()
        self.fields["symptoms"].widget.attrs.pop("class", None)

    def clean_taken_at(self):
        return self.cleaned_data["taken_at"] or timezone.now()
