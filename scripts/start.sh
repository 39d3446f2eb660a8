#!/usr/bin/env bash
# `npm start`: start the local services if their ports do not answer, run the pipeline,
# and on Ctrl-C (or SIGTERM) stop the pipeline and then the services this script started.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

started_services=0
if ! bash scripts/services.sh ensure-quiet-check 2>/dev/null; then
  bash scripts/services.sh up
  started_services=1
fi

# `npm start` is the developer's and the demo's way in: the workbench lists the local
# identity provider's demo accounts. Production configuration leaves KCC_WORKBENCH_DEMO false.
# The demo's first run also drops one fictitious scanned letter (app/demo.ts): a drop folder
# under .local unless one is configured (set KCC_LETTERS_DROP_DIR= to keep letters off).
KCC_WORKBENCH_DEMO=${KCC_WORKBENCH_DEMO:-true} KCC_LETTERS_DROP_DIR=${KCC_LETTERS_DROP_DIR-.local/letters-drop} node --import tsx app/main.ts "$@" &
app=$!

stop() {
  trap - INT TERM
  kill -TERM "$app" 2>/dev/null || true
  wait "$app" 2>/dev/null || true
  if [ "$started_services" = 1 ]; then bash scripts/services.sh down; fi
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM

status=0
wait "$app" || status=$?
trap - INT TERM
if [ "$started_services" = 1 ]; then bash scripts/services.sh down; fi
exit $status
