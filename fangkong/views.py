from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views import defaults
from rest_framework.exceptions import NotFound

from fangkong.core import scope
from fangkong.core.roles import ALL_ROLES, Role

# Those who take the checks start their day on the list of who still needs one.
CHECKING_ROLES = frozenset({Role.GRID_WORKER, Role.DOCTOR})


@login_required
def home(request):
    """Grid workers and doctors land on today's work (今日工作); everyone else goes straight to their
    area when there is one, otherwise to a list of their areas."""
    if scope.holds(request.user, CHECKING_ROLES) and not scope.holds(request.user, ALL_ROLES - CHECKING_ROLES):
        return redirect("health:today")
    roots = list(scope.top_areas(request.user))
    if len(roots) == 1:
        return redirect(roots[0])
    return render(request, "home.html", {"roots": roots, "title": ""})


def page_not_found(request, exception):
    """An API URL that matches no endpoint (``/api/people/1.5/``) answers like the API does: JSON, not a page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)
