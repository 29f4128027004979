"""Where a user may file the register's records, for the forms and the API alike."""

from django.utils.translation import gettext_lazy as _

from fangkong.areas.models import Area
from fangkong.core import scope
from fangkong.core.roles import Action

from .models import Arrival, Household, Person

# The levels a record of the register is filed under.
REGISTER_LEVELS = [Area.Level.VILLAGE, Area.Level.GRID]

# A code outside the user's villages and grids, or of no area at all: the same answer either way.
NOT_IN_YOUR_AREAS = _("No village or grid with this code in your area.")


def areas_for_people(user, action=Action.ADD):
    """Villages and grids where the user may register (or edit) people."""
    return scope.areas_for(user, Person.roles_by_action[action], REGISTER_LEVELS).pickable()


def household_areas(user, action):
    """The villages and grids where the user may file households."""
    return scope.areas_for(user, Household.roles_by_action[action], REGISTER_LEVELS).pickable()


def areas_for_arrivals(user):
    """Villages and grids where the user may register arrivals."""
    return scope.areas_for(user, Arrival.roles_by_action[Action.ADD], REGISTER_LEVELS).pickable()


def village_path(path):
    return Area.path_at_level(path, Area.Level.VILLAGE)


def area_full_name(area):
    """The area from its county down: 商南县 城关街道 东街社区 第一网格."""
    chain = [*area.ancestors(), area]
    return " ".join(a.short_name for a in chain if a.level != Area.Level.CITY)
