from . import views
from .cases import views as cases
from .selfreport import views as selfreport

app_name = "health"
urlpatterns = [*views.urlpatterns, *selfreport.urlpatterns, *cases.urlpatterns]
