"""The same frozen snapshot as the PDF, as rows for CSV and XLSX: one row per figure, with the indicator, the
breakdown, the period and the value exactly as printed (suppressed cells stay "< 3"). The XLSX has one sheet per
section of the report, the CSV one "Sezione" column instead.

Every key of the snapshot is shown by its Italian label (`LABELS`; never `funding_decree`), and every figure
keeps its kind: amounts in euro, hours, percentages and dates become typed cells (`MONEY`, `HOURS`, `PERCENTS`,
`DATES`), counts stay whole numbers, means decimal numbers. `pippi_portal.spreadsheets` writes the files,
formats the numbers for an Italian office and neutralises the texts."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from pippi_portal.spreadsheets import CellValue, Column, Sheet, csv_bytes, euro, hours, percent, xlsx_bytes

SECTIONS = {
    "cover": "Copertina",
    "procedural": "Avanzamento procedurale",
    "physical": "Indicatori fisici",
    "ambiti": "Per ambito",
    "outcomes": "Esiti",
    "finance": "Finanza",
    "partner": "Sezione del partner",
    "targets": "Obiettivi minimi",
}
COLUMNS = [Column("Indicatore", 42), Column("Dettaglio", 56), Column("Periodo", 22), Column("Valore", 20)]
CSV_HEADER = ["Sezione", *(column.label for column in COLUMNS)]
PERIODS = {"period": "nel periodo", "cumulative": "cumulato"}

LABELS = {
    # Copertina
    "ambito": "Ambito territoriale",
    "associated_ambiti": "Ambiti associati",
    "lead_municipality": "Comune capofila",
    "comuni": "Comuni",
    "project_title": "Titolo del progetto",
    "measure": "Misura",
    "cup": "CUP",
    "amount": "Importo finanziato (€)",
    "funding_decree": "Decreto di finanziamento",
    "project_period": "Durata del progetto",
    "funding_label": "Fonte di finanziamento",
    "concluded_on": "Concluso il",
    "period": "Periodo del rapporto",
    "partners": "Enti partner",
    "start": "inizio",
    "end": "fine",
    # Avanzamento procedurale
    "implementations": "Attuazioni",
    "name": "Nome",
    "number": "Numero",
    "module": "Modulo",
    "phase": "Fase",
    "equipes": "Équipe con componenti",
    "staff": "Personale",
    "trained_people": "Persone formate",
    "training_hours": "Ore di formazione",
    "staff_in_register": "Personale in anagrafica",
    "governance_meetings": "Incontri di governance",
    "kind": "Tipo",
    # Indicatori fisici
    "families": "Famiglie",
    "rows": "per attuazione",
    "totals": "Totale",
    "implementation": "Attuazione",
    "referred": "Segnalate",
    "preassessed": "Con pre-valutazione",
    "included": "Incluse",
    "closed": "Concluse",
    "interrupted": "Interrotte",
    "active": "Attive a fine periodo",
    "interrupted_by_reason": "Famiglie interrotte per motivo",
    "children": "Bambini raggiunti",
    "total": "Totale",
    "by_age_band": "per fascia d'età",
    "by_comune": "per comune",
    "reunification": "Percorsi di riunificazione",
    "families_by_intervention": "Famiglie per tipo di intervento",
    "sedt_hours": "Ore di educativa domiciliare (SEDT)",
    "groups": "Gruppi",
    "modules": "Moduli",
    "sessions": "Incontri",
    "attendance_rate": "Tasso di presenza",
    "pairings": "Famiglie d'appoggio",
    "active_in_period": "Affiancamenti attivi nel periodo",
    "school_partnerships": "Collaborazioni con le scuole",
    "agreements": "Accordi",
    "meetings_in_period": "Incontri nel periodo",
    "parenting_events": "Eventi per i genitori",
    "count": "Numero",
    "participants": "Partecipanti",
    "programme_families": "Famiglie del programma",
    # Esiti
    "objectives_at_t2": "Obiettivi verificati a T2",
    "raggiunto": "raggiunto",
    "parzialmente": "parzialmente raggiunto",
    "non_raggiunto": "non raggiunto",
    "families_with_t0_t2": "Famiglie con T0 e T2",
    "mondo_del_bambino": "Mondo del Bambino",
    "side": "Lato",
    "t0": "Media a T0",
    "t2": "Media a T2",
    "change": "Variazione",
    "sdq_total_difficulties": "SDQ: difficoltà totali",
    "closures_by_outcome": "Chiusure per esito",
    "label": "Esito",
    "children_at_home": "Chiusure con il bambino in famiglia",
    # Per ambito
    "code": "Codice",
    "lead": "Capofila",
    "hours": "Ore erogate",
    "group_sessions": "Incontri di gruppo",
    # Finanza
    "profiles": "Ore per profilo professionale",
    "profile": "Profilo",
    "minimum_hours": "Ore minime",
    "period_hours": "Ore nel periodo",
    "cumulative_hours": "Ore cumulate",
    "percent_of_minimum": "Percentuale del minimo",
    "hourly_cost": "Costo orario (€)",
    "spent": "Spesa per il personale (€)",
    "forecast_hours": "Ore previste a fine progetto",
    "will_miss_minimum": "Sotto il minimo secondo la previsione",
    "spent_percent": "Spesa per il personale sul finanziato",
    "forecast_observed_until": "Previsione basata sui dati fino al",
    "cost_items": "Altre voci di costo del periodo",
    "date": "Data",
    "category": "Categoria",
    "description": "Descrizione",
    "document_reference": "Riferimento del documento",
    "document_attached": "Documento allegato",
    "other_costs": "Altri costi (€)",
    "total_spent": "Spesa totale (€)",
    "total_percent": "Spesa totale sul finanziato",
    "remaining": "Importo residuo (€)",
    # Sezione del partner
    "complaints": "Reclami",
    "received": "Ricevuti",
    "open": "Aperti",
    "mean_days_to_close": "Giorni medi per la chiusura",
    "by_channel": "per canale",
    "by_outcome": "per esito",
    "satisfaction_scale": "Punti della scala di soddisfazione",
    "satisfaction": "Soddisfazione",
    "audience": "Destinatari",
    "responses": "Risposte",
    "mean": "Media",
    "surveys": "Questionari",
    "title": "Titolo",
    "items": "Affermazioni",
    "text": "Testo",
    "quality_controls": "Controlli di qualità",
    "with_corrective_actions": "Con azioni correttive",
    "by_status": "per stato",
    "impact_indicators": "Indicatori di impatto",
    "computed": "Calcolato dal portale",
    "unit": "Unità di misura",
    "baseline": "Valore di partenza",
    "target": "Valore atteso",
    "latest_value": "Ultimo valore",
    "latest_period_end": "Fine del periodo dell'ultimo valore",
    "reached": "Raggiunto",
    # Obiettivi minimi
    "minimum": "Minimo",
    "note": "Nota",
    "checks": "Verifiche",
    "where": "Dove",
    "value": "Valore",
    "numerator": "Conteggio",
    "denominator": "Su",
    "missing": "Mancano",
    "warning": "Avviso",
    "met": "Raggiunto",
}
# Where a key means something else under a given parent.
LABELS_UNDER = {
    ("ambiti", "rows"): "per ambito",
    ("complaints", "closed"): "Chiusi",
    ("cost_items", "amount"): "Importo (€)",
    ("sdq_total_difficulties", "children"): "Bambini con T2",
    ("rows", "children"): "Bambini",
    ("totals", "children"): "Bambini",
    ("governance_meetings", "kind"): "Tipo di incontro",
}
# Keys that are codes beside their label (`funding` beside `funding_label`, a target's `kind` beside
# `kind_label`): the label is exported, the code is not.
SKIPPED = {"funding", "target_id", "kind_label", "scope", "scope_label"}
# Dictionaries whose keys are already labels (a breakdown by a choice's label).
KEYED_BY_LABEL = {"by_status"}
# The key whose value names an item of a list, in order of preference.
NAME_KEYS = (
    "name",
    "implementation",
    "ambito",
    "profile",
    "side",
    "audience",
    "title",
    "text",
    "label",
    "kind",
    "description",
    "category",
)

MONEY = {"amount", "spent", "remaining", "total_spent", "hourly_cost", "other_costs"}
HOURS = {
    "training_hours",
    "sedt_hours",
    "hours",
    "period_hours",
    "cumulative_hours",
    "forecast_hours",
    "minimum_hours",
}
PERCENTS = {"spent_percent", "total_percent", "percent_of_minimum", "attendance_rate"}
DATES = {"start", "end", "latest_period_end", "concluded_on", "forecast_observed_until", "date"}


# The snapshot's JSON has its keys sorted; rows follow the order of `LABELS`, which is the report's.
ORDER = {key: index for index, key in enumerate(LABELS)}


def label(key: str, parent: str | None = None) -> str:
    return LABELS_UNDER.get((parent or "", key)) or LABELS.get(key, key)


def sections(snapshot: dict[str, Any]) -> Iterator[tuple[str, list[list[CellValue]]]]:
    """Each section of the snapshot present in it, by its Italian name, with its rows."""
    for key, name in SECTIONS.items():
        if key in snapshot:
            if key == "targets":
                yield name, list(_target_rows(snapshot[key]))
            else:
                yield name, list(_walk([], snapshot[key], key))


def _walk(path: list[str], value: Any, key: str | None) -> Iterator[list[CellValue]]:
    """The rows of `value`, found under `key` at `path` (the labels from the section down)."""
    if isinstance(value, dict):
        items = value.items() if key in KEYED_BY_LABEL else sorted(value.items(), key=_in_report_order)
        for inner_key, inner in items:
            if inner_key in SKIPPED:
                continue
            if inner_key in PERIODS and not isinstance(inner, dict | list):
                # A figure in the period and cumulated: the "Periodo" column tells them apart.
                yield _row(path, PERIODS[inner_key], _typed(key, inner))
            elif key in KEYED_BY_LABEL:
                yield from _walk([*path, str(inner_key)], inner, key)
            else:
                yield from _walk([*path, label(inner_key, key)], inner, inner_key)
    elif isinstance(value, list):
        if value and all(isinstance(item, list) and len(item) == 2 for item in value):
            # A breakdown: [label, value] pairs.
            for name, cell in value:
                yield _row([*path, str(name)], "", _typed(key, cell))
        elif all(not isinstance(item, dict | list) for item in value):
            yield _row(path, "", "; ".join(str(item) for item in value))
        else:
            for item in value:
                name = next((item[k] for k in NAME_KEYS if isinstance(item, dict) and item.get(k)), None)
                yield from _walk([*path, str(name)] if name else path, item, key)
    else:
        yield _row(path, "", _typed(key, value))


def _in_report_order(item: tuple[str, Any]) -> int:
    return ORDER.get(item[0], len(ORDER))


def _target_rows(targets: list[dict]) -> Iterator[list[CellValue]]:
    """A target and, for each place it is checked, the value against the minimum: percentages for the
    targets that are shares ("%"), counts for the others."""
    for target in targets:
        name = f"{target['kind_label']} ({target['scope_label']})"
        share = target["unit"] == "%"
        yield _row([name, label("minimum")], "", percent(target["minimum"]) if share else target["minimum"])
        yield _row([name, label("met")], "", _typed("met", target["met"]))
        if target["note"]:
            yield _row([name, label("note")], "", target["note"])
        for check in target["checks"]:
            where = [name, check["where"]]
            value = check["value"]
            yield _row([*where, label("value")], "", percent(value) if share and value is not None else value)
            yield _row([*where, label("numerator")], "", check["numerator"])
            if check["denominator"] is not None:
                yield _row([*where, label("denominator")], "", check["denominator"])
            yield _row([*where, label("missing")], "", check["missing"])
            if check["warning"]:
                yield _row([*where, label("warning")], "", check["warning"])


def _typed(key: str | None, value: Any) -> CellValue:
    """A snapshot value as the cell it is: amounts (stored as the text of a Decimal), hours, percentages
    and dates by their key; yes or no in words; counts and means as numbers; texts as they are."""
    if isinstance(value, bool):
        return "sì" if value else "no"
    if value is None or value == "":
        return None
    if key in MONEY and isinstance(value, str | int | float):
        try:
            return euro(value)
        except InvalidOperation:
            return value
    if key in HOURS and isinstance(value, int | float):
        return hours(value)
    if key in PERCENTS and isinstance(value, int | float):
        return percent(value)
    if key in DATES and isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, int | float | Decimal | str):
        return value
    return str(value)


def _row(path: list[str], period: str, value: CellValue) -> list[CellValue]:
    indicator = path[0] if path else None
    detail = " / ".join(path[1:]) or None
    return [indicator, detail, period or None, value]


def to_csv(snapshot: dict[str, Any]) -> bytes:
    return csv_bytes(CSV_HEADER, ([name, *row] for name, rows in sections(snapshot) for row in rows))


def to_xlsx(snapshot: dict[str, Any]) -> bytes:
    return xlsx_bytes([Sheet(name, COLUMNS, rows) for name, rows in sections(snapshot)])
