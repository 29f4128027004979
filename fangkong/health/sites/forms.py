from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core import scope
from fangkong.core.fields import PhoneField
from fangkong.core.forms import ScopedModelForm, StyledForm
from fangkong.core.roles import Action

from ..models import Episode
from .models import Room, Site
from .services import SITE_LEVELS


class SiteForm(ScopedModelForm):
    phone = PhoneField(label=_("Phone"))

    class Meta:
        model = Site
        fields = ["name", "kind", "area", "address", "contact", "phone", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        roles = Site.roles_by_action[Action.ADD]
        self.fields["area"].queryset = scope.areas_for(self.user, roles, SITE_LEVELS).order_by("path")
        self.fields["area"].help_text = _(
            "The area that runs the site: everyone working under it may place people there."
        )


class RoomForm(StyledForm):
    """One row of the site's rooms; a row left (or made) empty holds no room."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    label = forms.CharField(label=_("Room"), max_length=20, required=False)
    floor = forms.IntegerField(label=_("Floor"), required=False, min_value=-9, max_value=200)
    capacity = forms.IntegerField(label=_("Beds"), min_value=1, max_value=999, required=False)

    def clean(self):
        data = super().clean()
        if data.get("label") and data.get("capacity") is None and "capacity" not in self.errors:
            self.add_error("capacity", _("How many beds has the room?"))
        if not data.get("label") and data.get("capacity") is not None:
            self.add_error("label", _("Name the room, e.g. 101."))
        return data

    def is_room(self):
        return bool(self.cleaned_data.get("label")) and not self.cleaned_data.get("DELETE")


RoomFormSet = forms.formset_factory(RoomForm, extra=3, can_delete=True)


def rooms_of(formset):
    """The rooms a valid formset keeps, as ``services.save_site`` takes them."""
    return [
        {name: form.cleaned_data.get(name) for name in ("id", "label", "floor", "capacity")}
        for form in formset.forms
        if form.is_room()
    ]


class SiteChoiceField(forms.ModelChoiceField):
    """The sites in use, named with their occupancy: 城关宾馆 (32/40)."""

    def label_from_instance(self, site):
        return f"{site.name} ({site.occupied}/{site.capacity})"


class RoomSelect(forms.Select):
    """Each room's option says its site (``data-site``), so health/sites.js offers the chosen site's rooms only."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-site"] = instance.site_id
        return option


class RoomChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, room):
        return f"{room.site.name} · {room.label} ({room.occupied}/{room.capacity})"


def place_fields(form):
    """Narrow a form's ``site`` and ``room`` to the sites in use that the user sees, with their occupancy."""
    sites = Site.objects.restrict(form.user).filter(active=True).with_occupancy().order_by("area_path", "name")
    rooms = Room.objects.restrict(form.user).filter(site__active=True).with_occupancy().select_related("site")
    form.fields["site"] = SiteChoiceField(
        label=_("Isolation site"), queryset=sites, required=False, help_text=_("For a centralised observation.")
    )
    form.fields["room"] = RoomChoiceField(
        label=_("Room"),
        queryset=rooms.order_by("site__name", "floor", "label"),
        required=False,
        widget=RoomSelect(attrs={"class": "form-select", "data-room-select": ""}),
    )
    form.fields["site"].widget.attrs.update({"class": "form-select", "data-site-select": ""})


class MoveSiteForm(ScopedModelForm):
    """Move a centralised observation to another site or room, saying why."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Episode
        fields = ["site", "room", "place_change_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        place_fields(self)
        self.fields["site"].required = True
        self.fields["place_change_reason"].required = True
        self.initial.setdefault("version", self.instance.version)
