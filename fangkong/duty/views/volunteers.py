"""Volunteer teams, volunteers and their shifts; the public sign-up page (no login) behind a team's QR code."""

import segno
from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.generic import View

from fangkong.areas.models import Area
from fangkong.core.roles import Action
from fangkong.core.views import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView

from .. import services
from ..filters import ShiftFilterSet, TeamFilterSet, VolunteerFilterSet
from ..forms import ShiftForm, SignUpForm, TeamForm, VolunteerForm
from ..models import Assignment, Volunteer, VolunteerShift, VolunteerTeam
from ..tables import ShiftTable, TeamTable, VolunteerTable

RATE_LIMITED = 429


def teams_with_hours(queryset):
    return services.with_hours(queryset, "volunteers__assignments__").annotate(
        volunteer_count=Count("volunteers", distinct=True)
    )


class TeamListView(ObjectListView):
    model = VolunteerTeam
    table_class = TeamTable
    filterset_class = TeamFilterSet
    title = gettext_lazy("Volunteer teams")
    add_url = reverse_lazy("duty:team-add")

    def get_queryset(self):
        return teams_with_hours(super().get_queryset().select_related("area"))


class TeamView(ObjectDetailView):
    """A team: its sign-up link and QR code, volunteers with their hours, shifts."""

    model = VolunteerTeam
    template_name = "duty/team_detail.html"

    def get_queryset(self):
        return teams_with_hours(super().get_queryset().select_related("area"))

    def get_context_data(self, **kwargs):
        team = self.object
        signup_url = self.request.build_absolute_uri(team.get_signup_url())
        volunteers = services.with_hours(
            Volunteer.objects.restrict(self.request.user).filter(team=team), "assignments__"
        )
        return super().get_context_data(
            signup_url=signup_url,
            qr=segno.make(signup_url, error="m").svg_data_uri(scale=4, border=2),
            volunteers=volunteers,
            shifts=services.shifts_with_counts(team.shifts.all())[:20],
            can_change=self.user_can(Action.CHANGE, team),
            **kwargs,
        )


class TeamEditView(ObjectEditView):
    model = VolunteerTeam
    form_class = TeamForm

    def get_initial(self):
        code = self.request.GET.get("area", "")[:20]
        area = Area.objects.restrict(self.request.user).filter(code=code).first() if code else None
        return {"area": area} if area else {}

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        title = _("Edit %(name)s") % {"name": self.object} if self.object.pk else _("New volunteer team")
        return super().get_context_data(title=title, cancel_url=reverse("duty:team-list"), **kwargs)


class TeamDeleteView(ObjectDeleteView):
    model = VolunteerTeam
    success_url = reverse_lazy("duty:team-list")


class VolunteerListView(ObjectListView):
    model = Volunteer
    table_class = VolunteerTable
    filterset_class = VolunteerFilterSet
    title = gettext_lazy("Volunteers")
    add_url = reverse_lazy("duty:volunteer-add")

    def get_queryset(self):
        return services.with_hours(super().get_queryset().select_related("team"), "assignments__")


class VolunteerView(ObjectDetailView):
    model = Volunteer
    template_name = "duty/volunteer_detail.html"

    def get_queryset(self):
        return services.with_hours(super().get_queryset().select_related("team"), "assignments__")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_change=self.user_can(Action.CHANGE, self.object),
            assignments=self.object.assignments.select_related("shift").order_by("-shift__starts_at"),
            **kwargs,
        )


class VolunteerEditView(ObjectEditView):
    model = Volunteer
    form_class = VolunteerForm

    def save(self, form):
        return services.save_volunteer(form.instance, self.request.user)

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        title = _("Edit %(name)s") % {"name": self.object} if self.object.pk else _("New volunteer")
        return super().get_context_data(title=title, cancel_url=reverse("duty:volunteer-list"), **kwargs)


class VolunteerDeleteView(ObjectDeleteView):
    model = Volunteer
    success_url = reverse_lazy("duty:volunteer-list")


class VolunteerDecideView(VolunteerView):
    """An officer approves or declines a volunteer (POST ``status``); GET shows the volunteer to those who may."""

    action = Action.CHANGE

    def post(self, request, pk):
        volunteer = self.get_object()
        status = request.POST.get("status")
        if status in (Volunteer.Status.APPROVED, Volunteer.Status.DECLINED):
            services.decide(volunteer, request.user, status)
            messages.success(
                request, _("%(name)s: %(status)s") % {"name": volunteer, "status": volunteer.get_status_display()}
            )
        return redirect(volunteer)


class ShiftListView(ObjectListView):
    model = VolunteerShift
    table_class = ShiftTable
    filterset_class = ShiftFilterSet
    title = gettext_lazy("Volunteer shifts")
    add_url = reverse_lazy("duty:shift-add")

    def get_queryset(self):
        return services.shifts_with_counts(super().get_queryset().select_related("team"))


