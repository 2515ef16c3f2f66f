"""Domain errors of the deputy registry."""

from __future__ import annotations

from minyi.core.errors import ValidationFailed


class ImportFailed(ValidationFailed):
    """The file cannot be imported. ``errors`` holds one Chinese line per problem, each naming its
    row (``第 5 行：…``); ``message`` sums them up. Nothing was saved."""

    code = "import_failed"

    def __init__(self, errors: list[str], *, message: str | None = None):
        self.errors = list(errors)
        super().__init__(message or f"导入失败，共 {len(self.errors)} 处错误，未保存任何数据。")
