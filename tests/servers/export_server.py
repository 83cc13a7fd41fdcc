#!/usr/bin/env python3
"""A TLS 1.0 server with export-grade RSA suites, scripted: no real server here still has them.

It answers a ClientHello that offers one of EXP-RC4-MD5 (0x0003), EXP-RC2-CBC-MD5 (0x0006) or
EXP-DES-CBC-SHA (0x0008) with ServerHello (TLS 1.0, the first of those in the client's order),
Certificate, a ServerKeyExchange carrying a 512-bit RSA key signed by the certificate's key, and
ServerHelloDone, as an RSA_EXPORT server did; it refuses any other offer with a fatal
handshake_failure alert (so offer-and-remove terminates) and hellos below TLS 1.0 with
protocol_version. It never finishes a handshake.

    export_server.py --port 4433 --cert chain.pem --key leaf.key
"""

import hashlib
import os

from tlslite.utils.keyfactory import generateRSAKey, parsePEMKey

from scripted import (
    ALERT_HANDSHAKE_FAILURE,
    ALERT_PROTOCOL_VERSION,
    CONTENT_HANDSHAKE,
    handshake_message,
    parse_arguments,
    pem_certificates,
    read_client_hello,
    read_exactly,
    serve,
    tls_alert,
    tls_record,
    vector,
)

TLS10 = 0x0301
EXPORT_SUITES = {0x0003, 0x0006, 0x0008}
HANDSHAKE_SERVER_HELLO = 2
HANDSHAKE_CERTIFICATE = 11
HANDSHAKE_SERVER_KEY_EXCHANGE = 12
HANDSHAKE_SERVER_HELLO_DONE = 14


def offered_suites(body):
    """client_version, client_random and the cipher suites of a ClientHello body."""
    client_version = int.from_bytes(body[0:2], "big")
    client_random = body[2:34]
    session_length = body[34]
    at = 35 + session_length
    suites_length = int.from_bytes(body[at : at + 2], "big")
    suites_bytes = body[at + 2 : at + 2 + suites_length]
    suites = [int.from_bytes(suites_bytes[i : i + 2], "big") for i in range(0, len(suites_bytes) - 1, 2)]
    return client_version, client_random, suites


def main():
    arguments = parse_arguments(__doc__.split("\n\n")[0])
    chain = pem_certificates(arguments.cert)
    with open(arguments.key) as file:
        signing_key = parsePEMKey(file.read(), private=True)
    # The temporary export key: 512 bits, as RFC 2246's RSA_EXPORT demands.
    export_key = generateRSAKey(512)
    modulus = export_key.n.to_bytes(64, "big")
    exponent = export_key.e.to_bytes((export_key.e.bit_length() + 7) // 8, "big")
    params = vector(2, modulus) + vector(2, exponent)
    certificate_body = vector(3, b"".join(vector(3, der) for der in chain))

    def handle(sock):
        first = read_exactly(sock, 1)
        if first is None:
            return
        hello = read_client_hello(sock, first[0])
        if hello is None:
            return
        record_version, body = hello
        client_version, client_random, suites = offered_suites(body)
        alert_version = min(max(record_version, 0x0300), 0x0303)
        if client_version < TLS10:
            sock.sendall(tls_alert(alert_version, ALERT_PROTOCOL_VERSION))
            return
        chosen = next((suite for suite in suites if suite in EXPORT_SUITES), None)
        if chosen is None:
            sock.sendall(tls_alert(TLS10, ALERT_HANDSHAKE_FAILURE))
            return
        server_random = os.urandom(32)
        server_hello = (
            TLS10.to_bytes(2, "big")
            + server_random
            + vector(1, b"")
            + chosen.to_bytes(2, "big")
            + b"\x00"  # null compression
        )
        signed = client_random + server_random + params
        digest = hashlib.md5(signed).digest() + hashlib.sha1(signed).digest()
        signature = bytes(signing_key.sign(bytearray(digest)))
        flight = (
            handshake_message(HANDSHAKE_SERVER_HELLO, server_hello)
            + handshake_message(HANDSHAKE_CERTIFICATE, certificate_body)
            + handshake_message(HANDSHAKE_SERVER_KEY_EXCHANGE, params + vector(2, signature))
            + handshake_message(HANDSHAKE_SERVER_HELLO_DONE, b"")
        )
        sock.sendall(tls_record(CONTENT_HANDSHAKE, TLS10, flight))
        # Wait for the client to go away (or the read timeout); it cannot finish the handshake.
        sock.recv(4096)

    serve("export server", arguments.port, handle)


if __name__ == "__main__":
    main()
