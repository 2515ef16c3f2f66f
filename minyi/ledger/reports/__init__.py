"""月度报告 (issue 11): the month's figures (``figures``), its two files (``xlsx``, ``pdf``), the
services that generate it and pick its notable cases (``services``), the scheduler's task
(``tasks``) and the liaison officers' pages (``views``)."""
