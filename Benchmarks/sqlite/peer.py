# The durable-queue peer for flow's SQLite broker: persist-queue's SQLiteAckQueue, put then get + ack, one
# process, on the same disk. Prints one line: items/s.
#   python3 Benchmarks/sqlite/peer.py [ITEMS] [DIRECTORY]
import sys
import tempfile
import time

import persistqueue

items = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
directory = tempfile.mkdtemp(dir=sys.argv[2] if len(sys.argv) > 2 else None)
queue = persistqueue.SQLiteAckQueue(directory, auto_commit=True, multithreading=False)
start = time.perf_counter()
for index in range(items):
    queue.put({"id": f"e{index}", "data": index})
for _ in range(items):
    item = queue.get()
    queue.ack(item)
elapsed = time.perf_counter() - start
print(f"persist-queue SQLiteAckQueue: {items} items put + get + ack in {elapsed:.2f} s = {items / elapsed:,.0f} items/s")
