//! Policy files: their errors (file, line, column, key and what is wrong), `tlscheck policy
//! check` and `tlscheck policy show`, built-in profiles written out and read back, and a policy
//! file gating a real nginx set up like the seed article, with forbidden classes and waivers.

mod common;

use std::fs;

use common::*;
use tlscheck::policy::rules::Rules;
use tlscheck::policy::{PolicyFile, Profile};

#[track_caller]
fn error_of(text: &str) -> String {
    PolicyFile::parse("ci/policy.toml", text)
        .expect_err("an invalid policy file")
        .to_string()
}

#[test]
fn errors_name_the_file_line_column_and_key() {
    let cases = [
        (
            "extends = \"mozilla-intermediat\"\n",
            "ci/policy.toml:1:11: extends: 'mozilla-intermediat' is not a built-in profile (try: ",
        ),
        (
            "[protocols]\nmin = \"TLSv1.2\"\nmax = \"TLSv1.5\"\n",
            "ci/policy.toml:3:7: protocols.max: unknown protocol 'TLSv1.5' (one of SSLv2, SSLv3, TLSv1.0, TLSv1.1, TLSv1.2, TLSv1.3)",
        ),
        (
            "[protocols]\nmin = \"TLSv1.3\"\nmax = \"TLSv1.2\"\n",
            "ci/policy.toml:3:7: protocols.max: max TLSv1.2 is below min TLSv1.3",
        ),
        (
            "[protocols]\nallow = [\"TLSv1.3\"]\nmin = \"TLSv1.2\"\n",
            "ci/policy.toml:3:7: protocols.min: use either allow or min and max, not both",
        ),
        (
            "[cipher_suites]\nforbid = [\n  \"cbc\",\n  \"rc5\",\n]\n",
            "ci/policy.toml:4:3: cipher_suites.forbid: 'rc5' is neither a class (cbc, rc4, 3des, des, null, export, anonymous, no-forward-secrecy, no-aead) nor an IANA suite name",
        ),
        (
            "[cipher_suites]\nallow = [\"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA257\"]\n",
            "ci/policy.toml:2:10: cipher_suites.allow: unknown cipher suite 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA257' (IANA names, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)",
        ),
        (
            "[groups]\nallow = [\"x25519\", \"curve9\"]\n",
            "ci/policy.toml:2:20: groups.allow: unknown group 'curve9' (IANA or OpenSSL names, e.g. x25519, secp256r1, prime256v1, X25519MLKEM768)",
        ),
        (
            "[keys]\nrsa_min_bits = \"2048\"\n",
            "ci/policy.toml:2:16: keys.rsa_min_bits: invalid type: string \"2048\", expected u32",
        ),
        (
            "[certificate]\nmin_lifetime_left = 33.0\n",
            "ci/policy.toml:2:21: certificate.min_lifetime_left: 33 is not a fraction between 0 and 1 (e.g. 0.33)",
        ),
        (
            "[certificate]\nsha256_fingerprints = [\"AB:CD\"]\n",
            "ci/policy.toml:2:24: certificate.sha256_fingerprints: 'AB:CD' is not a SHA-256 fingerprint (64 hex digits, colons optional)",
        ),
        (
            "[http]\nredirect = \"always\"\n",
            "ci/policy.toml:2:12: http.redirect: 'always' is not a redirect rule (permanent, any)",
        ),
        (
            "[severity]\n\"protocol.tls12\" = \"low\"\n",
            "ci/policy.toml:2:1: severity.\"protocol.tls12\": unknown finding 'protocol.tls12' (the ids are listed in README.md and by --format json)",
        ),
        (
            "[severity]\n\"protocol.tls10\" = \"severe\"\n",
            "ci/policy.toml:2:20: severity.\"protocol.tls10\": unknown severity 'severe' (info, low, medium, high, critical)",
        ),
        (
            "[[waivers]]\nfinding = \"protocol.tls10\"\nreason = \"legacy clients\"\nexpires = \"2027-01-31\"\n\n[[waivers]]\nfinding = \"protocol.tls11\"\nreason = \"legacy clients\"\nexpires = \"31/01/2027\"\n",
            "ci/policy.toml:9:11: waivers[2].expires: '31/01/2027' is not a date (YYYY-MM-DD)",
        ),
        (
            "[[waivers]]\nfinding = \"protocol.tls10\"\nreason = \"  \"\nexpires = \"2027-01-31\"\n",
            "ci/policy.toml:3:10: waivers[1].reason: a waiver needs a reason",
        ),
        (
            "[[waivers]]\nfinding = \"protocol.tls10\"\nexpires = \"2027-01-31\"\n",
            "ci/policy.toml:1:1: waivers[1]: missing field `reason`",
        ),
        (
            "[certificat]\ntrusted = true\n",
            "ci/policy.toml:1:2: certificat: unknown field `certificat`, expected one of `extends`, `fail_on`, `protocols`, `cipher_suites`, `groups`, `keys`, `certificate`, `http`, `client_auth`, `severity`, `waivers`",
        ),
        (
            "[certificate]\ntrusted = yes\n",
            "ci/policy.toml:2:11: certificate.trusted: string values must be quoted, expected literal string",
        ),
    ];
    for (text, expected) in cases {
        let error = error_of(text);
        assert!(
            error.starts_with(expected),
            "for\n{text}\nexpected\n  {expected}\ngot\n  {error}"
        );
    }
}

