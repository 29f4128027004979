from . import views

app_name = "supplies"
urlpatterns = views.urlpatterns
