#!/usr/bin/env python3
"""A minimal OTLP/HTTP trace receiver for tests: POST /v1/traces bodies are decoded with the
OpenTelemetry project's own protobuf definitions (PyPI opentelemetry-proto) and every span is appended to
OUT as one JSON line. Any other POST path is a stand-in service for an `http` step: its path and
`traceparent` header are appended to OUT.http as one JSON line, and it answers 204. Binds 127.0.0.1 on a free port and writes the port to PORTFILE once listening.
Stops by itself after LIFETIME seconds (default 120) so a test that dies cannot leave it behind.

usage: receiver.py PORTFILE OUT [LIFETIME]"""
import http.server
import json
import sys
import threading

from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

port_file, out_path = sys.argv[1], sys.argv[2]
lifetime = float(sys.argv[3]) if len(sys.argv) > 3 else 120.0
lock = threading.Lock()


def value(any_value):
    kind = any_value.WhichOneof("value")
    return getattr(any_value, kind) if kind else None


def attributes(items):
    return {item.key: value(item.value) for item in items}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path != "/v1/traces":
            with lock, open(out_path + ".http", "a", encoding="utf-8") as out:
                out.write(json.dumps({"path": self.path, "traceparent": self.headers.get("traceparent")}) + "\n")
            self.send_response(204)
            self.end_headers()
            return
        request = trace_service_pb2.ExportTraceServiceRequest()
        request.ParseFromString(body)
        lines = []
        for resource_spans in request.resource_spans:
            resource = attributes(resource_spans.resource.attributes)
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    lines.append(json.dumps({
                        "trace_id": span.trace_id.hex(),
                        "span_id": span.span_id.hex(),
                        "parent_span_id": span.parent_span_id.hex(),
                        "name": span.name,
                        "kind": span.kind,
                        "attributes": attributes(span.attributes),
                        "events": [{"name": e.name, "attributes": attributes(e.attributes)} for e in span.events],
                        "links": [{"trace_id": l.trace_id.hex(), "span_id": l.span_id.hex()} for l in span.links],
                        "status": span.status.code,
                        "resource": resource,
                    }))
        with lock, open(out_path, "a", encoding="utf-8") as out:
            for line in lines:
                out.write(line + "\n")
        reply = trace_service_pb2.ExportTraceServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as handle:
    handle.write(str(server.server_address[1]))
import os
os.replace(port_file + ".tmp", port_file)
threading.Timer(lifetime, server.shutdown).start()
server.serve_forever()
