"""The codice fiscale of an invented person born in Milano, computed fast.

python-codicefiscale takes ~5 ms per code (it looks the birthplace up); this is the same algorithm for a fixed
birthplace, a few microseconds each. The test checks it against the library.
"""

from __future__ import annotations

import datetime
import unicodedata

_MONTHS = "ABCDEHLMPRST"
_ODD = dict(
    zip(
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        [1, 0, 5, 7, 9, 13, 15, 17, 19, 21]
        + [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14]
        + [16, 10, 22, 25, 24, 23],
        strict=True,
    )
)
_EVEN = {c: (int(c) if c.isdigit() else ord(c) - ord("A")) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
BIRTHPLACE = "F205"  # Milano


def _letters(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper()
    return "".join(c for c in plain if "A" <= c <= "Z")


def _name_part(text: str, *, first_name: bool) -> str:
    letters = _letters(text)
    consonants = [c for c in letters if c not in "AEIOU"]
    vowels = [c for c in letters if c in "AEIOU"]
    if first_name and len(consonants) >= 4:
        return consonants[0] + consonants[2] + consonants[3]
    return ("".join(consonants + vowels) + "XXX")[:3]


def codice_fiscale(first_name: str, last_name: str, birth_date: datetime.date, sex: str) -> str:
    day = birth_date.day + (40 if sex == "F" else 0)
    body = (
        _name_part(last_name, first_name=False)
        + _name_part(first_name, first_name=True)
        + f"{birth_date.year % 100:02d}"
        + _MONTHS[birth_date.month - 1]
        + f"{day:02d}"
        + BIRTHPLACE
    )
    total = sum(_ODD[c] if i % 2 == 0 else _EVEN[c] for i, c in enumerate(body))
    return body + chr(ord("A") + total % 26)
