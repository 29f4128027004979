from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AlertPreference


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class AlertPreferenceForm(forms.ModelForm):
    class Meta:
        model = AlertPreference
        fields = ["fever", "symptom", "missed_check"]
