"""The writer of one ambito's rows, on which the parts of the scale seed build: bulk inserts with their
history, counted per table, and invented names drawn from the pools."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field

from equipes.models import User
from families.models import Action, Objective

from .history import BATCH, bulk_create
from .plan import Reference, Staff


@dataclass
class Counts:
    """Rows written per table, and seconds per phase, for the command's report."""

    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def add(self, name: str, n: int) -> None:
        self.rows[name] += n


class Rows:
    """One ambito's writer: its code, size and random stream, the shared reference data and counts. The parts
    (`FamilyRows`, `WorkRows`, `HoursRows`) run in that order on one `AmbitoSeeder` and pass what the next
    needs on it: `objectives_by_family`, and the rows' `scale_members`, `scale_sessions`, `scale_facilitators`."""

    objectives_by_family: dict[int, list[tuple[Objective, Action]]]

    def __init__(self, ref: Reference, counts: Counts, *, code: str, n: int):
        self.ref, self.counts, self.code, self.n = ref, counts, code, n
        self.rng = random.Random(f"scale-{code}")

    def bulk(self, model, objects: list, label: str | None = None) -> list:
        created = bulk_create(model, objects)
        self.counts.add(label or model._meta.label, len(created))
        return created

    def through(self, relation, rows: list[dict], label: str) -> None:
        model = relation.through
        model.objects.bulk_create([model(**row) for row in rows], batch_size=BATCH)
        self.counts.add(label, len(rows))

    def person(self, sex: str | None = None) -> tuple[str, str, str]:
        sex = sex or self.rng.choice("MF")
        first = self.rng.choice(self.ref.names_f if sex == "F" else self.ref.names_m)
        return first, self.rng.choice(self.ref.surnames), sex

    def educator_of(self, staff: Staff, index: int) -> User:
        return staff.educators[index % len(staff.educators)]
