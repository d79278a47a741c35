#!/usr/bin/env bash
# Runs the ecommerce example: starts the inventory service on a free 127.0.0.1 port, runs the pipeline
# until idle, stops the service. Extra arguments go to `flow run` (e.g. --report out.json, --seed 7).
# FLOW names the flow binary (default: the package's .build/debug/flow, built when missing).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
flow="${FLOW:-$root/.build/debug/flow}"
if [[ ! -x "$flow" ]]; then swift build --package-path "$root" --product flow >&2; fi
cd "$here"

scratch="$(mktemp -d)"
service=""
run=""
cleanup() {
    [[ -n "$run" ]] && kill "$run" 2>/dev/null || true
    [[ -n "$service" ]] && kill "$service" 2>/dev/null || true
    rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

python3 handlers/inventory_service.py "$scratch/url" &
service=$!
for _ in $(seq 100); do [[ -s "$scratch/url" ]] && break; sleep 0.1; done
[[ -s "$scratch/url" ]] || { echo "run.sh: the inventory service did not start" >&2; exit 1; }
INVENTORY_URL="$(cat "$scratch/url")"
export INVENTORY_URL

"$flow" run pipeline.yml --until-idle "$@" &
run=$!
status=0
wait "$run" || status=$?
run=""
echo "inventory service: $(python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1] + "/stats").read().decode())' "$INVENTORY_URL")"
exit "$status"
