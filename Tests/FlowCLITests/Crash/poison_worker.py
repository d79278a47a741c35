# An exec worker for PoisonRecordTests: appends "KEY N PID" of each event to the ledger (argv[1]) and
# answers ok, except for event N == argv[2] (the poison): it appends "poison PID" and never answers, waiting
# instead for the flow process (its parent) to end, as a handler that takes its process down would. The test
# kills that flow process once the poison line is there; the wait ends by itself after 60 s.
import json
import os
import sys
import time

ledger = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
poison = sys.argv[2]
parent = os.getppid()
for line in sys.stdin:
    request = json.loads(line)
    data = request["event"]["data"]
    if str(data["n"]) == poison:
        os.write(ledger, f"poison {parent}\n".encode())
        deadline = time.monotonic() + 60
        while os.getppid() == parent and time.monotonic() < deadline:
            time.sleep(0.05)
        sys.exit(0)
    os.write(ledger, f"{data['k']} {data['n']} {parent}\n".encode())
    sys.stdout.write(json.dumps({"id": request["id"], "status": "ok"}) + "\n")
    sys.stdout.flush()
