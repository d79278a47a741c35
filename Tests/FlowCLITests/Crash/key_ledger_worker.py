# An exec worker for the shared Redis tests: appends "KEY N" of each event to the ledger (argv[1]) before
# answering ok. Several processes append to one ledger: each line is one write under O_APPEND, so lines
# never interleave, and their order is the order events were handled.
import json
import os
import sys

ledger = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
for line in sys.stdin:
    request = json.loads(line)
    data = request["event"]["data"]
    os.write(ledger, f"{data['k']} {data['n']}\n".encode())
    sys.stdout.write(json.dumps({"id": request["id"], "status": "ok"}) + "\n")
    sys.stdout.flush()
