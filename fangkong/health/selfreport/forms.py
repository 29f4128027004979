import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.forms import StyledForm
from fangkong.health.models import HIGHEST_TEMPERATURE, LOWEST_TEMPERATURE, TEMPERATURE_ERRORS


class SelfCheckForm(StyledForm):
    """A resident's check of one member: a temperature and the symptoms. The key is made when the page
    is shown, so that the form sent twice is saved once."""

    key = forms.RegexField(regex=r"^[A-Za-z0-9_-]{16,48}$", widget=forms.HiddenInput)
    temperature = forms.DecimalField(
        label=_("Temperature (°C)"),
        min_value=LOWEST_TEMPERATURE,
        max_value=HIGHEST_TEMPERATURE,
        decimal_places=1,
        error_messages=TEMPERATURE_ERRORS,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    symptoms = forms.MultipleChoiceField(label=_("Symptoms"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, episode, **kwargs):
        kwargs.setdefault("prefix", f"m{episode.pk}")
        kwargs.setdefault("initial", {"key": secrets.token_urlsafe(16)})
        super().__init__(*args, **kwargs)
        self.episode = episode
        self.fields["symptoms"].choices = episode.protocol.symptom_choices()
        self.fields["symptoms"].widget.attrs.pop("class", None)
