"""Small builders for test data. Each returns a saved object; keyword arguments override the defaults."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from equipes.models import (
    Ambito,
    Comune,
    Equipe,
    EquipeMembership,
    Implementation,
    Organisation,
    Project,
    Role,
    User,
)

_sequence = itertools.count(1)


def make_ambito(code: str = "TST", **kwargs) -> Ambito:
    defaults = {"name": f"Ambito {code}", "lead_municipality": f"Comune capofila {code}"}
    defaults.update(kwargs)
    return Ambito.objects.create(code=code, **defaults)


def make_comune(ambito: Ambito, name: str | None = None) -> Comune:
    return Comune.objects.create(ambito=ambito, name=name or f"Comune {next(_sequence)}")


def make_organisation(ambito: Ambito, name: str | None = None, kind: str = Organisation.Kind.COMUNE) -> Organisation:
    return Organisation.objects.create(ambito=ambito, name=name or f"Ente {next(_sequence)}", kind=kind)


def make_user(ambito: Ambito | None, role: str, organisation: Organisation | None = None, **kwargs) -> User:
    n = next(_sequence)
    defaults = {
        "username": f"{role}{n}",
        "first_name": f"Nome{n}",
        "last_name": f"Cognome{n}",
        "profile": "",
    }
    defaults.update(kwargs)
    return User.objects.create_user(ambito=ambito, organisation=organisation, role=role, **defaults)


def make_cup() -> str:
    return f"B24H22{next(_sequence):09d}"


def make_project(ambito: Ambito, **kwargs) -> Project:
    defaults = {
        "title": "Progetto di prova",
        "cup": make_cup(),
        "amount": Decimal("211500.00"),
        "start_date": datetime.date(2023, 6, 1),
        "end_date": datetime.date(2026, 5, 31),
    }
    defaults.update(kwargs)
    return Project.objects.create(ambito=ambito, **defaults)


def make_implementation(project: Project, number: int = 11, **kwargs) -> Implementation:
    defaults = {"start_date": project.start_date, "end_date": project.end_date}
    defaults.update(kwargs)
    return Implementation.objects.create(project=project, number=number, **defaults)


def make_equipe(ambito: Ambito, name: str | None = None, members: dict | None = None) -> Equipe:
    equipe = Equipe.objects.create(ambito=ambito, name=name or f"Équipe {next(_sequence)}")
    for user, role in (members or {}).items():
        EquipeMembership.objects.create(equipe=equipe, user=user, role=role)
    return equipe


__all__ = [
    "Role",
    "make_ambito",
    "make_comune",
    "make_cup",
    "make_equipe",
    "make_implementation",
    "make_organisation",
    "make_project",
    "make_user",
]


# --- Families -------------------------------------------------------------------------------------------

import datetime as _dt  # noqa: E402

from codicefiscale import codicefiscale  # noqa: E402


def synthetic_codice_fiscale(first_name: str, last_name: str, birth_date: _dt.date, sex: str) -> str:
    """A well-formed codice fiscale for invented people (computed at run time, never stored in the repo)."""
    return codicefiscale.encode(
        lastname=last_name,
        firstname=first_name,
        gender=sex,
        birthdate=birth_date.strftime("%d/%m/%Y"),
        birthplace="Seregno",
    )


def make_family(world, *, case_manager=None, implementation=None, referral_date=None, children=1, **family_fields):
    """A referred family (state "segnalata") in the world's ambito, made through the real service."""
    from families.models import Family, Member, Referral
    from families.services import family_refer

    case_manager = case_manager or world.users.case_manager
    referral_date = referral_date or _dt.date(2024, 1, 10)
    n = next(_sequence)
    members = [
        Member(
            kind=Member.Kind.FIGURA_GENITORIALE,
            first_name=f"Genitore{n}",
            last_name=f"Famiglia{n}",
            birth_date=_dt.date(1988, 3, 4),
            sex="F",
        )
    ]
    for i in range(children):
        birth = _dt.date(2016 + i % 5, 5, 6)
        members.append(
            Member(
                kind=Member.Kind.MINORE,
                first_name=f"Bimbo{n}x{i}",
                last_name=f"Famiglia{n}",
                birth_date=birth,
                sex="M",
                codice_fiscale=synthetic_codice_fiscale(f"Bimbo{n}x{i}", f"Famiglia{n}", birth, "M"),
                is_reference_child=i == 0,
            )
        )
    family = Family(
        comune=family_fields.pop("comune", world.comune),
        equipe=family_fields.pop("equipe", world.equipe),
        implementation=implementation if implementation is not None else world.implementation,
        case_manager=case_manager,
        **family_fields,
    )
    referral = Referral(date=referral_date, source=Referral.Source.SCUOLA, reason="Segnalazione di prova")
    return family_refer(by=case_manager, family=family, referral=referral, members=members)
