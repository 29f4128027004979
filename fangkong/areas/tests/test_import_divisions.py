"""The division import: the real Shangluo file, its encodings, its errors, re-imports and search."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from fangkong.areas.management.commands.import_divisions import BUNDLED
from fangkong.areas.models import Area, short_name_for
from fangkong.areas.services import DivisionFileError, import_divisions
from fangkong.core.models import ChangeLogEntry
from fangkong.core.roles import Role
from fangkong.core.testing import make_user

HEADER = "code,name,level,parent_code"
# A slice of the real file: the city, 丹凤县, 竹林关镇 and two of its villages.
SMALL = [
    "6110,商洛市,city,61",
    "611022,丹凤县,county,6110",
    "611022106,竹林关镇,town,611022",
    "611022106200,竹林关村委会,village,611022106",
    "611022106203,雷家洞村委会,village,611022106",
]


def csv_bytes(*rows, header=HEADER, encoding="utf-8"):
    return "\n".join([header, *rows]).encode(encoding) + b"\n"


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are asserted in English (the msgids); the UI default is Chinese."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def real_file():
    return BUNDLED.read_bytes()


@pytest.fixture
def shangluo(db, real_file):
    return import_divisions(real_file)


@pytest.fixture
def commander(shangluo):
    """A commander of the whole city, on the real tree."""
    return make_user("commander", Role.COMMANDER, Area.objects.get(code="6110"))


def error_rows(excinfo):
    return {row: message for row, message in excinfo.value.errors}


# --- the real file ---------------------------------------------------------------------------------


def test_it_imports_the_real_file(shangluo):
    assert shangluo.created == 1432
    assert Area.objects.count() == 1432
    counts = {level: Area.objects.filter(level=level).count() for level in ("city", "county", "town", "village")}
    assert counts == {"city": 1, "county": 7, "town": 110, "village": 1314}
    assert Area.objects.get(code="611022106200").path == "6110.611022.611022106.611022106200"
    assert Area.objects.get(code="6110").path == "6110"
    assert Area.objects.get(code="6110").parent is None


def test_it_links_every_area_to_its_parent(shangluo):
    for area in Area.objects.exclude(level="city").select_related("parent"):
        assert area.path == f"{area.parent.path}.{area.code}"
        assert area.code.startswith(area.parent.code)


def test_it_marks_the_similar_to_town_units_special(shangluo):
    towns = Area.objects.filter(level="town")
    assert towns.filter(is_special=False).count() == 98
    special = towns.filter(is_special=True)
    assert special.count() == 12
    assert all(code[6] == "4" for code in special.values_list("code", flat=True))
    assert {area.code for area in shangluo.special} == set(special.values_list("code", flat=True))
    villages = Area.objects.filter(level="village")
    assert villages.filter(is_special=False).count() == 1302
    # Each special unit's placeholder village is special too, and counted out of the real villages.
    assert Area.objects.get(code="611002400598").is_special
    assert not Area.objects.get(code="611022106200").is_special


def test_it_is_idempotent(shangluo, real_file):
    entries = ChangeLogEntry.objects.count()
    again = import_divisions(real_file)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1432)
    assert Area.objects.count() == 1432
    assert ChangeLogEntry.objects.count() == entries


def test_it_logs_every_created_area(shangluo):
    entries = ChangeLogEntry.objects.filter(kind="create", content_type__model="area")
    assert entries.count() == 1432
    village = entries.get(object_id=str(Area.objects.get(code="611022106200").pk))
    assert village.area_path == "6110.611022.611022106.611022106200"
    assert village.after["name"] == "竹林关村委会"


def test_it_works_as_a_management_command(db):
    out = io.StringIO()
    call_command("import_divisions", stdout=out)
    assert Area.objects.count() == 1432
    assert "1432 created" in out.getvalue()
    assert "12 NBS 'similar to town' units marked special" in out.getvalue()

    out = io.StringIO()
    call_command("import_divisions", str(BUNDLED), stdout=out)
    assert "0 created, 0 updated, 1432 unchanged" in out.getvalue()
    assert Area.objects.count() == 1432


def test_the_command_refuses_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_divisions", str(tmp_path / "nope.csv"))


def test_the_command_names_the_bad_rows(db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(*SMALL, "611022106299,无主村委会,village,611022999"))
    with pytest.raises(CommandError) as excinfo:
        call_command("import_divisions", str(path))
    message = str(excinfo.value)
    assert "nothing was imported" in message
    assert "row 7" in message and "611022999" in message
    assert Area.objects.count() == 0


# --- encodings -------------------------------------------------------------------------------------


def test_it_reads_gbk(db, real_file):
    result = import_divisions(real_file.decode("utf-8").encode("gbk"))
    assert result.created == 1432
    rows = {row["code"]: row["name"] for row in csv.DictReader(io.StringIO(real_file.decode("utf-8")))}
    assert dict(Area.objects.values_list("code", "name")) == rows
    assert Area.objects.get(code="611022106").name == "竹林关镇"
    assert Area.objects.get(code="611022106200").short_name == "竹林关村"


def test_it_reads_utf8_with_bom_and_crlf(db):
    """What Excel's "CSV UTF-8" writes."""
    data = "\ufeff" + "\r\n".join([HEADER, *SMALL]) + "\r\n"
    assert import_divisions(data.encode("utf-8")).created == 5
    assert Area.objects.get(code="6110").name == "商洛市"


