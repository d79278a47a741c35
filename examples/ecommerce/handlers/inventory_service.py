"""Inventory service: reserves stock for paid orders over HTTP (stdlib only, deterministic).

    python3 inventory_service.py URL_FILE

Listens on 127.0.0.1 on a free port and writes its base URL to URL_FILE once it accepts connections.
POST /reservations takes a PaymentProcessed CloudEvent (structured JSON) and answers:
- 200 with the order and its reservation (the http step makes that the event's data);
- 503 the first time it sees an order whose number is 5 modulo 8 (the warehouse is busy; the runner retries);
- 409 for a discontinued SKU (the runner dead-letters the payment at once).
A retried or duplicate event (same id) is reserved once. GET /stats returns the counters. The service stops
when the process that started it goes away, so it never outlives its run.
"""

import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DISCONTINUED = {"sku-13"}
INITIAL_STOCK = 10_000


class Inventory:
    def __init__(self):
        self.lock = threading.Lock()
        self.stock = {}
        self.reserved = {}
        self.seen = set()
        self.stats = {"reserved": 0, "busy": 0, "rejected": 0}

    def reserve(self, event):
        """The status and body answering `event`."""
        data = event["data"]
        with self.lock:
            if event["id"] in self.reserved:
                return 200, self.reserved[event["id"]]
            if data["sku"] in DISCONTINUED:
                self.stats["rejected"] += 1
                return 409, {"error": f"{data['sku']} is discontinued; order {data['order']} cannot be fulfilled"}
            if data["order"] % 8 == 5 and event["id"] not in self.seen:
                self.seen.add(event["id"])
                self.stats["busy"] += 1
                return 503, {"error": "warehouse busy, try again"}
            left = self.stock.get(data["sku"], INITIAL_STOCK) - data["quantity"]
            self.stock[data["sku"]] = left
            reply = {**data, "reservation": f"res-{data['order']:05d}", "stock_left": left}
            self.reserved[event["id"]] = reply
            self.stats["reserved"] += 1
            return 200, reply


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the runner reuses its connections
    disable_nagle_algorithm = True  # headers and body go out in two writes; do not hold the second back

    def do_POST(self):
        if self.path != "/reservations":
            return self.reply(404, {"error": f"no route {self.path}"})
        length = int(self.headers.get("Content-Length", 0))
        try:
            event = json.loads(self.rfile.read(length))
        except ValueError as error:
            return self.reply(400, {"error": f"body is not JSON: {error}"})
        self.reply(*self.server.inventory.reserve(event))

    def do_GET(self):
        if self.path != "/stats":
            return self.reply(404, {"error": f"no route {self.path}"})
        with self.server.inventory.lock:
            self.reply(200, dict(self.server.inventory.stats))

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
    server.inventory = Inventory()
    threading.Thread(target=exit_with_parent, args=(server,), daemon=True).start()
    url_file = sys.argv[1]
    with open(url_file + ".tmp", "w") as out:
        out.write(f"http://127.0.0.1:{server.server_address[1]}\n")
    os.replace(url_file + ".tmp", url_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
