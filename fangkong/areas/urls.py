from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from fangkong.core.views import BulkImportView, ImportErrorsView, ImportTemplateView

from . import views
from .imports import GridImporter

app_name = "areas"
urlpatterns = [
    path("", views.AreaListView.as_view(), name="list"),
    # Before the "<str:code>/..." patterns, so "grids" is never read as an area code.
    path(
        "grids/import/",
        BulkImportView.as_view(
            importer_class=GridImporter,
            title=_("Import grids"),
            template_url_name="areas:grid-import-template",
            errors_url_name="areas:grid-import-errors",
            back_url=reverse_lazy("areas:list"),
        ),
        name="grid-import",
    ),
    path(
        "grids/import/template/", ImportTemplateView.as_view(importer_class=GridImporter), name="grid-import-template"
    ),
    path(
        "grids/import/<str:token>/errors/",
        ImportErrorsView.as_view(importer_class=GridImporter),
        name="grid-import-errors",
    ),
    path("<str:code>/", views.AreaView.as_view(), name="area"),
    path("<str:village>/grids/add/", views.GridEditView.as_view(), name="grid-add"),
    path("<str:code>/edit/", views.GridEditView.as_view(), name="grid-edit"),
    path("<str:code>/retire/", views.GridRetireView.as_view(), name="grid-retire"),
]
