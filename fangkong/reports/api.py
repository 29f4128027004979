"""/api/reports/: the daily report, its confirmation, completeness and exports, areas by code.

An area out of the caller's scope is 404, as everywhere; without ``area``, the caller's first area.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from fangkong.core import scope
from fangkong.core.api import RefuseNulMixin, django_errors
from fangkong.core.schema import AutoSchema
from fangkong.core.serializers import DateField, DateTimeField

from . import exports, figures, services


class AreaQuery(serializers.Serializer):
    area = serializers.CharField(required=False, allow_blank=True, max_length=15, help_text="An area code.")


class DailyQuery(AreaQuery):
    date = DateField(required=False, help_text="YYYY-MM-DD; today when left out.")

    def validate_date(self, value):
        return _checked(figures.check_day, value)


class ConfirmInput(DailyQuery):
    remarks = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    zero_report = serializers.BooleanField(required=False, default=False)


class CompletenessQuery(AreaQuery):
    # "from" is a Python keyword: the serializer's fields are named in the constructor.
    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = DateField(required=False, help_text="First day, YYYY-MM-DD; a week before `to`.")
        fields["to"] = DateField(required=False, help_text="Last day, YYYY-MM-DD; today when left out.")
        return fields

    def validate(self, data):
        data["to"] = data.get("to") or timezone.localdate()
        data["from"] = data.get("from") or data["to"] - datetime.timedelta(days=6)
        _checked(figures.check_range, data["from"], data["to"])
        return data


class ExportQuery(DailyQuery):
    format = serializers.ChoiceField(choices=list(exports.FORMATS), default="xlsx")


def _checked(check, *values):
    try:
        return check(*values)
    except DjangoValidationError as error:
        raise serializers.ValidationError(django_errors(error)) from error


class ValuesField(serializers.DictField):
    child = serializers.IntegerField(allow_null=True)


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    group = serializers.CharField()
    is_rate = serializers.BooleanField()


class ConfirmationSerializer(serializers.Serializer):
    area = serializers.CharField(source="area.code")
    date = DateField(source="day")
    version = serializers.IntegerField()
    figures = ValuesField()
    remarks = serializers.CharField()
    zero_report = serializers.BooleanField()
    confirmed_by = serializers.CharField(source="confirmed_by.username", allow_null=True, default=None)
    confirmed_at = DateTimeField()
    on_time = serializers.BooleanField()


class ConfirmStateSerializer(serializers.Serializer):
    confirmation = ConfirmationSerializer(allow_null=True, help_text="The latest version; null before any.")
    may_confirm = serializers.BooleanField()


class RowSerializer(serializers.Serializer):
    area = serializers.CharField(source="area.code")
    name = serializers.CharField(source="area.name")
    level = serializers.CharField(source="area.level")
    own = serializers.BooleanField(help_text="Records filed on the reported area itself, not in a child.")
    figures = ValuesField(source="values")
    status = serializers.CharField(help_text="on_time, late, missing, pending, or empty where nobody confirms.")
    changed = serializers.ListField(
        child=serializers.CharField(), help_text="Figures that differ from the confirmed ones."
    )


class DailyReportSerializer(serializers.Serializer):
    area = serializers.CharField(source="area.code")
    name = serializers.CharField(source="area.name")
    date = DateField(source="day")
    form = serializers.CharField(source="form.name")
    indicators = IndicatorSerializer(source="shown", many=True)
    figures = ValuesField()
    links = serializers.SerializerMethodField()
    rows = RowSerializer(many=True)
    total = RowSerializer()
    confirmation = ConfirmationSerializer(source="total.confirmation", allow_null=True)
    may_confirm = serializers.SerializerMethodField()

    def get_links(self, report) -> dict[str, str]:
        request = self.context["request"]
        return {
            item.code: request.build_absolute_uri(report.link(item.code)) for item in report.shown if not item.is_rate
        }

    def get_may_confirm(self, report) -> bool:
        return services.may_confirm(self.context["request"].user, report.area)


class CompletenessDaySerializer(serializers.Serializer):
    date = DateField()
    expected = serializers.IntegerField(source="reports_expected")
    confirmed = serializers.IntegerField(source="reports_confirmed")
    on_time = serializers.IntegerField(source="reports_on_time")
    reporting_rate = serializers.IntegerField(allow_null=True)
    on_time_rate = serializers.IntegerField(allow_null=True)


class CompletenessSerializer(serializers.Serializer):
    area = serializers.CharField()
    days = CompletenessDaySerializer(many=True)
    total = CompletenessDaySerializer()


def _area(request, data):
    try:
        return scope.area_asked_for(request.user, data.get("area", ""))
    except PermissionDenied as error:
        raise exceptions.PermissionDenied from error


def _valid(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class OneAnswerSchema(AutoSchema):
    """The router calls these endpoints' GET ``list``, but each answers one object, not a list; an area
    named out of the user's scope is 404."""

    def _is_list_view(self, serializer=None):
        return False

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is not None:
            operation["responses"]["404"] = {
                "description": "No such area, or it is outside the user's areas.",
                "content": {"application/json": {"schema": self._error_component("Error")}},
            }
            operation["responses"] = dict(sorted(operation["responses"].items()))
        return operation


