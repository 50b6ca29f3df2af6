"""Small builders for test data. Each returns a saved object; keyword arguments override the defaults."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from types import SimpleNamespace

from equipes.models import (
    Ambito,
    Comune,
    Equipe,
    EquipeMembership,
    Implementation,
    Organisation,
    Profile,
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


def running_implementation(ambito: Ambito, number: int = 14) -> Implementation:
    """An implementation taking families today (the world's project ended on 31/05/2026): of a project of the
    ambito running from 01/06/2026 to 31/12/2027, made the first time it is asked for."""
    project = Project.objects.filter(ambito=ambito, title="Progetto in corso").first() or make_project(
        ambito, title="Progetto in corso", start_date=datetime.date(2026, 6, 1), end_date=datetime.date(2027, 12, 31)
    )
    return project.implementations.filter(number=number).first() or make_implementation(project, number)


def make_equipe(ambito: Ambito, name: str | None = None, members: dict | None = None) -> Equipe:
    equipe = Equipe.objects.create(ambito=ambito, name=name or f"Équipe {next(_sequence)}")
    for user, role in (members or {}).items():
        EquipeMembership.objects.create(equipe=equipe, user=user, role=role)
    return equipe


def make_world() -> SimpleNamespace:
    """Ambito "TST" with a project, an implementation, an équipe and a user of every role; ambito "OTH" with its
    own project and équipe, a case manager (the outsider) and an Ufficio di Piano. The `world` fixture of the
    conftest, per test, and `module_world`, once per module."""
    ambito = make_ambito("TST")
    comune = make_comune(ambito, "Comune Alfa")
    municipality = make_organisation(ambito, "Comune di Alfa")
    coop = make_organisation(ambito, "Cooperativa Beta", Organisation.Kind.ETS)
    other_coop = make_organisation(ambito, "Cooperativa Gamma", Organisation.Kind.ETS)
    users = SimpleNamespace(
        ufficio_piano=make_user(ambito, Role.UFFICIO_PIANO, municipality, username="udp"),
        coordinatore=make_user(ambito, Role.COORDINATORE, municipality, username="coordinatore"),
        case_manager=make_user(
            ambito, Role.CASE_MANAGER, municipality, username="assistente", profile=Profile.ASSISTENTE_SOCIALE
        ),
        operatore=make_user(ambito, Role.OPERATORE, coop, username="educatore", profile=Profile.EDUCATORE),
        referente_ente=make_user(ambito, Role.REFERENTE_ENTE, coop, username="referente"),
        admin=make_user(None, Role.ADMIN, username="admin", is_staff=True, is_superuser=True),
    )
    project = make_project(ambito)
    project.partners.add(coop)
    implementation = make_implementation(project, 11)
    equipe = make_equipe(
        ambito,
        "Équipe Alfa",
        {users.case_manager: EquipeMembership.MemberRole.CASE_MANAGER, users.operatore: "operatore"},
    )
    equipe.comuni.add(comune)

    other = make_ambito("OTH")
    other_comune = make_comune(other, "Comune Omega")
    other_org = make_organisation(other, "Comune di Omega")
    outsider = make_user(other, Role.CASE_MANAGER, other_org, username="outsider")
    other_udp = make_user(other, Role.UFFICIO_PIANO, other_org, username="udp_other")
    other_project = make_project(other)
    other_implementation = make_implementation(other_project, 11)
    other_equipe = make_equipe(other, "Équipe Omega", {outsider: EquipeMembership.MemberRole.CASE_MANAGER})
    other_equipe.comuni.add(other_comune)

    return SimpleNamespace(
        ambito=ambito,
        comune=comune,
        municipality=municipality,
        coop=coop,
        other_coop=other_coop,
        users=users,
        project=project,
        implementation=implementation,
        equipe=equipe,
        other=SimpleNamespace(
            ambito=other,
            comune=other_comune,
            organisation=other_org,
            outsider=outsider,
            ufficio_piano=other_udp,
            project=other_project,
            implementation=other_implementation,
            equipe=other_equipe,
        ),
    )


def add_associated_ambito(world) -> SimpleNamespace:
    """Ambito "ASC", associated with the world's project (whose lead is "TST"), as the Bassa Romagna with the
    Romagna Faentina's project: its comune, équipe, an Ufficio di Piano, a coordinator, a case manager and an
    educator. Stored on the world as `world.associated`; "OTH" stays the third ambito, outside the project."""
    ambito = make_ambito("ASC")
    comune = make_comune(ambito, "Comune Sigma")
    municipality = make_organisation(ambito, "Comune di Sigma")
    users = SimpleNamespace(
        ufficio_piano=make_user(ambito, Role.UFFICIO_PIANO, municipality, username="udp_assoc"),
        coordinatore=make_user(ambito, Role.COORDINATORE, municipality, username="coordinatore_assoc"),
        case_manager=make_user(
            ambito, Role.CASE_MANAGER, municipality, username="assistente_assoc", profile=Profile.ASSISTENTE_SOCIALE
        ),
        operatore=make_user(
            ambito, Role.OPERATORE, municipality, username="educatore_assoc", profile=Profile.EDUCATORE
        ),
    )
    world.project.associated_ambiti.add(ambito)
    equipe = make_equipe(
        ambito,
        "Équipe Sigma",
        {users.case_manager: EquipeMembership.MemberRole.CASE_MANAGER, users.operatore: "operatore"},
    )
    equipe.comuni.add(comune)
    world.associated = SimpleNamespace(
        ambito=ambito, comune=comune, organisation=municipality, users=users, equipe=equipe
    )
    return world.associated


__all__ = [
    "Role",
    "add_associated_ambito",
    "make_ambito",
    "make_comune",
    "make_cup",
    "make_equipe",
    "make_implementation",
    "make_organisation",
    "make_project",
    "make_user",
    "make_world",
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


def make_target(project: Project, kind: str, minimum: int, scope: str, **kwargs):
    from equipes.models import ProjectTarget

    return ProjectTarget.objects.create(project=project, kind=kind, minimum=minimum, scope=scope, **kwargs)


def make_group(
    implementation: Implementation, *, code: str = "gruppo_genitori", ambito: Ambito | None = None, **kwargs
):
    """A module of a group of the implementation, held in `ambito` (the project's lead by default)."""
    from interventions.models import Group, InterventionType

    defaults = {
        "module_number": next(_sequence),
        "name": f"Gruppo {next(_sequence)}",
        "venue": "Sala civica",
        "frequency": "settimanale",
        "start_date": implementation.start_date,
        "planned_sessions": 6,
    }
    defaults.update(kwargs)
    return Group.objects.create(
        ambito=ambito or implementation.project.ambito,
        project=implementation.project,
        implementation=implementation,
        type=InterventionType.objects.get(code=code, ambito__isnull=True),
        **defaults,
    )
