"""How the form of the imports is fuzzed (the upload of a file to try): one `Case`, see tests/fuzz_cases.py. The
file's content itself is fuzzed by imports/tests/test_readers_fuzzing.py (arbitrary bytes, CSV text, odd XLSX)."""

from __future__ import annotations

import contextlib

from django.urls import reverse

from imports import services
from imports.forms import ImportUploadForm
from imports.readers import FileRefused
from tests.fuzz_cases import Case, udp


def dry_run(s, form, user):
    # What the view does: a file that cannot be read is a form error.
    upload = form.cleaned_data["file"]
    with contextlib.suppress(FileRefused):
        services.import_dry_run(
            ambito=form.cleaned_data["ambito"],
            by=user,
            kind=form.cleaned_data["kind"],
            file_name=upload.name,
            content=upload.read(),
        )


def cases() -> list[Case]:
    return [
        Case(
            "ImportUploadForm",
            ImportUploadForm,
            lambda s, d, fl: ImportUploadForm(d, fl, user=s.users.ufficio_piano),
            user=udp,
            url=lambda s: reverse("imports:run-list"),
            save=dry_run,
        ),
    ]
