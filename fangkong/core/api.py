"""The API base: every viewset reads and writes through ``restrict`` here, in one place."""

from rest_framework import exceptions, permissions, viewsets

from . import scope
from .roles import Action
from .services import OutOfScope, save_in_scope

ACTION_BY_METHOD = {
    "GET": Action.VIEW,
    "HEAD": Action.VIEW,
    "OPTIONS": Action.VIEW,
    "POST": Action.ADD,
    "PUT": Action.CHANGE,
    "PATCH": Action.CHANGE,
    "DELETE": Action.DELETE,
}


class ScopedPermission(permissions.IsAuthenticated):
    """403 when the user's roles allow this kind of request nowhere; objects out of scope are 404."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if (view.lookup_url_kwarg or view.lookup_field) in view.kwargs:
            return True  # a record: get_object answers 404 out of scope, 403 for a disallowed action
        return scope.can(request.user, ACTION_BY_METHOD[request.method], view.queryset.model)


class ScopedViewSet(viewsets.ModelViewSet):
    permission_classes = [ScopedPermission]

    def get_queryset(self):
        # Objects are always looked up among those the user may view: outside that, 404.
        return self.queryset.restrict(self.request.user, Action.VIEW)

    def filter_queryset(self, queryset):
        # Filters shape lists (and may hide rows by default); a URL naming one record finds it anyway.
        if (self.lookup_url_kwarg or self.lookup_field) in self.kwargs:
            return queryset
        return super().filter_queryset(queryset)

    def get_object(self):
        obj = super().get_object()
        action = ACTION_BY_METHOD[self.request.method]
        if action != Action.VIEW and not self.queryset.restrict(self.request.user, action).filter(pk=obj.pk).exists():
            raise exceptions.PermissionDenied
        return obj

    def _save_in_scope(self, serializer, action, path=None):
        try:
            save_in_scope(self.request.user, action, serializer.save, self.queryset.model, path)
        except OutOfScope as error:
            raise exceptions.ValidationError(error.message_dict) from error

    def new_record_path(self, serializer):
        """Where a create files its record, when the validated data says so before the write: the
        ``area`` of a record scoped by its own area. None: judged from the saved record only."""
        area = serializer.validated_data.get("area")
        if area is None or self.queryset.model.scope_lookup not in ("area_path", "area__path"):
            return None
        return area.path

    def perform_create(self, serializer):
        self._save_in_scope(serializer, Action.ADD, self.new_record_path(serializer))

    def perform_update(self, serializer):
        self._save_in_scope(serializer, Action.CHANGE)
