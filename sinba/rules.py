"""Who sees the SINBA return: the Ufficio di Piano of the ambito and the administrators (the ambito itself is
looked up through `Ambito.objects.visible_to`, so another ambito's answers 404)."""

import rules

from equipes.rules import is_admin, is_ufficio_piano

rules.add_perm("sinba.view_flow", is_admin | is_ufficio_piano)
rules.add_perm("sinba.generate_flow", is_admin | is_ufficio_piano)
