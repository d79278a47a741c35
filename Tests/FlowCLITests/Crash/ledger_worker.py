# An exec worker for the crash tests: appends each event's id to the ledger (argv[1]) before answering ok,
# so the ledger holds every event a handler finished, duplicates included.
import json
import sys

with open(sys.argv[1], "a", buffering=1) as ledger:
    for line in sys.stdin:
        request = json.loads(line)
        ledger.write(request["event"]["id"] + "\n")
        ledger.flush()
        sys.stdout.write(json.dumps({"id": request["id"], "status": "ok"}) + "\n")
        sys.stdout.flush()
