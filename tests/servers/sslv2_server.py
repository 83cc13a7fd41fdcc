#!/usr/bin/env python3
"""An SSLv2-only server, scripted: no real server here speaks SSLv2 any more.

It answers an SSLv2 CLIENT-HELLO with a SERVER-HELLO carrying the leaf certificate and the
cipher kinds it shares with the client (of RC4-MD5, DES-CBC3-MD5 and EXP-RC4-MD5, in the
client's order), or an SSLv2 ERROR (NO-CIPHER) when it shares none; it answers a TLS hello with
a fatal protocol_version alert. It never finishes a handshake: a scanner learns all it needs
from the SERVER-HELLO.

    sslv2_server.py --port 4433 --cert leaf.pem
"""

import struct

from scripted import (
    ALERT_PROTOCOL_VERSION,
    parse_arguments,
    pem_certificates,
    read_exactly,
    read_tls_record,
    serve,
    tls_alert,
)

SSL2_MT_ERROR = 0
SSL2_MT_CLIENT_HELLO = 1
SSL2_MT_SERVER_HELLO = 4
SSL2_PE_NO_CIPHER = 0x0001
SSL2_CT_X509_CERTIFICATE = 1
SSL2_VERSION = 0x0002

# The cipher kinds this server "has", as an OpenSSL 0.9.8 server with SSLv2 enabled listed them.
CIPHER_KINDS = {
    0x010080: "SSL_CK_RC4_128_WITH_MD5",
    0x0700C0: "SSL_CK_DES_192_EDE3_CBC_WITH_MD5",
    0x020080: "SSL_CK_RC4_128_EXPORT40_WITH_MD5",
}


def sslv2_record(message):
    # Two-byte header: high bit set, 15-bit length, no padding.
    return struct.pack(">H", 0x8000 | len(message)) + message


def main():
    arguments = parse_arguments(__doc__.split("\n\n")[0])
    leaf = pem_certificates(arguments.cert)[0]

    def handle(sock):
        first = read_exactly(sock, 1)
        if first is None:
            return
        if first[0] & 0x80:
            # SSLv2 two-byte header.
            second = read_exactly(sock, 1)
            if second is None:
                return
            length = ((first[0] & 0x7F) << 8) | second[0]
            message = read_exactly(sock, length)
            if message is None or len(message) < 9 or message[0] != SSL2_MT_CLIENT_HELLO:
                return
            _, _, specs_length, session_length, challenge_length = struct.unpack(
                ">BHHHH", message[:9]
            )
            specs = message[9 : 9 + specs_length]
            offered = [
                int.from_bytes(specs[i : i + 3], "big") for i in range(0, len(specs) - 2, 3)
            ]
            shared = [kind for kind in offered if kind in CIPHER_KINDS]
            if not shared:
                sock.sendall(sslv2_record(struct.pack(">BH", SSL2_MT_ERROR, SSL2_PE_NO_CIPHER)))
                return
            cipher_specs = b"".join(kind.to_bytes(3, "big") for kind in shared)
            connection_id = bytes(range(16))
            hello = (
                struct.pack(
                    ">BBBHHHH",
                    SSL2_MT_SERVER_HELLO,
                    0,  # session-id-hit
                    SSL2_CT_X509_CERTIFICATE,
                    SSL2_VERSION,
                    len(leaf),
                    len(cipher_specs),
                    len(connection_id),
                )
                + leaf
                + cipher_specs
                + connection_id
            )
            sock.sendall(sslv2_record(hello))
            # Wait for the client to go away (or the read timeout); never more than one reply.
            sock.recv(4096)
            return
        record = read_tls_record(sock, first[0])
        if record is None:
            return
        _, version, _ = record
        # A TLS hello: this server speaks SSLv2 only.
        sock.sendall(tls_alert(min(max(version, 0x0300), 0x0303), ALERT_PROTOCOL_VERSION))

    serve("sslv2 server", arguments.port, handle)


if __name__ == "__main__":
    main()
