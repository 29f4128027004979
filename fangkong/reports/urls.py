from . import dashboard_views, views

app_name = "reports"
urlpatterns = [*views.urlpatterns, *dashboard_views.urlpatterns]
