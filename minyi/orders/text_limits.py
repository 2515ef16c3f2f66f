"""How long each text of an order may be: the forms state it ("最多 N 字", ``maxlength``) and the
services refuse longer (``minyi.core.bounds.check_length``), so the API and any future caller
meet the same limit.

Why these numbers: a 12345 record is a summary an operator types during or after a call; the
longest in the demo and in the seeds is a few hundred characters. 5,000 characters is about ten
minutes of dictation or three printed pages: far more than any real call, while a 9 MB "content"
no longer fits. Notes, reasons and bases are a paragraph; 1,000 is also what the ledger row keeps
of a note. Title, name, phone and address are the model's columns.
"""

TITLE = 120
CONTENT = 5_000
REPLY = 5_000
PLAN = 2_000
NOTE = 1_000
NAME = 64
PHONE = 32
ADDRESS = 200
ORDER_NUMBER = 32
