#!/usr/bin/env python3
"""Seed corpus for the fuzzers, from the repository's own captured and test inputs.

Writes fuzz/corpus/TARGET/ (not committed): real servers' replies from testdata/wire/ (whole,
and each handshake message body for the decoders), the test certificates, targets and lists as
the README writes them, the example policy files and JSON reports from testdata/.
"""
import base64, hashlib, os, pathlib, re, sys

root = pathlib.Path(__file__).resolve().parent.parent
corpus = root / "fuzz" / "corpus"

def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    folder = corpus / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)

def records(data):
    at = 0
    while at + 5 <= len(data):
        kind, length = data[at], int.from_bytes(data[at + 3:at + 5], "big")
        yield kind, data[at + 5:at + 5 + length]
        at += 5 + length

def handshake_messages(data):
    stream = b"".join(body for kind, body in records(data) if kind == 22)
    at = 0
    while at + 4 <= len(stream):
        kind, length = stream[at], int.from_bytes(stream[at + 1:at + 4], "big")
        yield kind, stream[at + 4:at + 4 + length]
        at += 4 + length

replies = sorted((root / "testdata" / "wire").glob("*.bin"))
for path in replies:
    data = path.read_bytes()
    for control in (0, 1, 2, 15, 255):
        put("server_reply", bytes([control]) + data)
    put("legacy_handshake", data)
    suite = None
    version = 0x0303
    for kind, body in handshake_messages(data):
        if kind == 2:
            put("server_messages", bytes([0]) + body)
            if len(body) >= 35:
                version = int.from_bytes(body[:2], "big")
                sid = body[34]
                suite = body[35 + sid:37 + sid]
        elif kind == 11:
            put("server_messages", bytes([1]) + body)
        elif kind == 12 and suite:
            # control byte 2 (ServerKeyExchange) at the capture's version, then the suite.
            for control in range(2, 256, 5):
                if [0x0300, 0x0301, 0x0302, 0x0303, 0x0304][control % 5] == version:
                    put("server_messages", bytes([control]) + suite + body)
                    break
        elif kind == 13:
            put("server_messages", bytes([3]) + body)

for path in sorted((root / "testdata").rglob("*.pem")) + sorted((root / "testdata").rglob("*.crt")):
    text = path.read_text(errors="replace")
    for block in re.findall(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", text, re.S):
        put("certificate", base64.b64decode("".join(block.split())))

# Certificate and key files as given to --client-cert/--client-key: two bytes saying where the
# certificate ends, then both files.
certs = root / "testdata" / "certs"
for name in ["client", "good", "ec", "weak"]:
    cert, key = (certs / f"{name}.pem").read_bytes(), (certs / f"{name}.key").read_bytes()
    put("pem_files", len(cert).to_bytes(2, "big") + cert + key)
for path in sorted(certs.glob("*.key")):
    put("pem_files", b"\x00\x00" + path.read_bytes())

for value in ["max-age=31536000; includeSubDomains; preload", "max-age=0", 'max-age="300"',
              "includeSubDomains", "/path", "https://other.test/x", "//other.test/", "\\\\10.11.12.13/x",
              "javascript:alert(1)", "http://www.example.test:80/", "?q=1", "https://xn--bcher-kva.example/"]:
    put("http_values", value)

for value in ["www.example.com", "https://example.com:8443/path", "http://example.com:8080/",
              "192.0.2.1:443", "[2001:db8::1]:443", "bücher.example",
              "a.test --sni b.test --connect-to a.test:443:127.0.0.1:8443\n# comment\nc.test:9 --resolve c.test:9:127.0.0.1\n",
              "example.com:443:127.0.0.1:8443", "*.example.com:443", "example.com:443:127.0.0.1"]:
    put("target_syntax", value)

for path in sorted(root.rglob("*.toml")):
    if "target" in path.parts or "fuzz" in path.parts:
        continue
    put("policy_file", path.read_bytes())

for block in re.findall(r"```toml\n(.*?)```", (root / "README.md").read_text(), re.S):
    put("policy_file", block)

for path in sorted((root / "testdata").rglob("*.json")):
    put("report_json", path.read_bytes())

for target in ["server_reply", "server_messages", "certificate", "http_values", "target_syntax",
               "policy_file", "report_json", "pem_files", "legacy_handshake"]:
    count = len(list((corpus / target).glob("*"))) if (corpus / target).exists() else 0
    print(f"{target}: {count} seeds")
    if count == 0:
        sys.exit(f"no seeds for {target}")
