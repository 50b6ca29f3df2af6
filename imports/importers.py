"""The three kinds of import: staff and users, families with their members, the history of hours. Each reads the
rows of a file (`readers.read_rows`), refuses the rows that break a rule of the portal, saying why in Italian
(row, column, value, reason), and writes the others through the apps' own services and checks. An importer
always writes: the dry run is the same code in a transaction that is then rolled back (as django-import-export's
own dry run does), so what the report promises is exactly what the real run does."""

from __future__ import annotations

import datetime
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from codicefiscale import codicefiscale
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from equipes import national_comuni
from equipes.models import Ambito, Comune, Equipe, Organisation, Profile, Role, User
from families.forms import check_birth_place, check_codice_fiscale
from families.models import Family, Member, Referral, State
from families.services import TransitionRefused, family_apply_transition, family_refer
from interventions.models import (
    DAY_CEILING_MINUTES,
    FAMILY_ACTIVITIES,
    Activity,
    TimeEntry,
    Timesheet,
    day_ceiling_message,
    month_start,
)
from interventions.selectors import hours_first_day, project_for
from interventions.services import (
    hours_charged_to_project,
    intervention_for_hours,
    month_label,
    project_concluded_message,
)
from pippi_portal.crypto import keyed_hash
from pippi_portal.formatting import format_number

from .readers import Row

#: Called with the number of rows looked at so far (refused or written); `services` writes it every
#: `IMPORT_PROGRESS_EVERY` rows for the page.
Progress = Callable[[int], None]


@dataclass
class Outcome:
    """What a run did (or, rolled back, would do)."""

    rows: int = 0
    created: int = 0
    changed: int = 0
    refused: list[dict] = field(default_factory=list)
    refused_rows: set[int] = field(default_factory=set)
    preview: list[str] = field(default_factory=list)
    #: {"app_label.model": [ids]}.
    created_ids: dict[str, list[int]] = field(default_factory=dict)
    #: The values changed, for the undo (see `ImportRun.changes`).
    changes: list[dict] = field(default_factory=list)

    def refuse(self, row: Row, column: str, reason: str, *, hide_value: bool = False) -> None:
        value = row.get(column) if column else ""
        if hide_value and value:
            # Names and codici fiscali stay out of the record, which the whole Ufficio di Piano reads.
            value = value[:2] + "…"
        self.refused.append({"row": row.number, "column": column, "value": value[:100], "reason": str(reason)})
        self.refused_rows.add(row.number)

    def record(self, obj) -> None:
        self.created_ids.setdefault(obj._meta.label_lower, []).append(obj.pk)


# --- Values as an Italian spreadsheet writes them ------------------------------------------------------------


def plain(text: str) -> str:
    """Lower case without accents or doubled spaces: «Équipe Nord» and «equipe  nord» are the same name."""
    text = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).casefold().split())


def parse_date(text: str) -> datetime.date | None:
    for pattern in ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def parse_decimal(text: str) -> Decimal | None:
    """«2,5», «2.5», «1.234,50» and «€ 25» as numbers; None when the text is not one."""
    text = text.replace("€", "").replace(" ", "").strip()
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def parse_yes_no(text: str) -> bool | None:
    value = plain(text)
    if value in ("", "no", "n", "0", "falso", "false"):
        return False
    if value in ("si", "s", "1", "vero", "true", "x"):
        return True
    return None


def choice(text: str, choices) -> str | None:
    """The value of a TextChoices given by its Italian label or its code."""
    wanted = plain(text)
    for value, label in choices.choices:
        if wanted in (plain(value), plain(value.replace("_", " ")), plain(str(label))):
            return value
    return None


def labels(choices) -> str:
    return ", ".join(f"«{label}»" for _value, label in choices.choices)


class Importer:
    kind: str
    columns: list[str]
    required: list[str]
    #: One synthetic example row of the downloadable template, in the order of `columns`.
    example: list[str]
    #: Columns whose values are names or codici fiscali: never copied whole into the record.
    identity_columns: frozenset[str] = frozenset()

    def __init__(self, *, ambito: Ambito, by: User, progress: Progress | None = None):
        self.ambito, self.by = ambito, by
        self.progress = progress or (lambda rows_done: None)
        self.outcome = Outcome()

    def refuse(self, row: Row, column: str, reason: str) -> None:
        self.outcome.refuse(row, column, reason, hide_value=column in self.identity_columns)

    def run(self, rows: list[Row]) -> Outcome:
        raise NotImplementedError


