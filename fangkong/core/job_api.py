"""/api/jobs/ and /api/notifications/: the caller's own jobs and notices (anyone else's are 404)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import jobs
from .api import RefuseNulMixin
from .models import Job, Notification
from .serializers import ModelSerializer


class JobSerializer(ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="job-detail")
    page = serializers.SerializerMethodField()
    download = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = ["id", "url", "page", "kind", "title", "status", "done", "total", "created", "started", "finished"]
        fields += ["attempts", "result", "error", "download"]

    def to_representation(self, job):
        return super().to_representation(jobs.live(job))  # the progress its worker last reported

    def get_page(self, job) -> str:
        return self.context["request"].build_absolute_uri(job.get_absolute_url())

    def get_download(self, job) -> str | None:
        if job.status != Job.Status.DONE or not job.result.get("file"):
            return None
        return self.context["request"].build_absolute_uri(reverse("job-download", args=[job.pk]))


def job_response(job, request, status_code=status.HTTP_200_OK):
    data = JobSerializer(job, context={"request": request}).data
    headers = {"Location": str(data["url"])} if status_code == status.HTTP_202_ACCEPTED else None
    return Response(data, status=status_code, headers=headers)


class JobViewSet(RefuseNulMixin, viewsets.ReadOnlyModelViewSet):
    """Your background jobs, newest first: progress (done of total), status, and the result when done."""

    queryset = Job.objects.none()  # for the schema; requests read get_queryset
    serializer_class = JobSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return Job.objects.filter(user=self.request.user)

    def retrieve(self, request, pk=None):
        return job_response(self.get_object(), request)

    @extend_schema(request=None, responses=JobSerializer)
    @action(detail=True, methods=["get", "post"])
    def cancel(self, request, pk=None):
        """POST cancels: a queued job at once, a running one at its next chunk, writing nothing."""
        job = self.get_object()
        if request.method == "POST":
            jobs.cancel(job)
            job.refresh_from_db()
        return job_response(job, request)


class NotificationSerializer(ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "link", "read", "created"]
        read_only_fields = fields


class NotificationViewSet(RefuseNulMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your inbox, newest first; ``?read=false`` for the unread ones."""

    queryset = Notification.objects.none()  # for the schema; requests read get_queryset
    serializer_class = NotificationSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        notices = Notification.objects.filter(user=self.request.user)
        if self.action == "list" and self.request.query_params.get("read") in ("false", "0"):
            notices = notices.filter(read=False)
        return notices

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["get", "post"])
    def read(self, request, pk=None):
        """POST marks the notice read."""
        notice = self.get_object()
        if request.method == "POST" and not notice.read:
            notice.read = True
            notice.save(update_fields=["read"])
        return Response(NotificationSerializer(notice).data)


def register(router):
    router.register("jobs", JobViewSet, basename="job")
    router.register("notifications", NotificationViewSet, basename="notification")
