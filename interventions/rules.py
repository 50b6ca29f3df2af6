"""What each role may do with interventions, groups, community devices and hours."""

import rules

from equipes.rules import has_role, is_admin

is_ufficio_piano = has_role("ufficio_piano")
is_coordinatore = has_role("coordinatore")
is_case_manager = has_role("case_manager")
is_operatore = has_role("operatore")
is_referente_ente = has_role("referente_ente")


@rules.predicate
def has_ambito(user) -> bool:
    return user.is_authenticated and user.ambito_id is not None


@rules.predicate
def facilitates(user, group) -> bool:
    return group is not None and group.facilitators.filter(pk=user.pk).exists()


# Community devices (groups, solidarity families, schools, events) are organised by the programme's staff.
organisers = is_admin | is_ufficio_piano | is_coordinatore | is_case_manager
rules.add_perm("interventions.add_group", organisers & (has_ambito | is_admin))
# Running a group (its sessions, attendance and participants) is for the organisers and the group's
# facilitators. The coordinator and the Ufficio di Piano are organisers: they pick participants among family
# codes and pseudonyms ("SER-24-007 · Minore 1"), never names (families.pseudonymisation).
rules.add_perm("interventions.run_group", organisers | facilitates)
rules.add_perm("interventions.view_community", organisers | is_operatore)
rules.add_perm("interventions.add_supportfamily", organisers)
rules.add_perm("interventions.add_pairing", is_admin | is_case_manager)
rules.add_perm("interventions.add_schoolpartnership", is_admin | is_ufficio_piano | is_coordinatore)
rules.add_perm("interventions.add_parentingevent", organisers)
# Hours: every professional of an ambito logs their own; the validation queue and the budget belong to the
# Ufficio di Piano and the partners' referents.
rules.add_perm("interventions.log_hours", has_ambito)
rules.add_perm("interventions.validate_timesheets", is_admin | is_ufficio_piano | is_referente_ente)
rules.add_perm("interventions.view_budget", is_admin | is_ufficio_piano | is_coordinatore | is_referente_ente)
# Setting up the budget (its lines and the other cost items) is the Ufficio di Piano's alone.
rules.add_perm("interventions.change_budget", is_admin | is_ufficio_piano)
