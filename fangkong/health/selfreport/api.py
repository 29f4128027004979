"""/api/self-report-links/{household}/: a household's self-report link, reissued or revoked by officers."""

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from fangkong.core.api import RefuseNulMixin, ScopedPermission
from fangkong.core.roles import Action
from fangkong.core.serializers import DateTimeField
from fangkong.people.models import Household

from . import services
from .views import may_manage_links


class HouseholdLinkSerializer(serializers.Serializer):
    household = serializers.IntegerField(source="pk")
    url = serializers.CharField(allow_null=True, help_text="The self-report page (its QR code); null: none in use.")
    issued = DateTimeField(allow_null=True)


class HouseholdLinkViewSet(RefuseNulMixin, viewsets.GenericViewSet):
    """The self-report link of a household (by the household's id), for those who open observations.
    GET: the link in use (url null: none). POST reissue/: a new link, the old one stops working.
    POST revoke/: no link any more; its QR code opens a 404 page. A GET of an action says whether you
    may do it (403 if not)."""

    queryset = Household.objects.order_by("pk")
    serializer_class = HouseholdLinkSerializer
    permission_classes = [ScopedPermission]
    pagination_class = None
    filter_backends = []

    def household(self):
        household = self.get_object()
        if not may_manage_links(self.request.user, household.area_path):
            raise exceptions.PermissionDenied
        return household

    def get_queryset(self):
        return self.queryset.restrict(self.request.user, Action.VIEW)

    def answer(self, household, code=status.HTTP_200_OK):
        link = services.active_link(household)
        household.url = self.request.build_absolute_uri(link.get_public_url()) if link else None
        household.issued = link.created if link else None
        return Response(self.get_serializer(household).data, status=code)

    def retrieve(self, request, pk=None):
        return self.answer(self.household())

    @extend_schema(methods=["GET"], responses={200: HouseholdLinkSerializer})
    @extend_schema(methods=["POST"], request=None, responses={201: HouseholdLinkSerializer})
    @action(detail=True, methods=["get", "post"])
    def reissue(self, request, pk=None):
        household = self.household()
        if request.method != "POST":
            return self.answer(household)
        services.issue(household, request.user)
        return self.answer(household, status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses={200: HouseholdLinkSerializer})
    @extend_schema(methods=["POST"], request=None, responses={200: HouseholdLinkSerializer})
    @action(detail=True, methods=["get", "post"])
    def revoke(self, request, pk=None):
        household = self.household()
        if request.method == "POST":
            services.revoke(household)
        return self.answer(household)


def register(router):
    router.register("self-report-links", HouseholdLinkViewSet, basename="selfreportlink")
