"""The duty app's pages, one module per topic."""

from . import posts, roster, volunteers

urlpatterns = [*roster.urlpatterns, *posts.urlpatterns, *volunteers.urlpatterns]
public_urlpatterns = volunteers.public_urlpatterns
