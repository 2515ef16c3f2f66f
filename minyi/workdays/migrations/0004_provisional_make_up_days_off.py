"""Give the provisional years already written down (2027) their make-up days off (补休).

全国年节及纪念日放假办法 第六条: a statutory day on a Saturday or Sunday is made up on a working day
(``statutory.provisional_holidays``). A fresh database gets them from 0002; one seeded before
lacks them. Only missing dates are added: a day an administrator already set stays as it is.

Open deadlines are not recomputed here (that is the orders' service, which a migration cannot
call on the schema of its time). When this was written (December 2026) no running deadline could
reach the first added day (2027-02-09): the longest default limit is 10 working days and an
extended deadline is fixed. A later correction goes through 节假日与调休 in the admin or
``workdays publish``, which recompute.
"""

import secrets

from django.db import migrations

from minyi.workdays import seed as calendar_seed

SUMMARY = "按《全国年节及纪念日放假办法》第六条补上 {year} 年暂定日历的补休（{days}），时限未重算"


def add_make_up_days(apps, schema_editor):
    CalendarYear = apps.get_model("workdays", "CalendarYear")
    SpecialDay = apps.get_model("workdays", "SpecialDay")
    CalendarRevision = apps.get_model("workdays", "CalendarRevision")
    CalendarChange = apps.get_model("workdays", "CalendarChange")
    changed = False
    for year in CalendarYear.objects.filter(status="provisional").values_list("year", flat=True):
        taken = set(SpecialDay.objects.filter(date__year=year).values_list("date", flat=True))
        missing = [
            SpecialDay(date=day, kind="holiday", name=name)
            for day, _, name in calendar_seed.provisional_days(year)
            if name.endswith("补休") and day not in taken
        ]
        if not missing:
            continue
        SpecialDay.objects.bulk_create(missing, ignore_conflicts=True)
        dates = [row.date.isoformat() for row in missing]
        CalendarChange.objects.create(
            summary=SUMMARY.format(year=year, days="、".join(d[5:] for d in dates))[:300],
            dates=dates,
            orders_recomputed=0,
        )
        changed = True
    if changed:
        CalendarRevision.objects.update_or_create(pk=1, defaults={"number": secrets.randbits(62)})


class Migration(migrations.Migration):
    dependencies = [("workdays", "0003_year_bounds")]
    operations = [migrations.RunPython(add_make_up_days, migrations.RunPython.noop)]
