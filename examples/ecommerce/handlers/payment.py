"""Payment service: charges an order, in exec worker mode or per event (stdlib only, deterministic).

Worker mode (`worker: true`): one JSON request per line, {"id", "event"}; one reply per line,
{"id", "status": "ok" | "retry" | "fail", "data" | "error"}. Per-event mode: one CloudEvent on stdin;
the charged order on stdout (exit 0), or the error on stderr with exit 75 (retry) or 2 (declined).

The rules use only the order: a card is declined when the amount is over the limit; the gateway times out
on the first attempt of every tenth order (3, 13, 23, ...), and is down for every fiftieth (7, 57, ...)
until the consumer gives up.
"""

import json
import sys

CARD_LIMIT = 450


class Declined(Exception):
    """The card was declined: retrying cannot help."""


class GatewayError(Exception):
    """The payment gateway failed this time: retrying may help."""


def charge(event):
    order = dict(event["data"])
    attempt = int(order.pop("attempt", 1))
    number = order["order"]
    if order["amount"] > CARD_LIMIT:
        raise Declined(f"card declined: order {number} amount {order['amount']:.2f} is over the limit {CARD_LIMIT}")
    if number % 50 == 7:
        raise GatewayError(f"payment gateway unavailable for order {number} (attempt {attempt})")
    if number % 10 == 3 and attempt == 1:
        raise GatewayError(f"payment gateway timed out for order {number}")
    return {**order, "payment": f"pay-{number:05d}", "charged_cents": round(order["amount"] * 100)}


def serve(first):
    """Worker mode: answer `first`, then every further request line, until stdin closes."""
    line = first
    while line:
        if line.strip():
            request = json.loads(line)
            reply = {"id": request["id"]}
            try:
                reply.update(status="ok", data=charge(request["event"]))
            except Declined as error:
                reply.update(status="fail", error=str(error))
            except GatewayError as error:
                reply.update(status="retry", error=str(error))
            sys.stdout.write(json.dumps(reply) + "\n")
            sys.stdout.flush()
        line = sys.stdin.readline()


def once(event):
    """Per-event mode: the exit status says what happened."""
    try:
        print(json.dumps(charge(event)))
    except Declined as error:
        print(error, file=sys.stderr)
        sys.exit(2)
    except GatewayError as error:
        print(error, file=sys.stderr)
        sys.exit(75)


def main():
    first = sys.stdin.readline()
    message = json.loads(first)
    if "specversion" in message:
        once(message)
    else:
        serve(first)


if __name__ == "__main__":
    main()
