"""Who is on duty now, an area's duty page, the roster and its import, missing rosters, the duty log."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from fangkong.areas.models import Area
from fangkong.core import scope
from fangkong.core.roles import Action
from fangkong.core.views import (
    BulkImportView,
    ImportErrorsView,
    ImportTemplateView,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedViewMixin,
    get_object_in_scope_or_404,
)

from .. import services
from ..filters import LogFilterSet, MissingRosterFilterSet, RosterFilterSet
from ..forms import LogEntryForm, RosterForm
from ..imports import RosterImporter
from ..models import (
    DUTY_LEVELS,
    DutyLogEntry,
    DutyRoster,
    MissingRoster,
    PioneerPost,
    ResponsibilityZone,
    VolunteerTeam,
)
from ..tables import LogTable, MissingRosterTable, RosterTable

# The roster days an area's page shows ahead, today included.
DAYS_AHEAD = 7


class OnDutyNowView(ScopedViewMixin, TemplateView):
    """Every area of the user's scope that keeps a roster (or those within ``?area=``), with its shift on duty
    now: one look from any level above."""

    model = DutyRoster
    template_name = "duty/now.html"

    def get(self, request, *args, **kwargs):
        if not self.user_can(Action.VIEW):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        areas = services.duty_areas(Area.objects.restrict(self.request.user))
        within = Area.objects.filter(code=self.request.GET.get("area", "")[:20]).first()
        if within is not None:
            areas = areas.within(within)
        areas = list(areas.order_by("path")[:500])
        rosters = services.on_duty_now(
            DutyRoster.objects.restrict(self.request.user).filter(area__in=[area.pk for area in areas])
        )
        by_area = {}
        for roster in rosters:
            by_area.setdefault(roster.area_id, roster)
        rows = [(area, by_area.get(area.pk)) for area in areas]
        return super().get_context_data(
            title=_("On duty now"), rows=rows, missing=sum(1 for _a, r in rows if r is None), within=within, **kwargs
        )


class AreaDutyView(ScopedViewMixin, TemplateView):
    """An area's duty: on duty now, the coming days' roster, hand-overs waiting, the log; its pioneer posts,
    responsibility zones and volunteer teams."""

    model = Area
    template_name = "duty/area.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        area = get_object_in_scope_or_404(Area, user, code=self.kwargs["code"])
        keeps_roster = area.level in DUTY_LEVELS
        context = {"title": _("Duty of %(area)s") % {"area": area}, "area": area, "keeps_roster": keeps_roster}
        if keeps_roster:
            today = timezone.localdate()
            rosters = DutyRoster.objects.restrict(user).filter(area=area)
            coming = rosters.filter(date__gte=today, date__lt=today + datetime.timedelta(days=DAYS_AHEAD))
            by_date = {}
            for roster in coming.order_by("date", "shift"):
                by_date.setdefault(roster.date, []).append(roster)
            days = [today + datetime.timedelta(days=n) for n in range(DAYS_AHEAD)]
            log = DutyLogEntry.objects.restrict(user).filter(area=area).select_related("author")
            context.update(
                now=services.on_duty_now(rosters).first(),
                days=[(day, by_date.get(day, [])) for day in days],
                log=log[:10],
                handovers=log.filter(kind=DutyLogEntry.Kind.HANDOVER, acknowledged_at__isnull=True),
                can_add_roster=self.user_can(Action.ADD),
            )
        context.update(
            posts=PioneerPost.objects.restrict(user).within(area).prefetch_related("holders", "person_holders"),
            zones=ResponsibilityZone.objects.restrict(user).within(area).prefetch_related("holders", "person_holders"),
            teams=VolunteerTeam.objects.restrict(user).within(area),
            can_add_holdings=scope.can(user, Action.ADD, PioneerPost, area.path),
        )
        return super().get_context_data(**context, **kwargs)


class RosterListView(ObjectListView):
    model = DutyRoster
    table_class = RosterTable
    filterset_class = RosterFilterSet
    title = gettext_lazy("Duty rosters")
    add_url = reverse_lazy("duty:roster-add")
    import_url = reverse_lazy("duty:roster-import")
    template_name = "duty/roster_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("area")


class RosterView(ObjectDetailView):
    model = DutyRoster
    template_name = "duty/roster_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_change=self.user_can(Action.CHANGE, self.object), **kwargs)


class RosterEditView(ObjectEditView):
    model = DutyRoster
    form_class = RosterForm

    def get_initial(self):
        code = self.request.GET.get("area", "")[:20]
        area = Area.objects.filter(code=code).first() if code else None
        day = self.request.GET.get("date", "")[:10]
        return {"area": area, "date": day} if area else {}

    def save(self, form):
        return services.save_roster(form.instance)

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        title = _("Edit %(name)s") % {"name": self.object} if self.object.pk else _("New duty roster")
        return super().get_context_data(title=title, cancel_url=reverse("duty:roster-list"), **kwargs)


class RosterDeleteView(ObjectDeleteView):
    model = DutyRoster
    success_url = reverse_lazy("duty:roster-list")


class MissingRosterListView(ObjectListView):
    """Areas whose next day's roster was missing at the deadline (flagged by the sweep to the level above)."""

    model = MissingRoster
    table_class = MissingRosterTable
    filterset_class = MissingRosterFilterSet
    title = gettext_lazy("Missing duty rosters")
    empty_text = gettext_lazy("Every roster was in by the deadline.")

    def get_queryset(self):
        return super().get_queryset().select_related("area")