# --- Staff and users -------------------------------------------------------------------------------------------


class StaffImporter(Importer):
    """A person of the staff register and their user: invited by e-mail to choose a password (the invitation is
    sent once the run is committed: a dry run sends nothing)."""

    kind = "staff"
    columns = ["Nome", "Cognome", "E-mail", "Ruolo", "Profilo", "Organizzazione", "Costo orario"]
    required = ["Nome", "Cognome", "E-mail", "Profilo", "Organizzazione", "Costo orario"]
    example = [
        "Giulia",
        "Esempio",
        "giulia.esempio@example.org",
        "Operatore",
        "Educatore",
        "Cooperativa Esempio",
        "25,50",
    ]
    identity_columns = frozenset()

    def __init__(self, *, invite: Callable[[User], None] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.invite = invite or (lambda user: None)

    def run(self, rows: list[Row]) -> Outcome:
        out = self.outcome
        out.rows = len(rows)
        organisations = {plain(o.name): o for o in Organisation.objects.filter(ambito=self.ambito)}
        addresses = {row.get("E-mail").lower() for row in rows}
        # The users who already have one of the file's addresses, as e-mail or username (any ambito).
        found: dict[str, dict[int, User]] = defaultdict(dict)
        for user in User.objects.filter(Q(email__in=addresses) | Q(username__in=addresses)).select_related(
            "organisation"
        ):
            for address in {(user.email or "").lower(), user.username.lower()} & addresses:
                found[address][user.pk] = user
        seen: dict[str, int] = {}
        for index, row in enumerate(rows):
            self.progress(index)
            before = len(out.refused)
            first, last, email = row.get("Nome"), row.get("Cognome"), row.get("E-mail").lower()
            existing = None
            for column, value in (("Nome", first), ("Cognome", last)):
                if not value:
                    self.refuse(row, column, _("Manca il valore."))
                elif len(value) > 150:
                    self.refuse(row, column, _("Al massimo 150 caratteri."))
            try:
                validate_email(email)
                if len(email) > 150:
                    raise ValidationError("")
            except ValidationError:
                self.refuse(row, "E-mail", _("Non è un indirizzo e-mail valido."))
            else:
                matches = list(found.get(email, {}).values())
                if email in seen:
                    self.refuse(row, "E-mail", _("La stessa e-mail è già alla riga %(row)s.") % {"row": seen[email]})
                elif len(matches) == 1 and matches[0].ambito_id == self.ambito.pk:
                    existing = matches[0]
                elif matches:
                    self.refuse(row, "E-mail", _("Esiste già un utente con questa e-mail."))
                seen.setdefault(email, row.number)
            role = choice(row.get("Ruolo"), Role) if row.get("Ruolo") else None
            if row.get("Ruolo") and (role is None or role == Role.ADMIN):
                self.refuse(
                    row, "Ruolo", _("Ruolo sconosciuto. Scegli tra %(roles)s.") % {"roles": labels_without_admin()}
                )
            elif existing is not None and role is not None and role != existing.role:
                self.refuse(
                    row,
                    "Ruolo",
                    _(
                        "Il ruolo di un utente già presente non si cambia da un'importazione (ora è «%(role)s»): "
                        "cambialo dal portale."
                    )
                    % {"role": existing.get_role_display()},
                )
            if existing is None and not row.get("Ruolo"):
                role = Role.OPERATORE
            profile = choice(row.get("Profilo"), Profile) if row.get("Profilo") else ""
            if profile is None:
                self.refuse(row, "Profilo", _("Profilo sconosciuto. Scegli tra %(p)s.") % {"p": labels(Profile)})
            organisation = None
            if row.get("Organizzazione"):
                organisation = organisations.get(plain(row.get("Organizzazione")))
                if organisation is None:
                    self.refuse(row, "Organizzazione", _("Nessuna organizzazione dell'ambito ha questo nome."))
            elif existing is None and role == Role.REFERENTE_ENTE:
                self.refuse(
                    row, "Organizzazione", _("Il referente di un ente partner deve avere la sua organizzazione.")
                )
            cost = None
            if row.get("Costo orario"):
                cost = parse_decimal(row.get("Costo orario"))
                if cost is None or not Decimal("0.01") <= cost <= Decimal("1000"):
                    self.refuse(row, "Costo orario", _("Il costo orario è un importo in euro tra 0,01 e 1.000,00."))
                else:
                    cost = cost.quantize(Decimal("0.01"))
            if len(out.refused) > before:
                continue
            if existing is not None:
                self.change(existing, profile=profile, organisation=organisation, cost=cost)
                continue
            user = User(
                username=email,
                email=email,
                first_name=first,
                last_name=last,
                role=role,
                profile=profile,
                organisation=organisation,
                ambito=self.ambito,
                hourly_cost=cost,
            )
            user.set_unusable_password()
            user.save()
            out.record(user)
            out.created += 1
            out.preview.append(
                _("Utente %(name)s (%(email)s), %(role)s")
                % {"name": user.get_full_name(), "email": email, "role": user.get_role_display()}
            )
            self.invite(user)
        self.progress(len(rows))
        return out

    def change(self, user: User, *, profile: str, organisation: Organisation | None, cost: Decimal | None) -> None:
        """An existing user of the ambito: the profile, organisation and hourly cost the row gives replace the
        user's (a blank cell leaves the value as it is; name and role are never changed by an import); the old
        values are recorded for the undo."""
        out = self.outcome
        fields: dict[str, dict] = {}
        said: list[str] = []
        if profile and profile != user.profile:
            fields["profile"] = {"old": user.profile, "new": profile}
            said.append(
                _("profilo %(old)s → %(new)s")
                % {"old": quoted(user.get_profile_display()), "new": quoted(Profile(profile).label)}
            )
            user.profile = profile
        if organisation is not None and organisation.pk != user.organisation_id:
            fields["organisation"] = {"old": user.organisation_id, "new": organisation.pk}
            said.append(
                _("organizzazione %(old)s → %(new)s")
                % {"old": quoted(user.organisation.name if user.organisation else ""), "new": quoted(organisation.name)}
            )
            user.organisation = organisation
        if cost is not None and cost != user.hourly_cost:
            old = str(user.hourly_cost) if user.hourly_cost is not None else None
            fields["hourly_cost"] = {"old": old, "new": str(cost)}
            said.append(_("costo orario %(old)s → %(new)s") % {"old": euro(user.hourly_cost), "new": euro(cost)})
            user.hourly_cost = cost
        name = {"name": user.get_full_name(), "email": user.email or user.username}
        if not fields:
            out.preview.append(_("Invariato: utente %(name)s (%(email)s), già presente con questi dati") % name)
            return
        user.save(update_fields=[*fields])
        out.changes.append({"model": "equipes.user", "pk": user.pk, "fields": fields})
        out.changed += 1
        out.preview.append(
            _("Modificato: utente %(name)s (%(email)s): %(what)s") % {**name, "what": "; ".join(str(s) for s in said)}
        )


def quoted(text: str) -> str:
    return f"«{text}»" if text else "—"


def euro(amount: Decimal | None) -> str:
    return f"{format_number(amount)} €" if amount is not None else "—"


def labels_without_admin() -> str:
    return ", ".join(f"«{label}»" for value, label in Role.choices if value != Role.ADMIN)


# --- Families with their members ---------------------------------------------------------------------------------

#: The states a family's file may say, and the path of transitions that reaches each from the referral.
STATE_PATHS: dict[str, list[str]] = {
    State.SEGNALATA: [],
    State.PREASSESSMENT: ["avvia-preassessment"],
    State.INCLUSA: ["avvia-preassessment", "includi"],
    State.VALUTAZIONE_T0: ["avvia-preassessment", "includi", "avvia-t0"],
    State.IN_CORSO: ["avvia-preassessment", "includi", "avvia-t0", "avvia-percorso"],
}


class FamiliesImporter(Importer):
    """A family per value of «Famiglia» (the file's own key), one row per member: the referral is registered by
    `family_refer` and the state the file says is reached by the path's own transitions, whose guards may refuse
    it (a family «in corso» without a T0 is reported, never forced)."""

    kind = "families"
    columns = [
        "Famiglia",
        "Comune",
        "Équipe",
        "Case manager",
        "Data segnalazione",
        "Fonte",
        "Motivo",
        "Stato",
        "Tipo componente",
        "Nome",
        "Cognome",
        "Codice fiscale",
        "Data di nascita",
        "Sesso",
        "Comune di nascita",
        "Relazione",
        "Bambino di riferimento",
    ]
    required = [
        "Famiglia",
        "Comune",
        "Équipe",
        "Case manager",
        "Data segnalazione",
        "Fonte",
        "Motivo",
        "Tipo componente",
        "Nome",
        "Cognome",
        "Codice fiscale",
    ]
    example = [
        "F1",
        "Seregno",
        "Équipe Nord",
        "assistente",
        "15/09/2026",
        "Scuola",
        "Segnalazione della scuola per assenze ripetute",
        "Segnalata",
        "Minore",
        "Luca",
        "Esempio",
        "XMPLCU18P15I625X",
        "15/09/2018",
        "M",
        "Seregno",
        "figlio",
        "sì",
    ]
    identity_columns = frozenset({"Nome", "Cognome", "Codice fiscale", "Data di nascita", "Comune di nascita"})

    def run(self, rows: list[Row]) -> Outcome:
        out = self.outcome
        out.rows = len(rows)
        families: dict[str, list[Row]] = {}
        for row in rows:
            key = row.get("Famiglia")
            if not key:
                self.refuse(
                    row,
                    "Famiglia",
                    _("Manca la chiave della famiglia: le righe con la stessa chiave sono una famiglia."),
                )
                continue
            families.setdefault(key, []).append(row)
        self.comuni = {plain(c.name): c for c in Comune.objects.filter(ambito=self.ambito)}
        self.equipes = {plain(e.name): e for e in Equipe.objects.filter(ambito=self.ambito)}
        managers = User.objects.filter(ambito=self.ambito, role=Role.CASE_MANAGER, is_active=True)
        self.managers = {
            **{m.username.lower(): m for m in managers},
            **{m.email.lower(): m for m in managers if m.email},
        }
        self.hashes_in_file: dict[str, int] = {}
        done = len(rows) - sum(len(members) for members in families.values())  # the rows without a key
        self.progress(done)
        for key, members in families.items():
            self.import_family(key, members)
            done += len(members)
            self.progress(done)
        return out

    def family_fields(self, row: Row) -> dict | None:
        before = len(self.outcome.refused)
        comune = self.comuni.get(plain(row.get("Comune")))
        if comune is None:
            self.refuse(row, "Comune", _("Comune sconosciuto: non è tra i comuni dell'ambito."))
        equipe = self.equipes.get(plain(row.get("Équipe")))
        if equipe is None:
            self.refuse(row, "Équipe", _("Nessuna équipe dell'ambito ha questo nome."))
        manager = self.managers.get(row.get("Case manager").lower())
        if manager is None:
            self.refuse(
                row, "Case manager", _("Nessun case manager attivo dell'ambito ha questo nome utente o e-mail.")
            )
        date = parse_date(row.get("Data segnalazione"))
        if date is None:
            self.refuse(row, "Data segnalazione", _("Data non valida: scrivila come 31/12/2026."))
        elif date > timezone.localdate():
            self.refuse(row, "Data segnalazione", _("La data della segnalazione non può essere futura."))
        source = choice(row.get("Fonte"), Referral.Source)
        if source is None:
            self.refuse(row, "Fonte", _("Fonte sconosciuta. Scegli tra %(s)s.") % {"s": labels(Referral.Source)})
        if not row.get("Motivo"):
            self.refuse(row, "Motivo", _("Manca il motivo della segnalazione."))
        state = choice(row.get("Stato"), State) if row.get("Stato") else State.SEGNALATA
        if state not in STATE_PATHS:
            self.refuse(
                row,
                "Stato",
                _("Stato non importabile. Una famiglia entra come %(states)s; gli altri passaggi si fanno nel portale.")
                % {"states": ", ".join(f"«{State(s).label}»" for s in STATE_PATHS)},
            )
        if len(self.outcome.refused) > before:
            return None
        return {"comune": comune, "equipe": equipe, "manager": manager, "date": date, "source": source, "state": state}

    def member(self, row: Row) -> Member | None:
        before = len(self.outcome.refused)
        kind = choice(row.get("Tipo componente"), Member.Kind)
        if kind is None:
            self.refuse(row, "Tipo componente", _("Tipo sconosciuto. Scegli tra %(k)s.") % {"k": labels(Member.Kind)})
        for column in ("Nome", "Cognome"):
            if not row.get(column):
                self.refuse(row, column, _("Manca il valore."))
            elif len(row.get(column)) > 80:
                self.refuse(row, column, _("Al massimo 80 caratteri."))
        code = row.get("Codice fiscale").replace(" ", "").upper()
        birth_date = parse_date(row.get("Data di nascita")) if row.get("Data di nascita") else None
        if row.get("Data di nascita") and birth_date is None:
            self.refuse(row, "Data di nascita", _("Data non valida: scrivila come 31/12/2026."))
        sex = choice(row.get("Sesso"), Member.Sex) if row.get("Sesso") else None
        if row.get("Sesso") and sex is None:
            self.refuse(row, "Sesso", _("Scrivi F o M."))
        birth_place = ""
        if code:
            problems = check_codice_fiscale(code, birth_date, sex)
            column_of = {"codice_fiscale": "Codice fiscale", "birth_date": "Data di nascita", "sex": "Sesso"}
            for name, message in problems:
                self.refuse(row, column_of[name], message)
            if not problems:
                decoded = codicefiscale.decode(code)
                birth_date = birth_date or decoded["birthdate"].date()
                sex = sex or decoded["gender"]
                if row.get("Comune di nascita"):
                    place, problem = national_comuni.resolve(row.get("Comune di nascita"))
                    if place is None:
                        self.refuse(row, "Comune di nascita", problem)
                    else:
                        birth_place = place.code
                        for _name, message in check_birth_place(code, birth_place):
                            self.refuse(row, "Comune di nascita", message)
                digest = keyed_hash(code)
                if digest in self.hashes_in_file:
                    self.refuse(
                        row,
                        "Codice fiscale",
                        _("Persona duplicata: lo stesso codice fiscale è già alla riga %(row)s.")
                        % {"row": self.hashes_in_file[digest]},
                    )
                elif Member.objects.filter(codice_fiscale_hash=digest, family__ambito=self.ambito).exists():
                    self.refuse(
                        row,
                        "Codice fiscale",
                        _("Persona duplicata: il codice fiscale è già registrato in una famiglia dell'ambito."),
                    )
                self.hashes_in_file.setdefault(digest, row.number)
        elif birth_date is None or sex is None:
            self.refuse(row, "Codice fiscale", _("Senza codice fiscale servono la data di nascita e il sesso."))
        if birth_date and birth_date > timezone.localdate():
            self.refuse(row, "Data di nascita", _("La data di nascita non può essere futura."))
        reference = parse_yes_no(row.get("Bambino di riferimento"))
        if reference is None:
            self.refuse(row, "Bambino di riferimento", _("Scrivi «sì» o «no»."))
        elif reference and kind != Member.Kind.MINORE:
            self.refuse(row, "Bambino di riferimento", _("Il bambino di riferimento deve essere un minore."))
        if len(row.get("Relazione")) > 60:
            self.refuse(row, "Relazione", _("Al massimo 60 caratteri."))
        if len(self.outcome.refused) > before:
            return None
        return Member(
            kind=kind,
            first_name=row.get("Nome"),
            last_name=row.get("Cognome"),
            codice_fiscale=code or None,
            birth_date=birth_date,
            sex=sex,
            birth_comune_code=birth_place,
            relationship=row.get("Relazione"),
            is_reference_child=bool(reference),
        )

    def import_family(self, key: str, rows: list[Row]) -> None:
        out = self.outcome
        fields = self.family_fields(rows[0])
        members = [self.member(row) for row in rows]
        if sum(1 for m in members if m is not None and m.is_reference_child) > 1:
            self.refuse(rows[0], "Bambino di riferimento", _("Una famiglia ha un solo bambino di riferimento."))
            fields = None
        if fields is None or any(m is None for m in members):
            out.refused_rows.update(row.number for row in rows)
            return
        try:
            with transaction.atomic():
                family = family_refer(
                    by=self.by,
                    family=Family(comune=fields["comune"], equipe=fields["equipe"], case_manager=fields["manager"]),
                    referral=Referral(date=fields["date"], source=fields["source"], reason=rows[0].get("Motivo")),
                    members=members,
                )
                for name in STATE_PATHS[fields["state"]]:
                    family = family_apply_transition(family=family, by=self.by, name=name, on=fields["date"])
        except TransitionRefused as refused:
            self.refuse(
                rows[0],
                "Stato",
                _("La famiglia non può essere «%(state)s»: manca %(missing)s. Importala in uno stato precedente.")
                % {"state": State(fields["state"]).label, "missing": "; ".join(str(m) for m in refused.missing)},
            )
            out.refused_rows.update(row.number for row in rows)
            return
        out.record(family)
        out.created += 1
        out.preview.append(
            _("Famiglia %(code)s (%(comune)s): %(n)s componenti, stato «%(state)s»")
            % {
                "code": family.code,
                "comune": fields["comune"].name,
                "n": len(members),
                "state": family.get_state_display(),
            }
        )


# --- The history of hours ------------------------------------------------------------------------------------------


class HoursImporter(Importer):
    """One row per person, day, activity (and family, for the activities with a family) and hours. Refused: a
    day in a confirmed or validated month, a day whose total would pass 24 hours, a family of a project concluded
    before the day, a cell already recorded. The checks are the weekly grid's (`time_entry_set`), made once for
    the whole file instead of once per cell, so that ten thousand rows take seconds; the database's triggers
    guard the same rules whatever the code."""

    kind = "hours"
    columns = ["Persona", "Data", "Attività", "Famiglia", "Ore", "Nota"]
    required = ["Persona", "Data", "Attività", "Famiglia", "Ore"]
    example = ["educatore", "05/10/2026", "Attività diretta con la famiglia", "SER-26-001", "2,5", ""]

    def run(self, rows: list[Row]) -> Outcome:
        out = self.outcome
        out.rows = len(rows)
        today = timezone.localdate()
        staff = User.objects.filter(ambito=self.ambito, is_active=True)
        people = {**{u.username.lower(): u for u in staff}, **{u.email.lower(): u for u in staff if u.email}}
        families = {
            f.code.upper(): f
            for f in Family.objects.filter(ambito=self.ambito).select_related("implementation__project")
        }
        valid: list[tuple[Row, User, datetime.date, str, Family | None, int]] = []
        first_days: dict[int, datetime.date] = {}
        for row in rows:
            before = len(out.refused)
            user = people.get(row.get("Persona").lower())
            if user is None:
                self.refuse(row, "Persona", _("Nessun utente attivo dell'ambito ha questo nome utente o e-mail."))
            day = parse_date(row.get("Data"))
            if day is None:
                self.refuse(row, "Data", _("Data non valida: scrivila come 31/12/2026."))
            elif day > today:
                self.refuse(row, "Data", _("Non si registrano ore per giorni futuri."))
            elif user is not None:
                if user.pk not in first_days:
                    first_days[user.pk] = hours_first_day(user)
                if day < first_days[user.pk]:
                    self.refuse(
                        row,
                        "Data",
                        _("Le ore si registrano dal %(first)s in poi.") % {"first": f"{first_days[user.pk]:%d/%m/%Y}"},
                    )
            activity = choice(row.get("Attività"), Activity)
            if activity is None:
                self.refuse(row, "Attività", _("Attività sconosciuta. Scegli tra %(a)s.") % {"a": labels(Activity)})
            elif activity == Activity.GRUPPO:
                self.refuse(row, "Attività", _("Le ore dei gruppi si registrano nel portale, con il gruppo."))
            family = None
            if activity in FAMILY_ACTIVITIES:
                family = families.get(row.get("Famiglia").upper())
                if family is None:
                    self.refuse(row, "Famiglia", _("Nessuna famiglia dell'ambito ha questo codice."))
                elif day is not None and family.implementation_id:
                    project = family.implementation.project
                    if not project.takes_hours_on(day):
                        self.refuse(row, "Famiglia", project_concluded_message(project, day))
            elif activity is not None and row.get("Famiglia"):
                self.refuse(row, "Famiglia", _("Questa attività non è per una famiglia: lascia vuota la cella."))
            hours = parse_decimal(row.get("Ore"))
            minutes = round(hours * 60) if hours is not None else None
            if minutes is None or not 0 < minutes <= DAY_CEILING_MINUTES:
                self.refuse(row, "Ore", _("Le ore di un giorno vanno da 0 a 24 (es. 2,5)."))
            if len(row.get("Nota")) > 200:
                self.refuse(row, "Nota", _("Al massimo 200 caratteri."))
            if len(out.refused) == before:
                valid.append((row, user, day, activity, family, minutes))
        self.checked = len(rows) - len(valid)  # refused already: looked at
        self.progress(self.checked)
        self.write(valid)
        self.progress(len(rows))
        return out

    def write(self, valid) -> None:
        out = self.outcome
        users = {user.pk for _r, user, *_ in valid}
        days = [day for _r, _u, day, *_ in valid]
        if not valid:
            return
        sheets = {
            (t.user_id, t.month): t
            for t in Timesheet.objects.filter(
                user_id__in=users, month__gte=month_start(min(days)), month__lte=max(days)
            ).select_related("project")
        }
        totals = defaultdict(int)
        for entry in (
            TimeEntry.objects.filter(user_id__in=users, date__gte=min(days), date__lte=max(days))
            .values("user_id", "date")
            .annotate(total=Sum("minutes"))
        ):
            totals[(entry["user_id"], entry["date"])] = entry["total"]
        cells = set(
            TimeEntry.objects.filter(user_id__in=users, date__gte=min(days), date__lte=max(days)).values_list(
                "user_id", "date", "activity", "family_id"
            )
        )
        entries: list[TimeEntry] = []

        def flush() -> None:
            created = TimeEntry.objects.bulk_create(entries)
            out.created_ids.setdefault("interventions.timeentry", []).extend(e.pk for e in created)
            out.created += len(created)
            entries.clear()

        by_person = defaultdict(int)
        for index, (row, user, day, activity, family, minutes) in enumerate(valid):
            self.progress(self.checked + index)
            if len(entries) >= 2000:
                flush()
            month = month_start(day)
            sheet = sheets.get((user.pk, month))
            if sheet is not None and sheet.state == Timesheet.State.VALIDATO:
                self.refuse(
                    row,
                    "Data",
                    _("Il mese di %(month)s è validato: le ore non si possono modificare.")
                    % {"month": month_label(month)},
                )
                continue
            if sheet is not None and sheet.state == Timesheet.State.CONFERMATO:
                self.refuse(
                    row,
                    "Data",
                    _("Il mese di %(month)s è confermato dalla persona: le ore non si possono aggiungere.")
                    % {"month": month_label(month)},
                )
                continue
            cell = (user.pk, day, activity, family.pk if family else None)
            if cell in cells:
                self.refuse(row, "Ore", _("Ore già registrate per questa persona, giorno, attività e famiglia."))
                continue
            total = totals[(user.pk, day)] + minutes
            if total > DAY_CEILING_MINUTES:
                self.refuse(row, "Ore", day_ceiling_message(day, total))
                continue
            if sheet is None:
                sheet = Timesheet.objects.create(user=user, month=month, project=project_for(user, day))
                sheets[(user.pk, month)] = sheet
                out.record(sheet)
            if sheet.project is not None and not sheet.project.takes_hours_on(day):
                self.refuse(row, "Data", project_concluded_message(sheet.project, day))
                continue
            cells.add(cell)
            totals[(user.pk, day)] = total
            intervention = intervention_for_hours(user=user, family=family, day=day) if family else None
            family_project = family.implementation.project if family and family.implementation_id else None
            charged = hours_charged_to_project(timesheet=sheet, day=day, family=family, family_project=family_project)
            entries.append(
                TimeEntry(
                    timesheet=sheet,
                    user=user,
                    date=day,
                    activity=activity,
                    family=family,
                    minutes=minutes,
                    intervention=intervention,
                    note=row.get("Nota"),
                    eligible=charged and (intervention is None or not intervention.type.child_protection),
                )
            )
            by_person[str(user)] += minutes
        flush()
        out.preview.extend(
            _("%(person)s: %(hours)s ore") % {"person": person, "hours": f"{minutes / 60:.1f}".replace(".", ",")}
            for person, minutes in sorted(by_person.items())
        )


IMPORTERS: dict[str, type[Importer]] = {
    "staff": StaffImporter,
    "families": FamiliesImporter,
    "hours": HoursImporter,
}
