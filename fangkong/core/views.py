"""Generic views: every app's views are short declarative subclasses of these.

Each one reads through ``Model.objects.restrict(user, action)`` (one place), so a record out of the
user's scope is simply not found: 404.
"""

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DeleteView, DetailView, TemplateView, UpdateView, View
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.data import TableData

from . import jobs, scope
from .exports import FORMATS, export_response
from .forms import ImportForm, add_errors
from .imports import ImportFileError, StoredUpload
from .job_kinds import preview_from
from .pagination import LookAheadPaginator, PageOutOfReach
from .roles import Action
from .services import ConcurrentEdit, OutOfScope, save_in_scope
from .xlsx import XLSX_CONTENT_TYPE


class ScopedViewMixin(LoginRequiredMixin):
    """Restricts the queryset to the user's scope for this view's action."""

    model = None
    action = Action.VIEW

    def get_queryset(self):
        return self.model.objects.restrict(self.request.user, Action.VIEW)

    def get_object(self, queryset=None):
        """404 when out of scope; 403 when in scope but this role may not do this view's action."""
        obj = super().get_object(queryset)
        if self.action != Action.VIEW and not self.user_can(self.action, obj):
            raise PermissionDenied
        return obj

    def user_can(self, action, obj=None):
        """Whether the user may do the action at all, or to this object."""
        if obj is None:
            return scope.can(self.request.user, action, self.model)
        return self.model.objects.restrict(self.request.user, action).filter(pk=obj.pk).exists()


class ObjectListView(ScopedViewMixin, SingleTableMixin, FilterView):
    """A filterable, sortable, paginated list; ``?export=csv`` or ``xlsx`` exports the filtered rows."""

    table_class = None
    filterset_class = None
    paginate_by = 50
    template_name = "core/object_list.html"
    title = ""
    add_url = None
    # Shown instead of an empty table: what is missing, then the next step (登记, 导入) for those who may.
    empty_text = gettext_lazy("Nothing is registered here yet.")
    import_url = None
    # False for big tables (the register): a page looks one row ahead for "next" instead of running
    # COUNT(*) over every row in scope (docs/benchmarks.md, "The register at city scale").
    exact_count = True

    @property
    def paginator_class(self):
        return Paginator if self.exact_count else LookAheadPaginator

    def get_paginate_by(self, queryset):
        # Only the table pages (its paginator reads the page); ListView's own paging of the same rows
        # would run a second COUNT(*) or a second page query for nothing.
        return self.paginate_by if isinstance(queryset, TableData) else None

    def get(self, request, *args, **kwargs):
        if not self.user_can(Action.VIEW):
            raise PermissionDenied
        fmt = request.GET.get("export")
        if fmt in FORMATS:
            rows = self.export_queryset()
            limit = settings.EXPORT_BACKGROUND_ROWS
            if rows[: limit + 1].count() > limit:
                return redirect(self.start_export(fmt))
            return export_response(rows, self.table_class, self.model._meta.model_name, fmt)
        try:
            return super().get(request, *args, **kwargs)
        except PageOutOfReach as error:
            return render(request, "404.html", {"message": str(error)}, status=404)

    def filtered(self):
        return any(value for name, value in self.request.GET.items() if name not in ("page", "sort", "page_size"))

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        table.empty_text = _("Nothing matches these filters.") if self.filtered() else self.empty_text
        table.empty_actions = self.empty_actions()
        return table

    def empty_actions(self):
        """The next steps offered on an empty list: (label, URL) pairs."""
        if self.filtered():
            return [(_("Clear the filters"), self.request.path)]
        if not self.user_can(Action.ADD):
            return []
        return [
            (label, url)
            for label, url in ((_("Register"), self.add_url), (_("Import from Excel"), self.import_url))
            if url
        ]

    def export_queryset(self):
        filterset = self.filterset_class(self.request.GET, queryset=self.get_queryset(), request=self.request)
        return filterset.qs if filterset.is_valid() else self.get_queryset().none()

    def start_export(self, fmt):
        """A long list is written to a file by a job (its page offers the download when ready)."""
        query = self.request.GET.copy()
        query.pop("export", None)
        title = _("Export of %(list)s (%(format)s)") % {
            "list": self.title or self.model._meta.verbose_name_plural,
            "format": fmt.upper(),
        }
        params = {"path": self.request.path_info, "query": query.urlencode(), "format": fmt}
        return jobs.start("export", self.request.user, title, params)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["request"] = self.request
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title or self.model._meta.verbose_name_plural
        context["add_url"] = self.add_url if self.user_can(Action.ADD) else None
        query = self.request.GET.copy()
        query.pop("page", None)
        context["export_query"] = query.urlencode()
        return context


