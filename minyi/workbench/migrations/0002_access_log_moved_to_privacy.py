# PersonalDataAccess now belongs to minyi.privacy (same table); only the state moves.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("workbench", "0001_initial"),
        ("privacy", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="PersonalDataAccess")],
        ),
    ]
