"""The code lists of the SINBA record (the national return on children and families, SIUSS), read from the
vendored XSD (third_party/inps-waas-comuni/SINBA.xsd): the XSD is the contract, so the values and their Italian
labels are never typed again here. The families' fields that feed the return take their choices from these
functions (callable choices: a migration names the function, not the list).

It lives on the ground floor because families, below the sinba app, asks for its fields with these lists."""

from __future__ import annotations

import functools
import gettext
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pycountry

XSD_PATH = Path(__file__).resolve().parent.parent / "third_party" / "inps-waas-comuni" / "SINBA.xsd"
XS = "{http://www.w3.org/2001/XMLSchema}"


@functools.cache
def code_lists() -> dict[str, list[tuple[str, str]]]:
    """Every enumerated simple type of the XSD: type name -> [(value, label)], in the XSD's order; the label is
    the XSD's documentation with its first letter in upper case ("nessuna scuola" -> "Nessuna scuola")."""
    root = ET.parse(XSD_PATH).getroot()  # a file of the repository, never user input
    lists = {}
    for simple in root.iter(f"{XS}simpleType"):
        name = simple.get("name")
        values = []
        for enumeration in simple.iter(f"{XS}enumeration"):
            doc = enumeration.find(f".//{XS}documentation")
            label = " ".join((doc.text or "").split()) if doc is not None else enumeration.get("value")
            values.append((enumeration.get("value"), label[:1].upper() + label[1:]))
        if name and values:
            lists[name] = values
    return lists


def label(type_name: str, value: str) -> str:
    return dict(code_lists()[type_name]).get(value, value)


# The lists the families' fields use (callable choices, named in the migrations).
def condizione_minore() -> list[tuple[str, str]]:
    return code_lists()["CondizioneMinoreType"]


def luogo_vita() -> list[tuple[str, str]]:
    return code_lists()["LuogoVitaType"]


def scuola_frequentata() -> list[tuple[str, str]]:
    return code_lists()["ScuolaFrequentataType"]


def condizione_lavoro() -> list[tuple[str, str]]:
    return code_lists()["CondizioneLavoroType"]


def disabilita() -> list[tuple[str, str]]:
    return [(value, "Sì" if text.upper() == "SI" else "No") for value, text in code_lists()["DisabilitaType"]]


def valutazione_minore() -> list[tuple[str, str]]:
    return code_lists()["ValutazioneMinoreType"]


def valutazione_famiglia() -> list[tuple[str, str]]:
    return code_lists()["ValutazioneFamigliaMinoreType"]


def segnalazione_autorita_giudiziaria() -> list[tuple[str, str]]:
    return [
        (value, "Sì" if text.upper() == "SI" else "No")
        for value, text in code_lists()["SegnalazioneAutoritaGiudiziariaType"]
    ]


def fonte_segnalazione() -> list[tuple[str, str]]:
    return code_lists()["FonteSegnalazioneType"]


def titolo_studio() -> list[tuple[str, str]]:
    return code_lists()["TitoloStudioType"]


def occupazione() -> list[tuple[str, str]]:
    return code_lists()["OccupazioneType"]


def potesta_tutela() -> list[tuple[str, str]]:
    return code_lists()["PotestaTutelaType"]


def tipo_provvedimento() -> list[tuple[str, str]]:
    return code_lists()["TipoProvvedimentoGiudiziarioType"]


def fascia_isee() -> list[tuple[str, str]]:
    return code_lists()["FasciaISEEBeneficiarioType"]


def motivazione_chiusura() -> list[tuple[str, str]]:
    return code_lists()["MotivazioneChiusuraCaricoType"]


def situazione_chiusura() -> list[tuple[str, str]]:
    return code_lists()["SituazioneChiusuraCaricoType"]


def tipo_disabilita() -> list[tuple[str, str]]:
    return code_lists()["TipoDisabilitaType"]


#: The XSD documents the value 5 of InvCivCertificazioniType as "destinazione ignota" (a line copied from
#: EsitoInserimentoStrutturaType); the specification's Tabella 15 (Allegato C §6.1) names it "Certificazione
#: L. 104". The value is the XSD's, the label the specification's.
INV_CIV_LABELS = {"5": "Certificazione L. 104"}


def inv_civ_certificazioni() -> list[tuple[str, str]]:
    return [(value, INV_CIV_LABELS.get(value, text)) for value, text in code_lists()["InvCivCertificazioniType"]]


def collaborazioni_interventi() -> list[tuple[str, str]]:
    return code_lists()["CollaborazioniInterventiType"]


#: CodiceCittadinanzaPadre/Madre and CodiceNazioneResidenza: "Formato ISO3166" (Tabella 15), the three digits of
#: ISO 3166-1 numeric (Italy 380), not ISTAT's codes of foreign states (Italy 100). docs/decisions.md.
ITALY = "380"


@functools.cache
def _nations() -> tuple[tuple[str, str], ...]:
    """ISO 3166-1 as pycountry keeps it, with the Italian names of its iso3166-1 catalogue: Italy first, then the
    others in Italian alphabetical order (accents ignored)."""
    italian = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["it"], fallback=True)

    def key(item: tuple[str, str]) -> str:
        return unicodedata.normalize("NFKD", item[1]).encode("ascii", "ignore").decode().casefold()

    names = [(country.numeric, italian.gettext(country.name)) for country in pycountry.countries]
    italy = [item for item in names if item[0] == ITALY]
    return tuple(italy + sorted((item for item in names if item[0] != ITALY), key=key))


def cittadinanza() -> list[tuple[str, str]]:
    """The nations of ISO 3166-1 by their numeric code, with Italian names, Italy first."""
    return list(_nations())


# A child's foster care (affido) and residential placement (families.Placement). FormaInterventoAffidoType and
# FormaInserimentoResidenzialeType are the same list (consensuale, giudiziario): one field serves both.
def forma_collocamento() -> list[tuple[str, str]]:
    return code_lists()["FormaInterventoAffidoType"]


def tipo_affido() -> list[tuple[str, str]]:
    return code_lists()["TipoInterventoAffidoType"]


def durata_affido() -> list[tuple[str, str]]:
    """Not a duration band: the XSD's DurataAffido is full time or part time (tempo pieno, tempo parziale)."""
    return code_lists()["DurataAffidoType"]


def carattere_affido() -> list[tuple[str, str]]:
    return code_lists()["CarattereAffidoType"]


def esito_affido() -> list[tuple[str, str]]:
    return code_lists()["EsitoAffidoType"]


def carattere_inserimento() -> list[tuple[str, str]]:
    return code_lists()["CarattereInserimentoResidenzialeType"]


def tipo_inserimento() -> list[tuple[str, str]]:
    return code_lists()["TipoInserimentoResidenzialeType"]


def esito_inserimento() -> list[tuple[str, str]]:
    return code_lists()["EsitoInserimentoStrutturaType"]
