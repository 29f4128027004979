from .views import urlpatterns

app_name = "reports"
__all__ = ["urlpatterns"]