@pytest.mark.parametrize(
    "data",
    [
        # Latin-1 whose accented letters are followed by a comma: not valid GBK either.
        csv_bytes("6110,Città,city,61", encoding="latin-1"),
        # Latin-1 where every accented letter is followed by a letter: these bytes happen to be valid
        # GBK (ü + r reads as a rare hanzi), which must not slip through as garbage names.
        csv_bytes("6110,Zürich,city,61", "611022,Genève Région,county,6110", encoding="latin-1"),
        # Not a text file at all: a zip (what an xlsx is) with binary content.
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\x83\xff\x80\x9c\xfe\xfe\x00\x00" * 20,
    ],
    ids=["latin1", "latin1-looks-like-gbk", "binary"],
)
def test_it_refuses_a_file_in_another_encoding(db, data):
    with pytest.raises(DivisionFileError) as excinfo:
        import_divisions(data)
    assert "neither UTF-8 nor GBK" in str(excinfo.value)
    assert "CSV UTF-8" in str(excinfo.value)
    assert Area.objects.count() == 0


def test_it_names_missing_columns(db):
    with pytest.raises(DivisionFileError) as excinfo:
        import_divisions(csv_bytes("6110,商洛市,61", header="code,name,parent"))
    message = str(excinfo.value)
    assert "Missing columns: level, parent_code" in message
    assert "code,name,level,parent_code" in message
    assert Area.objects.count() == 0


def test_it_accepts_columns_in_any_order_with_spaces(db):
    data = csv_bytes("city, 商洛市 ,61,6110", header=" level,name , parent_code,code")
    assert import_divisions(data).created == 1
    assert Area.objects.get(code="6110").name == "商洛市"


def test_it_refuses_an_empty_file(db):
    with pytest.raises(DivisionFileError, match="no rows"):
        import_divisions(csv_bytes())


# --- row errors: all reported, nothing written ------------------------------------------------------


@pytest.fixture
def existing(db):
    """The city and one county already there, so 'nothing written' is measured against a non-empty tree."""
    import_divisions(csv_bytes(*SMALL[:2]))
    return Area.objects.count(), ChangeLogEntry.objects.count()


def assert_nothing_written(existing):
    assert (Area.objects.count(), ChangeLogEntry.objects.count()) == existing


def test_it_reports_an_unknown_parent(existing):
    with pytest.raises(DivisionFileError) as excinfo:
        import_divisions(csv_bytes(*SMALL, "611022107200,某村委会,village,611022107"))
    errors = error_rows(excinfo)
    assert list(errors) == [7]
    assert "unknown parent 611022107" in errors[7]
    assert_nothing_written(existing)


def test_it_reports_a_duplicate_code(existing):
    with pytest.raises(DivisionFileError) as excinfo:
        import_divisions(csv_bytes(*SMALL, "611022106200,竹林关村,village,611022106"))
    errors = error_rows(excinfo)
    assert list(errors) == [7]
    assert "611022106200 already appears in row 5" in errors[7]
    assert_nothing_written(existing)


def test_it_reports_a_level_that_does_not_fit_the_parent(existing):
    with pytest.raises(DivisionFileError) as excinfo:
        # A village straight under the county, skipping the town.
        import_divisions(csv_bytes(*SMALL, "611022106299,某村委会,village,611022"))
    errors = error_rows(excinfo)
    assert list(errors) == [7]
    assert "a village must be under a town, but 611022 is a county" in errors[7]
    assert_nothing_written(existing)


def test_it_reports_a_code_whose_length_does_not_fit_the_level(existing):
    with pytest.raises(DivisionFileError) as excinfo:
        import_divisions(csv_bytes(*SMALL, "611022106,竹林关镇,village,611022106"))
    errors = error_rows(excinfo)
    assert "a village code has 12 digits, '611022106' does not" in errors[7]
    assert_nothing_written(existing)


def test_it_reports_an_existing_code_given_another_level(existing):
    with pytest.raises(DivisionFileError) as excinfo:
        import_divisions(csv_bytes("611022,丹凤县,town,6110"))
    assert "a town code has 9 digits" in error_rows(excinfo)[2]
    assert_nothing_written(existing)