#[test]
fn policy_check_summarises_a_valid_file_and_refuses_an_invalid_one() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let valid = dir.path().join("policy.toml");
    fs::write(
        &valid,
        r#"extends = "mozilla-intermediate"
fail_on = "medium"

[cipher_suites]
forbid = ["cbc", "no-forward-secrecy"]

[severity]
"hsts.short-max-age" = "info"

[[waivers]]
finding = "protocol.tls11"
target = "legacy-*.example.com"
reason = "old terminals"
expires = "2099-12-31"

[[waivers]]
finding = "protocol.tls10"
reason = "gone"
expires = "2020-01-31"
"#,
    )
    .expect("write policy");
    let output = tlscheck(["policy", "check", valid.to_str().expect("path")]);
    assert_eq!(output.code, 0, "{output}");
    let expected = format!(
        "{}: valid
  extends mozilla-intermediate@6.0
  fail_on medium
  1 rules of its own, 13 from the profile
    cipher_suites.forbid cbc, no-forward-secrecy
  severity of hsts.short-max-age: info
  waiver for protocol.tls11 on legacy-*.example.com, until 2099-12-31: old terminals
  waiver for protocol.tls10 on every target, EXPIRED with 2020-01-31 (it is now ",
        valid.display()
    );
    assert!(output.stdout.starts_with(&expected), "{output}");
    assert!(
        output.stdout.ends_with("): no longer applies: gone\n"),
        "{output}"
    );

    let invalid = dir.path().join("bad.toml");
    fs::write(&invalid, "[protocols]\nmin = \"TLS 1.2\"\n").expect("write policy");
    let output = tlscheck(["policy", "check", invalid.to_str().expect("path")]);
    assert_eq!(output.code, 2, "{output}");
    assert_eq!(output.stdout, "");
    assert_eq!(
        output.stderr,
        format!(
            "tlscheck: error: {}:2:7: protocols.min: unknown protocol 'TLS 1.2' (one of SSLv2, SSLv3, TLSv1.0, TLSv1.1, TLSv1.2, TLSv1.3)\n",
            invalid.display()
        )
    );

    let missing = tlscheck(["policy", "check", "/nonexistent/policy.toml"]);
    assert_eq!(missing.code, 2, "{missing}");
    assert!(
        missing
            .stderr
            .starts_with("tlscheck: error: cannot read policy file '/nonexistent/policy.toml': "),
        "{missing}"
    );
    // A scan with a bad policy file stops before it starts: a usage error.
    let scan = tlscheck(["good.test", "--policy", invalid.to_str().expect("path")]);
    assert_eq!(scan.code, 2, "{scan}");
    assert_eq!(scan.stdout, "");
}

