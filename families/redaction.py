"""Free text as the roles that see families pseudonymised may read it.

Case notes, plan objectives, meeting minutes and complaints name people all the time ("Giulia si prepara…",
"la famiglia Rossi…"). `Redactor` replaces the names, surnames and codici fiscali the portal knows with
neutral placeholders ("[madre]", "[minore 1]", "[codice fiscale]") before such text reaches a pseudonymised
role, on a page, in a PDF or in an export.

How a name is found:
- as a whole word only: "Anna" is replaced in "con Anna" and in "dell'Anna", never inside "Annamaria";
- whatever the case ("GIULIA", "giulia") and whatever the apostrophe (' or ’), with an accented final vowel
  also typed as vowel + apostrophe ("Niccolò", "Niccolo'") and accents optional ("Nicolò", "Nicolo");
- the longest first: "Giulia Rossi" becomes one placeholder, not two.
A name that is also an ordinary word ("Serena", "Massimo") is hidden wherever the word appears: hiding too
much is the price of never showing a name. A name the portal does not know (a neighbour, a teacher typed in
the minutes) cannot be found: the forms that take free text say so under the field.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

APOSTROPHES = "'’ʼ`´"
HYPHENS = "-‐‑–"
# A codice fiscale as typed: 16 letters and digits (omocodia digits replaced by letters are still 16).
CODICE_FISCALE_LENGTH = 16


@dataclass(frozen=True)
class Person:
    """Someone whose names the redactor hides, and what it writes instead (without brackets)."""

    placeholder: str
    first_name: str = ""
    last_name: str = ""
    codice_fiscale: str = ""


def fold(text: str) -> str:
    """The form names are compared in: NFC, lower case, accents removed, one kind of apostrophe."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    for apostrophe in APOSTROPHES[1:]:
        plain = plain.replace(apostrophe, "'")
    return " ".join(plain.split())


def _letter_pattern(char: str, last: bool) -> str:
    base = unicodedata.normalize("NFD", char)[0]
    if base == char:
        return re.escape(char)
    # An accented letter may be typed plain, and a final accented vowel as vowel + apostrophe ("Niccolo'").
    plain = f"{re.escape(base)}(?:[{APOSTROPHES}](?!\\w))?" if last else re.escape(base)
    return f"(?:{re.escape(char)}|{plain})"


def name_pattern(name: str) -> str:
    """A regular expression for one name as people type it (see the module's docstring)."""
    name = unicodedata.normalize("NFC", " ".join(name.split()))
    parts = []
    for index, char in enumerate(name):
        last = index == len(name) - 1 or not name[index + 1].isalpha()
        if char.isspace():
            parts.append(r"\s+")
        elif char in APOSTROPHES:
            parts.append(f"[{APOSTROPHES}]\\s*")
        elif char in HYPHENS:
            parts.append(f"\\s*[{HYPHENS}]\\s*")
        elif char.isalpha():
            parts.append(_letter_pattern(char, last))
        else:
            parts.append(re.escape(char))
    return "".join(parts)


class Redactor:
    """Replaces the known names of some people in free text. Build it with the people of one family (the
    family's pages) or of an ambito (texts about several families); call it on each text."""

    # Templates receive it as an argument of the `redact` filter: they must not call it themselves.
    do_not_call_in_templates = True

    def __init__(self, people: Iterable[Person]):
        self._people = list(people)
        self._regex: re.Pattern | None = None
        self._placeholders: list[str] = []
        self._compiled = False

    @classmethod
    def lazy(cls, load: Callable[[], Iterable[Person]]) -> Redactor:
        """A redactor that reads the people only when a first text needs it (pages without free text
        do not read names at all)."""
        redactor = cls(())
        redactor._load = load
        return redactor

    _load: Callable[[], Iterable[Person]] | None = None

    def _compile(self) -> None:
        self._compiled = True
        if self._load is not None:
            self._people, self._load = list(self._load()), None
        candidates: dict[str, set[str]] = {}  # folded name -> the placeholders it may stand for
        shown: dict[str, str] = {}  # folded name -> the name as typed, for the pattern
        surnames: dict[str, set[str]] = {}

        def add(name: str, placeholder: str) -> None:
            name = " ".join(name.split())
            key = fold(name)
            if len(key.replace(" ", "")) < 2:
                return
            candidates.setdefault(key, set()).add(placeholder)
            shown.setdefault(key, name)

        for person in self._people:
            first, last = person.first_name.strip(), person.last_name.strip()
            if first and last:
                add(f"{first} {last}", person.placeholder)
                add(f"{last} {first}", person.placeholder)
            if first:
                add(first, person.placeholder)
            if last:
                surnames.setdefault(fold(last), set()).add(person.placeholder)
                add(last, person.placeholder)
            cf = (person.codice_fiscale or "").strip()
            if len(cf) == CODICE_FISCALE_LENGTH:
                add(cf, _("codice fiscale"))
        alternatives = []
        self._placeholders = []
        for key in sorted(candidates, key=lambda k: (-len(k), k)):
            placeholders = candidates[key]
            if len(placeholders) == 1:
                placeholder = next(iter(placeholders))
            elif key in surnames:
                placeholder = _("cognome")
            else:
                placeholder = _("nome")
            alternatives.append(f"(?P<p{len(self._placeholders)}>{name_pattern(shown[key])})")
            self._placeholders.append(placeholder)
        if alternatives:
            self._regex = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)

    def __call__(self, text) -> str:
        if text is None:
            return ""
        text = str(text)
        if not text:
            return text
        if not self._compiled:
            self._compile()
        if self._regex is None:
            return text
        text = unicodedata.normalize("NFC", text)
        return self._regex.sub(lambda match: f"[{self._placeholders[int(match.lastgroup[1:])]}]", text)


class Unredacted(Redactor):
    """For the roles that see identities: the text as typed."""

    def __init__(self):
        super().__init__(())

    def __call__(self, text) -> str:
        return "" if text is None else str(text)


UNREDACTED = Unredacted()
