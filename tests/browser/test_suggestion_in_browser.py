"""A deputy proposes an intersession suggestion on a phone (issue 12): the co-signers' list of
every active deputy is long, so a box above it filters it by name; a double tap on 提交建议
records one suggestion."""

from __future__ import annotations

import pytest

from minyi.suggestions.models import Suggestion
from tests.browser.people import person, screenshot, signed_in
from tests.factories import DeputyFactory, UserFactory

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def test_a_deputy_filters_the_co_signers_by_name_and_a_double_tap_proposes_once(
    asgi_server, browser, zhang
):
    base = asgi_server
    zora = person(UserFactory, username="zora", role="deputy", deputy=zhang, last_name="张")
    for name in ("李明", "李华", "王芳", "赵强"):
        DeputyFactory(name=name)

    phone = signed_in(browser, base, zora, viewport=PHONE, device_scale_factor=2, is_mobile=True)
    phone.goto(f"{base}/work/suggestions/new/")
    phone.fill("#id_title", "建议完善农村路灯长效管护机制")
    phone.fill("#id_content", "多个村反映路灯坏了无人修，建议明确管护主体和经费。")
    box = phone.locator("input.s-pick-filter")
    box.fill("李")
    shown = phone.eval_on_selector_all(
        "#id_cosigners option", "options => options.filter(o => !o.hidden).map(o => o.text)"
    )
    assert sorted(shown) == ["李华", "李明"]
    phone.select_option("#id_cosigners", label="李明")
    box.fill("")  # the chosen name stays chosen when the filter is cleared
    assert phone.eval_on_selector_all(
        "#id_cosigners option", "options => options.filter(o => o.selected).map(o => o.text)"
    ) == ["李明"]
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(phone, "deputy-suggestion-new-phone")
    phone.locator("#new-suggestion button[type=submit]").dblclick()
    phone.wait_for_load_state("networkidle")

    suggestion = Suggestion.objects.get()
    assert suggestion.lead_deputy == zhang
    assert [d.name for d in suggestion.cosigners.all()] == ["李明"]
