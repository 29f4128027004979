from fangkong.core.models import ChangeLogEntry, Job, Notification
from fangkong.core.testing import ScopeCase

MANAGERS = ("city_commander", "county_officer", "town_officer", "village_officer")
EVERYONE = (*MANAGERS, "grid_worker", "doctor", "outsider", "nobody")


def village_entry(tree, people):
    return {"pk": ChangeLogEntry.objects.filter(area_path=tree.village.path).latest("id").pk}


def village_officers_export(tree, people):
    """A finished export of the village officer's: their own, so everyone else (the commander too) gets 404."""
    from django.conf import settings

    settings.JOBS_DIR.mkdir(parents=True, exist_ok=True)
    (settings.JOBS_DIR / "scope-case.csv").write_text("a\n")
    job = Job.objects.create(
        kind="export",
        user=people.village_officer,
        title="Export",
        status=Job.Status.DONE,
        result={"file": "scope-case.csv", "filename": "export.csv", "rows": 1},
    )
    return {"pk": job.pk}


def village_officers_notice(tree, people):
    return {"pk": Notification.objects.create(user=people.village_officer, kind="job", title="Done").pk}


CASES = [
    ScopeCase("changelog", allowed=(*MANAGERS, "outsider"), record_lookup=False),
    ScopeCase("changelog-entry", village_entry),
    ScopeCase("changelog-list", allowed=(*MANAGERS, "outsider"), record_lookup=False),
    ScopeCase("changelog-detail", village_entry),
    # Jobs and notices are their user's own: lists show each user theirs, a record anyone else's is 404.
    ScopeCase("jobs", allowed=EVERYONE, record_lookup=False),
    ScopeCase("job", village_officers_export, allowed=("village_officer",)),
    ScopeCase("job-stop", village_officers_export, allowed=("village_officer",)),
    ScopeCase("job-download", village_officers_export, allowed=("village_officer",)),
    ScopeCase("inbox", allowed=EVERYONE, record_lookup=False),
    ScopeCase("job-list", allowed=EVERYONE, record_lookup=False),
    ScopeCase("job-detail", village_officers_export, allowed=("village_officer",)),
    ScopeCase("job-cancel", village_officers_export, allowed=("village_officer",)),
    ScopeCase("notification-list", allowed=EVERYONE, record_lookup=False),
    ScopeCase("notification-detail", village_officers_notice, allowed=("village_officer",)),
    ScopeCase("notification-read", village_officers_notice, allowed=("village_officer",)),
]
