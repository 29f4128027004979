from . import views

app_name = "duty"
urlpatterns = views.urlpatterns
