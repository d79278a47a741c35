# The actor the Dramatiq peer runs: counts each message in Redis (retries up to 3, then the dead-letter queue).
import os

import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker

port = int(os.environ["FLOW_BENCH_REDIS_PORT"])
dramatiq.set_broker(RedisBroker(host="127.0.0.1", port=port))
counter = redis.Redis(host="127.0.0.1", port=port)


@dramatiq.actor(max_retries=3)
def handle(n):
    counter.incr("dramatiq-peer:handled")
