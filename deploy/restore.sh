#!/bin/sh
# Restore a dump of deploy/backup.sh into a NEW database (docs/deploy.md, "Restore"); it never
# writes into an existing one: point DATABASE_URL at the new database once it is checked.
#
#   deploy/restore.sh FILE.dump NEW_DATABASE [OWNER]
#   sudo -u postgres deploy/restore.sh /dev/stdin NEW_DATABASE minyi < FILE.dump   (a dump postgres cannot read)
#
# Runs as a PostgreSQL role that may create databases (e.g. `sudo -u postgres`); the connection
# comes from libpq's environment (PGHOST, PGPORT, PGUSER, PGPASSWORD) or its defaults. OWNER
# (default minyi) owns the new database and everything restored into it.
set -eu

dump=${1:?usage: restore.sh FILE.dump NEW_DATABASE [OWNER]}
name=${2:?usage: restore.sh FILE.dump NEW_DATABASE [OWNER]}
owner=${3:-minyi}

createdb --owner="$owner" "$name"
# one transaction: a restore that fails half-way leaves an empty database, not half of one
pg_restore --no-owner --role="$owner" --exit-on-error --single-transaction --dbname="$name" "$dump"
# pg_restore brings no planner statistics; without them the first queries plan badly
vacuumdb --analyze-only --quiet --dbname="$name"
echo "restored $dump into $name"
