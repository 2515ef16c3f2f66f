#!/bin/sh
# manage.py with the services' environment (docs/deploy.md), as the user who runs it:
#
#   sudo -u minyi /srv/minyi/deploy/manage.sh migrate --check
#
# Reads MINYI_ENV_FILE (default /etc/minyi/minyi.env, the file the units' EnvironmentFile= names;
# NAME=value lines, as docs/production.env).
set -eu
env_file=${MINYI_ENV_FILE:-/etc/minyi/minyi.env}
cd "$(dirname "$0")/.."
set -a
. "$env_file"
set +a
exec .venv/bin/python manage.py "$@"
