"""/api/reports/dashboard/: the command dashboard as the page polls it (see ``reports.dashboard``).

The page renders the same answer on its first load, so the page and the endpoint cannot drift apart.
Links are paths on this site: the page follows them as they are.
"""

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, serializers, viewsets
from rest_framework.response import Response

from fangkong.core.api import RefuseNulMixin
from fangkong.core.serializers import DateField, DateTimeField

from . import dashboard
from .api import AreaQuery, OneAnswerSchema, _area, _valid
from .exports import status_labels


class LinksField(serializers.DictField):
    child = serializers.CharField()


class DashboardFigureSerializer(serializers.Serializer):
    code = serializers.CharField(source="indicator.code")
    name = serializers.CharField(source="indicator.name")
    is_rate = serializers.BooleanField(source="indicator.is_rate")
    value = serializers.IntegerField(allow_null=True, help_text="Today's figure; null for a rate of nothing.")
    yesterday = serializers.IntegerField(allow_null=True)
    change = serializers.IntegerField(allow_null=True, help_text="Today's figure less yesterday's.")
    link = serializers.CharField(help_text="The list of the records counted; empty for a rate.")


class DashboardTrendSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    values = serializers.ListField(child=serializers.IntegerField(allow_null=True), help_text="One per day.")


class DashboardCellSerializer(serializers.Serializer):
    code = serializers.CharField()
    value = serializers.IntegerField(allow_null=True)
    link = serializers.CharField(help_text="The list of the records counted; empty for a rate.")
    alert = serializers.BooleanField(help_text="Open or overdue alerts: shown in red.")


class DashboardRowSerializer(serializers.Serializer):
    area = serializers.CharField(source="area.code")
    name = serializers.CharField(source="area.short_name")
    status = serializers.CharField(help_text="on_time, late, missing, pending, or empty where nobody confirms.")
    status_label = serializers.SerializerMethodField()
    cells = serializers.SerializerMethodField(help_text="The key figures in order, each with its list.")
    dashboard = serializers.SerializerMethodField(help_text="The area's own dashboard.")

    def get_status_label(self, row) -> str:
        return status_labels()[row.status]

    @extend_schema_field(DashboardCellSerializer(many=True))
    def get_cells(self, row):
        board = self.context["dashboard"]
        return [
            {
                "code": code,
                "value": row.values.get(code),
                "link": board.report.link(code, row.area),
                "alert": code in dashboard.ALERT_CODES and bool(row.values.get(code)),
            }
            for code in board.codes
        ]

    def get_dashboard(self, row) -> str:
        return dashboard.url(row.area)


class DashboardAlertSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    url = serializers.CharField(source="get_absolute_url")
    kind = serializers.CharField(source="get_kind_display")
    level = serializers.CharField(source="get_level_display")
    person = serializers.CharField(
        source="subject", help_text="The person in the register, or the name given where a fever was seen."
    )
    area = serializers.CharField(source="area.short_name")
    raised_at = DateTimeField()
    raised = serializers.SerializerMethodField(help_text="When it was raised, local time, as shown.")
    overdue = serializers.SerializerMethodField(help_text="Gone up a level: nobody acknowledged it in time.")

    def get_raised(self, alert) -> str:
        return timezone.localtime(alert.raised_at).strftime("%m-%d %H:%M")

    def get_overdue(self, alert) -> bool:
        return alert.escalated_at is not None


class DashboardRemarkSerializer(serializers.Serializer):
    area = serializers.CharField(source="area.code")
    name = serializers.CharField(source="area.short_name")
    date = DateField(source="day")
    remarks = serializers.CharField()
    zero_report = serializers.BooleanField()
    confirmed_by = serializers.CharField(source="confirmed_by.username", allow_null=True, default=None)
    confirmed_at = DateTimeField()


class DashboardSerializer(serializers.Serializer):
    area = serializers.CharField(source="area.code")
    name = serializers.CharField(source="area.name")
    date = DateField(source="day")
    figures = DashboardFigureSerializer(many=True, help_text="The key figures, with yesterday's and the change.")
    days = serializers.ListField(child=DateField(), help_text="The trends' days, oldest first.")
    trends = serializers.SerializerMethodField()
    rows = serializers.SerializerMethodField(help_text="One per child area, with its report status.")
    total = serializers.SerializerMethodField()
    alerts_open = serializers.IntegerField()
    alerts_overdue = serializers.IntegerField()
    alerts = DashboardAlertSerializer(many=True, help_text="Open alerts awaiting action, overdue ones first.")
    remarks = DashboardRemarkSerializer(many=True, help_text="The children's latest confirmed remarks, newest first.")

    @extend_schema_field(DashboardTrendSerializer(many=True))
    def get_trends(self, board):
        return [
            {
                "code": figure.indicator.code,
                "name": figure.indicator.name,
                "values": board.trends[figure.indicator.code],
            }
            for figure in board.figures
        ]

    @extend_schema_field(DashboardRowSerializer(many=True))
    def get_rows(self, board):
        return DashboardRowSerializer(board.rows, many=True, context={"dashboard": board}).data

    @extend_schema_field(DashboardRowSerializer)
    def get_total(self, board):
        return DashboardRowSerializer(board.report.total, context={"dashboard": board}).data


def as_data(board):
    return DashboardSerializer(board).data


class DashboardViewSet(RefuseNulMixin, viewsets.ViewSet):
    """The command dashboard of an area (``area``: its code; the caller's first area when left out):
    today's key figures against yesterday's, their trends over 30 days, one row per child area with its
    report status, the open alerts awaiting action and the children's latest remarks."""

    permission_classes = [permissions.IsAuthenticated]
    queryset = None  # not a list of records: no filterset, no paging
    schema = OneAnswerSchema()

    @extend_schema(parameters=[AreaQuery], responses=DashboardSerializer)
    def list(self, request):
        area = _area(request, _valid(AreaQuery, request.query_params))
        return Response(as_data(dashboard.build(area, request.user)))


def register(router):
    router.register("reports/dashboard", DashboardViewSet, basename="report-dashboard")
