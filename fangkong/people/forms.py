"""Forms of the register (persons, households, arrivals, screening)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.renderers import TemplatesSetting
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.areas.models import Area, Division, RiskArea
from fangkong.core import scope
from fangkong.core.fields import IdNumberField, PhoneField
from fangkong.core.forms import ModelMultipleChoiceField, ScopedModelForm, StyledForm
from fangkong.core.roles import Action, Role
from fangkong.core.validators import check_id_number_facts, id_number_facts, not_in_future

from . import services
from .models import ARRIVAL_FIELDS, Arrival, Household, KeyPersonTag, Person, ScreeningRound
from .scoping import NOT_IN_YOUR_AREAS, areas_for_arrivals, areas_for_people, household_areas, village_path

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


class PersonForm(ScopedModelForm):
    """Register or edit a person. The ID number fills in sex and birth date; duplicates are refused."""

    id_number = IdNumberField(
        label=_("ID number"), required=False, help_text=_("18 characters. Sex and birth date are read from it.")
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Person
        fields = [
            "name",
            "id_number",
            "sex",
            "birth_date",
            "phone",
            "area",
            "household",
            "relation_to_head",
            "residency",
            "address",
            "tags",
            "responsible",
            "doctor",
        ]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "tags": forms.CheckboxSelectMultiple,
        }
        field_classes = {"phone": PhoneField, "tags": ModelMultipleChoiceField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.existing = None  # a person already registered with this ID number (services.Existing)
        person = self.instance
        fields = self.fields
        fields["area"].queryset = areas_for_people(user).select_related("parent").order_by("path")
        fields["area"].label = _("Grid or village")
        initial_area = self.initial.get("area")
        keep_area = [person.area] if person.area_id else []
        if initial_area and not isinstance(initial_area, Area):
            keep_area += list(fields["area"].queryset.filter(pk=initial_area))
        limit_choices(fields["area"], fields["area"].queryset, Area.label, keep_area)
        households = Household.objects.restrict(user, Action.VIEW).order_by("area_path", "address")
        fields["household"].queryset = households
        keep_household = [person.household] if person.household_id else []
        if self.initial.get("household"):
            keep_household += list(households.filter(pk=self.initial["household"]))
        limit_choices(fields["household"], households, keep=keep_household)
        fields["responsible"].queryset = services.responsible_candidates(user)
        limit_choices(fields["responsible"], fields["responsible"].queryset, keep=[person.responsible])
        fields["doctor"].queryset = services.responsible_candidates(user, roles=[Role.DOCTOR])
        limit_choices(fields["doctor"], fields["doctor"].queryset, keep=[person.doctor])
        fields["tags"].queryset = KeyPersonTag.objects.all()
        fields["tags"].required = False
        fields["tags"].widget.attrs["class"] = "form-check-input"
        if person.pk:
            fields["version"].initial = person.version
            if not person.shows_birth_date_to(user):
                # The ID number gives the birth date (a new number typed in gives the new one).
                del fields["birth_date"]
            if person.id_number_encrypted:
                # Never put the full number in the page: editing is not a (logged) reveal.
                fields["id_number"].widget.attrs["placeholder"] = person.id_number_masked
                fields["id_number"].help_text = _("Leave empty to keep %(masked)s.") % {
                    "masked": person.id_number_masked
                }
        for name, field in fields.items():
            if name != "tags" and not isinstance(field.widget, forms.HiddenInput):
                css = "form-select-lg" if "form-select" in field.widget.attrs.get("class", "") else "form-control-lg"
                field.widget.attrs["class"] += f" {css}"

    def clean(self):
        data = super().clean()
        check_identity(self, data)
        if data.get("id_number"):
            self.check_duplicate(data["id_number"])
        area, household = data.get("area"), data.get("household")
        if area and household and village_path(area.path) != village_path(household.area_path):
            self.add_error("household", _("This household is in another village than the person's area."))
        return data

    def check_duplicate(self, number):
        try:
            existing = services.find_by_id_number(number, self.user)
        except services.LookupLimitReached as error:
            self.add_error("id_number", error)
            return
        if existing is None or existing.person.pk == self.instance.pk:
            return
        self.existing = existing
        self.add_error("id_number", services.id_number_taken(existing))

    def save(self, commit=True):
        """Through the register's service: the version check, the tags and the change log in one go."""
        person = self.instance
        number = self.cleaned_data.get("id_number")
        if number:
            person.id_number = number
        person.sex = self.cleaned_data["sex"]
        if number:
            person.birth_date = id_number_facts(number)[1]
        elif "birth_date" in self.cleaned_data:
            person.birth_date = self.cleaned_data["birth_date"]
        expected = self.cleaned_data.get("version") if person.pk else None
        return services.save_person(person, expected_version=expected, tags=self.cleaned_data["tags"])


