"""Synthetic data at regional scale for the benchmarks and the load test (`manage.py seed_scale`).

`plan` decides what to make (the ambiti, each family's state and the days of its path, from `demo.path`);
`seeder` runs it, ambito by ambito, with the rows of `families`, `work` and `hours` on the writer of `rows`;
`history` writes pghistory's event rows set-based; `copy` streams the time entries with COPY.
"""

from demo.scale.codice_fiscale import codice_fiscale
from demo.scale.plan import (
    ADMIN_USERNAME,
    PROJECT_PREFIX,
    REGULAR_PREFIX,
    SCALE_PASSWORD,
    ambito_code,
    past_semesters,
)
from demo.scale.seeder import AlreadySeeded, scale_ambiti, seed_scale, table_counts

__all__ = [
    "ADMIN_USERNAME",
    "PROJECT_PREFIX",
    "REGULAR_PREFIX",
    "SCALE_PASSWORD",
    "AlreadySeeded",
    "ambito_code",
    "codice_fiscale",
    "past_semesters",
    "scale_ambiti",
    "seed_scale",
    "table_counts",
]
