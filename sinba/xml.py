"""The XML of a SINBA flow, and its validation against the vendored SINBA.xsd (xmlschema)."""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET

import xmlschema
from django.utils.translation import gettext as _

from pippi_portal.sinba_codes import XSD_PATH

from .records import Record

NAMESPACE = "http://inps.it/Casellario"


@functools.cache
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD_PATH))


def render(record: Record, *, flow_name: str, ente) -> str:
    """The flow's document: `IdentificazioneFlusso` (its name, the ente) and one `SINBA` element."""
    ET.register_namespace("", NAMESPACE)

    def tag(name: str) -> str:
        return f"{{{NAMESPACE}}}{name}"

    root = ET.Element(tag("Flusso"))
    identification = ET.SubElement(root, tag("IdentificazioneFlusso"), {"Nome": flow_name})
    ET.SubElement(
        identification,
        tag("Ente"),
        {"Codice": ente.code, "Denominazione": ente.name, "Indirizzo": ente.seat_code, "CFOperatore": ente.tax_code},
    )
    sinba = ET.SubElement(root, tag("SINBA"), record.attributes)
    services = ET.SubElement(sinba, tag("Prestazioni"))
    for code in record.services:
        ET.SubElement(services, tag("CodicePrestazione")).text = code
    family = ET.SubElement(sinba, tag("Famiglia"))
    for code in record.composition:
        ET.SubElement(family, tag("ComposizioneFamiglia")).text = code
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=False) + "\n"


def problems(document: str) -> list[tuple[str, str]]:
    """What the XSD refuses in the document: [(field, Italian reason)], empty when it is valid."""
    found = []
    for error in schema().iter_errors(document):
        field = _field_of(error)
        found.append(
            (field, _("Non conforme al tracciato SINBA.xsd: %(detail)s") % {"detail": error.reason or error.message})
        )
    return found


def _field_of(error) -> str:
    """The attribute or element the error is about, as the XSD names it."""
    text = f"{error.reason or ''} {error.message or ''}"
    if match := re.search(r"attribute '?(\w+)'?", text) or re.search(r"'(\w+)' attribute", text):
        return match[1]
    path = error.path or ""
    return path.rsplit("/", 1)[-1].split("}")[-1] or "Flusso"


def service_code_allowed(code: str) -> bool:
    """Whether `Prestazioni/CodicePrestazione` of the vendored XSD accepts the code (its own facets, read there)."""
    element = schema().find(
        f"{{{NAMESPACE}}}Flusso/{{{NAMESPACE}}}SINBA/{{{NAMESPACE}}}Prestazioni/{{{NAMESPACE}}}CodicePrestazione"
    )
    return element.type.is_valid(code)
