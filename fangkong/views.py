from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from fangkong.areas.models import Area
from fangkong.core.scope import outermost


@login_required
def home(request):
    """Straight to the user's area when there is one; otherwise a list of their areas."""
    user = request.user
    if user.is_superuser:
        roots = list(Area.objects.filter(parent__isnull=True))
    else:
        paths = outermost(path for _role, path in user.memberships_cached())
        roots = list(Area.objects.filter(path__in=paths))
    if len(roots) == 1:
        return redirect(roots[0])
    return render(request, "home.html", {"roots": roots, "title": ""})
