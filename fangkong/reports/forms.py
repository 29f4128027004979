from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.areas.models import Area
from fangkong.core import indicators
from fangkong.core.forms import ScopedModelForm

from .models import ReportForm


class CodesField(forms.CharField):
    """Indicator codes, one a line (or separated by commas or spaces), as the list the model keeps."""

    widget = forms.Textarea(attrs={"rows": 6})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value)
        return [code for code in text.replace(",", " ").split() if code]


class ReportFormForm(ScopedModelForm):
    indicators = CodesField(label=_("Indicators in order"), required=False)
    hidden = CodesField(label=_("Hidden indicators"), required=False)

    class Meta:
        model = ReportForm
        fields = ["area", "name", "unit", "signer", "indicators", "hidden"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        area = self.fields["area"]
        # A form is set for a town or above (a village uses its town's): a short list, even for the city.
        levels = [Area.Level.CITY, Area.Level.COUNTY, Area.Level.TOWN]
        area.queryset = area.queryset.filter(level__in=levels).order_by("path")
        available = "; ".join(f"{code} {item.name}" for code, item in indicators.REGISTRY.items())
        self.fields["indicators"].help_text = _("One code a line; those not listed follow. Codes: %(codes)s") % {
            "codes": available
        }


class ConfirmForm(forms.Form):
    remarks = forms.CharField(
        label=_("Remarks"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
