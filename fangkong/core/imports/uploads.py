"""An upload kept between its preview and its commit."""

import json
import os
import re
import uuid
from pathlib import Path

from django.conf import settings

from .safety import ImportFileError, check_csv, check_size, check_workbook, not_a_spreadsheet

EXTENSIONS = ("xlsx", "xls", "csv")
TOKEN_PATTERN = re.compile(r"[0-9a-f]{32}")


class StoredUpload:
    """An uploaded file kept under VAR_DIR/imports/ between preview and commit, bound to its user.

    Files are named by a random token only: nothing the client sends becomes part of a path.
    """

    def __init__(self, token, meta):
        self.token = token
        self.meta = meta

    @staticmethod
    def directory():
        return Path(settings.VAR_DIR) / "imports"

    @property
    def path(self):
        return self.directory() / f"{self.token}.{self.meta['ext']}"

    @property
    def errors_path(self):
        return self.directory() / f"{self.token}.errors.xlsx"

    @property
    def meta_path(self):
        return self.directory() / f"{self.token}.json"

    @property
    def claim_path(self):
        return self.directory() / f"{self.token}.lock"

    @classmethod
    def create(cls, user, uploaded, importer_class):
        """Keep the uploaded file, or raise ImportFileError. A workbook or CSV built to exhaust its reader
        is refused here, in the request that sends it (the web form and the API both store their upload
        here), not later by the job that would read it."""
        extension = Path(uploaded.name).suffix.lower().lstrip(".")
        if extension not in EXTENSIONS:
            raise not_a_spreadsheet()
        check_size(uploaded.size)
        meta = {"owner": user.pk, "importer": importer_class.dotted_name(), "ext": extension, "name": uploaded.name}
        upload = cls(uuid.uuid4().hex, meta)
        upload.directory().mkdir(parents=True, exist_ok=True)
        with upload.path.open("wb") as file:
            for chunk in uploaded.chunks():
                file.write(chunk)
        try:
            (check_csv if extension == "csv" else check_workbook)(upload.path)
        except ImportFileError:
            upload.path.unlink()
            raise
        upload.save_meta()
        return upload

    @classmethod
    def find(cls, token, user, importer_class):
        """The user's own upload for this importer, or None."""
        if not TOKEN_PATTERN.fullmatch(token or ""):
            return None
        try:
            meta = json.loads((cls.directory() / f"{token}.json").read_text())
        except FileNotFoundError:
            return None
        if meta["owner"] != user.pk or meta["importer"] != importer_class.dotted_name():
            return None
        return cls(token, meta)

    def save_meta(self):
        # Written aside and renamed into place: a job reading it meanwhile sees the old or the new, never half.
        aside = self.meta_path.with_suffix(".json.new")
        aside.write_text(json.dumps(self.meta, ensure_ascii=False))
        aside.replace(self.meta_path)

    def download_name(self, suffix):
        return f"{Path(self.meta['name']).stem}-{suffix}.xlsx"

    def save_errors(self, result):
        if result.errors:
            self.errors_path.write_bytes(result.error_workbook())
        else:
            self.errors_path.unlink(missing_ok=True)

    def claim(self):
        """True for the first confirmation only, so a double click or a resent form imports once."""
        try:
            os.close(os.open(self.claim_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return False
        return True

    def finish(self, result):
        """Keep the rows with errors for their download; the uploaded file (personal data, often) goes.
        The counts are the import job's result."""
        self.save_errors(result)
        self.path.unlink(missing_ok=True)

    def delete(self):
        for path in (self.path, self.errors_path, self.meta_path, self.claim_path):
            path.unlink(missing_ok=True)
