from django.urls import include, path
from rest_framework.routers import DefaultRouter

from fangkong.accounts.api import MembershipViewSet, UserViewSet, me
from fangkong.areas.api import AreaViewSet
from fangkong.core.changelog_api import ChangeLogViewSet

router = DefaultRouter()
router.register("areas", AreaViewSet, basename="area")
router.register("users", UserViewSet, basename="user")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("changelog", ChangeLogViewSet, basename="changelog")

urlpatterns = [
    path("me/", me, name="me"),
    path("", include(router.urls)),
]
