#!/usr/bin/python3
"""Loopback SMTP server for the email tests (Debian python3-aiosmtpd).

Writes every accepted message to DIR/NNNN.eml (the raw DATA bytes), prints
"PORT n" once it listens (port 0: chosen by the OS), runs until killed.
Faults: --refuse-login (AUTH always fails), --drop N (close the connection
on the DATA of the first N messages, before answering).
"""
import argparse
import asyncio
import os

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--user", default="bot")
    ap.add_argument("--password", default="secret")
    ap.add_argument("--refuse-login", action="store_true")
    ap.add_argument("--drop", type=int, default=0)
    a = ap.parse_args()
    state = {"seen": 0, "saved": 0}

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            state["seen"] += 1
            if state["seen"] <= a.drop:
                server.transport.abort()  # the client sees the line drop mid-transaction
                return "451 dropped"
            state["saved"] += 1
            path = os.path.join(a.dir, "%04d.eml" % state["saved"])
            with open(path + ".tmp", "wb") as f:
                f.write(envelope.original_content)
            os.rename(path + ".tmp", path)
            return "250 OK"

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (not a.refuse_login and isinstance(auth_data, LoginPassword)
              and auth_data.login.decode() == a.user and auth_data.password.decode() == a.password)
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd sends the 535

    loop = asyncio.new_event_loop()
    factory = lambda: SMTP(Handler(), authenticator=authenticator, auth_required=True,
                           auth_require_tls=False, loop=loop)
    server = loop.run_until_complete(loop.create_server(factory, "127.0.0.1", a.port))
    print("PORT %d" % server.sockets[0].getsockname()[1], flush=True)
    loop.run_forever()


if __name__ == "__main__":
    main()
