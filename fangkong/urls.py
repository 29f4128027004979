from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from fangkong.accounts.views import LoginView, set_language
from fangkong.community.views import public_urlpatterns as community_public_urlpatterns
from fangkong.core.changelog_views import ChangeLogEntryView, ChangeLogListView
from fangkong.core.health import HealthView
from fangkong.core.job_views import InboxView, JobCancelView, JobDetailView, JobDownloadView, JobListView
from fangkong.duty.views import public_urlpatterns as volunteer_signup_urlpatterns
from fangkong.health.selfreport.views import public_urlpatterns as self_report_urlpatterns
from fangkong.supplies.views import public_urlpatterns as supplies_public_urlpatterns

from . import views

handler404 = views.page_not_found

urlpatterns = [
    # The API first: the busiest requests (checks, passages) are resolved without trying every page's prefix.
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # A page for people: without a session it sends them to the login page rather than answering 401. Its
    # script is a second request to the same URL, as the Content-Security-Policy allows no inline script.
    path("api/docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    path("api/", include("fangkong.api")),
    path("", views.home, name="home"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("fangkong.accounts.urls")),
    path("areas/", include("fangkong.areas.urls")),
    path("people/", include("fangkong.people.urls")),
    path("health/", include("fangkong.health.urls")),
    path("reports/", include("fangkong.reports.urls")),
    path("duty/", include("fangkong.duty.urls")),
    path("supplies/", include("fangkong.supplies.urls")),
    path("checkpoints/", include("fangkong.checkpoints.urls")),
    path("community/", include("fangkong.community.urls")),
    path("changelog/", ChangeLogListView.as_view(), name="changelog"),
    path("changelog/<int:pk>/", ChangeLogEntryView.as_view(), name="changelog-entry"),
    path("jobs/", JobListView.as_view(), name="jobs"),
    path("jobs/<int:pk>/", JobDetailView.as_view(), name="job"),
    path("jobs/<int:pk>/cancel/", JobCancelView.as_view(), name="job-stop"),
    path("jobs/<int:pk>/download/", JobDownloadView.as_view(), name="job-download"),
    path("inbox/", InboxView.as_view(), name="inbox"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("health/", HealthView.as_view(), name="health"),
    # A household's self-report page, opened from its QR code without a login.
    *self_report_urlpatterns,
    # A volunteer team's sign-up page, opened from its QR code without a login.
    *volunteer_signup_urlpatterns,
    # Each county's donations in public (公示): only what donors agreed to show.
    *supplies_public_urlpatterns,
    # A household asks for help and confirms a delivery, on its self-report link's token, without a login;
    # a village's refutations and policy answers in public: only what is published.
    *community_public_urlpatterns,
]
