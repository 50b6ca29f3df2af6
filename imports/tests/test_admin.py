"""The administrator reads the import runs in the Django admin (never changes them there, nor sees the file)."""

import pytest
from django.urls import reverse

from imports.models import ImportRun

pytestmark = pytest.mark.django_db


def test_admin_reads_the_runs(world, client_for):
    run = ImportRun.objects.create(
        ambito=world.ambito,
        kind="staff",
        by=world.users.ufficio_piano,
        file_name="personale.xlsx",
        file_sha256="a" * 64,
    )
    client = client_for(world.users.admin)
    assert "personale.xlsx" in client.get(reverse("admin:imports_importrun_changelist")).content.decode()
    page = client.get(reverse("admin:imports_importrun_change", args=[run.pk]))
    assert page.status_code == 200 and "a" * 64 in page.content.decode()
    assert client.get(reverse("admin:imports_importrun_add")).status_code == 403
