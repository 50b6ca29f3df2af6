"""The report PDFs (issue 15 §1): PDF/A-3b files that carry their own data (the snapshot JSON embedded, its SHA-256
printed), tagged for screen readers (structure tree, language Italian, headings, tables, the emblem's alternative
text), with their metadata, the funding line (the EU statement with the measure and the CUP for a PNRR project,
its own line for another funding), the draft label and the signature block. Everything is read back with pypdf."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader
from weasyprint import CSS, HTML

from equipes import services as project_services
from equipes.models import FundingSource
from pippi_portal.pdf import BASE_URL, StaticFilesFetcher
from reporting import reports
from reporting.models import ReportRun

from .test_report_runs import TEXTS, run_worker

EU_STATEMENT = "Finanziato dall'Unione europea — NextGenerationEU"
END = datetime.date(2026, 5, 31)


def pdf_of(run: ReportRun) -> bytes:
    with run.pdf.open("rb") as handle:
        return handle.read()


def page_texts(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def structure(reader: PdfReader) -> tuple[Counter, list[tuple[str, str]]]:
    """The structure types of the tag tree and the (type, alternative text) of the elements that have one."""
    kinds, alts = Counter(), []

    def walk(node):
        node = node.get_object()
        if not isinstance(node, dict):
            return
        if "/S" in node:
            kinds[str(node["/S"])] += 1
        if "/Alt" in node:
            alts.append((str(node.get("/S")), str(node["/Alt"])))
        children = node.get("/K")
        if children is None:
            return
        children = children.get_object()
        for child in children if isinstance(children, list) else [children]:
            walk(child)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return kinds, alts


def start(world, kind, label, django_capture_on_commit_callbacks, project=None):
    with django_capture_on_commit_callbacks(execute=False):
        started = reports.report_start(
            project=project or world.project, kind=kind, label=label, by=world.users.ufficio_piano
        )
    return reports.run_report(started.pk)


@pytest.fixture
def draft(world, django_capture_on_commit_callbacks):
    return start(world, "semester", "2024-S1", django_capture_on_commit_callbacks)


def test_the_report_pdf_embeds_its_snapshot_and_prints_its_hash(world, draft):
    content = pdf_of(draft)
    reader = PdfReader(io.BytesIO(content))
    name = "dati-2024-S1-v1.json"
    assert list(reader.attachments) == [name]
    (attached,) = reader.attachments[name]
    digest = hashlib.sha256(attached).hexdigest()
    with draft.snapshot_file.open("rb") as handle:
        assert attached == handle.read()  # the very bytes that were frozen
    assert digest == draft.snapshot_sha256
    assert json.loads(attached) == draft.snapshot
    text = "\n".join(page_texts(content))
    printed = set(re.findall(r"\b[0-9a-f]{64}\b", text))
    assert printed == {digest}  # on the cover and at the end, the attachment's hash and no other
    assert name in text
    # PDF/A-3: the attachment is an associated file of the document, its relationship "Data".
    catalog = reader.trailer["/Root"]
    filespecs = {ref.get_object()["/UF"]: ref.get_object() for ref in catalog["/AF"]}
    assert filespecs[name]["/AFRelationship"] == "/Data"


def test_the_report_pdf_is_a_pdfa3b_with_its_metadata(world, draft):
    reader = PdfReader(io.BytesIO(pdf_of(draft)))
    info = reader.metadata
    assert info.title.startswith("Rendicontazione semestrale — 1° semestre 2024")
    assert info.author == world.ambito.name
    assert world.project.cup in info.subject and world.project.title in info.subject
    assert info.creation_date is not None and info.creator == "PIPPI Portal"
    assert "M5C2 I1.1.1" in info["/Keywords"]
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert reader.trailer["/Root"]["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"


def test_the_report_pdf_is_tagged_in_italian_with_headings_tables_and_the_emblems_text(draft):
    reader = PdfReader(io.BytesIO(pdf_of(draft)))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "it"
    assert bool(catalog["/MarkInfo"]["/Marked"])
    kinds, alts = structure(reader)
    assert kinds["/Document"] == 1 and kinds["/H1"] == 1
    assert kinds["/H2"] >= 6 and kinds["/H3"] >= 5
    assert kinds["/Table"] >= 10 and kinds["/TH"] and kinds["/TD"] and kinds["/TR"]
    assert ("/Figure", "Emblema dell'Unione europea") in alts
    assert all(text for _kind, text in alts)  # every figure (the emblem, the charts) has its text


def test_a_draft_says_so_on_every_page_and_leaves_the_signature_empty(draft):
    pages = page_texts(pdf_of(draft))
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert "BOZZA — non approvata" in text, number
    text = "\n".join(pages)
    assert "Approvazione e firma" in text and "Firma digitale del Responsabile dell'Ufficio di" in text


def test_the_approved_pdf_names_who_approved_it_their_role_and_the_date(
    world, draft, django_capture_on_commit_callbacks
):
    udp = world.users.ufficio_piano
    for action in (
        lambda: reports.report_save_narrative(run=draft, texts=TEXTS, by=udp),
        lambda: reports.report_submit(run=ReportRun.objects.get(pk=draft.pk), by=udp),
        lambda: reports.report_approve(run=ReportRun.objects.get(pk=draft.pk), by=udp),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            action()
        run_worker()
    approved = ReportRun.objects.get(pk=draft.pk)
    text = "\n".join(page_texts(pdf_of(approved)))
    assert "BOZZA" not in text
    signature = " ".join(text.split("Approvazione e firma", 1)[1].split())
    assert f"Approvata da {udp}" in signature
    assert f"Ruolo {udp.get_role_display()}" in signature
    assert f"Data di approvazione {timezone.localtime(approved.approved_at):%d/%m/%Y %H:%M}" in signature
    assert "Firma digitale del Responsabile dell'Ufficio di Piano" in signature
    assert "Spazio riservato alla firma digitale" in signature


@pytest.mark.parametrize("kind,label", [("semester", "2024-S1"), ("annual", "2024"), ("final", "")])
def test_every_pnrr_report_carries_the_eu_statement_the_measure_and_the_cup(
    world, kind, label, django_capture_on_commit_callbacks
):
    if kind == "final":
        project_services.project_conclude(project=world.project, on=END, by=world.users.ufficio_piano)
    run = start(world, kind, label, django_capture_on_commit_callbacks)
    content = pdf_of(run)
    first_page = page_texts(content)[0]
    assert EU_STATEMENT in first_page
    assert "M5C2 I1.1.1" in first_page and f"CUP {world.project.cup}" in first_page
    reader = PdfReader(io.BytesIO(content))
    assert ("/Figure", "Emblema dell'Unione europea") in structure(reader)[1]
    assert list(reader.attachments) == [reports.attachment_name(run)]


def test_a_project_with_other_funds_carries_its_own_funding_line(world, django_capture_on_commit_callbacks):
    """The LEPS project that takes over after the PNRR one (as in the demo): no EU emblem or statement, its own
    funding line."""
    udp = world.users.ufficio_piano
    project_services.project_conclude(project=world.project, on=END, by=udp)
    follow_on = project_services.project_start_follow_on(
        predecessor=world.project,
        by=udp,
        title="P.I.P.P.I. come livello essenziale (LEPS)",
        funding_source=FundingSource.LEPS,
        funding_decree="Fondo nazionale politiche sociali, quota LEPS",
        cup="",
        amount=Decimal("90000"),
        start_date=END + datetime.timedelta(days=1),
        end_date=datetime.date(2027, 12, 31),
        implementation_number=14,
    )
    run = start(world, "semester", "2026-S2", django_capture_on_commit_callbacks, project=follow_on)
    content = pdf_of(run)
    text = "\n".join(page_texts(content))
    assert "Finanziamento: Fondi nazionali per il LEPS — Fondo nazionale politiche sociali, quota LEPS" in text
    assert "Unione europea" not in text and "NextGenerationEU" not in text and "M5C2" not in text
    reader = PdfReader(io.BytesIO(content))
    assert ("/Figure", "Emblema dell'Unione europea") not in structure(reader)[1]
    assert "PNRR" not in reader.metadata["/Keywords"]
    assert reader.attachments  # its data travel with it all the same


def test_the_financed_amount_is_printed_whole(world, django_capture_on_commit_callbacks):
    world.project.amount = Decimal("167742.67")
    world.project.save(update_fields=["amount"])
    run = start(world, "semester", "2024-S1", django_capture_on_commit_callbacks)
    text = "\n".join(page_texts(pdf_of(run)))
    assert "€ 167.742,67" in text
    assert not re.search(r"€\s*\n", text)  # no amount is split after its euro sign


def test_amounts_and_figures_do_not_wrap_even_in_a_narrow_column():
    """pdf.css keeps "€ 167.742,67" on one line (white-space: nowrap on .amount and on the figures' cells),
    where the browser's rules would break it after the euro sign in a narrow column."""
    stylesheet = CSS(filename=finders.find("css/pdf.css"), url_fetcher=StaticFilesFetcher())
    html = (
        '<html lang="it"><body>'
        '<div style="width: 12mm">Importo <span class="amount">€ 167.742,67</span></div>'
        '<table style="width: 30mm"><tr><th>Spesa</th><td class="num">€ 167.742,67</td></tr></table>'
        '<div style="width: 12mm">Senza regola € 167.742,67</div>'
        "</body></html>"
    )
    content = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesFetcher()).write_pdf(stylesheets=[stylesheet])
    lines = page_texts(content)[0].splitlines()
    assert sum(line.strip().endswith("€ 167.742,67") for line in lines) == 2
    assert "167.742,67" in lines and any(line.endswith("€") for line in lines)  # the unprotected one breaks


def test_the_commands_pdf_carries_the_json_it_writes(world, tmp_path):
    """`manage.py semester_report` renders an unsaved run: its PDF embeds the canonical JSON it also writes."""
    out, data = tmp_path / "report.pdf", tmp_path / "report.json"
    call_command("semester_report", cup=world.project.cup, semester="2024-S1", out=str(out), json=str(data))
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    (attached,) = reader.attachments["dati-2024-S1-v0.json"]
    assert attached == data.read_bytes()
    assert hashlib.sha256(attached).hexdigest() in "\n".join(page_texts(out.read_bytes()))
