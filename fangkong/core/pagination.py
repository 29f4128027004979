"""API pagination: ``{"count", "next", "previous", "results"}``, or without ``count`` on big tables.

A view or viewset that sets ``exact_count = False`` (persons, households, arrivals, the change log)
is paged by looking one row ahead instead of counting: a COUNT(*) over 2 million rows costs more
than the page itself (docs/benchmarks.md, "The register at city scale"). Its pages have ``next``
and ``previous`` but no ``count``.
"""

from django.core.paginator import InvalidPage
from django.utils.translation import gettext as _
from django_tables2.paginators import LazyPaginator
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .forms import LARGEST_INTEGER


class PageOutOfReach(InvalidPage):
    pass


def check_reach(number, page_size):
    """Refuse a page whose rows (and the one looked ahead) lie past the largest offset a database takes:
    SQLite and PostgreSQL read an offset as a 64-bit integer and fail (a 500) past it."""
    if number * page_size + 1 > LARGEST_INTEGER:
        raise PageOutOfReach(_("This list has no page %(page)s.") % {"page": number})


class LookAheadPaginator(LazyPaginator):
    """The web lists' paginator when they do not count: django-tables2's, with the same reach as the API's."""

    def validate_number(self, number):
        number = super().validate_number(number)
        check_reach(number, self.per_page)
        return number


def counts_exactly(view):
    """Whether a list view or viewset counts its rows (the default) or looks one row ahead."""
    return getattr(view, "exact_count", True)


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        self.look_ahead = not counts_exactly(view)
        if not self.look_ahead:
            return super().paginate_queryset(queryset, request, view)
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        self.request = request
        try:
            number = int(request.query_params.get(self.page_query_param) or 1)
            if number < 1:
                raise ValueError
            check_reach(number, page_size)
        except ValueError:
            raise NotFound(self.invalid_page_message) from None
        except PageOutOfReach as error:
            raise NotFound(str(error)) from None
        start = (number - 1) * page_size
        rows = list(queryset[start : start + page_size + 1])
        if not rows and number > 1:
            raise NotFound(self.invalid_page_message)
        self.number, self.has_next = number, len(rows) > page_size
        self.display_page_controls = False
        return rows[:page_size]

    def get_paginated_response(self, data):
        if not self.look_ahead:
            return super().get_paginated_response(data)
        return Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    def get_next_link(self):
        if not self.look_ahead:
            return super().get_next_link()
        if not self.has_next:
            return None
        return replace_query_param(self.request.build_absolute_uri(), self.page_query_param, self.number + 1)

    def get_previous_link(self):
        if not self.look_ahead:
            return super().get_previous_link()
        if self.number == 1:
            return None
        url = self.request.build_absolute_uri()
        if self.number == 2:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, self.number - 1)

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["required"] = ["results"]
        paginated["properties"]["count"]["description"] = (
            "The exact number of rows. Absent from the lists of big tables (people, households, arrivals, change log), "
            "which look one row ahead instead of counting: page on until `next` is null."
        )
        return paginated
