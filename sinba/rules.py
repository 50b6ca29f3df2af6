"""Who sees the SINBA return: the Ufficio di Piano of the ambito and the administrators (the ambito itself is
looked up through `Ambito.objects.visible_to`, so another ambito's answers 404)."""

import rules

from equipes.rules import is_admin, is_ufficio_piano

rules.add_perm("sinba.view_flow", is_admin | is_ufficio_piano)
rules.add_perm("sinba.generate_flow", is_admin | is_ufficio_piano)


@rules.predicate
def is_the_ambito_s_own_type(user, intervention_type) -> bool:
    """The shared catalogue's codes serve every ambito: only an administrator sets them."""
    return intervention_type is not None and intervention_type.ambito_id == user.ambito_id


rules.add_perm("sinba.resend_flow", is_admin | is_ufficio_piano)
rules.add_perm("sinba.view_servicecode", is_admin | is_ufficio_piano)
rules.add_perm("sinba.change_servicecode", is_admin | (is_ufficio_piano & is_the_ambito_s_own_type))
