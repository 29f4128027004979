from . import views
from .markets import views as markets

app_name = "supplies"
urlpatterns = views.urlpatterns + markets.urlpatterns
