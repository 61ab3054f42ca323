import uuid
from django.db import migrations, models


def first_row(apps, schema_editor):
    apps.get_model("indicators", "FiguresVersion").objects.get_or_create(pk=1)


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0004_scale_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='FiguresVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('stamp', models.UUIDField(default=uuid.uuid4)),
            ],
            options={
                'verbose_name': 'figures version',
            },
        ),
        migrations.RunPython(first_row, migrations.RunPython.noop),
    ]
