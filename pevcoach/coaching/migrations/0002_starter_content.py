import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
    Question = apps.get_model("coaching", "Question")
    Template = apps.get_model("coaching", "ChecklistTemplate")
    Section = apps.get_model("coaching", "ChecklistSection")
    Item = apps.get_model("coaching", "ChecklistItem")
    with open(DATA / "grow_questions.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            Question.objects.get_or_create(stage=row["stage"], text_fr=row["text_fr"],
                                           defaults={"text_en": row["text_en"], "position": int(row["position"])})
    template, _ = Template.objects.get_or_create(name="Supervision intégrée PEV – CSCom")
    sections = {}
    with open(DATA / "checklist_epi.csv", encoding="utf-8") as f:
        for position, row in enumerate(csv.DictReader(f)):
            key = int(row["section"])
            if key not in sections:
                sections[key], _ = Section.objects.get_or_create(
                    template=template, position=key,
                    defaults={"title_fr": row["section_fr"], "title_en": row["section_en"]})
            Item.objects.get_or_create(section=sections[key], text_fr=row["item_fr"], defaults={
                "text_en": row["item_en"], "action_fr": row["action_fr"], "action_en": row["action_en"],
                "position": position})


class Migration(migrations.Migration):
    dependencies = [("coaching", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
