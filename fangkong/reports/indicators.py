"""The reports' own figures: completeness and timeliness (DHIS2's reporting rate and on-time rate).

The reporting units are the villages and communities open on the day: expected reports are those
villages, actual reports the villages that confirmed, on time those whose first confirmation came by the
deadline. Summed over areas, then divided: a rate of a town is never the average of its villages' rates.
"""

from django.db.models import Q

from fangkong.core.indicators import Count, Rate, register

COMPLETENESS = {"group_zh": "报送", "group_en": "Reporting"}
VILLAGE = "village"


def expected(day):
    """The villages and communities open on the day."""
    return Q(level=VILLAGE) & (Q(retired_on__isnull=True) | Q(retired_on__gt=day))


def confirmed(day):
    """The day's first confirmations of villages."""
    return Q(day=day, version=1, level=VILLAGE)


def _report(day):
    return {"date": day.isoformat()}


register(
    Count(
        "reports_expected",
        "应报村(社区)数",
        "Reports expected",
        **COMPLETENESS,
        model="areas.Area",
        where=expected,
        path_field="path",
        url_name="reports:daily",
        params=_report,
        confirmed=False,
    ),
    Count(
        "reports_confirmed",
        "已报村(社区)数",
        "Reports confirmed",
        **COMPLETENESS,
        model="reports.Confirmation",
        where=confirmed,
        url_name="reports:daily",
        params=_report,
        confirmed=False,
    ),
    Count(
        "reports_on_time",
        "按时报送数",
        "Reports on time",
        **COMPLETENESS,
        model="reports.Confirmation",
        where=lambda day: confirmed(day) & Q(on_time=True),
        url_name="reports:daily",
        params=_report,
        confirmed=False,
    ),
    Rate(
        "reporting_rate",
        "报告率(%)",
        "Reporting rate (%)",
        **COMPLETENESS,
        numerator="reports_confirmed",
        denominator="reports_expected",
    ),
    Rate(
        "on_time_rate",
        "及时率(%)",
        "On-time rate (%)",
        **COMPLETENESS,
        numerator="reports_on_time",
        denominator="reports_expected",
    ),
)
