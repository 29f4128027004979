"""POST /api/imports/: a spreadsheet of arrivals or residents, checked at once (dry run) or imported by a job."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, parsers, permissions, serializers, status, viewsets
from rest_framework.response import Response

from fangkong.core import jobs, scope
from fangkong.core.api import RefuseNulMixin
from fangkong.core.imports import ImportFileError, StoredUpload
from fangkong.core.job_api import job_response
from fangkong.core.job_kinds import row_data

from ..imports import IMPORTERS

TRUE = {"1", "true", "on", "yes"}
OK_ROWS_SHOWN = 200
ERRORS_URL_NAMES = {"arrivals": "arrival", "persons": "person"}  # as in people/views/imports.py


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField()
    kind = serializers.ChoiceField(choices=sorted(IMPORTERS))
    all_or_nothing = serializers.BooleanField(required=False, default=False)
    dry_run = serializers.BooleanField(required=False, default=False)


class ImportViewSet(RefuseNulMixin, viewsets.GenericViewSet):
    """GET lists the kinds and their columns; POST (multipart: file, kind, all_or_nothing, dry_run) imports.

    An import answers 202 with its job (/api/jobs/ID/): poll it until "done"; its result holds the
    counts, the rows with errors and, if there are any, ``errors_url``: them as a workbook (for the
    uploader only). A dry run checks the file at once (a large file: by a job too).
    A file that is no spreadsheet, or one built to exhaust its reader, answers 400 at once, without a job;
    so does a dry run of a file with no row (an import of one: its job fails with the same message).
    Every row's area must be in the caller's scope; a row that is not is an error naming the area column.
    """

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ImportRequestSerializer
    parser_classes = [parsers.MultiPartParser, parsers.FormParser]

    def allowed_kinds(self):
        return [
            kind
            for kind, importer in sorted(IMPORTERS.items())
            if scope.can(self.request.user, importer.action, importer.model)
        ]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def list(self, request):
        kinds = self.allowed_kinds()
        if not kinds:
            raise exceptions.PermissionDenied
        return Response({kind: [column.header for column in IMPORTERS[kind].columns] for kind in kinds})

    @extend_schema(request=ImportRequestSerializer, responses=OpenApiTypes.OBJECT)
    def create(self, request):
        if not self.allowed_kinds():
            raise exceptions.PermissionDenied
        serializer = ImportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["kind"] not in self.allowed_kinds():
            raise exceptions.PermissionDenied(_("Your role may not import %(kind)s.") % {"kind": data["kind"]})
        importer_class = IMPORTERS[data["kind"]]
        try:
            upload = StoredUpload.create(request.user, data["file"], importer_class)
        except ImportFileError as error:
            raise exceptions.ValidationError({"file": [str(error)]}) from error
        if not data["dry_run"]:
            return self.start_import(upload, importer_class, data)
        if data["file"].size > settings.IMPORT_BACKGROUND_BYTES:
            return self.start_import(upload, importer_class, data, kind="import-preview")
        try:
            result = importer_class(request.user).preview(upload.path)
        except ImportFileError as error:
            raise exceptions.ValidationError({"file": [str(error)]}) from error
        finally:
            upload.delete()
        shown = [row for row in result.rows if row.errors or row.index <= OK_ROWS_SHOWN]
        return Response(
            {**result.summary(), "dry_run": data["dry_run"], "rows": [row_data(row) for row in shown]},
        )

    def start_import(self, upload, importer_class, data, kind="import-commit"):
        """202 and the job: its URL tells the progress, then the counts and the rows with errors."""
        params = {"importer": importer_class.dotted_name(), "token": upload.token}
        params["all_or_nothing"] = data["all_or_nothing"]
        # The rows with errors as a workbook, from the page that serves the web import's (uploader only).
        errors_url = reverse(f"people:{ERRORS_URL_NAMES[data['kind']]}-import-errors", args=[upload.token])
        params["errors_url"] = self.request.build_absolute_uri(errors_url)
        title = _("Import of %(file)s") % {"file": upload.meta["name"]}
        if kind == "import-preview":
            title = _("Check of %(file)s") % {"file": upload.meta["name"]}
        job = jobs.start(kind, self.request.user, title, params)
        return job_response(job, self.request, status.HTTP_202_ACCEPTED)


def register(router):
    router.register("imports", ImportViewSet, basename="import")
