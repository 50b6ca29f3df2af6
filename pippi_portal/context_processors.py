"""Template context shared by every page: which sections the user's role may open."""

from __future__ import annotations


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav": {
            "families": user.has_perm("families.view_family"),
            "hours": user.has_perm("interventions.log_hours"),
            "community": user.has_perm("interventions.view_community"),
            # A partner's referent opens the groups and events of its organisation, not the rest of the community.
            "groups": user.has_perm("interventions.view_group"),
            "timesheets": user.has_perm("interventions.validate_timesheets"),
            "staff_register": user.has_perm("equipes.view_staff_register"),
            "governance": user.has_perm("equipes.view_governancemeeting"),
            "imports": user.has_perm("imports.add_importrun"),
            "quality": user.has_perm("reporting.view_quality"),
            "reports": user.has_perm("reporting.view_report"),
            "sinba": user.has_perm("sinba.view_flow"),
            "admin": user.is_staff,
        }
    }
