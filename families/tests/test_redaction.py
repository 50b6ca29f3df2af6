"""The free-text redactor: known names, surnames and codici fiscali become placeholders, and nothing else moves."""

import pytest

from families.redaction import UNREDACTED, Person, Redactor

FAMILY = [
    Person("madre", "Giulia", "Rossi", "RSSGLI85M41F205X"),
    Person("padre", "Niccolò", "Rossi"),
    Person("minore 1", "Anna", "Rossi", "RSSNNA15A41F205K"),
    Person("minore 2", "Maria Chiara", "D'Angelo"),
]


@pytest.fixture
def redact():
    return Redactor(FAMILY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Giulia si prepara all'incontro.", "[madre] si prepara all'incontro."),
        ("Sostenere la famiglia Rossi nella cura.", "Sostenere la famiglia [cognome] nella cura."),
        ("Colloquio con Giulia Rossi e con il padre.", "Colloquio con [madre] e con il padre."),
        ("Rossi Giulia, madre.", "[madre], madre."),
        ("GIULIA e giulia e GiUlIa", "[madre] e [madre] e [madre]"),
        ("Niccolò accompagna Anna.", "[padre] accompagna [minore 1]."),
        ("Niccolo' e Niccolo e NICCOLÒ", "[padre] e [padre] e [padre]"),
        ("Il compleanno dell'Anna", "Il compleanno dell'[minore 1]"),
        ("Il compleanno dell’Anna", "Il compleanno dell’[minore 1]"),
        ("Maria Chiara D’Angelo ha giocato.", "[minore 2] ha giocato."),
        ("Maria   Chiara ha giocato con Maria Chiara D'Angelo.", "[minore 2] ha giocato con [minore 2]."),
        ("D'Angelo", "[minore 2]"),
        ("CF rssgli85m41f205x allegato", "CF [codice fiscale] allegato"),
        ("Il CF di Anna è RSSNNA15A41F205K.", "Il CF di [minore 1] è [codice fiscale]."),
    ],
)
def test_known_names_become_placeholders(redact, text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Annamaria e Giuliano non sono della famiglia.",
        "Il rossiccio del tramonto; Rossini all'opera.",
        "Una giulietta, un'annata, un angelo.",
        "La mariachi suonava.",
        "Codice RSSGLI85M41F205XY più lungo.",
        "",
    ],
)
def test_a_name_inside_another_word_is_not_touched(redact, text):
    assert redact(text) == text


def test_an_accented_name_is_found_typed_without_accent_but_not_the_reverse():
    redact = Redactor([Person("minore 1", "Nicolò", "")])
    assert redact("Nicolo arriva") == "[minore 1] arriva"
    assert Redactor([Person("minore 1", "Nicolo", "")])("Nicolò arriva") == "Nicolò arriva"


def test_a_first_name_two_people_share_says_only_that_it_is_a_name():
    redact = Redactor([Person("padre", "Luca", "Bruni"), Person("minore 1", "Luca", "Bruni")])
    assert redact("Luca gioca") == "[nome] gioca"
    assert redact("la famiglia Bruni") == "la famiglia [cognome]"


def test_a_surname_of_one_person_only_is_that_person():
    redact = Redactor([Person("madre", "Sara", "Neri"), Person("padre", "Ugo", "Galli")])
    assert redact("la signora Neri e il signor Galli") == "la signora [madre] e il signor [padre]"


def test_nothing_known_changes_nothing():
    assert Redactor([])("Giulia") == "Giulia"
    assert Redactor([Person("x", "A", "")])("A casa") == "A casa"  # one letter is not a name to hunt


def test_the_unredacted_text_is_the_text_as_typed():
    assert UNREDACTED("Giulia Rossi") == "Giulia Rossi"
    assert UNREDACTED(None) == ""


def test_a_lazy_redactor_reads_the_people_at_the_first_text_only():
    calls = []

    def load():
        calls.append(1)
        return FAMILY

    redact = Redactor.lazy(load)
    assert calls == []
    assert redact("") == ""
    assert calls == []
    assert redact("Giulia") == "[madre]"
    assert redact("Anna") == "[minore 1]"
    assert calls == [1]


def test_markup_in_the_text_is_left_to_the_template_to_escape(redact):
    assert redact("<b>Giulia</b>") == "<b>[madre]</b>"
