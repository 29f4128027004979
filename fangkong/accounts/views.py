from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from fangkong.core.roles import Action
from fangkong.core.views import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView

from . import services
from .filters import UserFilterSet
from .forms import LoginForm, MembershipForm, UserCreateForm, UserEditForm
from .models import Membership, User
from .tables import UserTable


class ThrottledLoginView(LoginView):
    form_class = LoginForm


class ProfileView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/profile.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            title=_("My profile"),
            memberships=user.memberships.select_related("area").order_by("area__path"),
            has_token=hasattr(user, "auth_token"),
            **kwargs,
        )


class IssueTokenView(LoginRequiredMixin, View):
    def post(self, request):
        token = services.issue_token(request.user)
        messages.success(request, _("Your new API token (shown once, keep it safe): %(key)s") % {"key": token.key})
        return redirect("accounts:profile")


class UserListView(ObjectListView):
    model = User
    table_class = UserTable
    filterset_class = UserFilterSet
    title = gettext_lazy("Users")
    add_url = reverse_lazy("accounts:user-add")

    def get_queryset(self):
        return super().get_queryset().prefetch_related("memberships__area")


class UserView(ObjectDetailView):
    model = User
    template_name = "accounts/user_detail.html"

    def get_context_data(self, **kwargs):
        visible = Membership.objects.restrict(self.request.user).filter(user=self.object).select_related("area")
        return super().get_context_data(
            title=str(self.object),
            memberships=visible,
            hidden_memberships=self.object.memberships.count() - visible.count(),
            can_change=self.user_can(Action.CHANGE, self.object),
            **kwargs,
        )


class UserCreateView(ObjectEditView):
    model = User
    form_class = UserCreateForm

    def get_initial(self):
        return {"area": self.request.GET.get("area", ""), "role": self.request.GET.get("role", "")}

    def save(self, form):
        data = form.cleaned_data
        return services.create_user(
            username=data["username"],
            password=data["password"],
            area=data["area"],
            role=data["role"],
            full_name=data["full_name"],
            phone=data["phone"],
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("New user"), cancel_url=reverse("accounts:user-list"), **kwargs)


class UserEditView(ObjectEditView):
    model = User
    form_class = UserEditForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Edit %(user)s") % {"user": self.object}, cancel_url=self.object.get_absolute_url(), **kwargs
        )


class MembershipCreateView(ObjectEditView):
    model = Membership
    form_class = MembershipForm

    def get_initial(self):
        return {key: self.request.GET.get(key, "") for key in ("user", "area", "role")}

    def get_success_url(self):
        return self.object.user.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Grant a role"), cancel_url=reverse("accounts:user-list"), **kwargs)


class MembershipDeleteView(ObjectDeleteView):
    model = Membership

    def get_success_url(self):
        # Without their last role in this area, the person is out of scope: their page would be a 404.
        if User.objects.restrict(self.request.user).filter(pk=self.object.user_id).exists():
            return self.object.user.get_absolute_url()
        return reverse("accounts:user-list")

    def get_context_data(self, **kwargs):
        return super().get_context_data(cancel_url=self.object.user.get_absolute_url(), **kwargs)
