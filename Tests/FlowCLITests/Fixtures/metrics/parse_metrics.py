#!/usr/bin/env python3
"""Reads a Prometheus text exposition (from an http:// URL, scraped as Prometheus would, or from a file)
and prints what prometheus_client's own parser makes of it, as JSON: one object per metric family with
its type and samples. A malformed exposition makes the parser raise, and this script exit non-zero."""
import json
import sys
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

source = sys.argv[1]
if source.startswith("http://"):
    with urllib.request.urlopen(source, timeout=10) as response:
        content_type = response.headers.get("Content-Type", "")
        text = response.read().decode("utf-8")
else:
    content_type = None
    with open(source, encoding="utf-8") as handle:
        text = handle.read()

families = []
for family in text_string_to_metric_families(text):
    families.append(
        {
            "name": family.name,
            "type": family.type,
            "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in family.samples],
        }
    )
print(json.dumps({"content_type": content_type, "families": families}))
