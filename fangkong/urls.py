from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from fangkong.accounts.views import ThrottledLoginView
from fangkong.core.changelog_views import ChangeLogEntryView, ChangeLogListView

from . import views

handler404 = views.page_not_found

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("fangkong.accounts.urls")),
    path("areas/", include("fangkong.areas.urls")),
    path("people/", include("fangkong.people.urls")),
    path("changelog/", ChangeLogListView.as_view(), name="changelog"),
    path("changelog/<int:pk>/", ChangeLogEntryView.as_view(), name="changelog-entry"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("fangkong.api")),
    path("admin/", admin.site.urls),
]
