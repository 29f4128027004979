import csv
import datetime
import io
import json
import xml.etree.ElementTree as ET

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from fangkong.reports import services
from fangkong.reports.models import ReportForm

from .factories import days_ago, make_arrival, make_fever

ADX = "{urn:ihe:qrph:adx:2015}"


def town_with_records(tree, people):
    make_arrival(tree.grid)
    make_arrival(tree.grid2)
    make_arrival(tree.village2)
    make_fever(tree.village2)
    ReportForm.objects.create(
        area=tree.county,
        name="丹凤县疫情防控日报表",
        indicators=["fever_today", "arrivals_new"],
        hidden=["households"],
        signer="李主任",
    )
    morning = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(9)))
    services.confirm(tree.village, timezone.localdate(), people.village_officer, now=morning)


def test_the_xlsx_is_laid_out_like_the_government_table_with_the_right_totals(client, tree, people):
    town_with_records(tree, people)
    client.force_login(people.county_officer)
    response = client.get(reverse("reports:export"), {"area": tree.town.code, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "丹凤县疫情防控日报表"
    assert "A1" in {str(cells).split(":")[0] for cells in sheet.merged_cells.ranges}
    assert tree.town.name in sheet["A2"].value
    assert timezone.localdate().isoformat() in "".join(str(cell.value) for cell in sheet[2] if cell.value)
    names = [cell.value for cell in sheet[4]][3:]
    assert names[:2] == ["今日发热", "新增返乡人员"]  # the form's order first
    assert "登记户数" not in names  # hidden
    rows = {row[0]: row for row in sheet.iter_rows(min_row=5, values_only=True) if row[0]}
    fever, arrivals = 3, 4
    assert rows[tree.village.code][arrivals] == 2 and rows[tree.village2.code][arrivals] == 1
    assert rows[tree.village2.code][fever] == 1
    total = next(row for row in sheet.iter_rows(min_row=5, values_only=True) if row[0] == tree.town.code)
    assert total[arrivals] == 3 and total[fever] == 1
    assert rows[tree.village.code][2] in ("on time", "按时")
    footer = " ".join(str(cell.value) for cell in sheet[sheet.max_row] if cell.value)
    assert "李主任" in footer
    assert sheet.page_setup.orientation == "landscape"


def test_the_csv_has_one_row_per_child_and_the_total(client, tree, people):
    town_with_records(tree, people)
    client.force_login(people.county_officer)
    response = client.get(reverse("reports:export"), {"area": tree.town.code, "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == [tree.village.code, tree.village2.code, tree.town.code]
    assert rows[-1][5] == "3"  # arrivals_new, after date, code, name, status and fever


def test_dhis2_data_values_use_area_codes_as_org_units(client, tree, people):
    town_with_records(tree, people)
    client.force_login(people.county_officer)
    response = client.get(reverse("reports:export"), {"area": tree.town.code, "format": "dhis2"})
    payload = json.loads(response.content)
    values = {(item["orgUnit"], item["dataElement"]): item["value"] for item in payload["dataValues"]}
    assert values[(tree.town.code, "arrivals_new")] == "3"
    assert values[(tree.village2.code, "fever_today")] == "1"
    assert payload["dataValues"][0]["period"] == timezone.localdate().strftime("%Y%m%d")
    assert not any(element.endswith("_rate") or element == "households_coverage" for _unit, element in values)


def test_adx_groups_one_org_unit_and_day_each(client, tree, people):
    town_with_records(tree, people)
    client.force_login(people.county_officer)
    response = client.get(reverse("reports:export"), {"area": tree.town.code, "format": "adx"})
    root = ET.fromstring(response.content)
    groups = {group.get("orgUnit"): group for group in root.iter(f"{ADX}group")}
    assert set(groups) == {tree.village.code, tree.village2.code, tree.town.code}
    assert groups[tree.town.code].get("period") == f"{timezone.localdate().isoformat()}/P1D"
    values = {value.get("dataElement"): value.get("value") for value in groups[tree.town.code]}
    assert values["arrivals_new"] == "3"


def test_a_range_export_has_each_day_and_a_ten_year_range_is_refused(client, tree, people):
    make_arrival(tree.grid, day=days_ago(1))
    client.force_login(people.county_officer)
    url = reverse("reports:export")
    response = client.get(url, {"area": tree.town.code, "format": "xlsx", "from": days_ago(2), "to": days_ago(0)})
    assert len(load_workbook(io.BytesIO(response.content)).sheetnames) == 3
    refused = client.get(url, {"area": tree.town.code, "format": "csv", "from": days_ago(3650), "to": days_ago(0)})
    assert refused.status_code == 400
    assert "31" in refused.content.decode()


def test_the_printable_page_is_a4_landscape(client, tree, people):
    town_with_records(tree, people)
    client.force_login(people.county_officer)
    page = client.get(reverse("reports:print"), {"area": tree.town.code})
    assert page.status_code == 200
    assert "reports/print.css" in page.content.decode() and "李主任" in page.content.decode()


def test_a_form_name_that_looks_like_a_formula_stays_text(client, tree, people):
    ReportForm.objects.create(area=tree.county, name='=HYPERLINK("http://x","y")')
    client.force_login(people.county_officer)
    response = client.get(reverse("reports:export"), {"area": tree.town.code, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == '=HYPERLINK("http://x","y")' and sheet["A1"].data_type == "s"
