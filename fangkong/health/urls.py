from . import views
from .alerts import views as alert_views

app_name = "health"
urlpatterns = [*views.urlpatterns, *alert_views.urlpatterns]
