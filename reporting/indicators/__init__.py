"""Every figure of the semester report and of the annual synthesis (DESIGN.md §3.5), for a project and a period.

Figures are computed by PostgreSQL with aggregate queries (a fixed number whatever the number of families)
and returned as plain JSON, the snapshot a report run freezes. The same function feeds the "indicatori"
page, the PDF, the CSV/XLSX exports and `manage.py semester_report`, so a figure is computed in one place.

Each figure is a named query of its own, testable alone, returning raw counts (`path_figures`,
`work_figures`, `outcome_figures`); `report` assembles them into the snapshot's sections, where labels,
rounding and suppression are applied (`cells`).

Privacy: no names, codes, codice fiscale or narrative text leave this package; breakdown cells below the
threshold print as "< 3" with a second cell suppressed where a single one could be recovered from the total
(`suppress`); the headline counts the funder asks for (families per implementation) are exact.
"""

from .cells import suppress
from .periods import semester_bounds, year_bounds
from .report import ambiti, compute, cover, finance, meta, outcomes, partner, physical, procedural, targets

__all__ = [
    "ambiti",
    "compute",
    "cover",
    "finance",
    "meta",
    "outcomes",
    "partner",
    "physical",
    "procedural",
    "semester_bounds",
    "suppress",
    "targets",
    "year_bounds",
]
