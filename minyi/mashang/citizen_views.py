"""The citizen's side of 码上找代表: find deputies by place, leave a message, follow it, rate
the answer (no log-in, phone first, no JavaScript; minyi/mashang/templates/mashang).

``GET  /m/``                      counties → townships → the deputies and stations there
``GET  /m/privacy``               the privacy notice (个人信息保护法)
``GET|POST /m/<code>/message``    the message form (a station's code: ``?deputy=<id>``); its
                                  “获取验证码” button sends the code and shows the form again
``GET|POST /m/track``             tracking code + phone → the progress (POST: no phone in URLs)
``POST /m/track/rate``            the rating once answered

Every rule is the service's (``message_create``, ``message_rate``); the views shape the input
and put a refusal beside the field it concerns. Limits answer 429 with ``Retry-After``.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from minyi.core import idempotency
from minyi.core.access import client_ip
from minyi.core.errors import DomainError
from minyi.deputies.models import Deputy
from minyi.mashang import places, ratelimits
from minyi.mashang.forms import MessageForm, RatingForm, TrackForm, field_of
from minyi.mashang.models import PHOTOS_MAX, MashangCode, Message
from minyi.mashang.progress import progress_of
from minyi.mashang.selectors import message_for_citizen
from minyi.mashang.services.messages import (
    MessageRefused,
    deputy_for_code,
    message_create,
    message_fields,
    message_rate,
)
from minyi.mashang.services.verification import CodeRefused, TooMany, sms_code_issue
from minyi.mashang.views import found_code, gone
from minyi.reference.models import RegionLevel

NOT_FOUND = "没有找到这条留言：请核对查询码和留言时填写的手机号码。"
CODE_SENT = "验证码已发送，请查看短信（{minutes}分钟内有效）。"


def _too_many(response: HttpResponse, error: TooMany) -> HttpResponse:
    response.status_code = 429
    response["Retry-After"] = str(error.retry_after)
    return response


def _limited(request: HttpRequest, error: TooMany) -> HttpResponse:
    page = render(request, "mashang/limited.html", {"message": error.message})
    return _too_many(page, error)


# -- find by place -----------------------------------------------------------------------------


@require_safe
def landing(request: HttpRequest) -> HttpResponse:
    township = places.region_or_none(request.GET.get("township", ""), RegionLevel.TOWNSHIP)
    if township is not None:
        found = places.found_in(township, request.GET.get("page"))
        context = {"township": township, "found": found, "page_base": f"township={township.pk}&"}
        return render(request, "mashang/place.html", context)
    county = places.region_or_none(request.GET.get("county", ""), RegionLevel.COUNTY)
    if county is not None:
        context = {"county": county, "townships": places.townships(county)}
        return render(request, "mashang/townships.html", context)
    return render(request, "mashang/landing.html", {"counties": places.counties()})


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    config = settings.MINYI_MASHANG
    context = {
        "retention_days": config["RETENTION_DAYS"],
        "code_minutes": config["SMS_CODE_TTL_SECONDS"] // 60,
        "photos_max": PHOTOS_MAX,
    }
    return render(request, "mashang/privacy.html", context)


# -- the message form ---------------------------------------------------------------------------


def _deputy_chosen(request: HttpRequest, code: MashangCode) -> Deputy | None:
    raw = request.GET.get("deputy", "")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        return None
    return Deputy.objects.filter(pk=int(raw)).first()


def _form_page(request, code, deputy, form, *, notice="", code_error="", refusal="", status=200):
    """The form; ``notice``/``code_error`` beside the code button, ``refusal`` above the form
    (one whose typed input is shown again unbound, so it carries no errors of its own)."""
    context = {
        "code": code,
        "deputy": deputy,
        "form": form,
        "notice": notice,
        "code_error": code_error,
        "refusal": refusal,
        "action": request.get_full_path(),
    }
    return render(request, "mashang/message.html", context, status=status)


def _kept(post) -> dict:
    """What the citizen typed, to show the form again after “获取验证码” (no errors yet)."""
    kept = {name: post.get(name, "") for name in ("content", "name", "phone")}
    kept["anonymous"] = bool(post.get("anonymous"))
    kept["consent"] = bool(post.get("consent"))
    kept[idempotency.FIELD] = post.get(idempotency.FIELD) or idempotency.new_key()
    return kept


def _send_code(request, code, deputy) -> HttpResponse:
    form = MessageForm(initial=_kept(request.POST))
    try:
        ratelimits.check_rate(request, ratelimits.SMS_CODE)
        sms_code_issue(phone=request.POST.get("phone", ""), ip=client_ip(request) or "")
    except TooMany as error:
        page = _form_page(request, code, deputy, form, code_error=error.message)
        return _too_many(page, error)
    except CodeRefused as error:
        return _form_page(request, code, deputy, form, code_error=error.message)
    minutes = settings.MINYI_MASHANG["SMS_CODE_TTL_SECONDS"] // 60
    return _form_page(request, code, deputy, form, notice=CODE_SENT.format(minutes=minutes))


def _create(request, code, deputy, form) -> dict:
    """Inside ``perform_once``: a refusal raises ``Refused((form, error))``."""
    if not form.is_valid():
        raise idempotency.Refused((form, None))
    data = form.cleaned_data
    if not data["sms_code"]:
        form.add_error("sms_code", "请先点“获取验证码”，再填写短信中的6位验证码。")
        raise idempotency.Refused((form, None))
    try:
        created = message_create(
            code=code, deputy=deputy, ip=client_ip(request) or "", **message_fields(data)
        )
    except TooMany as error:
        form.add_error(None, error.message)
        raise idempotency.Refused((form, error)) from None
    except DomainError as error:
        form.add_error(field_of(error.code), error.message)
        raise idempotency.Refused((form, None)) from None
    message = created.message
    return {
        "tracking_code": message.tracking_code,
        "deputy": message.deputy.name,
        "folded": created.folded,
    }


@never_cache
@require_http_methods(["GET", "POST"])
def message(request: HttpRequest, code: str) -> HttpResponse:
    found = found_code(code)
    if found is None:
        return gone(request)
    deputy = _deputy_chosen(request, found)
    if found.station_id and deputy is None:
        return redirect(found.path)  # choose a deputy from the station's list first
    try:
        deputy = deputy_for_code(found, deputy)
    except MessageRefused as error:
        return render(request, "mashang/refused.html", {"message": error.message}, status=404)
    if request.method == "GET":
        return _form_page(request, found, deputy, MessageForm())
    if "send_code" in request.POST:
        return _send_code(request, found, deputy)
    try:
        ratelimits.check_rate(request, ratelimits.MESSAGE)
    except TooMany as error:
        form = MessageForm(initial=_kept(request.POST))
        return _too_many(_form_page(request, found, deputy, form, refusal=error.message), error)
    key = idempotency.posted_key(request)
    form = MessageForm(request.POST, request.FILES)
    try:
        once = idempotency.perform_once(
            key=key,
            actor=None,
            scope=f"mashang message {found.code}",
            fingerprint=idempotency.fingerprint(request.POST, request.FILES),
            perform=lambda: _create(request, found, deputy, form),
        )
    except idempotency.Refused as refused:
        form, error = refused.answer
        page = _form_page(request, found, deputy, form)
        return _too_many(page, error) if error else page
    except idempotency.KeyReused as error:
        form = MessageForm(initial=_kept(idempotency.rekeyed(request.POST)))
        return _form_page(request, found, deputy, form, refusal=error.message)
    return render(request, "mashang/sent.html", once.result)


# -- following it -------------------------------------------------------------------------------


def _status_page(request, message: Message, phone: str, *, rating_form=None, notice="", status=200):
    progress = progress_of(message)
    if progress.may_rate and rating_form is None:
        rating_form = RatingForm(initial={"tracking_code": message.tracking_code, "phone": phone})
    context = {
        "progress": progress,
        "rating_form": rating_form if progress.may_rate else None,
        "notice": notice,
    }
    return render(request, "mashang/status.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    try:
        ratelimits.check_rate(request, ratelimits.TRACK)
    except TooMany as error:
        return _limited(request, error)
    if request.method == "GET":
        return render(request, "mashang/track.html", {"form": TrackForm()})
    form = TrackForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        found = message_for_citizen(data["tracking_code"], data["phone"])
        if found is not None:
            return _status_page(request, found, data["phone"])
        form.add_error(None, NOT_FOUND)
    return render(request, "mashang/track.html", {"form": form})


def _rate(form: RatingForm) -> dict:
    if not form.is_valid():
        raise idempotency.Refused((form, None))
    data = form.cleaned_data
    found = message_for_citizen(data["tracking_code"], data["phone"])
    if found is None:
        raise idempotency.Refused((None, NOT_FOUND))
    try:
        message_rate(message=found, answered=data["answered"], rating=data["rating"])
    except DomainError as error:
        raise idempotency.Refused((None, error.message)) from None
    return {"tracking_code": found.tracking_code}


@never_cache
@require_POST
def rate(request: HttpRequest) -> HttpResponse:
    try:
        ratelimits.check_rate(request, ratelimits.RATING)
    except TooMany as error:
        return _limited(request, error)
    key = idempotency.posted_key(request)
    form = RatingForm(request.POST)
    phone = request.POST.get("phone", "")
    try:
        idempotency.perform_once(
            key=key,
            actor=None,
            scope="mashang rating",
            fingerprint=idempotency.fingerprint(request.POST),
            perform=lambda: _rate(form),
        )
    except idempotency.Refused as refused:
        bound, error = refused.answer
        return _rating_refused(request, phone, bound, error)
    except idempotency.KeyReused as error:
        return _rating_refused(request, phone, None, error.message)
    found = message_for_citizen(request.POST.get("tracking_code", ""), phone)
    return _status_page(request, found, phone, notice="感谢您的评价！")


def _rating_refused(request, phone: str, form, error) -> HttpResponse:
    found = message_for_citizen(request.POST.get("tracking_code", ""), phone)
    if found is None:
        return _not_found(request)
    return _status_page(request, found, phone, rating_form=form, notice=error or "")


def _not_found(request: HttpRequest) -> HttpResponse:
    form = TrackForm()
    return render(request, "mashang/track.html", {"form": form, "error": NOT_FOUND}, status=404)
