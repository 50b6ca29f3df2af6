"""Workflows of the organisation: the end of a project and the project that follows it (issue 13 §5).

Each function checks its guards, writes in one transaction and refuses with `ProjectRefused`, whose message
says in Italian what stands in the way. Carrying the families over to the follow-on project is
`families.services.families_take_over` (the families app owns the family rows)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import national_comuni
from .models import Ambito, Comune, FundingSource, Implementation, Organisation, Project, User


class ProjectRefused(Exception):
    """A change of a project's life that is not allowed; the message says why, in Italian."""


def project_conclude(*, project: Project, on: datetime.date, by: User) -> Project:
    """Conclude the project on `on`, its last day: from the next day it takes no hours, and it takes no new
    families, implementations or interventions at all. `on` lies between the project's start and end dates
    and not in the future (a conclusion records what happened)."""
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if project.is_concluded:
            raise ProjectRefused(
                _("Il progetto è già concluso il %(day)s.") % {"day": f"{project.concluded_on:%d/%m/%Y}"}
            )
        if on > timezone.localdate():
            raise ProjectRefused(_("La data di conclusione non può essere nel futuro."))
        if not project.start_date <= on <= project.end_date:
            raise ProjectRefused(
                _("La data di conclusione deve stare nel periodo del progetto (%(start)s – %(end)s).")
                % {"start": f"{project.start_date:%d/%m/%Y}", "end": f"{project.end_date:%d/%m/%Y}"}
            )
        project.concluded_on = on
        project.concluded_by = by
        project.save(update_fields=["concluded_on", "concluded_by"])
    return project


def project_start_follow_on(
    *,
    predecessor: Project,
    by: User,
    title: str,
    funding_source: str,
    cup: str,
    amount: Decimal,
    start_date: datetime.date,
    end_date: datetime.date,
    funding_decree: str = "",
    implementation_number: int,
    implementation_module: str = Implementation.Module.BASE,
) -> Project:
    """Start the project that follows `predecessor` in the same ambiti, with its first implementation (where
    the families still on their path will be carried over). It starts after the predecessor's last day;
    a project has at most one follow-on. The partners stay those of the predecessor until changed."""
    with transaction.atomic():
        predecessor = Project.objects.select_for_update().get(pk=predecessor.pk)
        if predecessor.successors.exists():
            raise ProjectRefused(_("Questo progetto ha già un progetto successivo."))
        if start_date <= predecessor.last_day:
            raise ProjectRefused(
                _("Il progetto successivo inizia dopo l'ultimo giorno del precedente (%(day)s).")
                % {"day": f"{predecessor.last_day:%d/%m/%Y}"}
            )
        if end_date <= start_date:
            raise ProjectRefused(_("La data di fine deve essere successiva alla data di inizio."))
        if funding_source == FundingSource.PNRR and not cup:
            raise ProjectRefused(_("Un progetto PNRR ha il CUP."))
        if cup and Project.objects.filter(cup=cup).exists():
            raise ProjectRefused(_("Esiste già un progetto con il CUP %(cup)s.") % {"cup": cup})
        project = Project.objects.create(
            ambito=predecessor.ambito,
            title=title,
            cup=cup,
            funding_source=funding_source,
            funding_decree=funding_decree,
            amount=amount,
            start_date=start_date,
            end_date=end_date,
            measure_code=predecessor.measure_code if funding_source == FundingSource.PNRR else "",
            predecessor=predecessor,
        )
        project.associated_ambiti.add(
            *Ambito.objects.filter(associated_projects=predecessor).values_list("pk", flat=True)
        )
        project.partners.add(*Organisation.objects.filter(projects=predecessor).values_list("pk", flat=True))
        Implementation.objects.create(
            project=project,
            number=implementation_number,
            module=implementation_module,
            start_date=start_date,
            end_date=end_date,
        )
    return project


def fill_comuni_codes(*, dry_run: bool = False) -> tuple[list, list]:
    """Give the comuni without a cadastral code the code and province of the one current comune of the national
    list with their name (and province, when set), and the comuni without an ISTAT code the one of ISTAT's list for
    their cadastral code. Returns ([(comune, place)], [(comune, reason)])."""
    filled, left = [], []
    with transaction.atomic():
        for comune in (
            Comune.objects.filter(Q(cadastral_code="") | Q(istat_code=""))
            .select_related("ambito")
            .order_by("ambito__code", "name")
        ):
            if comune.cadastral_code:
                place = national_comuni.comune(comune.cadastral_code)
                if place is None:
                    left.append((comune, _("codice catastale non più nell'elenco nazionale")))
                    continue
            else:
                place = national_comuni.find(comune.name, comune.province)
            if place is None:
                several = national_comuni.count_named(comune.name)
                left.append((comune, _("più comuni con questo nome") if several > 1 else _("nome non trovato")))
                continue
            if (
                not comune.cadastral_code
                and Comune.objects.filter(ambito=comune.ambito, cadastral_code=place.code).exists()
            ):
                left.append(
                    (comune, _("il codice %(code)s è già di un altro comune dell'ambito") % {"code": place.code})
                )
                continue
            fields = []
            if not comune.cadastral_code:
                comune.cadastral_code, comune.province = place.code, place.province
                fields += ["cadastral_code", "province"]
            if not comune.istat_code:
                if not place.istat:
                    left.append((comune, _("codice ISTAT non nell'elenco ISTAT, resta vuoto")))
                elif Comune.objects.filter(ambito=comune.ambito, istat_code=place.istat).exists():
                    left.append(
                        (
                            comune,
                            _("il codice ISTAT %(code)s è già di un altro comune dell'ambito") % {"code": place.istat},
                        )
                    )
                else:
                    comune.istat_code = place.istat
                    fields.append("istat_code")
            if fields:
                if not dry_run:
                    comune.save(update_fields=fields)
                filled.append((comune, place))
    return filled, left
