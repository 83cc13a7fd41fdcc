#!/usr/bin/env python3
"""A TLS server built on tlslite-ng (pure Python), for what Debian's OpenSSL no longer serves:
SSLv3, RC4 and 3DES. It listens on 127.0.0.1 only and answers every completed handshake with a
one-line HTTP response.

    tlslite_server.py --port 4433 --cert chain.pem --key key.pem \
        --min-version ssl3 --max-version tls1.2 --ciphers rc4,3des,aes128 \
        --key-exchange rsa,ecdhe_rsa --macs sha,md5

Cipher, key-exchange and MAC names are tlslite-ng's HandshakeSettings names
(cipherNames, keyExchangeNames, macNames). Started and stopped (by PID) by tests/common/mod.rs.
"""

import argparse
import socket
import socketserver
import sys

from tlslite import HandshakeSettings, TLSConnection, X509CertChain, parsePEMKey
from tlslite.errors import TLSError

VERSIONS = {
    "ssl3": (3, 0),
    "tls1.0": (3, 1),
    "tls1.1": (3, 2),
    "tls1.2": (3, 3),
    "tls1.3": (3, 4),
}

# Bounds every read and write, so a client that goes quiet never pins a thread.
SOCKET_TIMEOUT_SECONDS = 10


def names(text):
    return [name for name in text.split(",") if name]


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cert", required=True, help="PEM certificates, leaf first")
    parser.add_argument("--key", required=True, help="PEM private key of the leaf")
    parser.add_argument("--min-version", choices=VERSIONS, default="ssl3")
    parser.add_argument("--max-version", choices=VERSIONS, default="tls1.2")
    parser.add_argument("--ciphers", type=names, default=names("rc4,3des"))
    parser.add_argument("--key-exchange", type=names, default=names("rsa"))
    parser.add_argument("--macs", type=names, default=names("sha,md5"))
    return parser.parse_args()


def main():
    arguments = parse_arguments()
    with open(arguments.cert) as file:
        chain = X509CertChain()
        chain.parsePemList(file.read())
    with open(arguments.key) as file:
        key = parsePEMKey(file.read(), private=True)

    settings = HandshakeSettings()
    settings.minVersion = VERSIONS[arguments.min_version]
    settings.maxVersion = VERSIONS[arguments.max_version]
    settings.cipherNames = arguments.ciphers
    settings.keyExchangeNames = arguments.key_exchange
    settings.macNames = arguments.macs
    settings = settings.validate()

    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            self.request.settimeout(SOCKET_TIMEOUT_SECONDS)
            connection = TLSConnection(self.request)
            try:
                # An ALPN list of its own: tlslite-ng 0.8.2 raises TypeError on a TLS 1.3 client's
                # ALPN extension when the server has none (alpn=None).
                connection.handshakeServer(
                    certChain=chain, privateKey=key, settings=settings, alpn=[bytearray(b"http/1.1")]
                )
                connection.read(max=4096)
                body = b"hello from tlslite-ng\n"
                connection.write(
                    b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                    + str(len(body)).encode()
                    + b"\r\nConnection: close\r\n\r\n"
                    + body
                )
                connection.close()
            except (TLSError, OSError, ValueError) as error:
                # Scanners abort most handshakes on purpose; one line each, for the test log.
                print(f"connection from {self.client_address[0]}: {error!r}", file=sys.stderr)
            finally:
                try:
                    self.request.close()
                except OSError:
                    pass

    class Server(socketserver.ThreadingTCPServer):
        allow_reuse_address = True
        daemon_threads = True
        address_family = socket.AF_INET

    with Server(("127.0.0.1", arguments.port), Handler) as server:
        print(f"tlslite-ng {arguments.min_version}..{arguments.max_version} "
              f"ciphers={arguments.ciphers} kx={arguments.key_exchange} macs={arguments.macs} "
              f"on 127.0.0.1:{arguments.port}", flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()
