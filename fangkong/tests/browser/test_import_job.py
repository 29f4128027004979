"""A grid worker imports an arrivals file on a phone: the import runs as a job whose page shows its progress."""

import io
import re
import threading

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from fangkong.core import jobs
from fangkong.people.models import Arrival
from fangkong.people.tests.factories import id_number

from .screens import PHONE, horizontal_overflow, log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
HEADER = ["姓名", "身份证号", "性别", "联系电话", "来源地", "返回日期", "交通方式", "是否发热", "网格代码"]


def arrivals_file(tmp_path):
    workbook = Workbook()
    workbook.active.append(HEADER)
    for name in ("李四", "王五"):
        row = [name, id_number(), "男", "13812345678", "湖北省武汉市江汉区", "2020-01-25", "火车", "否"]
        workbook.active.append([*row, "611022106200001"])
    path = tmp_path / "返乡人员.xlsx"
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture
def slow_worker(monkeypatch):
    """The worker takes the job two seconds late, so the page is seen waiting before it is seen done."""

    def submit_late(job_id):
        threading.Timer(2, jobs.threads.submit, [job_id]).start()

    monkeypatch.setattr(jobs, "submit", submit_late)


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"], indirect=True)
def test_grid_worker_imports_arrivals_and_watches_the_job(
    tab, people, tree, tmp_path, settings, slow_worker, screenshot
):
    settings.VAR_DIR = tmp_path
    log_in(tab, "grid_worker")
    tab.goto("/people/arrivals/import/")
    tab.set_input_files("#id_file", str(arrivals_file(tmp_path)))
    with tab.expect_navigation():
        tab.locator("#check-file").click()
    expect(tab.locator("#import-counts")).to_contain_text("2")
    with tab.expect_navigation():
        tab.locator("#confirm-import").click()

    expect(tab).to_have_url(re.compile(r"/jobs/\d+/$"))
    expect(tab.locator("#job-status")).to_have_attribute("data-status", "queued")
    expect(tab.locator(".progress-bar")).to_be_visible()  # a bar of no width is not: its width is set by script
    expect(tab.locator("#job-status")).to_have_attribute("data-status", "done")  # polled until the job ends
    expect(tab.locator("#import-done")).to_contain_text("导入完成：新增 2 条")
    expect(tab.locator("#inbox-count")).to_have_text("1")
    assert horizontal_overflow(tab) <= 1, "the job page scrolls sideways on a phone"
    screenshot(tab, "done")
    assert Arrival.objects.count() == 2

    tab.locator(".navbar-toggler").click()
    with tab.expect_navigation():  # dispatched: under load, the long menu may still be opening
        tab.locator("#nav-inbox").first.dispatch_event("click")
    expect(tab.locator("#inbox a")).to_have_count(1)
