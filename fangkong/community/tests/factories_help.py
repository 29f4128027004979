"""Help records for tests, in the areas of fangkong.core.testing.make_tree()."""

from fangkong.people.tests.factories import make_household

from .. import services
from ..models import Need


def make_need(
    household=None, area=None, kind=Need.Kind.FOOD, urgent=False, user=None, via=Need.RaisedVia.CADRE, **extra
):
    """A need raised through the service, for ``household`` or a new household in ``area``."""
    household = household or make_household(area, address="竹林关村二组 5 号")
    need = Need(household=household, kind=kind, urgent=urgent, **extra)
    return services.raise_need(need, user, via)
