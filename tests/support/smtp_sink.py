#!/usr/bin/python3
"""A real SMTP server for statusd's tests and benchmarks (Debian's python3-aiosmtpd).

Listens on 127.0.0.1:PORT and prints "ready" once it accepts connections.
  --dir DIR      write each accepted message to DIR/NNNNNN.json: envelope, headers,
                 text and HTML parts (decoded), raw message
  --log FILE     instead append one line per recipient: "<rcpt>\t<Message-ID>" (fast)
  --delay-ms N   wait N ms before accepting each message (a slow server)
  --reject TEXT  answer 550 to RCPT TO addresses that contain TEXT
Runs until killed.
"""
import argparse
import asyncio
import email
import email.policy
import itertools
import json
import os
import re
import signal
import sys
import threading

from aiosmtpd.controller import Controller

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>\r\n]*>)", re.IGNORECASE | re.MULTILINE)


class Handler:
    def __init__(self, args):
        self.args = args
        self.counter = itertools.count(1)
        self.lock = threading.Lock()
        self.log = open(args.log, "a", buffering=1) if args.log else None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.args.reject and self.args.reject in address:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.args.delay_ms:
            await asyncio.sleep(self.args.delay_ms / 1000)
        raw = envelope.original_content or envelope.content
        if self.log:
            m = MESSAGE_ID.search(raw)
            mid = m.group(1).decode() if m else "-"
            with self.lock:
                for rcpt in envelope.rcpt_tos:
                    self.log.write(f"{rcpt}\t{mid}\n")
            return "250 Message accepted"
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        text = html = None
        for part in msg.walk():
            if part.is_multipart():
                continue
            ctype = part.get_content_type()
            if ctype == "text/plain" and text is None:
                text = part.get_content()
            elif ctype == "text/html" and html is None:
                html = part.get_content()
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "content_type": msg.get_content_type(),
            "headers": {k: str(v) for k, v in msg.items()},
            "text": text,
            "html": html,
            "raw": raw.decode("utf-8", "replace"),
        }
        n = next(self.counter)
        path = os.path.join(self.args.dir, f"{n:06d}.json")
        with open(path + ".tmp", "w") as f:
            json.dump(record, f)
        os.rename(path + ".tmp", path)
        return "250 Message accepted"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--dir")
    p.add_argument("--log")
    p.add_argument("--delay-ms", type=int, default=0)
    p.add_argument("--reject")
    args = p.parse_args()
    if not (args.dir or args.log):
        p.error("give --dir or --log")
    controller = Controller(Handler(args), hostname="127.0.0.1", port=args.port)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    sys.exit(main())
