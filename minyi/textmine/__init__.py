"""Minyi's text engine (issue 12): Chinese segmentation, topic grouping, duplicate judgement,
out-of-scope hints and similarity helpers. Pure functions over texts, fully offline (rjieba,
scikit-learn); nothing here reads or writes the database. The three ``manage.py`` commands
(``topics``, ``duplicate_pairs``, ``scope_hints``) run them on a JSON-lines file.
"""
