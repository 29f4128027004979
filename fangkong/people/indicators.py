"""The register's figures for the daily reports (see ``fangkong.core.indicators``)."""

from django.db.models import Exists, OuterRef, Q

from fangkong.core.indicators import Count, Rate, by_end_of, register

ARRIVALS = {"group_zh": "返乡人员", "group_en": "Arrivals"}
HOUSEHOLDS = {"group_zh": "排查", "group_en": "Screening"}


def registered_then(day):
    """Households registered by the end of the day."""
    return by_end_of("created", day)


def screened_then(day):
    """Households registered by the day and visited by then in a screening round still open that day:
    the households a figure's link lists. The figures themselves are summed from the tally that
    ``people.tallies`` keeps by the same rule (``screened_spans``).

    An ``EXISTS`` per household (an index probe of its visits). Not ``id IN (the day's visits)``: at a
    city's 450,000 visits that set no longer fits the database's memory for a hashed lookup, and
    PostgreSQL then reads the whole set again for each household."""
    from .models import ScreeningVisit

    visits = ScreeningVisit.objects.filter(
        Q(round__closed_on__isnull=True) | Q(round__closed_on__gte=day),
        household=OuterRef("pk"),
        visited_on__lte=day,
        round__opened_on__lte=day,
    )
    return registered_then(day) & Q(Exists(visits))


def registered_by(households, day):
    return households.filter(registered_then(day))


def screened_by(households, day):
    return households.filter(screened_then(day))


def _day(day):
    return day.isoformat()


def _up_to(day):
    """The tally's changes of the days up to the day: their sum is the figure of the day."""
    return Q(day__lte=day)


register(
    Count(
        "arrivals_new",
        "新增返乡人员",
        "New arrivals",
        **ARRIVALS,
        model="people.Arrival",
        where=lambda day: Q(arrived_on=day),
        url_name="people:arrival-list",
        params=lambda day: {"arrived_after": _day(day), "arrived_before": _day(day)},
    ),
    Count(
        "arrivals_total",
        "累计返乡人员",
        "Arrivals, cumulative",
        **ARRIVALS,
        model="people.Arrival",
        where=lambda day: Q(arrived_on__lte=day),
        url_name="people:arrival-list",
        params=lambda day: {"arrived_before": _day(day)},
    ),
    Count(
        "arrivals_risk",
        "新增来自风险地区",
        "New arrivals from risk areas",
        **ARRIVALS,
        model="people.Arrival",
        where=lambda day: Q(arrived_on=day, risk_area__isnull=False),
        url_name="people:arrival-list",
        params=lambda day: {"arrived_after": _day(day), "arrived_before": _day(day), "risk": "true"},
    ),
    Count(
        "households",
        "登记户数",
        "Households registered",
        **HOUSEHOLDS,
        # Summed from the tally (people.tallies), which moves with every change to the households.
        model="people.HouseholdTally",
        where=_up_to,
        total="households",
        url_name="people:household-list",
        params=lambda day: {"registered_by": _day(day)},
    ),
    Count(
        "households_screened",
        "已排查户数",
        "Households screened",
        **HOUSEHOLDS,
        model="people.HouseholdTally",
        where=_up_to,
        total="screened",
        url_name="people:household-list",
        params=lambda day: {"screened_by": _day(day)},
    ),
    Rate(
        "households_coverage",
        "排查覆盖率(%)",
        "Screening coverage (%)",
        **HOUSEHOLDS,
        numerator="households_screened",
        denominator="households",
    ),
)
