"""POST /api/imports/: a spreadsheet of arrivals or residents, checked and imported in one request."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, parsers, permissions, serializers, viewsets
from rest_framework.response import Response

from fangkong.core import scope
from fangkong.core.imports import ImportFileError, StoredUpload

from ..imports import IMPORTERS

TRUE = {"1", "true", "on", "yes"}
OK_ROWS_SHOWN = 200


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField()
    kind = serializers.ChoiceField(choices=sorted(IMPORTERS))
    all_or_nothing = serializers.BooleanField(required=False, default=False)
    dry_run = serializers.BooleanField(required=False, default=False)


def row_data(row):
    errors = {}
    for column, message in row.errors:
        key = column or "row"
        errors[key] = f"{errors[key]}; {message}" if key in errors else message
    return {"row": row.number, "status": "error" if row.errors else (row.outcome or "ok"), "errors": errors}


class ImportViewSet(viewsets.GenericViewSet):
    """GET lists the kinds and their columns; POST (multipart: file, kind, all_or_nothing, dry_run) imports.

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
        upload = None
        try:
            upload = StoredUpload.create(request.user, data["file"], importer_class)
            importer = importer_class(request.user)
            if data["dry_run"]:
                result = importer.preview(upload.path)
            else:
                result = importer.commit(upload.path, all_or_nothing=data["all_or_nothing"])
        except ImportFileError as error:
            raise exceptions.ValidationError({"file": [str(error)]}) from error
        finally:
            if upload is not None:
                upload.delete()
        shown = [row for row in result.rows if row.errors or row.index <= OK_ROWS_SHOWN]
        return Response(
            {**result.summary(), "dry_run": data["dry_run"], "rows": [row_data(row) for row in shown]},
        )


def register(router):
    router.register("imports", ImportViewSet, basename="import")