class ObjectDetailView(ScopedViewMixin, DetailView):
    template_name = "core/object_detail.html"


class ObjectEditView(ScopedViewMixin, UpdateView):
    """Create (no lookup in the URL) or edit one record; the result must stay in the user's scope."""

    template_name = "core/object_edit.html"
    form_class = None

    @property
    def action(self):
        return Action.CHANGE if self.lookup_given() else Action.ADD

    def lookup_given(self):
        return self.pk_url_kwarg in self.kwargs or self.slug_url_kwarg in self.kwargs

    def get_object(self, queryset=None):
        if not self.lookup_given():
            new = self.new_object()  # may look up a parent first: out of scope is 404 before 403
            if not self.user_can(Action.ADD):
                raise PermissionDenied
            return new
        return super().get_object(queryset)

    def new_object(self):
        return self.model()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        """Save through ``save``; a refusal from the scope gate or a service is shown on the form."""
        try:
            self.object = save_in_scope(self.request.user, self.action, lambda: self.save(form))
        except OutOfScope as error:
            field = form.instance.scope_form_field
            form.add_error(field if field in form.fields else None, error.messages)
            return self.form_invalid(form)
        except ConcurrentEdit as error:
            return self.concurrent_edit(form, error)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved: %(object)s") % {"object": self.object})
        return redirect(self.get_success_url())

    def save(self, form):
        return form.save()

    def concurrent_edit(self, form, error):
        """Someone saved the record since the form was read: nothing was saved, the input is kept."""
        form.add_error(None, error.messages)
        return self.form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["creating"] = not self.lookup_given()
        return context


class ObjectDeleteView(ScopedViewMixin, DeleteView):
    action = Action.DELETE
    template_name = "core/object_delete.html"

    def form_valid(self, form):
        with transaction.atomic():
            self.object.delete()
        messages.success(self.request, _("Deleted: %(object)s") % {"object": self.object})
        return redirect(self.get_success_url())


def get_object_in_scope_or_404(model, user, action=Action.VIEW, **lookup):
    try:
        return model.objects.restrict(user, action).get(**lookup)
    except model.DoesNotExist as missing:
        raise Http404 from missing


