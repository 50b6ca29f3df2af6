"""What a role may see of a family's people: the one path every page, widget, export and PDF takes.

Roles that see identities (`User.sees_identities`: case managers, operators, the administrator) get names.
The roles that see families pseudonymised (Ufficio di Piano, coordinatore) get, for every person of a family,
a pseudonym that is the same on every page: the relationship when it is a plain word unique in the family
("Madre"), otherwise the kind and a number ("Minore 2", ordered by birth date). Their names, codici fiscali
and birth dates are not even selected for those roles, except by the free-text redactor, which needs the
names to hide them and hands nothing but redacted text on (`family_redactor`, `ambito_redactor`).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from equipes.models import Project, User
from pippi_portal import compiled

from .models import Family, Member, TeamMember, age_on
from .redaction import UNREDACTED, Person, Redactor

# A relationship usable as a pseudonym: one or two plain lower-case words ("madre", "nonna materna").
PLAIN_RELATIONSHIP = re.compile(r"[a-zàèéìòù]{2,20}(?: [a-zàèéìòù]{2,20})?")
PSEUDONYM_FIELDS = ("pk", "family_id", "kind", "relationship", "birth_date")


class FamilyView:
    """The family as templates receive it. For roles that see families pseudonymised only an allow-list of
    attributes passes (no address, phone, members, notes, referral text): a template cannot show what it
    was never given."""

    PSEUDONYMOUS_ATTRIBUTES = frozenset(
        {
            "pk",
            "id",
            "code",
            "year",
            "state",
            "get_state_display",
            "suspended_from",
            "get_suspended_from_display",
            "interruption_reason",
            "get_interruption_reason_display",
            "ambito",
            "ambito_id",
            "comune",
            "implementation",
            "implementation_id",
            "equipe",
            "case_manager",
            "case_manager_id",
            "reunification",
            "under_judicial_authority",
            "judicial_authority_court",
            "get_judicial_authority_court_display",
            "cultural_mediation",
            "language",
            "created_at",
            "updated_at",
            "is_active",
            "get_absolute_url",
        }
    )

    def __init__(self, family: Family, user: User):
        self._family = family
        self.sees_identities = user.sees_identities

    def __getattr__(self, name: str):
        if not self.sees_identities and name not in self.PSEUDONYMOUS_ATTRIBUTES:
            raise AttributeError(name)
        return getattr(self._family, name)

    def __str__(self) -> str:
        return self._family.code


# --- Pseudonyms -------------------------------------------------------------------------------------------


def _pseudonyms_of(rows: Iterable[dict]) -> dict[int, str]:
    """Member id -> pseudonym, from rows of PSEUDONYM_FIELDS of *every* member of the families concerned
    (the numbering counts them all), in the order `kind, birth_date, pk`."""
    kinds = dict(Member.Kind.choices)
    by_family: dict[int, list[dict]] = {}
    for row in sorted(rows, key=lambda r: (r["family_id"], r["kind"], r["birth_date"], r["pk"])):
        by_family.setdefault(row["family_id"], []).append(row)
    pseudonyms = {}
    for members in by_family.values():
        relationships = [(row["relationship"] or "").strip().lower() for row in members]
        counters: dict[str, int] = {}
        for row, relationship in zip(members, relationships, strict=True):
            counters[row["kind"]] = counters.get(row["kind"], 0) + 1
            if PLAIN_RELATIONSHIP.fullmatch(relationship) and relationships.count(relationship) == 1:
                pseudonyms[row["pk"]] = relationship.capitalize()
            else:
                pseudonyms[row["pk"]] = f"{kinds[row['kind']]} {counters[row['kind']]}"
    return pseudonyms


def pseudonyms_for_families(family_ids: Iterable[int]) -> dict[int, str]:
    """Member id -> pseudonym for every member of the given families, in one query without names."""
    rows = Member.objects.filter(family_id__in=list(family_ids)).values(*PSEUDONYM_FIELDS)
    return _pseudonyms_of(rows)


@dataclass(frozen=True)
class MemberView:
    """A member as the page may show it. For pseudonymised roles the name is the pseudonym and the codice
    fiscale and birth date are absent: they were never read from the database."""

    pk: int
    kind: str
    kind_label: str
    label: str
    age: int | None
    sex: str
    is_reference_child: bool
    school_class: str
    full_name: str | None = None
    codice_fiscale: str | None = None
    birth_date: datetime.date | None = None
    school: str = ""
    relationship: str = ""


PSEUDONYMOUS_MEMBER_FIELDS = (*PSEUDONYM_FIELDS, "sex", "is_reference_child", "school_class")


def member_views(user: User, family: Family) -> list[MemberView]:
    kinds = dict(Member.Kind.choices)
    today = timezone.localdate()
    # The family page's reads run SQL compiled once per process (`pippi_portal.compiled`, issue 16).
    members_of = lambda family_id: Member.objects.filter(family_id=family_id).order_by(  # noqa: E731
        "kind", "birth_date", "pk"
    )
    if user.sees_identities:
        members = compiled.rows(("members",), members_of, family.pk)
        return [
            MemberView(
                pk=m.pk,
                kind=m.kind,
                kind_label=kinds[m.kind],
                label=m.first_name,
                age=m.age_on(today),
                sex=m.sex,
                is_reference_child=m.is_reference_child,
                school_class=m.school_class,
                full_name=str(m),
                codice_fiscale=m.codice_fiscale or "",
                birth_date=m.birth_date,
                school=m.school,
                relationship=m.relationship,
            )
            for m in members
        ]
    rows = compiled.rows(
        ("members-pseudonymised",), lambda pk: members_of(pk).values(*PSEUDONYMOUS_MEMBER_FIELDS), family.pk
    )
    pseudonyms = _pseudonyms_of(rows)
    return [
        MemberView(
            pk=row["pk"],
            kind=row["kind"],
            kind_label=kinds[row["kind"]],
            label=pseudonyms[row["pk"]],
            age=age_on(row["birth_date"], today),
            sex=row["sex"],
            is_reference_child=row["is_reference_child"],
            school_class=row["school_class"],
        )
        for row in rows
    ]


def labels_of(views: list[MemberView]) -> dict[int, str]:
    """Member id -> how the page may call that member (a name, or the pseudonym)."""
    return {view.pk: (view.full_name or view.label) for view in views}


def member_labels(user: User, family: Family) -> dict[int, str]:
    return labels_of(member_views(user, family))


def member_labels_across_families(user: User, members) -> dict[int, str]:
    """Member id -> label for members of several families (a group, a picker): "Nome Cognome (CODICE)" for
    roles that see identities, "CODICE · pseudonym" otherwise. `members` is a Member queryset."""
    if user.sees_identities:
        rows = members.values_list("pk", "first_name", "last_name", "family__code")
        return {pk: f"{first} {last} ({code})" for pk, first, last, code in rows}
    codes = dict(members.values_list("pk", "family__code"))
    family_ids = set(members.values_list("family_id", flat=True))
    pseudonyms = pseudonyms_for_families(family_ids)
    return {pk: f"{code} · {pseudonyms[pk]}" for pk, code in codes.items()}


def objective_labels_across_families(user: User, objectives) -> dict[int, str]:
    """Objective id -> "CODICE · sottodimensione: risultato atteso" for objectives of several families (a group's
    choices). The expected result is free text that may name the family's people: for roles that see families
    pseudonymised it goes through the redactor of those families, and is cut short only after that."""
    rows = list(
        objectives.values_list("pk", "plan__family_id", "plan__family__code", "subdimension__name", "expected_result")
    )
    redact = UNREDACTED if user.sees_identities else families_redactor({row[1] for row in rows})
    return {
        pk: f"{code} · {subdimension}: {Truncator(redact(text)).chars(90)}"
        for pk, _family, code, subdimension, text in rows
    }


def team_members_of(family: Family) -> list[TeamMember]:
    """The family's team as `team_views` reads it: one query, compiled once per process."""
    return compiled.rows(
        ("team",), lambda pk: TeamMember.objects.filter(family_id=pk).select_related("user"), family.pk
    )