/// Every rule's value, without where it came from.
fn values(rules: &Rules) -> String {
    let mut out = String::new();
    macro_rules! each {
        ($($field:ident),*) => {
            $(out.push_str(&format!(
                "{}: {:?}\n",
                stringify!($field),
                rules.$field.as_ref().map(|rule| &rule.value)
            ));)*
        };
    }
    each!(
        versions,
        suites,
        forbidden_suites,
        groups,
        forbidden_groups,
        server_preferred_order,
        rsa_key_size,
        ec_key_size,
        dh_param_size,
        ecdh_param_size,
        certificate_types,
        certificate_curves,
        certificate_signatures,
        maximum_certificate_lifespan,
        min_days_left,
        min_lifetime_left,
        ocsp_staple,
        trusted,
        hostname_match,
        issuer,
        san,
        fingerprints,
        redirect,
        hsts,
        hsts_min_age,
        hsts_include_subdomains,
        hsts_preload,
        client_auth_required
    );
    out
}

#[test]
fn every_built_in_profile_shown_as_a_file_reads_back_as_the_same_rules() {
    let names = Profile::names();
    assert_eq!(names.len(), 5, "{names:?}");
    for name in names {
        let output = tlscheck(["policy", "show", &name]);
        assert_eq!(output.code, 0, "{output}");
        let file = PolicyFile::parse("shown.toml", &output.stdout)
            .unwrap_or_else(|error| panic!("{name}: {error}\n{}", output.stdout));
        let profile = Profile::builtin(&name).expect("profile");
        assert_eq!(values(&file.rules), values(&profile.rules), "{name}");
        assert!(file.extends.is_none());
        // The profile's own severities come along, so the file judges as the profile does.
        for (id, severity) in &file.overrides {
            assert_eq!(*severity, id.default_severity(), "{name}: {id}");
        }
    }
    let unknown = tlscheck(["policy", "show", "mozilla-ancient"]);
    assert_eq!(unknown.code, 2, "{unknown}");
    assert!(
        unknown.stderr.contains("is not a built-in profile"),
        "{unknown}"
    );
}

