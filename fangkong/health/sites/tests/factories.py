"""Isolation sites for tests, in the areas of fangkong.core.testing.make_tree()."""

from fangkong.health.sites import services
from fangkong.health.sites.models import Site


def make_site(area, name="竹林关镇宾馆隔离点", rooms=((101, 2), (102, 2)), **extra):
    """A site in use with rooms of (label, beds)."""
    site = Site(area=area, name=name, address="竹林关镇街道 8 号", contact="李主任", phone="13991400001", **extra)
    return services.save_site(site, [{"id": None, "label": str(label), "capacity": beds} for label, beds in rooms])
