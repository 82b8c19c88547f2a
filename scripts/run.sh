#!/usr/bin/env bash
# `make run`: installs what is missing, migrates, loads the demo data, then runs the web server,
# two Celery workers (the records' own, and one for the rest) and Celery beat together. Ctrl-C
# (or SIGTERM) stops them all.
#   HOST, PORT  where the web server listens (default 127.0.0.1:8000); the e-mails' links
#               (SITE_URL) follow them unless SITE_URL is set
# Everything else comes from the environment as described in the README (SQLite under var/ and
# the filesystem broker under var/broker by default).
set -euo pipefail
cd "$(dirname "$0")/.."

HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
PY=.venv/bin/python
# shellcheck source=scripts/site_url.sh
. scripts/site_url.sh

scripts/bootstrap.sh
"$PY" manage.py migrate --noinput
# With DEBUG on, runserver serves static files itself; with it off, WhiteNoise serves STATIC_ROOT.
debug=$(printf '%s' "${DEBUG:-1}" | tr '[:upper:]' '[:lower:]' | tr -d '[:space:]')
case "$debug" in
  1 | true | yes | on) ;;
  *) "$PY" manage.py collectstatic --noinput ;;
esac
logins=$("$PY" manage.py seed_demo)

# Job control puts each service in a process group of its own, so a stop reaches all of a
# service's processes (the worker's pool children, runserver's reloader child).
set -m
groups=()
leader_only=()
stopping=0

stop_all() {
  if [ "$stopping" = 1 ]; then
    # A second Ctrl-C while waiting: stop at once.
    for group in "${groups[@]}"; do kill -KILL -- "-$group" 2>/dev/null || true; done
    return
  fi
  stopping=1
  echo
  echo "run: stopping the web server, workers and beat (a few seconds; Ctrl-C again to kill them)"
  # Celery's main process stops its own pool (a warm shutdown finishes the task in hand);
  # runserver's reloader does not stop its child, so its whole group is signalled.
  for i in "${!groups[@]}"; do
    if [ "${leader_only[$i]}" = 1 ]; then
      kill -TERM "${groups[$i]}" 2>/dev/null || true
    else
      kill -TERM -- "-${groups[$i]}" 2>/dev/null || true
    fi
  done
  for _ in $(seq 1 150); do
    alive=0
    for group in "${groups[@]}"; do kill -0 -- "-$group" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for group in "${groups[@]}"; do kill -KILL -- "-$group" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

start() { # start ONLY_LEADER COMMAND...: ONLY_LEADER=1 signals just the main process on stop
  local only_leader=$1
  shift
  "$@" </dev/null &
  groups+=("$!")
  leader_only+=("$only_leader")
}

start 0 "$PY" manage.py runserver "$HOST:$PORT"
start 1 "$PY" -m celery -A imrsite worker -Q default,letters -c 2 --loglevel=INFO \
  --hostname "main@%h"
# Records sent by others are read by a worker of their own (README "Hostile input"): one
# process, recycled after every 100 counts, never beside the letters.
start 1 "$PY" -m celery -A imrsite worker -Q records -c 1 --max-tasks-per-child 100 \
  --loglevel=INFO --hostname "records@%h"
# Beat's schedule beside the rest of this run's files (IMR_VAR_DIR, as the settings read it).
start 1 "$PY" -m celery -A imrsite beat --loglevel=INFO --schedule "${IMR_VAR_DIR:-var}/celerybeat-schedule"

cat <<EOF

IMR Desk is starting at http://$HOST:$PORT/  (web server, Celery workers and beat)
$logins

Press Ctrl-C to stop everything.

EOF

# Runs until Ctrl-C, or until one of them exits on its own (then the others are stopped).
status=0
wait -n || status=$?
if [ "$stopping" = 0 ]; then
  echo "run: a service exited (status $status); stopping the others" >&2
  stop_all
  [ "$status" = 0 ] && status=1
  exit "$status"
fi
