"""The interventions part of the synthetic demo (`manage.py seed_demo`)."""

from __future__ import annotations


def seed(ambiti) -> None:
    """Create the demo data of this app for the given ambiti (by code); idempotent."""
