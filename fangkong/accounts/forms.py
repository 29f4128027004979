from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from fangkong.areas.models import Area
from fangkong.core import scope
from fangkong.core.forms import ScopedModelForm, StyledForm, style_widgets
from fangkong.core.roles import Action, Role

from .models import Membership, User, grantable_roles


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class AreaCodeField(forms.ModelChoiceField):
    """An area typed by its code: a select of ten thousand areas is useless on a phone."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        super().__init__(queryset=Area.objects.active(), to_field_name="code", **kwargs)
        self.error_messages["invalid_choice"] = _("No area with this code in your scope.")


class MembershipFieldsMixin:
    def limit_membership_fields(self, user):
        self.fields["role"].choices = grantable_roles(user)

    def clean_area(self):
        area = self.cleaned_data["area"]
        if not scope.can(self.user, Action.ADD, Membership, area.path):
            raise forms.ValidationError(_("You can only grant roles inside your own area."))
        return area


class UserCreateForm(MembershipFieldsMixin, ScopedModelForm):
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput, strip=False)
    area = AreaCodeField(label=_("Area code"), help_text=_("The code shown on the area's page, e.g. 611022106200."))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    class Meta:
        model = User
        fields = ["username", "full_name", "phone", "party_member"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.limit_membership_fields(user)

    def clean_password(self):
        password = self.cleaned_data["password"]
        password_validation.validate_password(password, User(username=self.data.get("username", "")))
        return password


class LanguageForm(StyledForm):
    """The language of my alerts and notices (and of the interface)."""

    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class UserEditForm(ScopedModelForm):
    new_password = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput,
        strip=False,
        required=False,
        help_text=_("Leave empty to keep the current password."),
    )

    class Meta:
        model = User
        fields = ["full_name", "phone", "party_member", "is_active"]

    def clean_new_password(self):
        password = self.cleaned_data["new_password"]
        if password:
            password_validation.validate_password(password, self.instance)
        return password

    def save(self, commit=True):
        if self.cleaned_data.get("new_password"):
            self.instance.set_password(self.cleaned_data["new_password"])
        return super().save(commit)


class MembershipForm(MembershipFieldsMixin, ScopedModelForm):
    area = AreaCodeField(label=_("Area code"))

    class Meta:
        model = Membership
        fields = ["user", "area", "role"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.limit_membership_fields(user)

    def clean(self):
        data = super().clean()
        if Membership.objects.filter(user=data.get("user"), area=data.get("area"), role=data.get("role")).exists():
            raise forms.ValidationError(_("This person already has this role here."))
        return data
