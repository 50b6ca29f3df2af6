"""Pages of the interventions app."""
