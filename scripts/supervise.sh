#!/bin/sh
# Run a command, and run it again whenever it stops (a crash, kill -9, an out-of-memory kill), two seconds apart:
# `make run` keeps its background worker alive this way (in production systemd does it: README, "Deployment").
# SIGTERM or SIGINT stops the command with SIGTERM (the worker finishes or releases its job), then this loop.
child=
stop() {
    trap - TERM INT
    if [ -n "$child" ]; then
        kill -TERM "$child" 2>/dev/null
        wait "$child"
    fi
    exit 0
}
trap stop TERM INT
while :; do
    "$@" &
    child=$!
    wait "$child"
    echo "supervise.sh: «$*» stopped (exit $?): started again in 2 s" >&2
    sleep 2
done
