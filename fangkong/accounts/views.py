import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from django.views.i18n import set_language as django_set_language

from fangkong.core.roles import Action
from fangkong.core.views import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView

from . import services
from .filters import UserFilterSet
from .forms import LanguageForm, LoginForm, MembershipForm, UserCreateForm, UserEditForm
from .models import Membership, User
from .tables import UserTable


def remember_language(response, language):
    """The cookie of the interface's language (the one Django's set_language sets), on ``response``."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def set_language(request):
    """The footer's language menu: Django's set_language (the cookie, back to the page), and for a
    signed-in user their saved language too, so their alerts and notices and their next login use it."""
    response = django_set_language(request)
    language = request.POST.get("language") if request.method == "POST" else None
    if language in dict(settings.LANGUAGES) and request.user.is_authenticated and request.user.language != language:
        services.set_language(request.user, language)
    return response


class LoginView(auth_views.LoginView):
    """Signing in on a device without a language chosen yet (no cookie) shows the user's saved
    language, if they chose one other than the site's; otherwise the browser's, as before."""

    form_class = LoginForm

    def form_valid(self, form):
        response = super().form_valid(form)
        language = form.get_user().language
        if settings.LANGUAGE_COOKIE_NAME not in self.request.COOKIES and language != settings.LANGUAGE_CODE:
            remember_language(response, language)
        return response


def locked_out(request, original_response=None, credentials=None):
    """What django-axes answers, on any login page, once a user name has failed too often from one address."""
    minutes = math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


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


class LanguageView(LoginRequiredMixin, FormView):
    """My language: the one my alerts and notices are written in, whoever raised them; the interface
    switches to it too."""

    form_class = LanguageForm
    template_name = "core/object_edit.html"

    def get_initial(self):
        return {"language": self.request.user.language}

    def form_valid(self, form):
        language = form.cleaned_data["language"]
        services.set_language(self.request.user, language)
        translation.activate(language)
        messages.success(self.request, _("Your language is saved: your alerts and notices are written in it."))
        # The cookie of the footer's language menu, so the interface follows.
        response = remember_language(redirect("accounts:profile"), language)
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("My language"), object=None, cancel_url=reverse("accounts:profile"), **kwargs
        )


class IssueTokenView(ProfileView):
    """Issues a token and shows it on the page that answers the POST: the key is never stored in the
    messages cookie or the session, and it cannot be shown again. A GET (the address opened again
    after the login that followed an expired session's POST) shows the profile."""

    def get(self, request):
        return redirect("accounts:profile")

    def post(self, request):
        token = services.issue_token(request.user)
        response = self.render_to_response(self.get_context_data(new_token=token.key))
        add_never_cache_headers(response)
        return response


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
        removable = Membership.objects.restrict(self.request.user, Action.DELETE).filter(user=self.object)
        return super().get_context_data(
            title=str(self.object),
            memberships=visible,
            removable=set(removable.values_list("pk", flat=True)),  # a Remove button only where it works
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
