from django.db import migrations

CREATE = "CREATE INDEX IF NOT EXISTS search_entry_vector ON search_searchentry USING gin (vector)"
DROP = "DROP INDEX IF EXISTS search_entry_vector"


def create_gin_index(apps, schema_editor):
    """A GIN index on the tsvector, on PostgreSQL only (SQLite has neither)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create_gin_index, drop_gin_index)]
