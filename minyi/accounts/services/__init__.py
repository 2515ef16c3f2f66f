"""Every change to an account goes through these functions, and each writes its
``AccountEvent`` (the account audit log) in the same transaction.

- ``audit``: the audit row itself, and the log-in / log-out / failure / lock-out records;
- ``users``: an account's record (system administrator) and roles (security for administrator
  roles), deactivation;
- ``credentials``: passwords (policy, history, forced change), unlock, two-factor devices.
"""
