"""The authenticator's QR code and key, drawn here (segno, SVG inline in the page): no image
service, no CDN, nothing that sees the secret outside this server."""

from __future__ import annotations

from base64 import b32encode

import segno
from django.utils.safestring import mark_safe


def qr_svg(device) -> str:
    """The otpauth:// URI as an inline SVG (no style attributes: the page's CSP allows none)."""
    code = segno.make(device.config_url, error="m")
    # a viewBox and no fixed size: the stylesheet sizes it to the screen
    svg = code.svg_inline(
        scale=5, border=4, dark="#000", light="#fff", title="两步验证二维码", omitsize=True
    )
    return mark_safe(svg)  # segno's own markup; the only text in it is our title


def key_groups(device) -> str:
    """The same secret for typing by hand: base32 in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))