def team_views(
    user: User, family: Family, labels: dict[int, str] | None = None, team: list[TeamMember] | None = None
) -> list[dict]:
    """The family's team; `labels` (from `labels_of`) spares reading the members again, `team` (from
    `team_members_of`) the team. The role of an outside person is free text and goes through the redactor."""
    if labels is None:
        labels = member_labels(user, family)
    redact = family_redactor(user, family)
    rows = []
    for member in team_members_of(family) if team is None else team:
        if member.user_id:
            who, kind = str(member.user), _("Operatore")
        elif member.member_id:
            who, kind = labels.get(member.member_id, _("Familiare")), _("Famiglia")
        else:
            who, kind = (member.external_name if user.sees_identities else _("Persona esterna")), _("Esterno")
        rows.append({"pk": member.pk, "who": who, "kind": kind, "role": redact(member.role), "user_id": member.user_id})
    return rows


# --- Free text ------------------------------------------------------------------------------------------


def _people(family_ids) -> list[Person]:
    """The people whose names the redactor hides: the members of the families (as their pseudonym) and the
    outside people of their équipes."""
    members = list(
        Member.objects.filter(family_id__in=family_ids).values(
            *PSEUDONYM_FIELDS, "first_name", "last_name", "codice_fiscale"
        )
    )
    pseudonyms = _pseudonyms_of(members)
    people = [
        Person(pseudonyms[m["pk"]].lower(), m["first_name"], m["last_name"], m["codice_fiscale"] or "") for m in members
    ]
    outsiders = TeamMember.objects.filter(family_id__in=family_ids).exclude(external_name="")
    people += [outside_person(name) for name in outsiders.values_list("external_name", flat=True)]
    return people


