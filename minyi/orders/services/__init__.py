"""The only code that changes orders. One function per action, named ``<thing>_<verb>``; each
runs in a transaction, locks the row it changes, checks the state, and writes one event row."""