#[test]
fn a_policy_file_gates_the_seed_nginx_with_classes_and_waivers() {
    let nginx = NginxServer::seed_legacy().start();
    let dir = tempfile::tempdir().expect("temporary directory");
    let policy = dir.path().join("policy.toml");
    let scan_with = |text: &str| {
        fs::write(&policy, text).expect("write policy");
        let mut args = nginx.scan_args();
        args.extend(
            [
                "--ca-file",
                &cert("root.pem"),
                "--policy",
                policy.to_str().expect("path"),
            ]
            .map(String::from),
        );
        scan(args)
    };
    let deviations = |report: &serde_json::Value| -> Vec<(String, String, String, bool)> {
        array_at(report, "/findings")
            .iter()
            .filter(|f| f["id"].as_str().is_some_and(|id| id.starts_with("policy.")))
            .map(|f| {
                (
                    str_at(f, "/id").to_string(),
                    str_at(f, "/severity").to_string(),
                    str_at(f, "/evidence").to_string(),
                    !f["waiver"].is_null(),
                )
            })
            .collect()
    };

    // TLS 1.2 and later, no CBC, forward secrecy only: the seed breaks all three.
    let (output, report) = scan_with(
        r#"
[protocols]
min = "TLSv1.2"
[cipher_suites]
forbid = ["cbc", "no-forward-secrecy"]
"#,
    );
    assert_eq!(output.code, 1, "{output}");
    let name = policy.display().to_string();
    let document: serde_json::Value = serde_json::from_str(&output.stdout).expect("JSON");
    assert_at(&document, "/policy", name.as_str());
    let found = deviations(&report);
    let versions = found
        .iter()
        .find(|(id, ..)| id == "policy.tls-versions")
        .unwrap_or_else(|| panic!("{found:?}"));
    assert_eq!(versions.1, "high");
    assert_eq!(
        versions.2,
        format!("{name} (protocols.min = TLSv1.2): TLSv1.0, TLSv1.1 accepted")
    );
    let suites = found
        .iter()
        .find(|(id, ..)| id == "policy.cipher-suites")
        .unwrap_or_else(|| panic!("{found:?}"));
    assert!(
        suites.2.starts_with(&format!(
            "{name} (cipher_suites.forbid cbc, no-forward-secrecy): forbidden: TLSv1.0: "
        )),
        "{suites:?}"
    );
    // Every CBC or static-RSA suite the seed accepts is listed, and no AEAD forward-secret one.
    for version in array_at(&report, "/enumeration/cipher_suites") {
        for suite in array_at(version, "/suites") {
            let name = str_at(suite, "/name");
            let forbidden = name.contains("_CBC_") || name.starts_with("TLS_RSA_");
            assert_eq!(suites.2.contains(name), forbidden, "{name}: {}", suites.2);
        }
    }

    // The same file with both waived until 2099, and every finding that failed too: it passes,
    // and the waived findings say why.
    let failing: Vec<String> = array_at(&report, "/findings")
        .iter()
        .filter(|f| ["high", "critical"].contains(&str_at(f, "/severity")))
        .map(|f| str_at(f, "/id").to_string())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut waived = String::from(
        "[protocols]\nmin = \"TLSv1.2\"\n[cipher_suites]\nforbid = [\"cbc\", \"no-forward-secrecy\"]\n",
    );
    for id in &failing {
        waived.push_str(&format!(
            "[[waivers]]\nfinding = \"{id}\"\ntarget = \"good.*\"\nreason = \"legacy clients until the upgrade\"\nexpires = \"2099-12-31\"\n"
        ));
    }
    let (output, report) = scan_with(&waived);
    assert_eq!(output.code, 0, "{output}\n{waived}");
    let found = deviations(&report);
    assert!(found
        .iter()
        .any(|(id, _, _, waived)| id == "policy.tls-versions" && *waived));
    let waiver = array_at(&report, "/findings")
        .iter()
        .find(|f| f["id"] == "policy.tls-versions")
        .map(|f| f["waiver"].clone())
        .expect("waived finding");
    assert_eq!(
        waiver,
        serde_json::json!({"reason": "legacy clients until the upgrade", "expires": "2099-12-31"})
    );
    // The table says so too.
    let mut table_args = nginx.scan_args();
    table_args.extend(
        [
            "--ca-file",
            &cert("root.pem"),
            "--policy",
            policy.to_str().expect("path"),
        ]
        .map(String::from),
    );
    let table = tlscheck(&table_args);
    assert_eq!(table.code, 0, "{table}");
    assert!(
        table
            .stdout
            .contains("Waived until 2099-12-31: legacy clients until the upgrade"),
        "{table}"
    );
    assert!(
        table
            .stdout
            .contains(&format!(" waived; --fail-on high, policy {name})")),
        "{table}"
    );

    // SARIF suppresses the waived results, and stays valid SARIF 2.1.0.
    let mut sarif_args = table_args.clone();
    sarif_args.extend(["--format".to_string(), "sarif".to_string()]);
    let sarif = tlscheck(&sarif_args);
    assert_eq!(sarif.code, 0, "{sarif}");
    let document: serde_json::Value = serde_json::from_str(&sarif.stdout).expect("SARIF JSON");
    let schema: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(testdata_path("sarif/sarif-schema-2.1.0.json")).expect("schema"),
    )
    .expect("schema JSON");
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&document)
        .map(|error| format!("{error} at {}", error.instance_path))
        .collect();
    assert!(errors.is_empty(), "not SARIF 2.1.0:\n{}", errors.join("\n"));
    let suppressed = document["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|result| result["ruleId"] == "policy.tls-versions")
        .map(|result| result["suppressions"].clone())
        .expect("a policy.tls-versions result");
    assert_eq!(suppressed[0]["kind"], "external");
    // Each result is anchored to the policy file.
    let location = &document["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], name.as_str());
    assert_eq!(
        suppressed[0]["justification"],
        "legacy clients until the upgrade (waived until 2099-12-31)"
    );

    // Expired waivers stop applying and say so.
    let (output, report) = scan_with(&waived.replace("2099-12-31", "2021-06-30"));
    assert_eq!(output.code, 1, "{output}");
    let expired: Vec<String> = array_at(&report, "/findings")
        .iter()
        .filter(|f| f["id"] == "policy.waiver-expired")
        .map(|f| str_at(f, "/evidence").to_string())
        .collect();
    assert!(!expired.is_empty());
    assert!(
        expired.iter().any(|evidence| evidence.starts_with(
            "the waiver for policy.tls-versions (\"legacy clients until the upgrade\") ended with 2021-06-30"
        )),
        "{expired:?}"
    );
}
