"""core.tables.BaseTable: a list leaves out the buttons the user's roles may not use."""

import django_tables2 as tables
from django.template import Context, Template
from django.test import RequestFactory

from fangkong.areas.models import Area
from fangkong.core.tables import BaseTable


class AreaWithButtonsTable(BaseTable):
    name = tables.Column()
    actions = tables.TemplateColumn("<button>edit {{ record.code }}</button>", verbose_name="", accessor="pk")

    class Meta(BaseTable.Meta):
        model = Area
        fields = ("name",)


def rendered(user):
    request = RequestFactory().get("/")
    request.user = user
    table = AreaWithButtonsTable(Area.objects.all())
    return Template("{% load render_table from django_tables2 %}{% render_table table %}").render(
        Context({"table": table, "request": request})
    )


def test_the_actions_column_is_shown_to_whom_may_change(tree, people):
    assert f"edit {tree.grid.code}" in rendered(people.village_officer)


def test_the_actions_column_is_left_out_for_whom_may_not(tree, people):
    page = rendered(people.grid_worker)  # reads areas, changes none
    assert tree.grid.name in page and "edit" not in page
