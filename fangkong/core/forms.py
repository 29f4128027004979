from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import Action
from .validators import validate_plausible_date

# SQLite keeps integers in 8 bytes: a longer number in a query raises OverflowError there (a 500).
# Fields that reach a query refuse such numbers as invalid input instead, on every database.
LARGEST_INTEGER = 2**63 - 1


def too_large(value):
    """Whether a number, or a text of digits, is past what a database stores as an integer."""
    if isinstance(value, int | float | Decimal):
        return abs(value) > LARGEST_INTEGER
    if isinstance(value, str):
        text = value.strip().lstrip("+-")
        return text.isascii() and text.isdigit() and int(text) > LARGEST_INTEGER
    return False  # a record, a date: already looked up or parsed


def validate_not_too_large(value):
    for item in value if isinstance(value, list | tuple) else [value]:
        if item is not None and too_large(item):
            raise ValidationError(
                _("%(value)s is too large a number."), code="too_large", params={"value": str(item).strip()[:30]}
            )


def bound_dates(form):
    """Every date and date-time input of the form (those of a range included) within plausible years."""
    for field in form.fields.values():
        for part in getattr(field, "fields", None) or [field]:
            if isinstance(part, forms.DateField | forms.DateTimeField):
                part.validators.append(validate_plausible_date)


def style_widgets(form):
    """Bootstrap classes on every widget, so templates can render fields plainly."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def add_errors(form, error):
    """Put a Django ValidationError (from a service, after the form validated) on the form: each
    message on its field, or above the form when the form has no such field."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)
        bound_dates(self)


class ScopedModelForm(forms.ModelForm):
    """A model form whose choices of related records are limited to what the user may use."""

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "restrict"):
                field.queryset = queryset.restrict(user, Action.VIEW)
        style_widgets(self)
        bound_dates(self)


def prefill(form, **values):
    """Initial values for the fields still empty. ``initial.setdefault`` does not do it on a model form:
    its initial holds every field of the instance, None or "" on a new record."""
    for name, value in values.items():
        if form.initial.get(name) in (None, ""):
            form.initial[name] = value


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, except that an id too large for the database is an invalid choice, not a 500."""

    def _check_values(self, value):
        for key in value:
            if too_large(key):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": key}
                )
        return super()._check_values(value)


class AreaPickerWidget(forms.Widget):
    """A search box over the user's areas (the areas API: name, pinyin, initials or code) that submits
    the chosen area's code, so URLs and the API keep the code. Without JavaScript the typed text is
    submitted instead, and AreaFilter looks it up."""

    template_name = "core/area_picker.html"
    # Where the code in the box is named from: the user's own areas, as a filterset sets it (a code of
    # another county stays a bare code); None, every area.
    areas = None

    def value_from_datadict(self, data, files, name):
        return (data.get(name) or "").strip() or (data.get(f"{name}_text") or "").strip()

    def render(self, name, value, attrs=None, renderer=None):
        return super().render(name, value, attrs, TemplatesSetting())  # the template is the project's

    def get_context(self, name, value, attrs):
        from fangkong.areas.models import Area

        context = super().get_context(name, value, attrs)
        code = text = context["widget"]["value"] or ""
        areas = Area.objects.all() if self.areas is None else self.areas
        area = areas.filter(code=code).select_related("parent").first() if code.isdigit() else None
        if area is not None:
            grid = area.level == Area.Level.GRID and area.parent  # 竹林关村 第一网格, as the suggestions name it
            text = f"{area.parent.short_name} {area.short_name}" if grid else area.short_name
        else:
            code = ""  # typed text stays in the box, to be corrected or picked
        context["widget"].update(code=code, text=text, search_url=reverse("area-list"))
        return context


class ImportForm(StyledForm):
    file = forms.FileField(label=_("File (xlsx, xls or csv)"))
    all_or_nothing = forms.BooleanField(
        label=_("All or nothing"),
        required=False,
        help_text=_("Import nothing if any row has an error. Otherwise the valid rows are imported."),
    )
