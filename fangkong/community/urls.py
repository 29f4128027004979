from .views import urlpatterns

app_name = "community"
__all__ = ["urlpatterns"]
