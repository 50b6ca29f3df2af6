"""What each role may do with interventions, groups, community devices and hours."""

import rules

from equipes.rules import has_role, is_admin

from .models import Group

is_ufficio_piano = has_role("ufficio_piano")
is_coordinatore = has_role("coordinatore")
is_case_manager = has_role("case_manager")
is_operatore = has_role("operatore")
is_referente_ente = has_role("referente_ente")


@rules.predicate
def has_ambito(user) -> bool:
    return user.is_authenticated and user.ambito_id is not None


@rules.predicate
def has_organisation(user) -> bool:
    return user.organisation_id is not None


@rules.predicate
def facilitates(user, group) -> bool:
    return group is not None and group.facilitators.filter(pk=user.pk).exists()


@rules.predicate
def runs_as_partner(user, group) -> bool:
    """The group is one the user's organisation runs (`GroupQuerySet.run_by_partner`), in the user's ambito."""
    return (
        group is not None
        and group.ambito_id == user.ambito_id
        and Group.objects.filter(pk=group.pk).run_by_partner(user.organisation_id).exists()
    )


@rules.predicate
def of_a_partner_project(user, event) -> bool:
    """The event belongs to a project the user's organisation is a partner of, in the user's ambito."""
    return (
        event is not None
        and event.ambito_id == user.ambito_id
        and event.project_id is not None
        and event.project.partners.filter(pk=user.organisation_id).exists()
    )


# Community devices (groups, solidarity families, schools, events) are organised by the programme's staff.
organisers = is_admin | is_ufficio_piano | is_coordinatore | is_case_manager
# 001 makes the third-sector partner manage the groups and the parenting events of its projects: its referent
# runs those its staff facilitate (and the events of its projects), choosing the facilitators among its staff.
partner_referent = is_referente_ente & has_organisation & has_ambito
rules.add_perm("interventions.view_group", organisers | is_operatore | partner_referent)
rules.add_perm("interventions.add_group", (organisers & (has_ambito | is_admin)) | partner_referent)
rules.add_perm("interventions.change_group", organisers | (partner_referent & runs_as_partner))
# Running a group (its sessions and attendance) is for the organisers, the group's facilitators and the referent
# of the partner that runs it. The coordinator, the Ufficio di Piano and the partner's referent see participants
# as family codes and pseudonyms ("SER-24-007 · Minore 1"), never names (families.pseudonymisation).
rules.add_perm("interventions.run_group", organisers | facilitates | (partner_referent & runs_as_partner))
# Which families take part is decided with their équipes: the partner's referent, who sees no family, does not
# pick them.
rules.add_perm("interventions.choose_group_participants", organisers | facilitates)
rules.add_perm("interventions.view_community", organisers | is_operatore)
rules.add_perm("interventions.add_supportfamily", organisers)
rules.add_perm("interventions.add_pairing", is_admin | is_case_manager)
rules.add_perm("interventions.add_schoolpartnership", is_admin | is_ufficio_piano | is_coordinatore)
rules.add_perm("interventions.view_parentingevent", organisers | is_operatore | partner_referent)
rules.add_perm("interventions.add_parentingevent", organisers | partner_referent)
rules.add_perm("interventions.change_parentingevent", organisers | (partner_referent & of_a_partner_project))
# Hours: every professional of an ambito logs their own; the validation queue and the budget belong to the
# Ufficio di Piano and the partners' referents.
rules.add_perm("interventions.log_hours", has_ambito)
rules.add_perm("interventions.validate_timesheets", is_admin | is_ufficio_piano | is_referente_ente)
rules.add_perm("interventions.view_budget", is_admin | is_ufficio_piano | is_coordinatore | is_referente_ente)
# Setting up the budget (its lines and the other cost items) is the Ufficio di Piano's alone.
rules.add_perm("interventions.change_budget", is_admin | is_ufficio_piano)