class MoveDecisionForm(forms.Form):
    move = forms.IntegerField()
    decision = forms.ChoiceField(choices=[("accept", "accept"), ("decline", "decline")])


class KeyPersonTagForm(ScopedModelForm):
    class Meta:
        model = KeyPersonTag
        fields = ["code", "name", "name_en"]
        help_texts = {"code": _("Lower-case letters, digits and underscores; used by the API and imports.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Codes are what the API, imports and filters refer to: renaming changes only the names.
            self.fields["code"].disabled = True


# --- households and responsibility ---------------------------------------------------------------

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


class HouseholdForm(ScopedModelForm):
    area = GridChoiceField(label=_("Grid or village"), queryset=Area.objects.none(), to_field_name="code")
    responsible = UserChoiceField(
        label=_("Responsible person"),
        queryset=None,
        required=False,
        help_text=_("The cadre or party member who looks after this household (包组联户)."),
    )
    # The version the form was read at: a save over someone else's newer one is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Household
        fields = ["area", "address", "phone", "responsible", "head", "note"]
        field_classes = {"phone": PhoneField}
        widgets = {
            "address": forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        creating = self.instance.pk is None
        areas = household_areas(user, Action.ADD if creating else Action.CHANGE)
        area_field = self.fields["area"]
        area_field.queryset = areas.select_related("parent")
        area_field.error_messages["invalid_choice"] = NOT_IN_YOUR_AREAS
        if areas.count() > AREA_SELECT_LIMIT:
            area_field.widget = forms.TextInput(attrs={"class": "form-control", "inputmode": "numeric"})
            area_field.help_text = _("The code shown on the area's page, e.g. 611022106200001.")
        responsible = self.fields["responsible"]
        responsible.queryset = services.responsible_candidates(user)
        limit_choices(
            responsible, responsible.queryset, responsible.label_from_instance, keep=[self.instance.responsible]
        )
        if creating:
            if not self.initial.get("area"):
                area = default_area(user, areas)
                if area is not None:
                    self.initial["area"] = area.code
            holds_grid_role = any(role == Role.GRID_WORKER for role, _path in user.memberships_cached())
            if holds_grid_role and not self.initial.get("responsible"):
                self.initial["responsible"] = user.pk
        else:
            self.initial["area"] = self.instance.area.code
            self.initial["version"] = self.instance.version
        # The head is one of the members: none to pick from before any is registered.
        head = self.fields["head"]
        members = Person.objects.restrict(user).filter(household=self.instance.pk).order_by("pk")
        head.queryset = members if self.instance.pk else Person.objects.none()
        if not self.instance.pk:
            del self.fields["head"]


class AddMemberForm(StyledForm):
    """The quick form on a household's page: a name, and the ID number if the person has one."""

    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    id_number = IdNumberField(
        label=_("ID number"),
        required=False,
        help_text=_("Fills in sex and birth date. Someone registered already is linked, not entered twice."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Person.Sex.choices], required=False)
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    phone = PhoneField(label=_("Phone"), max_length=20, required=False, widget=forms.TextInput(attrs={"type": "tel"}))

    def clean(self):
        data = super().clean()
        check_identity(self, data)
        return data


class AssignForm(StyledForm):
    """One responsible cadre (and, for key persons, a village doctor) for many records at once."""

    responsible = UserChoiceField(label=_("Responsible cadre"), queryset=None, required=False)

    def __init__(self, *args, user, with_doctor=False, **kwargs):
        super().__init__(*args, **kwargs)
        responsible = self.fields["responsible"]
        responsible.queryset = services.responsible_candidates(user)
        limit_choices(responsible, responsible.queryset, responsible.label_from_instance)
        if with_doctor:
            doctor = self.fields["doctor"] = UserChoiceField(
                label=_("Village doctor"),
                queryset=services.responsible_candidates(user, roles=[Role.DOCTOR]),
                required=False,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            limit_choices(doctor, doctor.queryset, doctor.label_from_instance)
        else:
            self.fields["responsible"].required = True

    def clean(self):
        data = super().clean()
        if "doctor" in self.fields and not data.get("responsible") and not data.get("doctor"):
            raise forms.ValidationError(_("Choose a responsible cadre, a village doctor or both."))
        return data


# --- arrivals and risk areas -----------------------------------------------------------------------


class DivisionWidget(forms.Widget):
    """A search box over the national division list (people:division-search) that submits a code.

    The code goes in a hidden input; the visible box shows the full name. Without JavaScript the box
    itself is submitted, and a 6-digit code or an exact name typed there is accepted too.
    """

    template_name = "people/arrival_division_widget.html"

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


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ArrivalEditForm(ScopedModelForm):
    """An arrival's own fields: from where, how, when, and health at arrival. The person is edited on
    their own record; a changed origin or date is checked against the risk areas again."""

    origin = DivisionField(
        label=_("Coming from (county)"),
        help_text=_("Type a few characters of the county, its city or province, or their initials, and pick it."),
    )

    class Meta:
        model = Arrival
        fields = ARRIVAL_FIELDS
        widgets = {"arrived_on": DATE_WIDGET, "registered_on": DATE_WIDGET}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        area = self.fields["area"]
        area.queryset = areas_for_arrivals(user).select_related("parent").order_by("path")
        area.label = _("Grid or village")
        area.help_text = _("Where the person stays.")
        area.to_field_name = "code"
        if self.instance.area_id:  # the field takes codes; the instance's initial value is a key
            self.initial["area"] = self.instance.area.code
        keep = list(area.queryset.filter(code=self.initial.get("area") or ""))
        limit_choices(area, area.queryset, Area.label, keep)
        if getattr(area, "truncated", False):
            area.widget = forms.TextInput(attrs={"class": "form-control", "inputmode": "numeric"})
            area.help_text = _("The code of the grid or village, e.g. 611022106200001.")
        area.error_messages["invalid_choice"] = NOT_IN_YOUR_AREAS
        if self.instance.pk:  # a correction: an empty field stays empty
            self.fields["registered_on"].help_text = _("登记时间 on the paper form.")
            self.fields["registrar"].help_text = _("登记人 on the paper form.")
        else:
            self.fields["registered_on"].help_text = _("登记时间 on the paper form; today if left empty.")
            self.fields["registrar"].help_text = _("登记人 on the paper form; your name if left empty.")

    def clean_arrived_on(self):
        return not_in_future(self.cleaned_data["arrived_on"])

    def clean_registered_on(self):
        day = self.cleaned_data.get("registered_on")
        return day and not_in_future(day)


class ArrivalForm(ArrivalEditForm):
    """The arrival register (返乡人员登记表): who, from where, how, when, and their health at arrival."""

    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    id_number = IdNumberField(
        label=_("ID number"),
        help_text=_("18 characters. A person registered already is found by it, never entered twice."),
    )
    sex = forms.ChoiceField(
        label=_("Sex"), choices=Person.Sex.choices, required=False, help_text=_("Read from the ID number.")
    )
    phone = PhoneField(label=_("Phone"), required=False)

    class Meta(ArrivalEditForm.Meta):
        fields = ["name", "id_number", "sex", "phone", *ARRIVAL_FIELDS]

    def clean(self):
        data = super().clean()
        check_identity(self, data)
        return data

    def save(self, commit=True):
        """Find or register the person, then the arrival, in one transaction (the view checks scope)."""
        data = self.cleaned_data
        self.result = services.register_arrival_of(
            self.user, self.instance, data["name"].strip(), data["id_number"], data.get("phone", "")
        )
        return self.result.arrival


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


# --- screening ------------------------------------------------------------------------------------


class RoundForm(ScopedModelForm):
    """Open a screening round over a town or village of the user's area."""

    class Meta:
        model = ScreeningRound
        fields = ["area", "title", "deadline"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"title": _("For example: 第二轮全覆盖排查.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        roles = ScreeningRound.roles_by_action[Action.ADD]
        areas = scope.areas_for(self.user, roles, [Area.Level.TOWN, Area.Level.VILLAGE]).active()
        field = self.fields["area"]
        field.queryset = areas.select_related("parent").order_by("path")
        field.label_from_instance = lambda a: f"{a.parent} {a}" if a.level == Area.Level.VILLAGE else str(a)
        field.help_text = _("A town or a village: every household in it is to be visited.")
        if not self.initial.get("area"):
            only = list(field.queryset[:2])
            if len(only) == 1:  # a village officer: their village
                self.initial["area"] = only[0]

    def clean(self):
        data = super().clean()
        if data.get("area") and data.get("deadline"):
            try:
                services.check_round(data["area"], data["deadline"])
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field, messages)
        return data


class VisitForm(StyledForm):
    """A household's visit: who was home, arrivals (registered right here) and members with fever."""

    visited_on = forms.DateField(
        label=_("Visited on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    members_home = forms.IntegerField(
        label=_("People at home"), min_value=0, max_value=99, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    arrivals_found = forms.BooleanField(label=_("Someone arrived from elsewhere"), required=False)
    arrival_name = forms.CharField(label=_("Name of the person who arrived"), max_length=50, required=False)
    arrival_id_number = IdNumberField(label=_("Their ID number"), required=False)
    arrival_origin = DivisionField(
        label=_("Coming from"), required=False, help_text=_("The county or district: type its name, initials or code.")
    )
    arrival_date = forms.DateField(
        label=_("Arrival date"),
        required=False,
        help_text=_("Empty: the day of the visit."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    arrival_fever = forms.BooleanField(label=_("The person who arrived has fever or symptoms"), required=False)
    symptoms_found = forms.BooleanField(label=_("Someone has fever or symptoms"), required=False)
    fever_members = ModelMultipleChoiceField(
        label=_("Who has fever or symptoms"), queryset=Person.objects.none(), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, household, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["fever_members"]
        # Only members the user may change: a member registered in a grid they cannot see is neither
        # listed nor accepted (services.record_visit refuses them too).
        field.queryset = household.members.restrict(user, Action.CHANGE).order_by("id")
        field.widget = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})
        field.widget.choices = field.choices

    def clean_visited_on(self):
        return not_in_future(self.cleaned_data["visited_on"])

    def clean_arrival_date(self):
        value = self.cleaned_data["arrival_date"]
        return value and not_in_future(value)

    def clean(self):
        data = super().clean()
        given = any(data.get(name) for name in ("arrival_name", "arrival_id_number", "arrival_origin"))
        if given:
            data["arrivals_found"] = True
            if not data.get("arrival_origin") and "arrival_origin" not in self.errors:
                self.add_error("arrival_origin", _("Where did they come from? Pick the county or district."))
            if not data.get("arrival_name") and not data.get("arrival_id_number"):
                self.add_error("arrival_name", services.NAME_OR_ID_NUMBER)
        if data.get("fever_members"):
            data["symptoms_found"] = True
        return data

    def arrivals(self):
        """The arrival typed into the form, for services.record_visit."""
        data = self.cleaned_data
        if not data.get("arrival_origin"):
            return []
        return [
            services.ArrivalFound(
                name=data["arrival_name"].strip(),
                origin=data["arrival_origin"],
                id_number=data["arrival_id_number"],
                arrived_on=data["arrival_date"],
                fever=data["arrival_fever"],
            )
        ]

    def visit_values(self):
        names = ("visited_on", "members_home", "arrivals_found", "symptoms_found", "note")
        return {name: self.cleaned_data[name] for name in names}
