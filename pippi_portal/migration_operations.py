"""Migration operations of the project's own."""

from django.contrib.postgres.operations import AddIndexConcurrently as BaseAddIndexConcurrently


class AddIndexConcurrently(BaseAddIndexConcurrently):
    """An index built CONCURRENTLY (the table stays writable meanwhile; the migration sets `atomic = False`) and
    undone with a plain DROP INDEX, which PostgreSQL allows inside a transaction: a test that migrates an app back
    past it (e.g. equipes/tests/test_target_families_migration.py) runs in one, and dropping an index takes only a
    brief lock."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.remove_index(model, self.index)
