"""Tests of the ground floor. Like the code they test, they import no app: a test of ground-floor machinery
that needs the apps' models to exercise it (key rotation, uploads, backups, the database role) lives in the
top-level tests/ package."""
