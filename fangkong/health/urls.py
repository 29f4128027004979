from . import views
from .alerts import views as alert_views
from .cases import views as cases
from .selfreport import views as selfreport
from .sites import views as sites

app_name = "health"
urlpatterns = [
    *views.urlpatterns,
    *alert_views.urlpatterns,
    *selfreport.urlpatterns,
    *cases.urlpatterns,
    *sites.urlpatterns,
]
