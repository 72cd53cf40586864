from django.db import migrations, models
from django.db.models import F, Value
from django.db.models.functions import Cast, Concat


def own_groups(apps, schema_editor):
    """Every existing entry is a group of its own until it is written again:
    the hourly repair rewrites entries of format 0 (search.backends.database,
    ENTRY_FORMAT), and `manage.py search_index --rebuild` does it at once."""
    SearchEntry = apps.get_model("search", "SearchEntry")
    SearchEntry.objects.update(
        group=Concat(
            F("kind"),
            Value(":"),
            Cast("object_id", models.CharField()),
            output_field=models.CharField(),
        )
    )


class Migration(migrations.Migration):
    dependencies = [("search", "0003_author_index")]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="group",
            field=models.CharField(blank=True, max_length=60),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="titles",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="title_keys",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="body_keys",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="format",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.RunPython(own_groups, migrations.RunPython.noop),
    ]