def test_it_reports_a_code_not_under_its_parent(existing):
    with pytest.raises(DivisionFileError) as excinfo:
        # A 商南县 village code filed under 竹林关镇.
        import_divisions(csv_bytes(*SMALL, "611023100001,东街社区居委会,village,611022106"))
    errors = error_rows(excinfo)
    assert list(errors) == [7]
    assert "611023100001 does not lie under its parent 611022106" in errors[7]
    assert_nothing_written(existing)


def test_it_reports_every_bad_row_at_once(existing):
    with pytest.raises(DivisionFileError) as excinfo:
        import_divisions(
            csv_bytes(
                *SMALL,
                "611022106299,,village,611022106",  # row 7: no name
                "611022106300,某村委会,hamlet,611022106",  # row 8: unknown level
                "6110221063xx,某村委会,village,611022106",  # row 9: not digits
            )
        )
    errors = error_rows(excinfo)
    assert sorted(errors) == [7, 8, 9]
    assert "name is empty" in errors[7]
    assert "unknown level 'hamlet'" in errors[8]
    assert "'6110221063xx'" in errors[9]
    assert "row 8: unknown level" in str(excinfo.value)
    assert_nothing_written(existing)


def test_it_refuses_to_move_an_area(existing):
    import_divisions(csv_bytes(*SMALL))
    before = Area.objects.count(), ChangeLogEntry.objects.count()
    with pytest.raises(DivisionFileError) as excinfo:
        import_divisions(csv_bytes(*SMALL[:2], "611023,商南县,county,6110", "611022106,竹林关镇,town,611023"))
    assert "611022106" in error_rows(excinfo)[5]
    assert (Area.objects.count(), ChangeLogEntry.objects.count()) == before
    assert Area.objects.get(code="611022106").parent.code == "611022"


# --- re-import with changes -------------------------------------------------------------------------


def test_a_renamed_area_is_updated_and_logged(db, tmp_path):
    import_divisions(csv_bytes(*SMALL))
    village = Area.objects.get(code="611022106200")
    stamp = village.last_updated
    renamed = [row.replace("竹林关村委会", "竹林关社区居委会") for row in SMALL]
    path = tmp_path / "renamed.csv"
    path.write_bytes(csv_bytes(*renamed, "611022106205,洲河北村委会,village,611022106"))
    out = io.StringIO()
    call_command("import_divisions", str(path), stdout=out)

    assert "1 created, 1 updated, 4 unchanged" in out.getvalue()
    village.refresh_from_db()
    assert village.name == "竹林关社区居委会"
    assert village.short_name == "竹林关社区"
    assert village.path == "6110.611022.611022106.611022106200"
    assert village.last_updated > stamp
    assert Area.objects.search("zlgsq").filter(pk=village.pk).exists()  # search keys follow the new name

    entry = ChangeLogEntry.objects.get(kind="update", object_id=str(village.pk))
    assert entry.source == "command"
    assert entry.before["name"] == "竹林关村委会"
    assert entry.after["name"] == "竹林关社区居委会"
    assert ("short_name", "竹林关村", "竹林关社区") in entry.changed_fields()
    assert entry.area_path == village.path


# --- short names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, short",
    [
        ("竹林关村委会", "竹林关村"),
        ("东关社区居委会", "东关社区"),
        ("付村委会", "付村"),
        ("韩峪川村民委员会", "韩峪川村"),
        ("仁和社区居民委员会", "仁和社区"),
        ("城关居委会", "城关社区"),
        ("竹林关镇", "竹林关镇"),
        ("二龙山虚拟生活区", "二龙山虚拟生活区"),
        ("村委会", "村委会"),  # nothing left to shorten
        ("王塬村村委会", "王塬村"),  # the committee of 王塬村: 村 is not doubled
        ("韩峪川村村民委员会", "韩峪川村"),
        ("王村村委会", "王村"),
        ("仙娥湖社区社区居委会", "仙娥湖社区"),
    ],
)
def test_short_names(name, short):
    assert short_name_for(name) == short


def test_short_names_of_the_real_file(shangluo):
    assert Area.objects.get(code="611022106200").short_name == "竹林关村"
    assert Area.objects.get(code="611002001002").short_name == "东关社区"
    assert Area.objects.get(code="611002001206").short_name == "付村"
    assert Area.objects.get(code="611002004008").short_name == "仁和社区"
    villages = Area.objects.filter(level="village", is_special=False)
    # No real village keeps a committee suffix in its short name.
    assert not villages.filter(short_name__endswith="委会").exists()
    assert not villages.filter(short_name__endswith="委员会").exists()
    assert not villages.filter(short_name__endswith="村村").exists()
    assert Area.objects.get(code="611002111219").short_name == "韩峪川村"  # 韩峪川村村民委员会


