"""`python manage.py qr_cards (--deputy ID | --station ID | --region CODE) --output FILE.pdf`:
the printable A6 cards (minyi/mashang/cards.py) of one deputy, one liaison station, or every
station of a region (its townships included) with the deputies who hold an active mandate there,
as one PDF with the Chinese font embedded. Codes are issued where missing (``code_for``)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Prefetch

from minyi.deputies.models import Deputy, LiaisonStation, Mandate
from minyi.mashang.cards import deputy_card, render_cards, station_card
from minyi.mashang.services import code_for
from minyi.reference.models import Region


def _region_and_below(region: Region) -> list[int]:
    ids, frontier = [region.pk], [region.pk]
    while frontier:
        frontier = list(Region.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    return ids


def _deputies() -> object:
    mandates = Mandate.objects.active().select_related("congress", "station")
    return Deputy.objects.filter(is_active=True).prefetch_related(
        Prefetch("mandates", queryset=mandates)
    )


class Command(BaseCommand):
    help = "生成码上找代表二维码卡片（A6，PDF，内嵌中文字体）：一位代表、一个联络站或一个区域"

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--deputy", type=int, help="代表编号（ID）")
        which.add_argument("--station", type=int, help="代表联络站编号（ID）")
        which.add_argument("--region", help="区划代码：该区域（含下辖乡镇）的联络站及其代表")
        parser.add_argument("--output", required=True, help="写入的 PDF 文件，如 cards.pdf")
        parser.add_argument(
            "--base-url",
            default="",
            help="公众访问的网址前缀（默认取 MINYI_PUBLIC_BASE_URL）",
        )

    def handle(self, *args, deputy, station, region, output: str, base_url: str, **options):
        base = (base_url or settings.MINYI_PUBLIC_BASE_URL).rstrip("/")
        if not base:
            raise CommandError(
                "请设置 MINYI_PUBLIC_BASE_URL 或使用 --base-url 指定公众访问的网址。"
            )
        owners = self._owners(deputy, station, region)
        if not owners:
            raise CommandError("所选范围内没有有效的代表或联络站，未生成卡片。")
        cards = []
        for owner in owners:
            url = f"{base}{code_for(owner).path}"
            make = deputy_card if isinstance(owner, Deputy) else station_card
            cards.append(make(owner, url))
        path = Path(output)
        try:
            with path.open("wb") as out:
                render_cards(cards, out)
        except OSError as error:
            raise CommandError(f"无法写入 {path}：{error.strerror}") from None
        self.stdout.write(f"已生成 {len(cards)} 张卡片：{path}")

    def _owners(self, deputy, station, region) -> list:
        if deputy is not None:
            found = _deputies().filter(pk=deputy).first()
            if found is None:
                raise CommandError(f"没有编号为 {deputy} 的有效代表。")
            return [found]
        if station is not None:
            found = LiaisonStation.objects.filter(pk=station).first()
            if found is None:
                raise CommandError(f"没有编号为 {station} 的代表联络站。")
            return [found]
        place = Region.objects.filter(code=region).first() if region else None
        if place is None:
            raise CommandError(f"没有区划代码为 {region} 的区域。")
        stations = list(
            LiaisonStation.objects.filter(region_id__in=_region_and_below(place)).order_by(
                "name", "id"
            )
        )
        owners: list = []
        for s in stations:  # each station's card, then its deputies' (active mandates there)
            seated = Mandate.objects.active().filter(station=s).values("deputy_id")
            owners.append(s)
            owners += list(_deputies().filter(pk__in=seated).order_by("name", "id"))
        return list(dict.fromkeys(owners))
