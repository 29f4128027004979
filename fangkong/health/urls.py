from . import views
from .cases import views as cases

app_name = "health"
urlpatterns = [*views.urlpatterns, *cases.urlpatterns]
