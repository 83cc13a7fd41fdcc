#!/usr/bin/env python3
"""Compare the facts and findings of two sets of JSON snapshots, server by server.

Each integration-test run of tlscheck with `--format json` is kept by `tests/common` when
TLSCHECK_SNAPSHOT_DIR is set. Run the tests once per revision, then:

    python3 tests/compare_snapshots.py BEFORE_DIR AFTER_DIR

Ports, times, durations and generated certificates' dates differ from run to run and are
normalised away. Report layouts 1 and 2 are both read. Exit status 1 when anything differs.
"""

import json
import re
import sys
from pathlib import Path

VOLATILE = [
    (re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:PORT"),
    (re.compile(r"localhost:\d+"), "localhost:PORT"),
    (re.compile(r"(\.test):\d+"), r"\1:PORT"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"), "TIME"),
    (re.compile(r"-?\d+ days"), "N days"),
    (re.compile(r"/tmp/\S+"), "TMP"),
]


def clean(text):
    if not isinstance(text, str):
        return text
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def support(protocol):
    accepted = protocol.get("accepted")
    if accepted is True:
        return "accepted"
    if accepted is False and not protocol.get("error"):
        return "refused"
    return "unknown"


def outcome(value, keep):
    if value is None:
        return None
    status = value.get("status")
    if status == "ok":
        return keep(value)
    return status


def facts(report):
    enumeration = report.get("enumeration") or {}
    chain = report.get("certificates")
    return {
        "unreachable": bool(report.get("unreachable")),
        "tls": outcome(
            report.get("tls"),
            lambda t: (t["protocol"], t["cipher_suite"], t["key_exchange_group"], t["alpn"]),
        ),
        "protocols": outcome(
            enumeration,
            lambda e: {p["version"]: support(p) for p in e["protocols"]},
        ),
        "suites": outcome(
            enumeration,
            lambda e: {
                v["version"]: (v["server_order"], [s["name"] for s in v["suites"]],
                               [s.get("dh_bits") for s in v["suites"]])
                for v in e["cipher_suites"]
            },
        ),
        "groups": outcome(
            enumeration,
            lambda e: ([g["name"] for g in e["groups"]], e["groups_probed_with"],
                       e["groups_server_order"]),
        ),
        "certificates": None if chain is None else [
            (c["subject"], c["issuer"], c["serial"], c["sha256_fingerprint"], c["key"],
             c["signature_algorithm"], c["signature_hash"], c["self_signed"], c["is_ca"],
             c["expired"], c["not_yet_valid"], c["dns_names"], c["ip_addresses"])
            for c in chain["certificates"]
        ],
        "chain": None if chain is None else (
            chain["order_correct"], chain["incomplete"], chain["trust"]["trusted"],
            chain["hostname"]["matches"], chain["hostname"]["covered"]),
        "client_auth": report.get("client_auth"),
        "https": outcome(
            report.get("https"),
            lambda h: (h["status_code"], (h.get("hsts") or {}).get("raw")),
        ),
        "redirect": outcome(
            report.get("redirect"),
            lambda r: (r["verdict"], [(h["status_code"], h["same_host"]) for h in r["hops"]]),
        ),
    }


def findings(report):
    return {
        f["id"]: (f["severity"], clean(f["evidence"]))
        for f in report.get("findings", [])
    }


def reports(path):
    record = json.loads(path.read_text())
    try:
        document = json.loads(record["stdout"])
    except (json.JSONDecodeError, KeyError):
        return None
    return document.get("reports", [])


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    before_dir, after_dir = Path(sys.argv[1]), Path(sys.argv[2])
    differences = 0
    names = sorted(p.name for p in before_dir.glob("*.json"))
    for name in names:
        after_path = after_dir / name
        if not after_path.exists():
            print(f"{name}: no run after")
            differences += 1
            continue
        before, after = reports(before_dir / name), reports(after_path)
        if before is None or after is None:
            continue
        for index, (old, new) in enumerate(zip(before, after)):
            label = f"{name}#{index} ({old['target']['input']})"
            old_facts, new_facts = facts(old), facts(new)
            for key in old_facts:
                if old_facts[key] != new_facts[key]:
                    differences += 1
                    print(f"{label}: FACT {key}\n  before: {old_facts[key]}\n  after:  {new_facts[key]}")
            old_findings, new_findings = findings(old), findings(new)
            for finding_id in sorted(set(old_findings) | set(new_findings)):
                if old_findings.get(finding_id) != new_findings.get(finding_id):
                    differences += 1
                    print(f"{label}: FINDING {finding_id}\n  before: {old_findings.get(finding_id)}"
                          f"\n  after:  {new_findings.get(finding_id)}")
    print(f"{len(names)} snapshots compared, {differences} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
