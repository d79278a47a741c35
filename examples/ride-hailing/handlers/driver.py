"""Driver service: assigns a driver to a ride (stdlib only, deterministic).

Runs once per attempt: the ride's CloudEvent on stdin, the ride with its driver on stdout.

The service is sometimes slow, by rule rather than by chance: the first attempt for rides 7, 27, 47, 67
and 87 takes 10 s, and rides 50 and 100 (no driver nearby) take 10 s every time. The consumer's timeout is
shorter, so the runner kills the process, retries, and finally dead-letters rides 50 and 100.
"""

import json
import sys
import time

SLOW_SECONDS = 10


def main():
    ride = json.load(sys.stdin)["data"]
    attempt = ride.pop("attempt", 1)
    number = ride["number"]
    if number % 50 == 0 or (number % 20 == 7 and attempt == 1):
        time.sleep(SLOW_SECONDS)
    driver = (number * 7) % 23 + 1
    print(json.dumps({**ride, "driver": f"driver-{driver:02d}", "eta_minutes": 2 + (number + driver) % 9}))


if __name__ == "__main__":
    main()
