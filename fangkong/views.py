from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from fangkong.core import scope


@login_required
def home(request):
    """Straight to the user's area when there is one; otherwise a list of their areas."""
    roots = list(scope.top_areas(request.user))
    if len(roots) == 1:
        return redirect(roots[0])
    return render(request, "home.html", {"roots": roots, "title": ""})
