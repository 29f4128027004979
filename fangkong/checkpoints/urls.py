from .views import urlpatterns

app_name = "checkpoints"
__all__ = ["urlpatterns"]
