"""What each role may do with surveys, complaints, quality controls and impact indicators.

Who may *see* an object is decided by `visible_to(user)`; these predicates are checked after the scoped
lookup. The Ufficio di Piano manages everything of its ambito; the Referente di Ambito / coach
(coordinatore) reads; a partner's referent types in paper questionnaires and registers the complaints that
concern its own organisation, and sees those; case managers and operators have no part in it (403).
"""

import rules

from equipes.rules import (
    in_same_ambito,
    is_admin,
    is_coordinatore,
    is_referente_ente,
    is_ufficio_piano,
)


@rules.predicate
def has_organisation(user) -> bool:
    return user.organisation_id is not None


@rules.predicate
def is_project_partner(user, obj) -> bool:
    """The object's project (a report run's, a survey's) counts the user's organisation among its partners."""
    return (
        obj is not None
        and user.organisation_id is not None
        and obj.project.partners.filter(pk=user.organisation_id).exists()
    )


manages = is_admin | is_ufficio_piano
reads = manages | is_coordinatore
partner_referent = is_referente_ente & has_organisation

# The "Qualità" section and its index page.
rules.add_perm("reporting.view_quality", reads | partner_referent)

# Satisfaction surveys.
rules.add_perm("reporting.view_survey", reads | partner_referent)
rules.add_perm("reporting.add_survey", manages)
rules.add_perm("reporting.change_survey", is_admin | (is_ufficio_piano & in_same_ambito))
rules.add_perm("reporting.add_surveylinkbatch", is_admin | (is_ufficio_piano & in_same_ambito))
rules.add_perm("reporting.add_surveyresponse", is_admin | ((is_ufficio_piano | partner_referent) & in_same_ambito))
# The report on a survey's results: drafted by the partner's referent of the project (or the Ufficio di Piano),
# sent to the Ufficio di Piano, which alone approves it or sends it back (001, "Rilevazione del grado di
# soddisfazione").
rules.add_perm(
    "reporting.write_survey_report",
    is_admin | (is_ufficio_piano & in_same_ambito) | (partner_referent & in_same_ambito & is_project_partner),
)
rules.add_perm("reporting.approve_survey_report", is_admin | (is_ufficio_piano & in_same_ambito))
# Free comments are read by the Ufficio di Piano only, on its own page; reports carry aggregates.
rules.add_perm("reporting.view_survey_comments", is_admin | (is_ufficio_piano & in_same_ambito))

# The complaints register (a referent's view is narrowed to its organisation by `visible_to`).
rules.add_perm("reporting.view_complaint", reads | partner_referent)
rules.add_perm("reporting.add_complaint", manages | partner_referent)
rules.add_perm("reporting.change_complaint", is_admin | (is_ufficio_piano & in_same_ambito))

# Controls on the services delivered.
rules.add_perm("reporting.view_qualitycontrol", reads)
rules.add_perm("reporting.add_qualitycontrol", manages)
rules.add_perm("reporting.change_qualitycontrol", is_admin | (is_ufficio_piano & in_same_ambito))

# Social-impact indicators (VIS).
rules.add_perm("reporting.view_impactindicator", reads)
rules.add_perm("reporting.add_impactindicator", manages)
rules.add_perm("reporting.change_impactindicator", is_admin | (is_ufficio_piano & in_same_ambito))

# Report runs (semester report, annual synthesis) and the live indicators: the Ufficio di Piano starts,
# writes and approves them; the Referente di Ambito and the partners' referents read them.
rules.add_perm("reporting.view_report", reads | partner_referent)
rules.add_perm("reporting.add_reportrun", manages)
rules.add_perm("reporting.change_reportrun", is_admin | (is_ufficio_piano & in_same_ambito))
# The texts of a draft run: the Ufficio di Piano, and the partner's referent of the project, who drafts them for
# the Ufficio di Piano to review (001: the partner sends the semester and annual reports); only the Ufficio di
# Piano sends a run into review and approves it (`change_reportrun`).
rules.add_perm(
    "reporting.write_report_narrative",
    is_admin | (is_ufficio_piano & in_same_ambito) | (partner_referent & in_same_ambito & is_project_partner),
)
