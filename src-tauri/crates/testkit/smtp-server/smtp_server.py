"""The real SMTP server the vetdesk-mail integration tests start.

aiosmtpd on 127.0.0.1, writing every message it accepts to --maildir as <n>.eml (the bytes as
received) beside <n>.json (the envelope). Options turn on STARTTLS (then required before mail),
implicit TLS, and AUTH (then required; over TLS when TLS is on). Recipients whose local part
starts with "refuse-permanent" or "refuse-transient" get a 550 or a 450. --data-delay makes it
slow: it waits that many seconds after storing each message before it answers 250, so that a
client that dies meanwhile has delivered a message it never saw accepted. Prints
"LISTENING <port>" once it accepts connections.
"""

import argparse
import asyncio
import itertools
import json
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Mailbox:
    def __init__(self, maildir, implicit_tls, data_delay):
        self.maildir = maildir
        self.implicit_tls = implicit_tls
        self.data_delay = data_delay
        self.counter = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("refuse-permanent"):
            return "550 5.1.1 No such user here"
        if local.startswith("refuse-transient"):
            return "450 4.2.1 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        n = next(self.counter)
        base = os.path.join(self.maildir, f"{n:06d}")
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "authenticated": bool(session.authenticated),
            "tls": self.implicit_tls or session.ssl is not None,
        }
        with open(base + ".json.tmp", "w", encoding="utf-8") as f:
            json.dump(meta, f)
        os.replace(base + ".json.tmp", base + ".json")
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        os.replace(base + ".eml.tmp", base + ".eml")
        if self.data_delay > 0:
            await asyncio.sleep(self.data_delay)
        return "250 2.0.0 Message accepted for delivery"


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == user.encode()
            and auth_data.password == password.encode()
        )
        # handled=False lets aiosmtpd answer 535 5.7.8 itself.
        return AuthResult(success=ok, handled=False)

    return check


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--data-delay", type=float, default=0.0)
    args = parser.parse_args()
    os.makedirs(args.maildir, exist_ok=True)

    context = None
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)

    starttls = context is not None and not args.implicit_tls
    smtp_options = dict(hostname="localhost", ident="VetDesk test SMTP server")
    if starttls:
        smtp_options.update(tls_context=context, require_starttls=True)
    if args.user:
        smtp_options.update(
            authenticator=authenticator(args.user, args.password or ""),
            auth_required=True,
            # aiosmtpd only knows about TLS it started itself (STARTTLS); an implicit TLS
            # connection is encrypted from the first byte anyway.
            auth_require_tls=starttls,
        )
    handler = Mailbox(args.maildir, args.implicit_tls, args.data_delay)

    async def serve():
        server = await asyncio.get_running_loop().create_server(
            lambda: SMTP(handler, **smtp_options),
            host="127.0.0.1",
            port=args.port,
            ssl=context if args.implicit_tls else None,
        )
        port = server.sockets[0].getsockname()[1]
        print(f"LISTENING {port}", flush=True)
        async with server:
            await server.serve_forever()

    asyncio.run(serve())


if __name__ == "__main__":
    sys.exit(main())
