#!/bin/sh
# The container's entrypoint. `serve` (the default) brings the schema up to
# date with `db sync` first, so a failing migration stops the container
# before it listens, then becomes the server (exec: it receives the
# runtime's SIGTERM itself and drains). Anything else is handed to the
# binary as is, e.g. `db sync` or `healthcheck`.
set -eu

if [ "$#" -eq 0 ] || [ "$1" = serve ]; then
    manila-cg-api db sync
    exec manila-cg-api serve
fi
exec manila-cg-api "$@"