class LogListView(ObjectListView):
    model = DutyLogEntry
    table_class = LogTable
    filterset_class = LogFilterSet
    title = gettext_lazy("Duty log")
    add_url = reverse_lazy("duty:log-add")

    def get_queryset(self):
        return super().get_queryset().select_related("area", "author")


class LogEntryView(ObjectDetailView):
    model = DutyLogEntry
    template_name = "duty/log_entry.html"

    def get_queryset(self):
        return super().get_queryset().select_related("area", "author", "roster", "acknowledged_by")

    def get_context_data(self, **kwargs):
        entry = self.object
        may_acknowledge = (
            entry.is_pending_handover and services.pending_handovers(self.request.user).filter(pk=entry.pk).exists()
        )
        return super().get_context_data(may_acknowledge=may_acknowledge, **kwargs)


class LogEntryAddView(ObjectEditView):
    """The person on duty writes in the log; it is filed under the shift on duty at the entry's time."""

    model = DutyLogEntry
    form_class = LogEntryForm

    def get_initial(self):
        code = self.request.GET.get("area", "")[:20]
        area = Area.objects.filter(code=code).first() if code else None
        kind = self.request.GET.get("kind", "")
        initial = {"time": timezone.localtime().replace(second=0, microsecond=0)}
        if area:
            initial["area"] = area
        if kind in DutyLogEntry.Kind.values:
            initial["kind"] = kind
        return initial

    def save(self, form):
        return services.write_log_entry(form.instance, self.request.user)

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("New duty log entry"), cancel_url=reverse("duty:log-list"), **kwargs)


class AcknowledgeView(LogEntryView):
    """The next shift acknowledges a hand-over note (POST); GET shows the note."""

    def post(self, request, pk):
        entry = self.get_object()
        try:
            services.acknowledge(entry, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Hand-over acknowledged."))
        return redirect(entry)


urlpatterns = [
    path("", OnDutyNowView.as_view(), name="now"),
    path("areas/<str:code>/", AreaDutyView.as_view(), name="area"),
    path("rosters/", RosterListView.as_view(), name="roster-list"),
    path("rosters/add/", RosterEditView.as_view(), name="roster-add"),
    path("rosters/missing/", MissingRosterListView.as_view(), name="missing-rosters"),
    path("rosters/<int:pk>/", RosterView.as_view(), name="roster"),
    path("rosters/<int:pk>/edit/", RosterEditView.as_view(), name="roster-edit"),
    path("rosters/<int:pk>/delete/", RosterDeleteView.as_view(), name="roster-delete"),
    path(
        "rosters/import/",
        BulkImportView.as_view(
            importer_class=RosterImporter,
            title=gettext_lazy("Import duty rosters"),
            template_url_name="duty:roster-import-template",
            errors_url_name="duty:roster-import-errors",
            back_url=reverse_lazy("duty:roster-list"),
        ),
        name="roster-import",
    ),
    path(
        "rosters/import/template/",
        ImportTemplateView.as_view(importer_class=RosterImporter),
        name="roster-import-template",
    ),
    path(
        "rosters/import/<str:token>/errors/",
        ImportErrorsView.as_view(importer_class=RosterImporter),
        name="roster-import-errors",
    ),
    path("log/", LogListView.as_view(), name="log-list"),
    path("log/add/", LogEntryAddView.as_view(), name="log-add"),
    path("log/<int:pk>/", LogEntryView.as_view(), name="log-entry"),
    path("log/<int:pk>/acknowledge/", AcknowledgeView.as_view(), name="log-acknowledge"),
]
