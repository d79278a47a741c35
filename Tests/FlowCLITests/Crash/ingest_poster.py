# Posts events e<first>, e<first+1>, ... to an http producer (argv[1] = URL, argv[2] = first index) from a
# few threads, printing each id answered 202 on its own line; exits once the server is gone (connection
# refused or reset) or after argv[3] events. Waits up to 10 s for the server to come up first.
import json
import sys
import threading
import time
import urllib.error
import urllib.request

url, first, limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
lock = threading.Lock()
state = {"next": first, "up": False, "gone": False}


def post(index):
    body = json.dumps({"specversion": "1.0", "id": f"e{index}", "source": "crash-test", "type": "Order",
                       "data": {"k": index % 16}}).encode()
    request = urllib.request.Request(url, data=body, headers={"content-type": "application/cloudevents+json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


deadline = time.monotonic() + 10
while time.monotonic() < deadline:
    try:
        urllib.request.urlopen(urllib.request.Request(url, data=b"{}"), timeout=2)
    except urllib.error.HTTPError:
        break  # the server answers (400 for an empty event): it is up
    except OSError:
        time.sleep(0.02)
else:
    sys.exit(2)


def worker():
    while True:
        with lock:
            if state["gone"] or state["next"] >= first + limit:
                return
            index = state["next"]
            state["next"] += 1
        try:
            status = post(index)
        except urllib.error.HTTPError:
            continue  # 503 (full) or 500: not acknowledged, not counted
        except OSError:
            with lock:
                state["gone"] = True
            return
        if status == 202:
            with lock:
                sys.stdout.write(f"e{index}\n")
                sys.stdout.flush()


threads = [threading.Thread(target=worker) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
