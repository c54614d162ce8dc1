"""Verifies the DKIM signature of one raw message read from stdin with dkimpy, an independent
implementation, answering DNS lookups from the one TXT record given on the command line instead
of the network.

    python dkim_verify.py <record name> <record value> < message.eml

Prints a JSON object: {"valid": bool, "domain": str, "selector": str, "headers": [str], "log": str}
and exits 0 whether the signature verifies or not; any other exit status is a broken check.
"""

import io
import json
import logging
import sys

import dkim


def main() -> None:
    name, value = sys.argv[1], sys.argv[2]
    message = sys.stdin.buffer.read()

    def dnsfunc(qname, timeout=5):
        asked = qname.decode() if isinstance(qname, bytes) else qname
        if asked.rstrip(".").lower() == name.rstrip(".").lower():
            return value.encode()
        return None

    log = io.StringIO()
    logger = logging.getLogger("dkim-verify")
    logger.addHandler(logging.StreamHandler(log))
    logger.setLevel(logging.DEBUG)
    verifier = dkim.DKIM(message, logger=logger)
    try:
        valid = bool(verifier.verify(dnsfunc=dnsfunc))
    except dkim.DKIMException as e:
        valid = False
        log.write(f"{type(e).__name__}: {e}\n")
    tags = verifier.signature_fields or {}
    decode = lambda v: v.decode() if isinstance(v, bytes) else v
    print(
        json.dumps(
            {
                "valid": valid,
                "domain": decode(verifier.domain or b""),
                "selector": decode(verifier.selector or b""),
                "headers": [decode(h) for h in (verifier.include_headers or [])],
                "algorithm": decode(tags.get(b"a", b"")),
                "canonicalization": decode(tags.get(b"c", b"")),
                "log": log.getvalue(),
            }
        )
    )


if __name__ == "__main__":
    main()
