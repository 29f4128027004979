from . import views

app_name = "community"
urlpatterns = views.urlpatterns
