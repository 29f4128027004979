"""The OpenAPI schema describes the errors too: every operation lists the 4xx answers it can give, with their bodies."""

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

# DRF's bodies: {"detail": "..."} for refusals; {"field": ["message", ...], ...} for invalid input
# ("non_field_errors" for the whole input, nested objects and lists for nested fields).
DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": "Messages by field name; `non_field_errors` or `detail` for the request as a whole.",
    "additionalProperties": {},
}


class AutoSchema(SpectacularAutoSchema):
    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation["responses"]
        parameters = {parameter["in"] for parameter in operation.get("parameters", ())}
        errors = {
            "401": ("Not logged in: no session and no valid token.", "Error"),
            "403": ("The user's roles do not allow this here.", "Error"),
        }
        if "requestBody" in operation or "query" in parameters:
            errors["400"] = ("Invalid input, by field.", "FieldErrors")
        if "requestBody" in operation:
            errors["415"] = ("The body is not JSON, a form or multipart.", "Error")
        if "path" in parameters:
            errors["404"] = ("No such record, or it is outside the user's areas.", "Error")
        elif self._is_list_view() and self._get_paginator():
            errors["404"] = ("No such page.", "Error")
        for code, (description, name) in errors.items():
            if code not in responses:
                responses[code] = {
                    "description": description,
                    "content": {"application/json": {"schema": self._error_component(name)}},
                }
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        # A relation over a nullable foreign key (a root area's parent, a round whose opener was deleted)
        # reads back null even where null cannot be written, which DRF's allow_null does not say. The
        # components serve requests and responses alike, so the schema says what responses may hold.
        if isinstance(field, serializers.RelatedField) and _is_nullable_relation(field):
            schema["nullable"] = True
        return schema

    def _error_component(self, name):
        component = ResolvedComponent(
            name=name,
            type=ResolvedComponent.SCHEMA,
            schema=DETAIL if name == "Error" else FIELD_ERRORS,
            object=name,
        )
        self.registry.register_on_missing(component)
        return component.ref


def _is_nullable_relation(field):
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or "." in field.source or field.source == "*":
        return False
    try:
        return model._meta.get_field(field.source).null
    except FieldDoesNotExist:
        return False
