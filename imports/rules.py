"""Who imports: the Ufficio di Piano into its own ambito, administrators into any (DESIGN.md §1)."""

import rules

from equipes.rules import is_admin, is_ufficio_piano

rules.add_perm("imports.add_importrun", is_admin | is_ufficio_piano)
