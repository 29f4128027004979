"""Area scope: a membership grants a role over an area's subtree.

Paths are materialised chains of area codes ("6110.611022.611022106"). A subtree is every path from
"p" up to (not including) "p/", a single index range scan on both SQLite and PostgreSQL (the column
uses the byte-order "C" collation there); see docs/benchmarks.md.
"""

from functools import reduce
from operator import or_

from django.db.models import Q


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


def restrict(queryset, user, action):
    model = queryset.model
    paths = scope_paths(user, model.roles_by_action.get(action, ()))
    if paths is None:
        return queryset
    if not paths:
        return queryset.none()
    if model.scope_lookup is None:
        return queryset  # reference data, the same everywhere: the role is all it takes
    condition = reduce(or_, (subtree_q(model.scope_lookup, path) for path in paths))
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
