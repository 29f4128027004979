import re

from django.http import Http404

from .context import Source, change_context

REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9-]{8,64}$")


class ChangeContextMiddleware:
    """Gives every request an id (kept from X-Request-ID when sane) and opens its change context."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        source = Source.API if request.path.startswith("/api/") else Source.WEB
        with change_context(
            source, request=request, request_id=given if REQUEST_ID_PATTERN.match(given) else None
        ) as ctx:
            request.id = ctx.request_id
            response = self.get_response(request)
        response["X-Request-ID"] = ctx.request_id
        return response


class NulInPathMiddleware:
    """A NUL character in the path is no page: 404 before any view looks a code or token up with it
    (PostgreSQL refuses NUL in a string, which would be a 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            raise Http404
        return self.get_response(request)
