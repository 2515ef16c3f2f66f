"""码上找代表's services, one module per concern; the codes' functions are re-exported here
(``from minyi.mashang.services import code_for``)."""

from minyi.mashang.services.codes import (
    active_codes,
    code_for,
    code_regenerate,
    codes_of,
    is_code_shaped,
    new_code,
    public_url,
)

__all__ = [
    "active_codes",
    "code_for",
    "code_regenerate",
    "codes_of",
    "is_code_shaped",
    "new_code",
    "public_url",
]
