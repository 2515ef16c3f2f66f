#!/bin/sh
# Nightly dump of the Minyi database (docs/deploy.md, "Backups"): pg_dump's custom format, one
# file per run named by its UTC time, checked readable, files older than the kept days removed.
#
#   deploy/backup.sh [DIR]        DIR defaults to /srv/minyi/backups
#
# Reads DATABASE_URL (the app's, from /etc/minyi/minyi.env under systemd: minyi-backup.service)
# and MINYI_BACKUP_KEEP_DAYS (default 14). Prints the new file's path.
set -eu

dir=${1:-/srv/minyi/backups}
keep=${MINYI_BACKUP_KEEP_DAYS:-14}
: "${DATABASE_URL:?DATABASE_URL is not set (the app's database, postgres://…)}"

umask 077  # the dump holds every citizen's name and number
mkdir -p "$dir"
file="$dir/minyi-$(date -u +%Y%m%dT%H%M%SZ).dump"
# written under a temporary name first: a dump cut short (disk full, killed) never looks like a
# good one, and the old ones are removed only after a good one exists
pg_dump --format=custom --compress=6 --no-password --dbname="$DATABASE_URL" --file="$file.part"
pg_restore --list "$file.part" >/dev/null
mv "$file.part" "$file"
find "$dir" -maxdepth 1 -name 'minyi-*.dump' -mtime +"$keep" -delete
find "$dir" -maxdepth 1 -name 'minyi-*.dump.part' -mmin +720 -delete
echo "$file"
