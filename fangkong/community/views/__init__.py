"""The community app's pages, one module per topic."""

from . import publicity

urlpatterns = [*publicity.urlpatterns]
public_urlpatterns = [*publicity.public_urlpatterns]
