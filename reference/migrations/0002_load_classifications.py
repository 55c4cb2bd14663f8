from django.db import migrations


def load(apps, schema_editor):
    from reference.services import load_emerging_industries, load_industries

    load_industries(apps.get_model("reference", "Industry"))
    load_emerging_industries(apps.get_model("reference", "EmergingIndustry"))


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
