"""Shared plumbing of the scripted servers in this folder: arguments, certificates, and a
threaded accept loop on 127.0.0.1 only.

The scripted servers speak just enough of a protocol that no real server here still speaks
(SSLv2, export suites) to answer a scanner's hello truthfully; they never complete a handshake.
"""

import argparse
import base64
import re
import socket
import socketserver
import struct
import sys

# Bounds every read, so a client that goes quiet never pins a thread.
SOCKET_TIMEOUT_SECONDS = 10

# TLS record content types, alert levels and descriptions used here.
CONTENT_ALERT = 21
CONTENT_HANDSHAKE = 22
HANDSHAKE_CLIENT_HELLO = 1
ALERT_FATAL = 2
ALERT_HANDSHAKE_FAILURE = 40
ALERT_PROTOCOL_VERSION = 70


def parse_arguments(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cert", required=True, help="PEM certificates, leaf first")
    parser.add_argument("--key", help="PEM private key of the leaf (where the server signs)")
    return parser.parse_args()


def pem_certificates(path):
    """The DER certificates in a PEM file, in file order."""
    with open(path) as file:
        text = file.read()
    blocks = re.findall(
        r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", text, re.DOTALL
    )
    if not blocks:
        sys.exit(f"no certificate in {path}")
    return [base64.b64decode("".join(block.split())) for block in blocks]


def read_exactly(sock, count):
    """`count` bytes, or None when the peer closes first."""
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def read_tls_record(sock, first):
    """The rest of a TLS record whose first byte is `first`: (type, version, fragment)."""
    header = read_exactly(sock, 4)
    if header is None:
        return None
    version, length = struct.unpack(">HH", header)
    fragment = read_exactly(sock, length)
    if fragment is None:
        return None
    return first, version, fragment


def read_client_hello(sock, first):
    """The ClientHello body that starts with TLS record byte `first`, joined across handshake
    records: (record version, body), or None when the peer closes or sends something else."""
    data = b""
    record_version = None
    while True:
        record = read_tls_record(sock, first)
        if record is None:
            return None
        content_type, version, fragment = record
        if content_type != CONTENT_HANDSHAKE:
            return None
        record_version = record_version or version
        data += fragment
        if len(data) >= 4:
            if data[0] != HANDSHAKE_CLIENT_HELLO:
                return None
            length = int.from_bytes(data[1:4], "big")
            if len(data) >= 4 + length:
                return record_version, data[4 : 4 + length]
        next_first = read_exactly(sock, 1)
        if next_first is None:
            return None
        first = next_first[0]


def tls_record(content_type, version, payload):
    return struct.pack(">BHH", content_type, version, len(payload)) + payload


def tls_alert(version, description):
    return tls_record(CONTENT_ALERT, version, bytes([ALERT_FATAL, description]))


def handshake_message(message_type, body):
    return bytes([message_type]) + len(body).to_bytes(3, "big") + body


def vector(length_bytes, data):
    return len(data).to_bytes(length_bytes, "big") + data


def serve(name, port, handle):
    """Accepts connections on 127.0.0.1:`port` forever, calling `handle(sock)` on each in its own
    thread; errors end that connection only."""

    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            self.request.settimeout(SOCKET_TIMEOUT_SECONDS)
            try:
                handle(self.request)
            except (OSError, ValueError, struct.error, IndexError) as error:
                print(f"{name}: connection ended: {error!r}", file=sys.stderr)

    class Server(socketserver.ThreadingTCPServer):
        allow_reuse_address = True
        daemon_threads = True
        address_family = socket.AF_INET

    with Server(("127.0.0.1", port), Handler) as server:
        print(f"{name} on 127.0.0.1:{port}", flush=True)
        server.serve_forever()