class DailyReportViewSet(RefuseNulMixin, viewsets.ViewSet):
    """The daily report of an area (``area``: its code) for a day (``date``): figures, their links to the
    records behind them, one row per child area with its confirmation status, and the total."""

    permission_classes = [permissions.IsAuthenticated]
    queryset = None  # not a list of records: no filterset, no paging
    schema = OneAnswerSchema()

    @extend_schema(parameters=[DailyQuery], responses=DailyReportSerializer)
    def list(self, request):
        query = _valid(DailyQuery, request.query_params)
        area = _area(request, query)
        report = figures.report(area, query.get("date") or timezone.localdate(), request.user)
        return Response(DailyReportSerializer(report, context={"request": request}).data)

    @extend_schema(
        request=ConfirmInput,
        responses={200: ConfirmationSerializer, 201: ConfirmationSerializer},
    )
    @action(detail=False, methods=["post"])
    def confirm(self, request):
        """Confirm the area's report of the day (201; 200 when it was confirmed as it is already), as the
        area's own officer or commander: 403 for anyone else, also for an officer of an area above it."""
        values = _valid(ConfirmInput, request.data)
        area = _area(request, values)
        day = values.get("date") or timezone.localdate()
        if not services.may_confirm(request.user, area):
            raise exceptions.PermissionDenied(_("Only the area's own officers confirm its report."))
        confirmation, created = services.confirm(
            area, day, request.user, values.get("remarks", ""), values.get("zero_report", False)
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(ConfirmationSerializer(confirmation).data, status=code)

    @extend_schema(parameters=[DailyQuery], responses=ConfirmStateSerializer)
    @confirm.mapping.get
    def confirmation(self, request):
        """The latest confirmation of the area's report of the day (null before any), and whether the
        caller may confirm it."""
        values = _valid(DailyQuery, request.query_params)
        area = _area(request, values)
        found = services.versions(area, values.get("date") or timezone.localdate())
        state = {"confirmation": found[0] if found else None, "may_confirm": services.may_confirm(request.user, area)}
        return Response(ConfirmStateSerializer(state).data)


class CompletenessViewSet(RefuseNulMixin, viewsets.ViewSet):
    """Reports expected, confirmed and on time per day, with the reporting and on-time rates (percent,
    rounded down), for ``from``..``to`` (at most REPORT_MAX_DAYS days)."""

    permission_classes = [permissions.IsAuthenticated]
    queryset = None  # not a list of records: no filterset, no paging
    schema = OneAnswerSchema()

    @extend_schema(parameters=[CompletenessQuery], responses=CompletenessSerializer)
    def list(self, request):
        query = _valid(CompletenessQuery, request.query_params)
        area = _area(request, query)
        days, total = figures.completeness(area, query["from"], query["to"], request.user)
        data = {"area": area.code, "days": days, "total": {"date": query["to"], **total}}
        return Response(CompletenessSerializer(data).data)


class FormatIsTheFile(DefaultContentNegotiation):
    """``format`` names the file to export, not DRF's renderer: errors are answered in JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ExportViewSet(RefuseNulMixin, viewsets.ViewSet):
    """The daily report as a file: ``format`` xlsx (the government table), csv, dhis2 (dataValueSets
    JSON) or adx (XML)."""

    permission_classes = [permissions.IsAuthenticated]
    queryset = None  # not a list of records: no filterset, no paging
    schema = OneAnswerSchema()
    content_negotiation_class = FormatIsTheFile

    @extend_schema(
        parameters=[ExportQuery],
        responses={
            (200, exports.FORMATS["xlsx"]): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
            (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT),
            (200, "application/adx+xml"): OpenApiResponse(OpenApiTypes.STR),
        },
    )
    def list(self, request):
        query = _valid(ExportQuery, request.query_params)
        area = _area(request, query)
        report = figures.report(area, query.get("date") or timezone.localdate(), request.user)
        content, content_type, name = exports.export([report], query["format"])
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


def register(router):
    router.register("reports/daily", DailyReportViewSet, basename="report-daily")
    router.register("reports/completeness", CompletenessViewSet, basename="report-completeness")
    router.register("reports/export", ExportViewSet, basename="report-export")
