"""The data elements of data/data_elements.csv, the codes imports and indicators rely on."""

import csv
from pathlib import Path

from django.db import migrations

CSV = Path(__file__).resolve().parent.parent / "data" / "data_elements.csv"


def load(apps, schema_editor):
    DataElement = apps.get_model("indicators", "DataElement")
    with open(CSV, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            DataElement.objects.update_or_create(code=row["code"], defaults={
                "kind": row["kind"], "period_type": row["period_type"], "name_fr": row["label_fr"],
                "name_en": row["label_en"], "notes": row["notes"]})


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
