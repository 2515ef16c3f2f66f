"""Each stage's clock starts only where it can (DESIGN §3); the rows were brought in line by 0003."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reference", "0003_dispatch_limit_and_clock_starts")]

    operations = [
        migrations.AddConstraint(
            model_name="timelimitrule",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("clock_start__in", ("accept",)), ("stage", "dispatch")),
                    models.Q(("clock_start__in", ("dispatch",)), ("stage", "sign")),
                    models.Q(("clock_start__in", ("dispatch",)), ("stage", "return")),
                    models.Q(("clock_start__in", ("dispatch", "sign")), ("stage", "handle")),
                    _connector="OR",
                ),
                name="time_limit_rule_clock_start_fits_stage",
                violation_error_message="起算点与环节不符：派单时限自受理起算，签收、退件时限自派单起算，办结时限自派单或签收起算。",
            ),
        ),
    ]
