"""Area scope: a membership grants a role over an area's subtree.

Paths are materialised chains of area codes ("6110.611022.611022106"). A subtree is every path from
"p" up to (not including) "p/", a single index range scan on both SQLite and PostgreSQL (the column
uses the byte-order "C" collation there); see docs/benchmarks.md.
"""

from functools import reduce
from operator import or_

from django.apps import apps
from django.db.models import Q

from .roles import ALL_ROLES

# A condition no row meets: the scope of a user without the roles.
NOTHING = Q(pk__in=[])


def subtree_q(lookup, path):
    # One range, [p, p + "/"): paths hold only digits and dots, and "." is the one such character
    # below "/", so this is p itself and everything under "p.", never a sibling such as "p1".
    return Q(**{f"{lookup}__gte": path, f"{lookup}__lt": path + "/"})


def is_within(path, ancestor_path):
    return path == ancestor_path or path.startswith(ancestor_path + ".")


def outermost(paths):
    """Drop every path that lies inside another one of the list."""
    kept = []
    for path in sorted(set(paths)):
        if not kept or not is_within(path, kept[-1]):
            kept.append(path)
    return kept


def has_role(user, roles, path):
    """Whether the user holds one of the roles over the area path."""
    paths = scope_paths(user, roles)
    return paths is None or any(is_within(path, scope) for scope in paths)


def scope_paths(user, roles):
    """The outermost area paths where the user holds one of the roles; None means no limit."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return None
    return outermost(path for role, path in user.memberships_cached() if role in roles)


def paths_q(lookup, paths):
    """Rows whose ``lookup`` lies in one of the subtrees; paths None (no limit) is every row, an empty
    list none (``NOTHING``)."""
    if paths is None:
        return Q()
    if not paths:
        return NOTHING
    return reduce(or_, (subtree_q(lookup, path) for path in paths))


def reaching_q(user, roles, lookup, above=None):
    """Rows where the user holds one of the roles, and rows filed on an area above theirs that meet
    ``above``: what a town publishes reaches everyone working below it (a notice, a refutation)."""
    paths = scope_paths(user, roles)
    if paths is None:
        return Q()
    if not paths:
        return NOTHING
    ancestors = set()
    for path in paths:
        codes = path.split(".")
        ancestors.update(".".join(codes[:depth]) for depth in range(1, len(codes)))
    return paths_q(lookup, paths) | (Q(**{f"{lookup}__in": sorted(ancestors)}) & (above or Q()))


def user_q(user, roles, lookup):
    """Rows whose ``lookup`` lies where the user holds one of the roles."""
    return paths_q(lookup, scope_paths(user, roles))


def holds(user, roles):
    """Whether the user holds one of the roles anywhere."""
    paths = scope_paths(user, roles)
    return paths is None or bool(paths)


def areas_for(user, roles, levels=None):
    """The areas (of the given levels) where the user holds one of the roles, as an Area queryset."""
    areas = apps.get_model("areas", "Area").objects.filter(user_q(user, roles, "path"))
    return areas.filter(level__in=levels) if levels is not None else areas


def top_areas(user, roles=ALL_ROLES):
    """The areas at the top of the user's scope: the tree's roots for a superuser."""
    area_model = apps.get_model("areas", "Area")
    paths = scope_paths(user, roles)
    if paths is None:
        return area_model.objects.filter(parent__isnull=True)
    return area_model.objects.filter(path__in=paths)


def area_asked_for(user, code):
    """The area named by ``code`` among those the user may view, or the first of the user's own when
    ``code`` is empty: 404 outside them, 403 for a user without any area. For pages and endpoints
    that show one area's figures (reports, the dashboard, price charts)."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    if not code:
        top = top_areas(user).order_by("path").first()
        if top is None:
            raise PermissionDenied
        return top
    area = apps.get_model("areas", "Area").objects.restrict(user).filter(code=code.strip()).first()
    if area is None:
        raise Http404
    return area


def restrict(queryset, user, action):
    model = queryset.model
    paths = scope_paths(user, model.roles_by_action.get(action, ()))
    # Always a new queryset, never the one given: a viewset's class-level queryset, evaluated as it is,
    # would keep its rows for every later request.
    if paths is None:
        return queryset.all()
    if not paths:
        return queryset.none()
    if model.scope_lookup is None:
        return queryset.all()  # reference data, the same everywhere: the role is all it takes
    return _filter(queryset, paths_q(model.scope_lookup, paths))


def within(queryset, path):
    """The rows filed under the area at ``path`` or below it, by the model's ``scope_lookup``."""
    return _filter(queryset, subtree_q(queryset.model.scope_lookup, path))


def _filter(queryset, condition):
    model = queryset.model
    if model.scope_spans_many:
        # The lookup crosses a to-many relation: filter by key so rows are not repeated.
        return queryset.filter(pk__in=model._base_manager.filter(condition).values("pk"))
    return queryset.filter(condition)


def can(user, action, model, path=None):
    """Whether the user may act on the model at all (path None) or at the given area path."""
    paths = scope_paths(user, model.roles_by_action.get(action, ()))
    if paths is None:
        return True
    if path is None or model.scope_lookup is None:
        return bool(paths)
    return any(is_within(path, scope) for scope in paths)
