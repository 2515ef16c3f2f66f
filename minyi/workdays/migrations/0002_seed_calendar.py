"""Seed the official years 2004–2026 from chinese-calendar and write 2027 as provisional."""

from django.db import migrations

from minyi.workdays import seed as calendar_seed


def seed(apps, schema_editor):
    CalendarYear = apps.get_model("workdays", "CalendarYear")
    SpecialDay = apps.get_model("workdays", "SpecialDay")
    CalendarRevision = apps.get_model("workdays", "CalendarRevision")
    years = list(calendar_seed.official_years())
    rows = []
    for year in years:
        if CalendarYear.objects.filter(year=year).exists():
            continue
        CalendarYear.objects.create(year=year, status="official", source=calendar_seed.OFFICIAL_SOURCE)
        rows += [SpecialDay(date=d, kind="workday" if w else "holiday", name=n) for d, w, n in calendar_seed.official_days(year)]
    next_year = years[-1] + 1
    if not CalendarYear.objects.filter(year=next_year).exists():
        CalendarYear.objects.create(year=next_year, status="provisional", source="按法定节日推算，待国务院通知")
        rows += [SpecialDay(date=d, kind="holiday", name=n) for d, _, n in calendar_seed.provisional_days(next_year)]
    SpecialDay.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    CalendarRevision.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
