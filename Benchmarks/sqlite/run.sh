#!/usr/bin/env bash
# flow's SQLite broker beside the memory broker and a Python SQLite queue, in one run on this disk:
#   bash Benchmarks/sqlite/run.sh                 # 500k events per flow scenario, 2k items for the peer
#   EVENTS=1000000 PEER_ITEMS=5000 bash Benchmarks/sqlite/run.sh
# flow-bench durable: one-to-one and 4 partitions × concurrency 4, memory / sqlite full / sqlite process,
# end to end (publish → stored → delivered → handled → committed), plus each store's size after the run.
# The peer (persist-queue 1.1 SQLiteAckQueue, installed from PyPI if missing) commits per item.
set -euo pipefail
cd "$(dirname "$0")/../.."

events=${EVENTS:-500000}
peer_items=${PEER_ITEMS:-2000}
directory=${STORE_DIR:-$(mktemp -d -p "${TMPDIR:-/tmp}")}
trap 'rm -rf "$directory"' EXIT

python3 -c "import persistqueue" 2>/dev/null || python3 -m pip install --quiet persist-queue==1.1.0
echo "run.sh: swift build -c release --product flow-bench" >&2
swift build -c release --product flow-bench >&2
.build/release/flow-bench durable --count "$events" --directory "$directory"
python3 Benchmarks/sqlite/peer.py "$peer_items" "$directory"
