from django.db import migrations


def load(apps, schema_editor):
    from org.services import load_regions

    load_regions(apps.get_model("org", "Region"))


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
