"""Pages of the community app, one module per topic; ``urlpatterns`` and ``public_urlpatterns`` join them."""

from .help import public_urlpatterns as help_public_urlpatterns
from .help import urlpatterns as help_urlpatterns

urlpatterns = [*help_urlpatterns]
public_urlpatterns = [*help_public_urlpatterns]

__all__ = ["public_urlpatterns", "urlpatterns"]
