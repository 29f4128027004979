"""The background jobs every app's imports and exports use (the runner is fangkong.core.jobs).

- "import-preview": checks every row of a large upload; the import page then shows the stored preview.
- "import-commit": imports an upload in one transaction with the job's own "done" (see jobs.kind):
  a cancelled, failed or killed import writes nothing, and is never imported twice.
- "export": writes a long list's filtered rows to a file under JOBS_DIR, offered to its user only.
"""

import uuid
from contextlib import closing
from types import SimpleNamespace

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, QueryDict
from django.urls import resolve
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from . import jobs
from .context import Source
from .exports import export_filename, export_response
from .imports import ImportFileError, StoredUpload, read_rows
from .roles import Action

# The rows with errors kept in a job's result for the API and the preview page; the error workbook has all.
ERROR_ROWS_KEPT = 1000


def row_data(row):
    """One checked row for the API: its number, status and each column's message."""
    errors = {}
    for column, message in row.errors:
        key = column or "row"
        errors[key] = f"{errors[key]}; {message}" if key in errors else message
    return {"row": row.number, "status": "error" if row.errors else (row.outcome or "ok"), "errors": errors}


def _upload(job):
    importer_class = import_string(job.params["importer"])
    upload = StoredUpload.find(job.params["token"], job.user, importer_class)
    if upload is None or not upload.path.exists():
        raise jobs.JobError(_("The uploaded file is no longer kept. Upload it again."))
    importer = importer_class(job.user)
    return importer, upload


def _shown(value):
    return value if value is None or isinstance(value, str | int | float) else str(value)


def stored_preview(result):
    """What the import page shows of a preview, as JSON: the first rows and (some of) the rows with errors."""
    shown, errors_shown = [], 0
    for row in result.rows:
        if row.errors:
            errors_shown += 1
            if errors_shown > ERROR_ROWS_KEPT:
                continue
        shown.append({"number": row.number, "values": [_shown(v) for v in row.values], "errors": row.errors})
    return {
        "column_headers": result.column_headers,
        "preview_rows": result.preview_rows,
        "total": result.total,
        "errors": result.errors,
        "rows": shown,
    }


def preview_from(data):
    """A stored preview read back with the attributes of an ImportResult that the import page uses."""
    rows = [SimpleNamespace(**row) for row in data["rows"]]
    return SimpleNamespace(
        **{**data, "rows": rows},
        valid=data["total"] - data["errors"],
        more_rows=data["total"] > len(rows),
    )


def count_rows(path):
    """The rows of the file, the header and any title rows included: an estimate of the work, read fast."""
    with closing(read_rows(path)) as rows:
        return max(0, sum(1 for _ in rows) - 1)


@jobs.kind("import-preview", source=Source.JOB)
def preview_import(job, progress):
    importer, upload = _upload(job)
    try:
        progress(0, count_rows(upload.path))
        importer.progress = progress
        result = importer.preview(upload.path)
    except ImportFileError as error:
        upload.delete()
        raise jobs.JobError(str(error)) from error
    upload.save_errors(result)
    upload.meta["rows"] = result.total
    upload.save_meta()
    return {"summary": result.summary(), "preview": stored_preview(result), "next": job.params.get("next", "")}


@jobs.kind("import-commit", source=Source.IMPORT, atomic=True)
def commit_import(job, progress):
    importer, upload = _upload(job)
    progress(0, upload.meta.get("rows"))
    importer.progress = progress
    try:
        result = importer.commit(upload.path, all_or_nothing=job.params.get("all_or_nothing", False))
    except ImportFileError as error:
        raise jobs.JobError(str(error)) from error
    # The uploaded file goes once the import is committed: until then a retry needs it.
    transaction.on_commit(lambda: upload.finish(result))
    return {
        "summary": result.summary(),
        "errors": [row_data(row) for row in result.error_rows[:ERROR_ROWS_KEPT]],
        "errors_url": job.params.get("errors_url", "") if result.errors else "",
        "next": job.params.get("next", ""),
    }


def list_view(job):
    """The list view the export was asked from, set up for the job's user as it was for the request."""
    match = resolve(job.params["path"])
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = job.params["path"]
    request.GET = QueryDict(job.params["query"])
    request.user = job.user
    view = match.func.view_class(**match.func.view_initkwargs)
    view.setup(request, *match.args, **match.kwargs)
    if not view.user_can(Action.VIEW):
        raise jobs.JobError(_("You may no longer see this list."))
    return view


@jobs.kind("export", source=Source.JOB)
def export_list(job, progress):
    view = list_view(job)
    queryset = view.export_queryset()
    fmt = job.params["format"]
    basename = view.model._meta.model_name
    progress(0, queryset.count())
    directory = settings.JOBS_DIR
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.{fmt}"
    path = directory / name
    response = export_response(queryset, view.table_class, basename, fmt, progress=progress)
    try:
        with path.open("wb") as file:
            for chunk in response.streaming_content:
                file.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)  # cancelled or failed: no half file left behind
        raise
    return {"file": name, "filename": export_filename(basename, fmt), "rows": job.done}