def test_re_importing_repairs_short_names_made_by_an_older_rule(shangluo, real_file):
    Area.objects.filter(code="611002104228").update(short_name="王塬村村", initials="wycc")
    result = import_divisions(real_file)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1431)
    village = Area.objects.get(code="611002104228")
    assert (village.name, village.short_name, village.initials) == ("王塬村村委会", "王塬村", "wyc")
    entry = ChangeLogEntry.objects.get(kind="update")
    assert (entry.before["short_name"], entry.after["short_name"]) == ("王塬村村", "王塬村")


# --- special units in lists --------------------------------------------------------------------------


def test_the_area_list_hides_special_units(client, commander):
    client.force_login(commander)
    response = client.get(reverse("areas:list"), {"level": "town", "within": "611002"})
    assert response.status_code == 200
    assert "夜村镇" in response.text
    assert "二龙山水库" not in response.text
    assert "商洛职业技术学院" not in response.text

    response = client.get(reverse("areas:list"), {"level": "town", "within": "611002", "include_special": "on"})
    assert "二龙山水库" in response.text
    assert "商洛职业技术学院" in response.text


def test_the_area_list_hides_special_units_without_any_filter(client, commander):
    client.force_login(commander)
    response = client.get(reverse("areas:list"))
    assert response.status_code == 200
    assert response.context["table"].paginator.count == 1432 - 24


def test_the_api_hides_special_units(client, commander):
    client.force_login(commander)
    url = reverse("area-list")
    towns = client.get(url, {"level": "town"}).json()
    assert towns["count"] == 98
    assert all(not area["is_special"] for area in towns["results"])
    assert client.get(url, {"level": "village", "page_size": 1}).json()["count"] == 1302
    assert client.get(url, {"page_size": 1}).json()["count"] == 1432 - 24
    assert client.get(url, {"level": "town", "include_special": "false"}).json()["count"] == 98

    towns = client.get(url, {"level": "town", "include_special": "true", "page_size": 200}).json()
    assert towns["count"] == 110
    assert {a["code"] for a in towns["results"] if a["is_special"]} == {
        area.code for area in Area.objects.filter(level="town", is_special=True)
    }


def test_a_special_unit_can_still_be_opened(client, commander):
    client.force_login(commander)
    assert client.get(reverse("areas:area", args=["611002400"])).status_code == 200
    assert client.get(reverse("area-detail", args=["611002400"])).json()["is_special"] is True


# --- search ------------------------------------------------------------------------------------------


def test_search_finds_a_town_by_name_pinyin_initials_or_code(shangluo):
    variants = ["zlg", "ZLG", "zlgz", "zhulinguan", "zhu lin guan", "ZhuLinGuanZhen", "竹林关", "竹林关镇", "611022106"]
    missed = [text for text in variants if not Area.objects.search(text).filter(code="611022106").exists()]
    assert missed == []


def test_search_is_precise(shangluo):
    assert set(Area.objects.search("zlgz").values_list("code", flat=True)) == {"611022106"}
    assert set(Area.objects.search("竹林关").values_list("code", flat=True)) == {"611022106", "611022106200"}
    # A code prefix finds the subtree's codes only, never a name.
    codes = Area.objects.search("611022106").values_list("code", flat=True)
    assert len(codes) == 19 and all(code.startswith("611022106") for code in codes)
    # Searching the short name finds the village whose official name carries a committee suffix.
    assert set(Area.objects.search("竹林关村").values_list("code", flat=True)) == {"611022106200"}
    assert not Area.objects.search("xyzq").exists()
    assert Area.objects.search("  ").count() == 1432


def test_the_api_searches_by_initials(client, commander):
    client.force_login(commander)
    results = client.get(reverse("area-list"), {"q": "zlg"}).json()["results"]
    by_code = {area["code"]: area for area in results}
    assert by_code["611022106"]["name"] == "竹林关镇"
    assert by_code["611022106200"]["short_name"] == "竹林关村"
    codes = {area["code"] for area in client.get(reverse("area-list"), {"q": "zlg", "level": "town"}).json()["results"]}
    assert codes == {"611022106"}


def test_the_list_page_searches_by_initials(client, commander):
    client.force_login(commander)
    response = client.get(reverse("areas:list"), {"q": "zlg"})
    assert "竹林关镇" in response.text
    assert "竹林关村" in response.text
    assert "丹凤县" in response.text  # the parent column
    assert "商州区" not in response.text.split("<table", 1)[1]


def test_search_stays_in_scope(client, shangluo):
    """A 商南县 officer searching for 竹林关 (in 丹凤县) finds nothing."""
    officer = make_user("shangnan", Role.OFFICER, Area.objects.get(code="611023"))
    client.force_login(officer)
    assert client.get(reverse("area-list"), {"q": "zlg"}).json()["count"] == 0
    assert client.get(reverse("area-list"), {"q": "611023", "page_size": 1}).json()["count"] > 0
