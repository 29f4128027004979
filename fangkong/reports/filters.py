import django_filters
from django.utils.translation import gettext_lazy as _

from fangkong.core.filters import AreaFilter, BaseFilterSet

from .models import ReportForm


class ReportFormFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")
    area = AreaFilter(label=_("Area"))

    class Meta:
        model = ReportForm
        fields = ["q", "area"]
