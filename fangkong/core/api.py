"""The API base: every viewset reads and writes through ``restrict`` here, in one place."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions, status, viewsets
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from . import scope
from .roles import Action
from .services import ConcurrentEdit, OutOfScope, save_in_scope

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
        if request.method not in ACTION_BY_METHOD:
            raise exceptions.MethodNotAllowed(request.method)  # TRACE and the like: 405, never a server error
        if (view.lookup_url_kwarg or view.lookup_field) in view.kwargs:
            return True  # a record: get_object answers 404 out of scope, 403 for a disallowed action
        return scope.can(request.user, ACTION_BY_METHOD[request.method], view.queryset.model)


def holds_nul(value):
    """Whether a text, or any text inside a list or object, holds a NUL character."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(key) or holds_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(holds_nul(item) for item in value)
    return False  # numbers, booleans, uploaded files


def fields_with_nul(data):
    """The names of the inputs (query parameters or body fields) that hold a NUL character."""
    if hasattr(data, "lists"):  # a QueryDict: every value of a repeated parameter
        items = data.lists()
    elif isinstance(data, dict):
        items = data.items()
    else:
        return ["non_field_errors"] if holds_nul(data) else []
    return [str(key) for key, value in items if holds_nul(key) or holds_nul(value)]


# Django's and DRF's words, here so that the catalogue says them right: their Chinese reads "empty
# strings are not allowed".
NUL_REFUSED = _("Null characters are not allowed.")


class RefuseNulMixin:
    """PostgreSQL can neither store nor compare text with a NUL character: a lookup by such a text fails
    in the database (a 500). Refused here once, for every field, serializer or filter of every viewset."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if holds_nul(list(self.kwargs.values())):
            raise exceptions.NotFound
        names = fields_with_nul(request.query_params) + fields_with_nul(request.data)
        if names:
            raise exceptions.ValidationError({name: [NUL_REFUSED] for name in dict.fromkeys(names)})


class ScopedViewSet(RefuseNulMixin, viewsets.ModelViewSet):
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


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def django_errors(error):
    """A Django ValidationError in DRF's shape: {"field": [messages]}, with messages that name no
    field under DRF's ``non_field_errors``."""
    if not hasattr(error, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    return {
        api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field: messages
        for field, messages in error.message_dict.items()
    }


def exception_handler(error, context):
    """DRF's handler (settings.REST_FRAMEWORK), also answering for the services' refusals, whichever
    endpoint calls them: a stale version is 409 naming the version field, any other Django
    ValidationError 400 naming its fields. A 404 says "not found" in the user's language: the text
    of get_object_or_404 is English and names the model."""
    if isinstance(error, Http404):
        error = exceptions.NotFound()
    elif isinstance(error, ConcurrentEdit):
        error = Conflict({error.field: error.messages})
    elif isinstance(error, DjangoValidationError):
        error = exceptions.ValidationError(django_errors(error))
    return drf_exception_handler(error, context)
