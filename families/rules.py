"""What each role may do on a family it can see (who can see it is `Family.objects.visible_to`)."""

import rules

from equipes.rules import has_role, is_admin

from .models import ENDED_STATES

is_case_manager = has_role("case_manager")
is_operatore = has_role("operatore")
is_coordinatore = has_role("coordinatore")


@rules.predicate
def is_family_case_manager(user, family) -> bool:
    return family is not None and family.case_manager_id == user.pk


@rules.predicate
def family_is_open(user, family) -> bool:
    """Ended families (not included, closed, interrupted) are read-only."""
    return family is not None and family.state not in ENDED_STATES


# Families are the business of every role but the partner's referent, who sees aggregates only.
rules.add_perm("families.view_family", is_admin | ~has_role("referente_ente"))
# Registering a referral: the case managers (assistenti sociali) of the ambito.
rules.add_perm("families.add_family", is_admin | is_case_manager)
# The path itself — data, pre-assessment, consents, équipe, closure, state changes — is the case
# manager's (any case manager of the family's équipe, who may stand in for a colleague).
rules.add_perm("families.change_family", family_is_open & (is_admin | is_case_manager))
# The professionals of the family's équipe contribute assessments, plan, SDQ, meetings and notes.
rules.add_perm("families.contribute", family_is_open & (is_admin | is_case_manager | is_operatore))
rules.add_perm("families.add_diarynote", is_admin | is_case_manager | is_operatore)
# The coach / Referente di Ambito comments on plans (and so do the case managers).
rules.add_perm("families.comment_plan", is_admin | is_coordinatore | is_case_manager)
