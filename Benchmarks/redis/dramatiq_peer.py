# The task-queue peer for flow's Redis backend: Dramatiq 2.2 on the same Redis, retries (max 3) and dead
# letters on, one worker process with 4 threads; enqueue MESSAGES, then time until every one was handled.
#   python3 Benchmarks/redis/dramatiq_peer.py PORT [MESSAGES]
import os
import subprocess
import sys
import time

import redis

port = int(sys.argv[1])
messages = int(sys.argv[2]) if len(sys.argv) > 2 else 5_000
client = redis.Redis(host="127.0.0.1", port=port)
client.delete("dramatiq-peer:handled")
here = os.path.dirname(os.path.abspath(__file__))
env = dict(os.environ, FLOW_BENCH_REDIS_PORT=str(port), PYTHONPATH=here)
start = time.perf_counter()
subprocess.run([sys.executable, "-c", f"import dramatiq_tasks as t\nfor n in range({messages}): t.handle.send(n)"],
               env=env, check=True)
worker = subprocess.Popen([sys.executable, "-m", "dramatiq", "dramatiq_tasks", "--processes", "1", "--threads", "4"],
                          env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    deadline = time.time() + 600
    while int(client.get("dramatiq-peer:handled") or 0) < messages and time.time() < deadline:
        time.sleep(0.05)  # polling another process's progress
    elapsed = time.perf_counter() - start
finally:
    worker.terminate()
    worker.wait()
done = int(client.get("dramatiq-peer:handled") or 0)
print(f"Dramatiq 2.2 (redis broker, retries + dead letters): {done} messages enqueued + handled in {elapsed:.2f} s "
      f"= {done / elapsed:,.0f} messages/s")
