from django import forms
from django.db.models import Q
from django.forms.renderers import TemplatesSetting
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.core.forms import ScopedModelForm

from .models import Area, Division, RiskArea


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


class DivisionWidget(forms.Widget):
    """A search box over the national division list (people:division-search) that submits a code.

    The code goes in a hidden input; the visible box shows the full name. Without JavaScript the box
    itself is submitted, and a 6-digit code or an exact name typed there is accepted too.
    """

    template_name = "areas/division_widget.html"

    def __init__(self, levels=(Division.Level.COUNTY,), attrs=None):
        super().__init__(attrs)
        self.levels = tuple(levels)

    def value_from_datadict(self, data, files, name):
        return (data.get(name) or "").strip() or (data.get(f"{name}_text") or "").strip()

    def render(self, name, value, attrs=None, renderer=None):
        # The project's templates, where this widget's template lives (the default form renderer
        # only looks in Django's own).
        return super().render(name, value, attrs, TemplatesSetting())

    def format_value(self, value):
        return "" if value is None else str(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        text = value = context["widget"]["value"]
        if value:
            division = Division.objects.filter(code=value).first()
            if division is not None:
                value, text = division.code, division.full_name
            else:
                value = ""  # an unknown entry stays in the box to be corrected
        context["widget"].update(
            value=value,
            text=text,
            levels=",".join(self.levels),
            search_url=reverse("people:division-search"),
        )
        return context


class DivisionField(forms.ModelChoiceField):
    """A division of the national list, by code (or exact name); only the given levels are accepted."""

    def __init__(self, levels=(Division.Level.COUNTY,), **kwargs):
        self.levels = tuple(levels)
        kwargs.setdefault("widget", DivisionWidget(levels))
        super().__init__(queryset=Division.objects.select_related("parent"), to_field_name="code", **kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):  # a model form's initial value is the key, the page shows the code
            return Division.objects.filter(pk=value).values_list("code", flat=True).first()
        return super().prepare_value(value)

    def to_python(self, value):
        text = (value or "").strip()
        if text in self.empty_values:
            return None
        if text.isdigit():
            return Division.by_code(text, self.levels)
        matches = list(Division.objects.filter(Q(full_name=text) | Q(name=text))[:2])
        if not matches:
            raise forms.ValidationError(
                _("No place called %(name)s in the national division list: pick one from the suggestions."),
                params={"name": text},
            )
        if len(matches) > 1:
            raise forms.ValidationError(
                _("Several places are called %(name)s: pick one from the suggestions."), params={"name": text}
            )
        return matches[0].of_level(self.levels)


class RiskAreaForm(ScopedModelForm):
    division = DivisionField(
        levels=tuple(Division.Level.values),
        label=_("Division"),
        help_text=_("A province, prefecture or county: everything inside it is a risk area."),
    )

    class Meta:
        model = RiskArea
        fields = ["division", "level", "valid_from", "valid_until", "note"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean(self):
        data = super().clean()
        division, start, end = data.get("division"), data.get("valid_from"), data.get("valid_until")
        if division and start and not (end and end < start):
            overlapping = RiskArea.objects.filter(division=division).exclude(pk=self.instance.pk)
            overlapping = overlapping.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start))
            if end:
                overlapping = overlapping.filter(valid_from__lte=end)
            clash = overlapping.first()
            if clash:
                self.add_error(
                    "valid_from",
                    _("%(division)s is already a risk area from %(start)s to %(end)s: change that one instead.")
                    % {
                        "division": division.full_name,
                        "start": clash.valid_from,
                        "end": clash.valid_until or _("further notice"),
                    },
                )
        return data
