import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader
from weasyprint import HTML

from interventions import services
from interventions.models import Timesheet
from pippi_portal.pdf import BASE_URL, RefusedResource, StaticFilesFetcher

from .conftest import SEDT_START


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_timesheet_pdf_has_the_cup_the_entries_and_the_right_total(world, client_for, sedt):
    educator = world.users.operatore
    for offset, minutes in [(0, 150), (2, 150), (4, 120)]:
        services.time_entry_set(
            user=educator,
            day=SEDT_START + datetime.timedelta(days=offset),
            activity="diretta_famiglia",
            minutes=minutes,
            family=sedt.family,
        )
    services.time_entry_set(
        user=educator,
        day=SEDT_START + datetime.timedelta(days=3),
        activity="riunione_em",
        minutes=60,
        family=sedt.family,
    )
    sheet = Timesheet.objects.get()
    services.timesheet_confirm(timesheet=sheet, by=educator)
    services.timesheet_validate(timesheet=sheet, by=world.users.referente_ente)
    response = client_for(world.users.referente_ente).get(reverse("interventions:timesheet-pdf", args=[sheet.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.getvalue())
    assert world.project.cup in text
    assert "M5C2 I1.1.1" in text
    assert "Totale ore del mese" in text and "8" in text.split("Totale ore del mese")[1][:80]
    assert sedt.family.code in text
    for member in sedt.family.members.all():
        assert member.last_name not in text
    assert str(world.users.referente_ente) in text  # the validation
    assert "Educatore" in text  # the professional profile


def test_the_pdf_fetcher_serves_static_files_and_refuses_anything_else():
    fetcher = StaticFilesFetcher()
    response = fetcher.fetch(f"{BASE_URL}static/css/pdf.css")
    assert response.read().startswith(b"/* Shared by every PDF")
    for url in [
        "https://example.org/x.png",
        "file:///etc/passwd",
        f"{BASE_URL}static/../settings.py",
        f"{BASE_URL}media/secret.pdf",
        "data:text/plain,ciao",
    ]:
        with pytest.raises(RefusedResource):
            fetcher.fetch(url)


def test_a_template_asking_for_an_outside_resource_does_not_render():
    html = '<html><body><img src="https://example.org/tracker.png"></body></html>'
    with pytest.raises(RefusedResource):
        HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesFetcher()).write_pdf()


def test_the_timesheet_pdf_follows_the_reports_layout_rules(world, client_for, sedt):
    """Issue 15 §1: the EU emblem and statement with the measure and the CUP, a tagged PDF/A-3b in Italian with its
    metadata, the draft label until the sheet is validated, and the signature block."""
    educator = world.users.operatore
    services.time_entry_set(user=educator, day=SEDT_START, activity="diretta_famiglia", minutes=90, family=sedt.family)
    sheet = Timesheet.objects.get()
    url = reverse("interventions:timesheet-pdf", args=[sheet.pk])
    content = client_for(educator).get(url).getvalue()
    reader = PdfReader(io.BytesIO(content))
    text = pdf_text(content)
    assert "Finanziato dall'Unione europea — NextGenerationEU" in text
    assert "M5C2 I1.1.1" in text and f"CUP {world.project.cup}" in text
    assert "BOZZA — non validato" in text
    assert "Conferme e firme" in text and "Firma dell'operatore" in text and "Firma del responsabile" in text
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/Lang"] == "it"
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp
    info = reader.metadata
    assert info.title.startswith("Foglio ore") and info.author == str(world.project.ambito)
    assert world.project.cup in info.subject and info.creation_date is not None

    services.timesheet_confirm(timesheet=sheet, by=educator)
    services.timesheet_validate(timesheet=sheet, by=world.users.referente_ente)
    text = pdf_text(client_for(educator).get(url).getvalue())
    assert "BOZZA" not in text
    assert f"{world.users.referente_ente}, {world.users.referente_ente.get_role_display()}" in " ".join(text.split())
