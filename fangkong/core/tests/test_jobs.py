"""Background jobs: progress, cancel, a worker that dies, stale heartbeats, ownership, the inbox."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from fangkong.areas.imports import GridImporter
from fangkong.areas.models import Area
from fangkong.core import jobs
from fangkong.core.context import Source
from fangkong.core.imports import StoredUpload
from fangkong.core.models import ChangeLogEntry, Job, Notification

from .test_imports import HEADER, grid_names, xlsx_bytes

ROWS = 7


@pytest.fixture(autouse=True)
def english(settings, tmp_path):
    """Messages in English (the msgids); uploads and job files in the test's own directory."""
    settings.LANGUAGE_CODE = "en"
    settings.VAR_DIR = tmp_path
    settings.JOBS_DIR = tmp_path / "jobs"
    with translation.override("en"):
        yield


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(GridImporter, "batch_size", 2)


def grid_file(rows=ROWS):
    return xlsx_bytes(HEADER, *[["611022106201", f"新{n}网格"] for n in range(1, rows + 1)])


def stored(user, data=None):
    """An upload as the import page keeps it once previewed: its rows counted."""
    upload = StoredUpload.create(user, SimpleUploadedFile("grids.xlsx", data or grid_file()), GridImporter)
    upload.meta["rows"] = ROWS
    upload.save_meta()
    return upload


def commit_job(user, upload, **params):
    """A queued import job: in a test, nothing runs it until ``jobs.execute`` is called."""
    params = {"importer": GridImporter.dotted_name(), "token": upload.token, "all_or_nothing": False, **params}
    return jobs.start("import-commit", user, "Import of grids.xlsx", params)


def imported_rows():
    return ChangeLogEntry.objects.filter(source=Source.IMPORT).count()


def test_a_job_runs_and_reports_its_progress(
    tree, people, small_batches, monkeypatch, django_capture_on_commit_callbacks
):
    reported = []
    monkeypatch.setattr(jobs.Progress, "interval", 0)
    monkeypatch.setattr(jobs.Progress, "report", lambda self: reported.append((self.job.done, self.job.total)))
    upload = stored(people.town_officer)
    job = commit_job(people.town_officer, upload)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.execute(job.pk)
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.attempts) == (Job.Status.DONE, ROWS, ROWS, 1)
    assert reported == [(0, ROWS), (2, ROWS), (4, ROWS), (6, ROWS), (7, ROWS)]
    assert job.result["summary"]["created"] == ROWS and job.finished >= job.started
    assert len(grid_names(tree.village2)) == ROWS
    entry = ChangeLogEntry.objects.filter(source=Source.IMPORT).first()
    assert (entry.user, entry.request_id) == (people.town_officer, job.request_id)
    assert not upload.path.exists()  # the uploaded file goes once the import is committed


def test_a_job_runs_once_however_often_it_is_delivered(tree, people):
    job = commit_job(people.town_officer, stored(people.town_officer))
    jobs.execute(job.pk)
    jobs.execute(job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts, len(grid_names(tree.village2))) == (Job.Status.DONE, 1, ROWS)


