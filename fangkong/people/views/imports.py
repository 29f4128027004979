"""Import pages of the register: arrivals (返乡人员登记表) and household residents, from xlsx, xls or CSV."""

from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from fangkong.core.views import BulkImportView, ImportErrorsView, ImportTemplateView

from ..imports import ArrivalImporter, PersonImporter


def import_patterns(prefix, name, importer_class, title, back_url):
    return [
        path(
            f"{prefix}/import/",
            BulkImportView.as_view(
                importer_class=importer_class,
                title=title,
                template_url_name=f"people:{name}-import-template",
                errors_url_name=f"people:{name}-import-errors",
                back_url=back_url,
            ),
            name=f"{name}-import",
        ),
        path(
            f"{prefix}/import/template/",
            ImportTemplateView.as_view(importer_class=importer_class),
            name=f"{name}-import-template",
        ),
        path(
            f"{prefix}/import/<str:token>/errors/",
            ImportErrorsView.as_view(importer_class=importer_class),
            name=f"{name}-import-errors",
        ),
    ]


urlpatterns = [
    *import_patterns("arrivals", "arrival", ArrivalImporter, _("Import arrivals"), reverse_lazy("people:arrival-list")),
    *import_patterns("persons", "person", PersonImporter, _("Import residents"), reverse_lazy("people:person-list")),
]
