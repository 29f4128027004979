"""What the register's forms share: choice limits, the default area, the identity check."""

from django import forms
from django.core.exceptions import ValidationError

from fangkong.areas.models import Area
from fangkong.core.roles import Action
from fangkong.core.validators import check_id_number_facts

from ..models import Household

# Options rendered in a select: enough for a village's grids or a town's villages, light on a phone.
SELECT_LIMIT = 300


def limit_choices(field, queryset, label=str, keep=()):
    """Render at most SELECT_LIMIT options (plus the ones in ``keep``); any record of the field's
    queryset is still accepted."""
    shown = list(queryset[:SELECT_LIMIT])
    shown_pks = {obj.pk for obj in shown}
    extra = [obj for obj in keep if obj is not None and obj.pk not in shown_pks]
    key = field.to_field_name or "pk"
    field.widget.choices = [("", "---------"), *((getattr(obj, key), label(obj)) for obj in [*extra, *shown])]
    field.truncated = len(shown) == SELECT_LIMIT


def check_identity(form, data):
    """The ID number fills in, or contradicts, the sex (and the birth date, where the form asks for it)."""
    try:
        check_id_number_facts(data.get("id_number"), data, birth_date="birth_date" in form.fields)
    except ValidationError as error:
        form.add_error(None, error)


# Past this many areas a select is useless on a phone: the area is typed by its code instead.
AREA_SELECT_LIMIT = 300


def default_area(user, areas):
    """The user's own grid (or village) when they may file households there."""
    for level in (Area.Level.GRID, Area.Level.VILLAGE):
        for role, path in user.memberships_cached():
            if role in Household.roles_by_action[Action.ADD]:
                area = areas.filter(path=path, level=level).first()
                if area is not None:
                    return area
    return None


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.username})" if obj.full_name else obj.username


class GridChoiceField(forms.ModelChoiceField):
    """A grid shown with its village (竹林关村 第一网格): every village has a 第一网格."""

    def label_from_instance(self, obj):
        return obj.label()


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
