from django.urls import include, path
from rest_framework.routers import DefaultRouter

from fangkong.accounts.api import MembershipViewSet, UserViewSet, me
from fangkong.areas.api import AreaViewSet, DivisionViewSet, RiskAreaViewSet
from fangkong.checkpoints import api as checkpoints_api
from fangkong.community import api as community_api
from fangkong.core import job_api
from fangkong.core.changelog_api import ChangeLogViewSet
from fangkong.duty import api as duty_api
from fangkong.health import api as health_api
from fangkong.health.alerts import api as health_alerts_api
from fangkong.health.cases import api as health_cases_api
from fangkong.health.selfreport import api as self_report_api
from fangkong.health.sites import api as health_sites_api
from fangkong.people.api import arrivals as people_arrivals
from fangkong.people.api import households as people_households
from fangkong.people.api import imports as people_imports
from fangkong.people.api import moves as people_moves
from fangkong.people.api import persons as people_persons
from fangkong.people.api import screening as people_screening
from fangkong.reports import api as reports_api
from fangkong.reports import dashboard_api as reports_dashboard_api
from fangkong.supplies import api as supplies_api

router = DefaultRouter()
router.register("areas", AreaViewSet, basename="area")
router.register("divisions", DivisionViewSet, basename="division")
router.register("risk-areas", RiskAreaViewSet, basename="riskarea")
router.register("users", UserViewSet, basename="user")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("changelog", ChangeLogViewSet, basename="changelog")
job_api.register(router)

for topic in (people_persons, people_households, people_arrivals, people_screening, people_imports, people_moves):
    topic.register(router)
health_api.register(router)
self_report_api.register(router)
health_cases_api.register(router)
health_alerts_api.register(router)
health_sites_api.register(router)
reports_api.register(router)
duty_api.register(router)
reports_dashboard_api.register(router)
supplies_api.register(router)
checkpoints_api.register(router)
community_api.register(router)

urlpatterns = [
    path("me/", me, name="me"),
    path("", include(router.urls)),
]
