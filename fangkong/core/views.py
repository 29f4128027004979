"""Generic views: every app's views are short declarative subclasses of these.

Each one reads through ``Model.objects.restrict(user, action)`` (one place), so a record out of the
user's scope is simply not found: 404.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import DeleteView, DetailView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from . import scope
from .exports import FORMATS, export_response
from .roles import Action
from .services import OutOfScope, save_in_scope


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

    def get(self, request, *args, **kwargs):
        if not self.user_can(Action.VIEW):
            raise PermissionDenied
        fmt = request.GET.get("export")
        if fmt in FORMATS:
            filterset = self.filterset_class(request.GET, queryset=self.get_queryset(), request=request)
            rows = filterset.qs if filterset.is_valid() else self.get_queryset().none()
            return export_response(rows, self.table_class, self.model._meta.model_name, fmt)
        return super().get(request, *args, **kwargs)

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
        try:
            self.object = save_in_scope(self.request.user, self.action, lambda: self.save(form))
        except OutOfScope as error:
            field = form.instance.scope_form_field
            form.add_error(field if field in form.fields else None, error.messages)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved: %(object)s") % {"object": self.object})
        return redirect(self.get_success_url())

    def save(self, form):
        return form.save()

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