class ImportAccessMixin(LoginRequiredMixin):
    """Open to users who may add the importer's records somewhere; every row's area is checked on import."""

    importer_class = None

    def dispatch(self, request, *args, **kwargs):
        importer = self.importer_class
        if request.user.is_authenticated and not scope.can(request.user, importer.action, importer.model):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class BulkImportView(ImportAccessMixin, TemplateView):
    """Upload a spreadsheet, preview its rows, confirm; the import then runs as a job, whose page shows
    its progress, then the counts and the rows with errors.

    Declared per use with an Importer and the names of its template and error-workbook URLs. The
    confirmation sends only the upload's token: what is imported is the file that was previewed,
    and only by the user who uploaded it. A file above IMPORT_BACKGROUND_BYTES is previewed by a job too.
    """

    template_name = "core/import.html"
    title = ""
    template_url_name = None
    errors_url_name = None
    back_url = "/"

    def get(self, request, *args, **kwargs):
        if "preview" in request.GET:
            return self.render_preview(request.GET["preview"])
        return self.render(form=self.make_form())

    def post(self, request, *args, **kwargs):
        if "token" in request.POST:
            return self.confirm(self.find_upload(request.POST["token"]))
        return self.upload(self.make_form(request.POST, request.FILES))

    def make_form(self, *args):
        form = ImportForm(*args)
        form.fields["file"].widget.attrs["accept"] = ".xlsx,.csv"
        return form

    def find_upload(self, token):
        upload = StoredUpload.find(token, self.request.user, self.importer_class)
        if upload is None:
            raise Http404
        return upload

    def upload(self, form):
        if not form.is_valid():
            return self.render(form=form)
        upload = None
        all_or_nothing = form.cleaned_data["all_or_nothing"]
        try:
            upload = StoredUpload.create(self.request.user, form.cleaned_data["file"], self.importer_class)
            if form.cleaned_data["file"].size > settings.IMPORT_BACKGROUND_BYTES:
                return redirect(self.start_job("import-preview", upload, all_or_nothing))
            result = self.importer_class(self.request.user).preview(upload.path)
        except ImportFileError as error:
            if upload:
                upload.delete()
            form.add_error("file", str(error))
            return self.render(form=form)
        upload.save_errors(result)
        upload.meta["rows"] = result.total
        upload.save_meta()
        return self.render(
            result=result, upload=upload, all_or_nothing=all_or_nothing, errors_url=self.errors_url(upload)
        )

    def render_preview(self, token):
        """The preview a background job made of a large file."""
        upload = self.find_upload(token)
        job = self.request.user.jobs.filter(kind="import-preview", params__token=upload.token).first()
        if job is None or job.status != job.Status.DONE:
            raise Http404
        return self.render(
            result=preview_from(job.result["preview"]),
            upload=upload,
            all_or_nothing=job.params["all_or_nothing"],
            errors_url=self.errors_url(upload),
        )

    def confirm(self, upload):
        """The import runs as a job; a second confirmation (double click, resent form) finds the same job."""
        if upload.claim():
            with transaction.atomic():  # the job is handed to a worker on commit, once the upload names it
                job = self.start_job("import-commit", upload, bool(self.request.POST.get("all_or_nothing")))
                upload.meta["job"] = job.pk
                upload.save_meta()
            return redirect(job)
        job = self.request.user.jobs.filter(pk=upload.meta.get("job")).first()
        return redirect(job or self.request.path)  # no job yet: the first confirmation is still starting it

    def start_job(self, kind, upload, all_or_nothing):
        if kind == "import-preview":
            title = _("Check of %(file)s") % {"file": upload.meta["name"]}
            next_url = f"{self.request.path}?preview={upload.token}"
        else:
            title = _("%(import)s: %(file)s") % {"import": self.title, "file": upload.meta["name"]}
            next_url = self.request.path
        params = {
            "importer": self.importer_class.dotted_name(),
            "token": upload.token,
            "all_or_nothing": all_or_nothing,
            "errors_url": self.errors_url(upload),
            "next": next_url,
        }
        return jobs.start(kind, self.request.user, title, params)

    def errors_url(self, upload):
        return reverse(self.errors_url_name, kwargs={"token": upload.token})

    def render(self, **context):
        return self.render_to_response(
            self.get_context_data(
                title=self.title,
                columns=self.importer_class.columns,
                template_url=reverse(self.template_url_name),
                back_url=self.back_url,
                **context,
            )
        )


class ImportTemplateView(ImportAccessMixin, View):
    """The importer's empty workbook: its headers, ready to fill in."""

    def get(self, request, *args, **kwargs):
        return FileResponse(
            io.BytesIO(self.importer_class.template_workbook()),
            as_attachment=True,
            filename=f"{self.importer_class.filename}-template.xlsx",
            content_type=XLSX_CONTENT_TYPE,
        )


class ImportErrorsView(LoginRequiredMixin, View):
    """The rows with errors as a workbook, to fix and upload again; only for the user who uploaded the file."""

    importer_class = None

    def get(self, request, token):
        upload = StoredUpload.find(token, request.user, self.importer_class)
        if upload is None or not upload.errors_path.exists():
            raise Http404
        return FileResponse(
            upload.errors_path.open("rb"),
            as_attachment=True,
            filename=upload.download_name("errors"),
            content_type=XLSX_CONTENT_TYPE,
        )
