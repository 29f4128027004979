from . import views
from .selfreport import views as selfreport

app_name = "health"
urlpatterns = [*views.urlpatterns, *selfreport.urlpatterns]
