import django_filters
from django.utils.translation import gettext_lazy as _

from fangkong.core.filters import AreaFilter, BaseFilterSet
from fangkong.core.indicators import on_day

from ..models import Notice, NoticeRelay, Question, Rumour


def relayed_on(day):
    """The marks made on a local day: the daily report's figure and the list it links to."""
    return on_day("relayed_at", day)


class NoticeFilterSet(BaseFilterSet):
    """``to_relay`` needs the request's user (the grids they work in)."""

    q = django_filters.CharFilter(label=_("Title"), field_name="title", lookup_expr="icontains")
    to_relay = django_filters.BooleanFilter(label=_("Still to relay"), method="filter_to_relay")
    published_after = django_filters.DateFilter(label=_("From"), field_name="published_on", lookup_expr="gte")

    class Meta:
        model = Notice
        fields = ["q", "to_relay", "published_after"]

    def filter_to_relay(self, queryset, name, value):
        if value is None:
            return queryset
        user = getattr(self.request, "user", None)
        pending = queryset.to_relay(user).values("pk")
        return queryset.filter(pk__in=pending) if value else queryset.exclude(pk__in=pending)


class NoticeRelayFilterSet(BaseFilterSet):
    area = AreaFilter(label=_("Area"))
    notice = django_filters.NumberFilter(label=_("Notice"), field_name="notice_id")
    date = django_filters.DateFilter(label=_("Date"), method="filter_date")

    class Meta:
        model = NoticeRelay
        fields = ["area", "notice", "date"]

    def filter_date(self, queryset, name, value):
        return queryset.filter(relayed_on(value)) if value else queryset


class RumourFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Rumour"), field_name="claim", lookup_expr="icontains")
    area = AreaFilter(label=_("Area"))
    published = django_filters.BooleanFilter(label=_("Published"))

    class Meta:
        model = Rumour
        fields = ["q", "area", "published"]


class QuestionFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="filter_q", help_text=_("Words of the question or answer, pinyin or initials")
    )
    area = AreaFilter(label=_("Area"))
    published = django_filters.BooleanFilter(label=_("Published"))

    class Meta:
        model = Question
        fields = ["q", "area", "published"]

    def filter_q(self, queryset, name, value):
        return queryset.search(value)
