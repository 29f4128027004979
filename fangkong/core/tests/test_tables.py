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


def test_a_page_holds_at_least_one_row_and_at_most_the_api_s_largest_page(tree):
    def rows_a_page(per_page):
        table = AreaWithButtonsTable(Area.objects.order_by("code"))
        return table.paginate(per_page=per_page, page=1).paginator.per_page

    assert rows_a_page(-1) == 1
    assert rows_a_page(10**9) == 500
    assert rows_a_page(20) == 20
