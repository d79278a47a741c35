"""Trip ledger: records every ride event over HTTP and checks each ride's events arrive in order.

    python3 ledger_service.py URL_FILE

Listens on 127.0.0.1 on a free port and writes its base URL to URL_FILE once it accepts connections.
POST /rides takes a ride CloudEvent (structured JSON). A ride must go RideRequested, DriverAssigned,
RideCompleted: the next expected event gets 200 with the ride's state, a repeated event (same id) 200
again, and an event out of order 409 (the runner dead-letters it). GET /stats returns the counters. The
service stops when the process that started it goes away, so it never outlives its run.
"""

import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STAGES = ["RideRequested", "DriverAssigned", "RideCompleted"]


class Ledger:
    def __init__(self):
        self.lock = threading.Lock()
        self.rides = {}
        self.seen = {}
        self.stats = {stage: 0 for stage in STAGES} | {"out_of_order": 0}

    def record(self, event):
        """The status and body answering `event`."""
        ride = event["data"]["ride_id"]
        with self.lock:
            if event["id"] in self.seen:
                return 200, self.seen[event["id"]]
            done = self.rides.get(ride, 0)
            if event["type"] not in STAGES or STAGES.index(event["type"]) != done:
                self.stats["out_of_order"] += 1
                expected = STAGES[done] if done < len(STAGES) else "nothing"
                return 409, {"error": f"{ride}: {event['type']} arrived, expected {expected}"}
            self.rides[ride] = done + 1
            self.stats[event["type"]] += 1
            reply = {**event["data"], "ledger": event["type"]}
            self.seen[event["id"]] = reply
            return 200, reply


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the runner reuses its connections
    disable_nagle_algorithm = True  # headers and body go out in two writes; do not hold the second back

    def do_POST(self):
        if self.path != "/rides":
            return self.reply(404, {"error": f"no route {self.path}"})
        length = int(self.headers.get("Content-Length", 0))
        try:
            event = json.loads(self.rfile.read(length))
        except ValueError as error:
            return self.reply(400, {"error": f"body is not JSON: {error}"})
        self.reply(*self.server.ledger.record(event))

    def do_GET(self):
        if self.path != "/stats":
            return self.reply(404, {"error": f"no route {self.path}"})
        with self.server.ledger.lock:
            self.reply(200, dict(self.server.ledger.stats))

    def reply(self, status, body):
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):
        pass


def exit_with_parent(server):
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.2)
    server.shutdown()


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.ledger = Ledger()
    threading.Thread(target=exit_with_parent, args=(server,), daemon=True).start()
    url_file = sys.argv[1]
    with open(url_file + ".tmp", "w") as out:
        out.write(f"http://127.0.0.1:{server.server_address[1]}\n")
    os.replace(url_file + ".tmp", url_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
