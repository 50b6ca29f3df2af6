"""What each role may change (object permissions with `rules`).

Who may *see* an object is decided by `visible_to(user)`; these predicates decide who may *change* it,
and are checked after the scoped lookup, so an object is always of the user's ambito when they run.
"""

import rules

from .models import Role


def has_role(*roles: str):
    @rules.predicate(name=f"has_role({', '.join(roles)})")
    def predicate(user) -> bool:
        return user.is_authenticated and user.role in roles

    return predicate


@rules.predicate
def is_admin(user) -> bool:
    return user.is_authenticated and user.is_admin_role


@rules.predicate
def in_same_ambito(user, obj) -> bool:
    return obj is not None and getattr(obj, "ambito_id", None) == user.ambito_id


@rules.predicate
def in_same_organisation(user, obj) -> bool:
    return obj is not None and user.organisation_id is not None and obj.organisation_id == user.organisation_id


is_ufficio_piano = has_role(Role.UFFICIO_PIANO)
is_coordinatore = has_role(Role.COORDINATORE)
is_case_manager = has_role(Role.CASE_MANAGER)
is_operatore = has_role(Role.OPERATORE)
is_referente_ente = has_role(Role.REFERENTE_ENTE)

# Projects, their implementations and budget belong to the Ufficio di Piano.
rules.add_perm("equipes.change_project", is_admin | (is_ufficio_piano & in_same_ambito))
rules.add_perm("equipes.add_implementation", is_admin | (is_ufficio_piano & in_same_ambito))
rules.add_perm("equipes.change_implementation", is_admin | (is_ufficio_piano & in_same_ambito))
# A project's targets are the lead ambito's Ufficio di Piano's (a target's ambito is its project's lead).
rules.add_perm("equipes.add_projecttarget", is_admin | (is_ufficio_piano & in_same_ambito))
rules.add_perm("equipes.change_projecttarget", is_admin | (is_ufficio_piano & in_same_ambito))
rules.add_perm("equipes.delete_projecttarget", is_admin | (is_ufficio_piano & in_same_ambito))
# The staff register: the Ufficio di Piano for the ambito, a partner's referent for its own staff.
rules.add_perm("equipes.view_staff_register", is_admin | is_ufficio_piano | is_referente_ente)
# Its staff's courses and curricula (001: the partner keeps the list of its staff with their CVs and documents
# their training).
keeps_staff_record = is_admin | (is_ufficio_piano & in_same_ambito) | (is_referente_ente & in_same_organisation)
rules.add_perm("equipes.add_stafftraining", keeps_staff_record)
rules.add_perm("equipes.change_staff_cv", keeps_staff_record)
# Territorial équipes are composed by the Ufficio di Piano and the Referente di Ambito.
rules.add_perm("equipes.change_equipe", is_admin | ((is_ufficio_piano | is_coordinatore) & in_same_ambito))
rules.add_perm("equipes.add_governancemeeting", is_admin | is_ufficio_piano | is_coordinatore)
rules.add_perm("equipes.view_governancemeeting", is_admin | is_ufficio_piano | is_coordinatore | is_referente_ente)
