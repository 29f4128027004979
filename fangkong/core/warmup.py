"""What a web process loads before it answers anyone, so that the first requests after a start or a
restart are as fast as the rest.

Django imports the URL configuration (and with it every app's views, API, serializers and forms),
reads the translation catalogs and compiles templates on first use: about 600 ms of the first request
a web process answers. With several workers started at once, the first requests of a busy checkpoint
or of the morning's self-reports each waited that long (docs/benchmarks.md, "Passages"). ``warm_up``
does that work as the process starts (``fangkong/wsgi.py``). It opens no database connection, which
two processes must never share: it is safe in a process that forks afterwards.
"""

from django.conf import settings
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils import translation

# The templates almost every page extends or includes: compiled once here, kept by the cached loader.
TEMPLATES = ("base.html", "core/page_links.html")


def warm_up():
    for code, _name in settings.LANGUAGES:
        with translation.override(code):  # reads the language's catalogs
            get_resolver().reverse_dict  # noqa: B018 (imports every URL module and fills reverse() for the language)
    for name in TEMPLATES:
        get_template(name)