def test_a_cancelled_import_writes_nothing(tree, people, small_batches, monkeypatch):
    job = commit_job(people.town_officer, stored(people.town_officer))
    write_rows = GridImporter.write_rows

    def write_then_cancel(importer, rows):
        write_rows(importer, rows)
        jobs.cancel(Job.objects.get(pk=job.pk))  # the user presses Cancel after the first batch is written

    monkeypatch.setattr(GridImporter, "write_rows", write_then_cancel)
    jobs.execute(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert grid_names(tree.village2) == set() and imported_rows() == 0
    assert not Notification.objects.exists()


def test_a_queued_job_is_cancelled_at_once(tree, people):
    job = commit_job(people.town_officer, stored(people.town_officer))
    jobs.cancel(job)
    jobs.execute(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED and job.attempts == 0 and grid_names(tree.village2) == set()


def test_a_worker_that_fails_mid_import_leaves_nothing_and_says_so(tree, people, small_batches, monkeypatch):
    people.town_officer.language = "en"  # the notice is written in the language of its reader
    people.town_officer.save()
    job = commit_job(people.town_officer, stored(people.town_officer))
    write_rows = GridImporter.write_rows
    batches = []

    def die_on_the_third_batch(importer, rows):
        batches.append(rows)
        if len(batches) == 3:
            raise ConnectionError("the database went away")
        write_rows(importer, rows)

    monkeypatch.setattr(GridImporter, "write_rows", die_on_the_third_batch)
    jobs.execute(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == "The job failed: ConnectionError: the database went away. Nothing was written."
    assert grid_names(tree.village2) == set() and imported_rows() == 0
    assert Notification.objects.get(user=people.town_officer).title == "Failed: Import of grids.xlsx"


def died(job, attempts, minutes_ago=10):
    """The job as a killed worker leaves it: running, its transaction rolled back, its heartbeat old."""
    then = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, attempts=attempts, started=then, heartbeat=then)


def test_a_job_whose_worker_died_is_resumed_by_the_sweep(tree, people, monkeypatch):
    monkeypatch.setattr(jobs, "submit", jobs.execute)
    job = commit_job(people.town_officer, stored(people.town_officer))
    died(job, attempts=1)
    assert jobs.sweep() == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.DONE, 2)
    assert len(grid_names(tree.village2)) == ROWS and imported_rows() == ROWS


def test_a_job_whose_worker_died_is_handed_on_when_its_page_is_looked_at(client, tree, people, monkeypatch):
    monkeypatch.setattr(jobs, "submit", jobs.execute)
    job = commit_job(people.town_officer, stored(people.town_officer))
    died(job, attempts=1)
    client.force_login(people.town_officer)
    page = client.get(job.get_absolute_url())
    assert page.context["object"].status == Job.Status.DONE
    assert len(grid_names(tree.village2)) == ROWS


def test_a_queued_job_lost_with_its_process_is_handed_on(tree, people, monkeypatch):
    monkeypatch.setattr(jobs, "submit", jobs.execute)
    job = commit_job(people.town_officer, stored(people.town_officer))
    Job.objects.filter(pk=job.pk).update(created=timezone.now() - datetime.timedelta(minutes=10))
    assert jobs.sweep() == [job.pk]
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and len(grid_names(tree.village2)) == ROWS


def test_a_job_that_keeps_dying_fails_clearly(tree, people, settings, monkeypatch):
    monkeypatch.setattr(jobs, "submit", jobs.execute)
    job = commit_job(people.town_officer, stored(people.town_officer))
    died(job, attempts=settings.JOBS_MAX_ATTEMPTS)
    jobs.sweep()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error.startswith("The job stopped without finishing 3 times") and "Nothing was written" in job.error
    assert grid_names(tree.village2) == set()
    assert Notification.objects.filter(user=people.town_officer, read=False).count() == 1


def test_a_job_that_reports_through_the_cache_is_alive(tree, people, monkeypatch):
    """An import in its one transaction cannot touch its row: its heartbeat in the cache keeps it."""
    monkeypatch.setattr(jobs, "submit", jobs.execute)
    job = commit_job(people.town_officer, stored(people.town_officer))
    died(job, attempts=1)
    job.refresh_from_db()
    jobs.Progress(job)(3, ROWS)
    assert jobs.sweep() == []
    jobs.execute(job.pk)  # a second delivery of its task
    job.refresh_from_db()
    assert (job.status, job.attempts, job.done) == (Job.Status.RUNNING, 1, 0)
    assert jobs.live(job).done == 3 and grid_names(tree.village2) == set()


@pytest.mark.django_db(transaction=True)
def test_the_thread_runner_runs_a_job_after_the_request():
    from fangkong.core.testing import make_people, make_tree

    tree = make_tree()
    user = make_people(tree).town_officer
    upload = stored(user)
    params = {"importer": GridImporter.dotted_name(), "token": upload.token, "all_or_nothing": False}
    job = Job.objects.create(kind="import-commit", user=user, title="Import", params=params)
    jobs.threads.submit(job.pk).result(timeout=60)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and len(grid_names(tree.village2)) == ROWS


# --- pages, downloads, inbox ------------------------------------------------------------------------


def test_a_large_file_is_checked_and_imported_by_jobs(client, tree, people, settings, run_jobs):
    settings.IMPORT_BACKGROUND_BYTES = 100
    client.force_login(people.town_officer)
    url = reverse("areas:grid-import")
    data = xlsx_bytes(HEADER, ["611022106201", "东沟网格"], ["61102210620X", "西沟网格"])
    checked = client.post(url, {"file": SimpleUploadedFile("grids.xlsx", data)})
    preview_job = Job.objects.get(kind="import-preview")
    assert checked["Location"] == preview_job.get_absolute_url() and preview_job.status == Job.Status.DONE
    assert grid_names(tree.village2) == set()
    page = client.get(preview_job.result["next"])
    assert (page.context["result"].total, page.context["result"].errors) == (2, 1)
    confirmed = client.post(url, {"token": page.context["upload"].token})
    commit = Job.objects.get(kind="import-commit")
    assert confirmed["Location"] == commit.get_absolute_url() and commit.status == Job.Status.DONE
    assert grid_names(tree.village2) == {"东沟网格"}


def test_the_job_page_shows_progress_and_time_left(client, tree, people):
    job = commit_job(people.town_officer, stored(people.town_officer))
    died(job, attempts=1, minutes_ago=1)
    job.refresh_from_db()
    jobs.Progress(job)(2, 6)
    client.force_login(people.town_officer)
    page = client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    html = page.content.decode()
    assert [t.name for t in page.templates][0] == "core/job_progress.html"
    assert 'aria-valuenow="33"' in html and "2 of 6 rows" in html
    # Two rows a minute, four to go; a busy machine may take a second or two to render the page.
    assert re.search(r"About 2 min [0-9] s left", html)
    assert 'hx-trigger="every 1s"' in html
    listed = client.get("/api/jobs/").json()["results"][0]
    assert (listed["status"], listed["done"], listed["total"]) == ("running", 2, 6)


def export_job(user, tmp_path):
    jobs_dir = tmp_path / "jobs"
    jobs_dir.mkdir(exist_ok=True)
    (jobs_dir / "export.csv").write_text("a,b\n")
    return Job.objects.create(
        kind="export",
        user=user,
        title="Export",
        status=Job.Status.DONE,
        result={"file": "export.csv", "filename": "changelog.csv", "rows": 1},
    )


def test_a_job_and_its_download_are_only_its_users(client, tree, people, tmp_path):
    job = export_job(people.village_officer, tmp_path)
    client.force_login(people.city_commander)  # sees everything in the area, but not someone else's job
    for name in ("job", "job-stop", "job-download", "job-detail", "job-cancel"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404, name
    assert client.post(reverse("job-stop", args=[job.pk])).status_code == 404
    client.force_login(people.village_officer)
    download = client.get(reverse("job-download", args=[job.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"a,b\n"
    assert client.get("/api/jobs/").json()["results"][0]["download"].endswith(f"/jobs/{job.pk}/download/")


def test_an_expired_download_is_gone(client, tree, people, tmp_path, settings):
    job = export_job(people.village_officer, tmp_path)
    settings.JOBS_KEEP_SECONDS = -1
    assert jobs.clean() == 1
    client.force_login(people.village_officer)
    assert client.get(reverse("job-download", args=[job.pk])).status_code == 404


def test_a_long_list_exports_through_a_job(client, tree, people, settings, run_jobs):
    settings.EXPORT_BACKGROUND_ROWS = 3
    client.force_login(people.village_officer)
    entries = ChangeLogEntry.objects.restrict(people.village_officer).count()
    assert entries > 3
    response = client.get(reverse("changelog"), {"export": "csv"})
    job = Job.objects.get(kind="export")
    assert response["Location"] == job.get_absolute_url()
    assert (job.status, job.result["rows"], job.done) == (Job.Status.DONE, entries, entries)
    lines = b"".join(client.get(reverse("job-download", args=[job.pk])).streaming_content).decode().splitlines()
    assert len(lines) == entries + 1
    settings.EXPORT_BACKGROUND_ROWS = entries
    assert client.get(reverse("changelog"), {"export": "csv"}).streaming  # short enough: at once, as before


def test_a_cancel_of_a_running_job_is_asked_through_the_page(client, tree, people):
    job = commit_job(people.town_officer, stored(people.town_officer))
    died(job, attempts=1, minutes_ago=0)
    client.force_login(people.town_officer)
    assert client.post(reverse("job-stop", args=[job.pk]))["Location"] == job.get_absolute_url()
    assert 'id="job-cancelling"' in client.get(job.get_absolute_url()).content.decode()
    assert client.post(reverse("job-cancel", args=[job.pk])).json()["status"] == "running"
    job.refresh_from_db()
    with pytest.raises(jobs.Cancelled):
        jobs.Progress(job)(1)


def test_the_inbox_counts_unread_notices(client, tree, people, run_jobs):
    user = people.town_officer
    user.language = "en"  # the notice is written in the language of its reader
    user.save()
    client.force_login(user)
    commit_job(user, stored(user))
    jobs.notify(people.village_officer, "fever", "Someone else's notice")
    assert client.get(reverse("inbox")).context["inbox_unread"] == 1
    notices = client.get("/api/notifications/?read=false").json()["results"]
    assert [n["title"] for n in notices] == ["Done: Import of grids.xlsx"]
    assert client.post(f"/api/notifications/{notices[0]['id']}/read/").json()["read"] is True
    html = client.get(reverse("inbox")).content.decode()
    assert 'id="inbox-count" class="badge rounded-pill text-bg-light d-none"' in html
    other = Notification.objects.get(user=people.village_officer)
    assert client.post(f"/api/notifications/{other.pk}/read/").status_code == 404
    assert client.post(reverse("inbox"), {"read": "all"}).status_code == 302
    other.refresh_from_db()
    assert other.read is False


def test_the_progress_cache_is_cleared_when_a_job_ends(tree, people):
    job = commit_job(people.town_officer, stored(people.town_officer))
    jobs.execute(job.pk)
    assert cache.get(f"job:{job.pk}:progress") is None
    assert Area.objects.filter(parent=tree.village2).count() == ROWS
