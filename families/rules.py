"""What each role may do on a family it can see (who can see it is `Family.objects.visible_to`)."""

import rules
from django.utils.translation import gettext as _

from equipes.rules import has_role, is_admin

from .models import ENDED_STATES, State

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


# Who runs the path and who works on it, whatever the family's state: the state is checked on top of them.
runs_the_path = is_admin | is_case_manager
works_on_the_path = is_admin | is_case_manager | is_operatore

# Families are the business of every role but the partner's referent, who sees aggregates only.
rules.add_perm("families.view_family", is_admin | ~has_role("referente_ente"))
# Registering a referral: the case managers (assistenti sociali) of the ambito.
rules.add_perm("families.add_family", is_admin | is_case_manager)
# The path itself — data, pre-assessment, consents, équipe, closure, state changes — is the case
# manager's (any case manager of the family's équipe, who may stand in for a colleague).
rules.add_perm("families.change_family", family_is_open & runs_the_path)
# The professionals of the family's équipe contribute assessments, plan, SDQ, meetings and notes.
rules.add_perm("families.contribute", family_is_open & works_on_the_path)
# ...and keep reading what they wrote (each assessment's ratings, a verification) once the path has ended.
rules.add_perm("families.read_work", works_on_the_path)
rules.add_perm("families.add_diarynote", is_admin | is_case_manager | is_operatore)
# The coach / Referente di Ambito comments on plans (and so do the case managers).
rules.add_perm("families.comment_plan", is_admin | is_coordinatore | is_case_manager)

# The write permissions that an ended family takes away, with the role they need while it is open.
_ROLE_OF_WRITE = {"families.change_family": runs_the_path, "families.contribute": works_on_the_path}


def ended_path_refusal(user, perm: str, family) -> str | None:
    """Why `user` may not do `perm` on `family` when the only reason is that the family's path has ended (the
    role would allow it on an open family): said in Italian, for the refusal page. None otherwise."""
    role = _ROLE_OF_WRITE.get(perm)
    if role is None or family is None or family.state not in ENDED_STATES or not role.test(user, family):
        return None
    return ended_path_notice(family)


def ended_path_notice(family) -> str:
    """What an ended family's pages say: its data are read, no longer changed."""
    if family.state == State.CONCLUSA:
        why = _("La famiglia ha concluso il percorso")
    elif family.state == State.INTERROTTA:
        why = _("Il percorso della famiglia è stato interrotto")
    else:
        why = _("La famiglia non è stata inclusa nel programma")
    return _("%(why)s: i suoi dati si possono consultare, non più modificare.") % {"why": why}
