# An exec worker for the shared Redis tests: appends "KEY N PID" of each event to the ledger (argv[1]), PID
# being the flow process that handled it, before answering ok; argv[2], when given, is how many seconds each
# event takes. Several processes append to one ledger: each line is one write under O_APPEND, so lines
# never interleave, and their order is the order events were handled.
import json
import os
import sys
import time

ledger = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
delay = float(sys.argv[2]) if len(sys.argv) > 2 else 0
for line in sys.stdin:
    request = json.loads(line)
    data = request["event"]["data"]
    time.sleep(delay)
    os.write(ledger, f"{data['k']} {data['n']} {os.getppid()}\n".encode())
    sys.stdout.write(json.dumps({"id": request["id"], "status": "ok"}) + "\n")
    sys.stdout.flush()
