"""Pages of the community app, one module per topic; ``urlpatterns`` and ``public_urlpatterns`` join them."""

from . import help, publicity

urlpatterns = [*help.urlpatterns, *publicity.urlpatterns]
public_urlpatterns = [*help.public_urlpatterns, *publicity.public_urlpatterns]

__all__ = ["public_urlpatterns", "urlpatterns"]
