#!/usr/bin/env bash
# flow's Redis backend beside the memory broker, a raw pipelined Redis Streams loop and Dramatiq, in one run,
# on a redis-server this script starts (127.0.0.1, a free port, no persistence) and stops by its pid:
#   bash Benchmarks/redis/run.sh                       # 200k events per flow scenario, 5k Dramatiq messages
#   EVENTS=500000 MESSAGES=10000 bash Benchmarks/redis/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

events=${EVENTS:-200000}
messages=${MESSAGES:-5000}
python3 -c "import redis, dramatiq" 2>/dev/null || python3 -m pip install --quiet redis==8.1.0 'dramatiq[redis]==2.2.1'
source Benchmarks/redis/server.sh

echo "run.sh: swift build -c release --product flow-bench" >&2
swift build -c release --product flow-bench >&2
echo "redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/') on 127.0.0.1:$port"
.build/release/flow-bench redis --count "$events" --url "redis://127.0.0.1:$port/0"
python3 Benchmarks/redis/raw_loop.py "$port" "$events"
python3 Benchmarks/redis/dramatiq_peer.py "$port" "$messages"
