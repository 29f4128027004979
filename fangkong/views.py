from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views import defaults
from rest_framework.exceptions import NotFound

from fangkong.core import scope


@login_required
def home(request):
    """Straight to the user's area when there is one; otherwise a list of their areas."""
    roots = list(scope.top_areas(request.user))
    if len(roots) == 1:
        return redirect(roots[0])
    return render(request, "home.html", {"roots": roots, "title": ""})


def page_not_found(request, exception):
    """An API URL that matches no endpoint (``/api/people/1.5/``) answers like the API does: JSON, not a page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)
