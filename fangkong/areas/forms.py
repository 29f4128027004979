from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.forms import ScopedModelForm

from .models import Area


class GridForm(ScopedModelForm):
    class Meta:
        model = Area
        fields = ["name"]
        labels = {"name": _("Grid name")}
        help_texts = {"name": _("For example: 第一网格 or 东片区. The code is assigned automatically.")}

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        village = self.instance.parent
        taken = Area.objects.filter(parent=village, level=Area.Level.GRID, name=name, retired_on__isnull=True)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This village already has a grid called %(name)s.") % {"name": name})
        return name