class ShiftView(ObjectDetailView):
    model = VolunteerShift
    template_name = "duty/shift_detail.html"

    def get_queryset(self):
        assignments = Assignment.objects.select_related("volunteer").order_by("volunteer__name")
        return super().get_queryset().select_related("team").prefetch_related(Prefetch("assignments", assignments))

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_change=self.user_can(Action.CHANGE, self.object), **kwargs)


class ShiftEditView(ObjectEditView):
    model = VolunteerShift
    form_class = ShiftForm

    def get_initial(self):
        pk = self.request.GET.get("team", "")[:18]
        team = VolunteerTeam.objects.restrict(self.request.user).filter(pk=pk).first() if pk.isdigit() else None
        return {"team": team} if team else {}

    def save(self, form):
        volunteers = form.cleaned_data.get("volunteers")
        return services.save_shift(form.instance, None if volunteers is None else list(volunteers))

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        title = _("Edit %(name)s") % {"name": self.object} if self.object.pk else _("New volunteer shift")
        return super().get_context_data(title=title, cancel_url=reverse("duty:shift-list"), **kwargs)


class ShiftDeleteView(ObjectDeleteView):
    model = VolunteerShift
    success_url = reverse_lazy("duty:shift-list")


class ShiftCheckView(ShiftView):
    """Check a volunteer of the shift in or out (POST ``volunteer`` and ``what``: in or out); GET shows the
    shift to those who may."""

    action = Action.CHANGE

    def post(self, request, pk):
        shift = self.get_object()
        volunteer = request.POST.get("volunteer", "")
        assignment = shift.assignments.filter(volunteer_id=volunteer if volunteer.isdigit() else None).first()
        if assignment is None:
            messages.error(request, _("This volunteer is not on the shift."))
            return redirect(shift)
        check = services.check_out if request.POST.get("what") == "out" else services.check_in
        try:
            check(assignment)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(shift)


@method_decorator(never_cache, name="dispatch")
class SignUpView(View):
    """No login: anyone with the team's link or QR code signs up; an officer then approves. Rate-limited per
    link and per address; one phone signs up once per team."""

    template_name = "duty/signup.html"

    def dispatch(self, request, token):
        self.team = VolunteerTeam.objects.filter(signup_token=token, signup_open=True).select_related("area").first()
        if self.team is None:
            return TemplateResponse(request, "duty/signup_closed.html", {"title": _("Link not valid")}, status=404)
        return super().dispatch(request, token)

    def render(self, form, status=200):
        context = {"title": _("Volunteer sign-up: %(team)s") % {"team": self.team}, "team": self.team, "form": form}
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request, token):
        return self.render(SignUpForm())

    def post(self, request, token):
        form = SignUpForm(request.POST)
        if not services.allow_signup(token, get_client_ip_address(request) or ""):
            messages.error(request, _("Too many sign-ups from here in the last hour: please try again later."))
            return self.render(form, status=RATE_LIMITED)
        if not form.is_valid():
            return self.render(form, status=400)
        data = form.cleaned_data
        volunteer, created = services.sign_up(
            self.team, data["name"], data["phone"], data["skills"], data["availability"]
        )
        if created:
            messages.success(
                request,
                _("Thank you, %(name)s: the team will call you once an officer approves.") % {"name": data["name"]},
            )
        else:
            messages.info(
                request,
                _("This phone has signed up for %(team)s already; nothing was added. Status: %(status)s.")
                % {"team": self.team, "status": volunteer.get_status_display()},
            )
        return redirect(request.path)


urlpatterns = [
    path("teams/", TeamListView.as_view(), name="team-list"),
    path("teams/add/", TeamEditView.as_view(), name="team-add"),
    path("teams/<int:pk>/", TeamView.as_view(), name="team"),
    path("teams/<int:pk>/edit/", TeamEditView.as_view(), name="team-edit"),
    path("teams/<int:pk>/delete/", TeamDeleteView.as_view(), name="team-delete"),
    path("volunteers/", VolunteerListView.as_view(), name="volunteer-list"),
    path("volunteers/add/", VolunteerEditView.as_view(), name="volunteer-add"),
    path("volunteers/<int:pk>/", VolunteerView.as_view(), name="volunteer"),
    path("volunteers/<int:pk>/edit/", VolunteerEditView.as_view(), name="volunteer-edit"),
    path("volunteers/<int:pk>/delete/", VolunteerDeleteView.as_view(), name="volunteer-delete"),
    path("volunteers/<int:pk>/decide/", VolunteerDecideView.as_view(), name="volunteer-decide"),
    path("shifts/", ShiftListView.as_view(), name="shift-list"),
    path("shifts/add/", ShiftEditView.as_view(), name="shift-add"),
    path("shifts/<int:pk>/", ShiftView.as_view(), name="shift"),
    path("shifts/<int:pk>/edit/", ShiftEditView.as_view(), name="shift-edit"),
    path("shifts/<int:pk>/delete/", ShiftDeleteView.as_view(), name="shift-delete"),
    path("shifts/<int:pk>/check/", ShiftCheckView.as_view(), name="shift-check"),
]
public_urlpatterns = [path("v/<str:token>/", SignUpView.as_view(), name="volunteer-signup")]
