"""The daily report of an area and a day: figures, rows per child area, confirmation, exports."""

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from fangkong.core import scope
from fangkong.core.roles import Action
from fangkong.core.views import ObjectEditView, ObjectListView

from . import exports, figures, services
from .filters import ReportFormFilterSet
from .forms import ConfirmForm, ReportFormForm
from .models import ReportForm
from .tables import ReportFormTable


def parse_day(text, name="date"):
    """The day asked for (today when empty); a malformed or future day is refused with a message."""
    if not text:
        return timezone.localdate()
    try:
        day = parse_date(text.strip())
    except ValueError:
        day = None
    if day is None:
        raise ValidationError({name: _("Enter a date as YYYY-MM-DD.")})
    return figures.check_day(day)


def days_asked(query):
    """[day] of ``date``, or every day of ``from``..``to`` (at most REPORT_MAX_DAYS)."""
    if query.get("from") or query.get("to"):
        start = parse_day(query.get("from"), "from")
        end = parse_day(query.get("to"), "to")
        figures.check_range(start, end)
        return [start + datetime.timedelta(days=offset) for offset in range((end - start).days + 1)]
    return [parse_day(query.get("date"))]


def query_for(area, day, **extra):
    return urlencode({"area": area.code, "date": day.isoformat(), **extra})


class ReportMixin(LoginRequiredMixin):
    """Reads ``area`` and ``date`` from the query; an unreadable or future day is shown, not raised."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.area = scope.area_asked_for(request.user, request.GET.get("area", ""))
        try:
            self.days = days_asked(request.GET)
        except ValidationError as error:
            return self.refused(error)
        self.day = self.days[-1]
        return super().dispatch(request, *args, **kwargs)

    def refused(self, error):
        context = {"title": _("Daily report"), "errors": error.messages, "area": self.area}
        return render(self.request, "reports/refused.html", context, status=400)


class DailyReportView(ReportMixin, TemplateView):
    template_name = "reports/daily.html"

    def get_context_data(self, **kwargs):
        report = figures.report(self.area, self.day, self.request.user)
        rows, total = exports.table(report)
        today = timezone.localdate()
        previous_day = self.day - datetime.timedelta(days=1)
        next_day = self.day + datetime.timedelta(days=1)
        return super().get_context_data(
            title=report.form.name,
            report=report,
            groups=exports.groups(report.shown),
            rows=rows,
            total=total,
            figure_cells=list(zip(report.shown, total.cells, strict=True)),
            versions=services.versions(self.area, self.day),
            may_confirm=services.may_confirm(self.request.user, self.area),
            may_shape_forms=scope.can(self.request.user, Action.ADD, ReportForm),
            ancestors=self.area.ancestors(),
            query=query_for(self.area, self.day),
            previous_query=query_for(self.area, previous_day),
            next_query=query_for(self.area, next_day) if next_day <= today else "",
            day=self.day,
            today=today,
            formats=list(exports.FORMATS),
            deadline=figures.deadline(self.day, self.area.level),
            **kwargs,
        )


class PrintView(DailyReportView):
    """The table alone, on A4 landscape (static/reports/print.css), signed at the foot."""

    template_name = "reports/print.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = context["report"]
        context.update(unit=exports.unit_of(report), signer=exports.signer_of(report))
        return context


class ConfirmView(ReportMixin, TemplateView):
    """The area's responsible person confirms the day's report, with remarks or as a zero report."""

    template_name = "reports/confirm.html"

    def check_allowed(self):
        if not services.may_confirm(self.request.user, self.area):
            raise PermissionDenied

    def get(self, request, *args, **kwargs):
        self.check_allowed()
        return self.render_to_response(self.get_context_data(form=ConfirmForm()))

    def post(self, request, *args, **kwargs):
        self.check_allowed()
        form = ConfirmForm(request.POST)
        if form.is_valid():
            try:
                confirmation, created = services.confirm(
                    self.area,
                    self.day,
                    request.user,
                    form.cleaned_data["remarks"],
                    zero_report="zero_report" in request.POST,
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                if not created:
                    messages.info(request, _("Already confirmed as it is: nothing changed."))
                elif confirmation.on_time:
                    messages.success(request, _("Confirmed (version %(version)s).") % {"version": confirmation.version})
                else:
                    messages.warning(
                        request,
                        _("Confirmed after the deadline (version %(version)s): marked late.")
                        % {"version": confirmation.version},
                    )
                return redirect(f"{reverse('reports:daily')}?{query_for(self.area, self.day)}")
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        report = figures.report(self.area, self.day, self.request.user)
        return super().get_context_data(
            title=_("Confirm the daily report"),
            report=report,
            figure_cells=list(zip(report.shown, exports.table(report)[1].cells, strict=True)),
            area=self.area,
            day=self.day,
            query=query_for(self.area, self.day),
            deadline=figures.deadline(self.day, self.area.level),
            **kwargs,
        )


class ExportView(ReportMixin, View):
    """?format=xlsx|csv|dhis2|adx, for ``date`` or a range ``from``..``to``."""

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("format", "xlsx")
        if fmt not in exports.FORMATS:
            return self.refused(
                ValidationError(_("Pick a format: %(formats)s.") % {"formats": ", ".join(exports.FORMATS)})
            )
        reports = [figures.report(self.area, day, request.user) for day in self.days]
        content, content_type, name = exports.export(reports, fmt)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class ReportFormListView(ObjectListView):
    model = ReportForm
    table_class = ReportFormTable
    filterset_class = ReportFormFilterSet
    title = gettext_lazy("Report forms")
    add_url = reverse_lazy("reports:form-add")
    empty_text = gettext_lazy("No area has its own form: reports use the default one.")

    def get_queryset(self):
        return super().get_queryset().select_related("area")


class ReportFormEditView(ObjectEditView):
    model = ReportForm
    form_class = ReportFormForm
    success_url = reverse_lazy("reports:form-list")

    def get_context_data(self, **kwargs):
        return super().get_context_data(cancel_url=reverse("reports:form-list"), **kwargs)


urlpatterns = [
    path("daily/", DailyReportView.as_view(), name="daily"),
    path("daily/print/", PrintView.as_view(), name="print"),
    path("daily/confirm/", ConfirmView.as_view(), name="confirm"),
    path("daily/export/", ExportView.as_view(), name="export"),
    path("forms/", ReportFormListView.as_view(), name="form-list"),
    path("forms/add/", ReportFormEditView.as_view(), name="form-add"),
    path("forms/<int:pk>/edit/", ReportFormEditView.as_view(), name="form-edit"),
]
