"""The README's Python subscriber, bounded in time for the test: subscribes to
trade.*, prints `seq type side quantity symbol price` per event, and exits
when no event arrived for 4 seconds (or after 60 s in all)."""
import sys
import time

import msgpack
import zmq

sub = zmq.Context().socket(zmq.SUB)
sub.connect(sys.argv[1])
sub.setsockopt(zmq.SUBSCRIBE, b"trade.")
poller = zmq.Poller()
poller.register(sub, zmq.POLLIN)
deadline = time.time() + 60
seen = False
while time.time() < deadline:
    if not poller.poll(4000 if seen else 20000):
        break
    topic, frame = sub.recv_multipart()
    ev = msgpack.unpackb(frame, raw=False)
    b = ev["body"]
    print(ev["seq"], ev["type"], b["side"], b["quantity"], b["symbol"], b["price"], flush=True)
    seen = True