TITLES = {"maestra", "maestro", "dottore", "dottoressa", "professore", "professoressa", "signora", "signore"}


def outside_person(name: str) -> Person:
    """An outside member of the équipe as typed ("Maestra Paola Verdi", "dott.ssa Neri"): titles and
    abbreviations are not names to hunt."""
    words = [w for w in name.split() if not w.endswith(".") and "." not in w and w.lower() not in TITLES]
    if not words:
        return Person(_("persona esterna"))
    return Person(_("persona esterna"), " ".join(words[:-1]), words[-1])


def family_redactor(user: User, family: Family | int) -> Redactor:
    """The redactor of free text about one family, for this user: the text as typed for roles that see
    identities, the family's known names hidden for the others (read only if some text needs it)."""
    if user.sees_identities:
        return UNREDACTED
    family_id = family if isinstance(family, int) else family.pk
    return Redactor.lazy(lambda: _people([family_id]))


def ambito_redactor(user: User, ambito_id: int | None = None) -> Redactor:
    """The redactor of free text that may be about any family of an ambito (complaints, survey comments,
    minutes, timesheet notes, report narratives). `ambito_id` defaults to the user's own."""
    if user is not None and user.sees_identities:
        return UNREDACTED
    ambito_id = ambito_id or user.ambito_id
    # A project of several ambiti shares its records (complaints, reports): the names of the families of every
    # ambito of those projects are hidden too.
    shared = Project.objects.of_ambito(ambito_id).values("pk")
    return families_redactor(
        Family.objects.filter(Q(ambito_id=ambito_id) | Q(implementation__project__in=shared)).values("pk")
    )


def families_redactor(families) -> Redactor:
    """Always redacting: the names of the given families (a queryset of their ids) hidden, read lazily.
    For documents that leave the portal pseudonymous whoever asks (the Ministry's report)."""
    return Redactor.lazy(lambda: _people(families))
