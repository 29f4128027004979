"""Pages of background jobs (progress, cancel, download) and of the inbox. Both are the user's own:
a job or a notice of someone else is not found (404), whoever asks."""

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, View

from . import jobs
from .models import Job, Notification


class OwnJobMixin(LoginRequiredMixin):
    model = Job

    def get_queryset(self):
        return Job.objects.filter(user=self.request.user)


class JobListView(OwnJobMixin, ListView):
    template_name = "core/job_list.html"
    paginate_by = 50


class JobDetailView(OwnJobMixin, DetailView):
    """The job's progress, refreshed by htmx polling the same URL (which then answers the part only)."""

    template_name = "core/job_detail.html"

    def get_object(self, queryset=None):
        job = super().get_object(queryset)
        if jobs.hand_on_if_lost(job):
            job.refresh_from_db()
        return jobs.live(job)

    def get_template_names(self):
        return ["core/job_progress.html"] if self.request.htmx else [self.template_name]

    def get_context_data(self, **kwargs):
        job = self.object
        context = super().get_context_data(title=job.title, poll_seconds=1, **kwargs)
        if job.total:
            context["percent"] = min(100, round(100 * job.done / job.total))
        left = jobs.seconds_left(job)
        if left is not None:
            minutes, seconds = divmod(left, 60)
            context["time_left"] = _("About %(minutes)d min %(seconds)d s left") % {
                "minutes": minutes,
                "seconds": seconds,
            }
        return context


class JobCancelView(OwnJobMixin, DetailView):
    """GET asks to confirm, POST cancels: a running job stops at its next chunk and writes nothing."""

    template_name = "core/job_cancel.html"

    def post(self, request, pk):
        job = self.get_object()
        jobs.cancel(job)
        return redirect(job)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Cancel %(job)s") % {"job": self.object.title}, **kwargs)


class JobDownloadView(OwnJobMixin, View):
    """The file an export job wrote, while it is kept (JOBS_KEEP_SECONDS)."""

    def get(self, request, pk):
        job = get_object_or_404(self.get_queryset(), pk=pk, status=Job.Status.DONE)
        name = job.result.get("file")
        path = settings.JOBS_DIR / name if name else None
        if path is None or not path.is_file():
            raise Http404
        return FileResponse(path.open("rb"), as_attachment=True, filename=job.result["filename"])


class InboxView(LoginRequiredMixin, View):
    """The user's notices, newest first; POST marks one (``read``: its id) or all of them read."""

    def get(self, request):
        notices = Notification.objects.filter(user=request.user)
        page = Paginator(notices, 50).get_page(request.GET.get("page"))
        return render(request, "core/inbox.html", {"title": _("Inbox"), "page": page})

    def post(self, request):
        notices = Notification.objects.filter(user=request.user, read=False)
        if request.POST.get("read") != "all":
            notices = notices.filter(pk=request.POST.get("read") or 0)
        notices.update(read=True)
        return redirect("inbox")
