# The raw Redis Streams peer for flow's Redis backend: pipelined XADD (batches of 256), then XREADGROUP
# COUNT 256 and one XACK per batch, one process, one stream, the same event JSON flow stores. Prints one
# line: events/s end to end.
#   python3 Benchmarks/redis/raw_loop.py PORT [EVENTS]
import json
import sys
import time

import redis

port = int(sys.argv[1])
events = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
client = redis.Redis(host="127.0.0.1", port=port)
stream, group = "raw-loop:s", "raw-loop:g"
client.delete(stream)
client.xgroup_create(stream, group, id="0", mkstream=True)
payload = json.dumps({"specversion": "1.0", "id": "e0", "source": "bench", "type": "Bench", "data": {"n": 0}})
start = time.perf_counter()
handled = 0
sent = 0
while handled < events:
    if sent < events:
        pipe = client.pipeline(transaction=False)
        for _ in range(min(256, events - sent)):
            pipe.xadd(stream, {"e": payload})
        pipe.execute()
        sent += min(256, events - sent)
    reply = client.xreadgroup(group, "c1", {stream: ">"}, count=256)
    for _, entries in reply or []:
        ids = [entry_id for entry_id, _ in entries]
        for _, fields in entries:
            json.loads(fields[b"e"])
        client.xack(stream, group, *ids)
        handled += len(ids)
elapsed = time.perf_counter() - start
client.delete(stream)
print(f"raw XADD/XREADGROUP/XACK loop (redis-py): {events} events in {elapsed:.2f} s = {events / elapsed:,.0f} events/s")
