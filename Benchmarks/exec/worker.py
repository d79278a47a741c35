# The trivial worker of Benchmarks/exec/run.sh: answers every request "ok", leaving the event unchanged.
# The same shape as the worker in docs/workers.md: one JSON line in, one JSON line out, flushed.
import json
import sys

for line in sys.stdin:
    request = json.loads(line)
    sys.stdout.write(json.dumps({"id": request["id"], "status": "ok"}) + "\n")
    sys.stdout.flush()
