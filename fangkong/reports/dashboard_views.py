"""The command dashboard page (指挥部大屏): rendered whole on the first load, then kept fresh by
static/reports/dashboard.js, which polls /api/reports/dashboard/ (the same data) and redraws in place.

``?wall=1`` is the wall screen: dark, large type. ``?refresh=SECONDS`` changes how often it polls.
"""

import json

from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from fangkong.core import scope

from . import dashboard
from .dashboard_api import as_data


def refresh_seconds(text):
    """The polling interval asked for, kept within REFRESH_BOUNDS; the default for anything unreadable."""
    try:
        seconds = int(text)
    except (TypeError, ValueError):
        return dashboard.REFRESH_SECONDS
    low, high = dashboard.REFRESH_BOUNDS
    return min(max(seconds, low), high)


class DashboardView(LoginRequiredMixin, TemplateView):
    template_name = "reports/dashboard.html"

    def get_context_data(self, **kwargs):
        query = self.request.GET
        area = scope.area_asked_for(self.request.user, query.get("area", ""))
        board = dashboard.build(area, self.request.user)
        data = as_data(board)
        wall = query.get("wall") == "1"
        toggle = {"area": area.code} if wall else {"area": area.code, "wall": "1"}
        return super().get_context_data(
            title=_("Command dashboard"),
            data=data,
            area=area,
            ancestors=area.ancestors(),
            wall=wall,
            wall_toggle=f"?{urlencode(toggle)}",
            refresh=refresh_seconds(query.get("refresh")),
            api_url=f"{reverse('report-dashboard-list')}?{urlencode({'area': area.code})}",
            daily_url=f"{reverse('reports:daily')}?{urlencode({'area': area.code})}",
            # For the charts' first drawing; dashboard.js reads them from data attributes (no inline script).
            trends_json=json.dumps({"days": data["days"], "trends": data["trends"]}, ensure_ascii=False),
            **kwargs,
        )


urlpatterns = [
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
]
