//! `tlscheck serve` behind a real Prometheus (Debian's `prometheus` package) on 127.0.0.1, with
//! the scrape configurations of our README (read from it, with loopback addresses put in): the
//! one blackbox_exporter's README shows (the target as `__param_target`, then `instance`, the
//! exporter as `__address__`), and the series Prometheus stored, read back through its HTTP API;
//! then two exporters sharing a target list by `hashmod` relabeling, each target probed by
//! exactly one of them, once per scrape interval.

mod common;

use std::collections::BTreeMap;
use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

use common::*;

/// Not after of testdata/certs/expired.pem: 2021-01-01T00:00:00Z (testdata/certs/generate.sh).
const EXPIRED_NOT_AFTER: f64 = 1_609_459_200.0;

/// A fixture's notAfter in Unix seconds, as openssl and GNU date read it.
fn not_after(fixture: &str) -> f64 {
    let openssl = require_tool("openssl");
    let output = Command::new(openssl)
        .args(["x509", "-noout", "-enddate", "-in"])
        .arg(cert_path(fixture))
        .output()
        .expect("openssl x509 -enddate");
    let text = String::from_utf8_lossy(&output.stdout);
    let date = text.trim().trim_start_matches("notAfter=");
    let output = Command::new("date")
        .args(["-u", "-d", date, "+%s"])
        .output()
        .expect("date");
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("date could not read {date:?}"))
}

/// A `global` section scraping every `interval`, with the same scrape timeout.
fn global(interval: &str) -> String {
    format!("global:\n  scrape_interval: {interval}\n  scrape_timeout: {interval}\n")
}

/// `['a', 'b']`.
fn yaml_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|item| format!("'{item}'")).collect();
    format!("[{}]", quoted.join(", "))
}

#[test]
fn prometheus_stores_the_series_of_blackbox_style_scrapes() {
    let nginx = NginxServer::well_configured().start();
    let expired = OpensslServer::new("expired-fullchain.pem", "expired.key").start();
    let closed = free_port();
    let mut args = vec![
        "--allow".to_string(),
        "*.test:443".to_string(),
        "--ca-file".to_string(),
        cert("root.pem"),
        "--no-http".to_string(),
    ];
    args.extend(connect_to("good.test", 443, nginx.https_port));
    args.extend(connect_to("expired.test", 443, expired.port()));
    args.extend(connect_to("closed.test", 443, closed));
    let exporter = Exporter::start(&args);
    let targets: Vec<String> = ["good.test:443", "expired.test:443", "closed.test:443"]
        .map(String::from)
        .to_vec();
    // The README's configuration, with the lab's targets and the exporter's loopback address.
    let scrape = replaced(
        &readme_yaml("prometheus-scrape"),
        "['www.example.com:443', 'api.example.com:443']",
        &yaml_list(&targets),
        1,
    );
    let scrape = replaced(&scrape, "127.0.0.1:9219", &exporter.addr.to_string(), 2);
    let prometheus = PrometheusServer::start(&format!("{}{scrape}", global("2s")));

    let limit = Duration::from_secs(30);
    let success = prometheus.wait_for("probe_success{job=\"tlscheck\"}", "instance", limit, |v| {
        v.len() == 3
    });
    let expected: BTreeMap<String, f64> = [
        ("closed.test:443".to_string(), 0.0),
        ("expired.test:443".to_string(), 1.0),
        ("good.test:443".to_string(), 1.0),
    ]
    .into();
    assert_eq!(success, expected, "probe_success by instance");
    // Prometheus stated its 2 s scrape timeout; each probe had 1.5 s of it.
    let log = exporter.process.log();
    let probes: Vec<&str> = log
        .lines()
        .filter(|l| l.contains(" probe target="))
        .collect();
    assert!(
        !probes.is_empty() && probes.iter().all(|l| l.ends_with("budget_seconds=1.500")),
        "{log}"
    );
    // Every scrape was answered, the failed probe too.
    let up = prometheus.values_by("up{job=\"tlscheck\"}", "instance");
    assert!(up.values().all(|value| *value == 1.0), "{up:?}");

    // Certificate expiry: present for the expired certificate, absent for the closed port.
    let expiry = prometheus.values_by("probe_ssl_earliest_cert_expiry", "instance");
    let good_expiry = not_after("good.pem").min(not_after("intermediate.pem"));
    let expected: BTreeMap<String, f64> = [
        ("expired.test:443".to_string(), EXPIRED_NOT_AFTER),
        ("good.test:443".to_string(), good_expiry),
    ]
    .into();
    assert_eq!(
        expiry, expected,
        "probe_ssl_earliest_cert_expiry by instance"
    );
    // The alert blackbox_exporter's users write: expired and unreachable are told apart.
    let expired_now =
        prometheus.values_by("probe_ssl_earliest_cert_expiry - time() < 0", "instance");
    assert_eq!(
        expired_now.keys().collect::<Vec<_>>(),
        vec!["expired.test:443"]
    );
    let down = prometheus.values_by("probe_success == 0", "instance");
    assert_eq!(down.keys().collect::<Vec<_>>(), vec!["closed.test:443"]);

    let fingerprint = openssl_sha256_fingerprint("good.pem")
        .replace(':', "")
        .to_lowercase();
    let info = prometheus.query(&format!(
        "probe_ssl_last_chain_info{{instance=\"good.test:443\",fingerprint_sha256=\"{fingerprint}\",subject=\"CN=good.test\"}}"
    ));
    assert_eq!(info.len(), 1, "{info:?}");
    assert_eq!(info[0]["metric"]["job"], "tlscheck");
    assert!(
        info[0]["metric"].get("target").is_none(),
        "no target label: {info:?}"
    );
    let versions = prometheus.query("probe_tls_version_info{instance=\"good.test:443\"}");
    assert_eq!(versions.len(), 1, "{versions:?}");
    assert_eq!(versions[0]["metric"]["version"], "TLS 1.3");

    let failing = prometheus.values_by("tlscheck_verdict{verdict=\"fail\"} == 1", "instance");
    assert_eq!(failing.keys().collect::<Vec<_>>(), vec!["expired.test:443"]);
    let unreachable =
        prometheus.values_by("tlscheck_verdict{verdict=\"unreachable\"} == 1", "instance");
    assert_eq!(
        unreachable.keys().collect::<Vec<_>>(),
        vec!["closed.test:443"]
    );
    // module=full: the enumeration's facts are there.
    let tls10 = prometheus.values_by(
        "tlscheck_legacy_protocol_accepted{version=\"TLS 1.0\"}",
        "instance",
    );
    assert_eq!(tls10.get("good.test:443"), Some(&0.0), "{tls10:?}");

    // The exporter's own metrics, scraped by their own job.
    let probes = prometheus.wait_for(
        "tlscheck_exporter_probes_total{job=\"tlscheck_exporter\"}",
        "result",
        limit,
        |v| {
            v.get("success").is_some_and(|n| *n >= 2.0)
                && v.get("failure").is_some_and(|n| *n >= 1.0)
        },
    );
    assert!(probes.len() == 2, "{probes:?}");
    let forbidden = prometheus.values_by(
        "tlscheck_exporter_requests_refused_total{reason=\"forbidden\"}",
        "job",
    );
    assert_eq!(forbidden.get("tlscheck_exporter"), Some(&0.0));
}

/// Per target, how many probes each exporter logged.
fn probes_by_target(exporters: &[&Exporter]) -> Vec<BTreeMap<String, usize>> {
    exporters
        .iter()
        .map(|exporter| {
            let mut counts = BTreeMap::new();
            for target in exporter.probed_targets() {
                *counts.entry(target).or_insert(0) += 1;
            }
            counts
        })
        .collect()
}

#[test]
fn two_exporters_share_the_targets_by_hashmod_each_probed_once_per_interval() {
    let nginx = NginxServer::well_configured().start();
    let targets: Vec<String> = (1..=8).map(|n| format!("site{n}.test:443")).collect();
    let mut args = vec![
        "--allow".to_string(),
        "*.test:443".to_string(),
        "--ca-file".to_string(),
        cert("root.pem"),
        "--no-http".to_string(),
    ];
    for target in &targets {
        let name = target.trim_end_matches(":443");
        args.extend(connect_to(name, 443, nginx.https_port));
    }
    let first = Exporter::start(&args);
    let second = Exporter::start(&args);
    let interval = Duration::from_secs(2);
    // The README's two jobs, reading the target list from a file as there.
    let dir = tempfile::tempdir().expect("target list directory");
    let list = dir.path().join("tlscheck-targets.yml");
    std::fs::write(&list, format!("- targets: {}\n", yaml_list(&targets))).expect("write targets");
    let jobs = replaced(
        &readme_yaml("prometheus-hashmod"),
        "/etc/prometheus/tlscheck-targets.yml",
        &list.display().to_string(),
        2,
    );
    let jobs = replaced(
        &jobs,
        "exporter-0.example.net:9219",
        &first.addr.to_string(),
        1,
    );
    let jobs = replaced(
        &jobs,
        "exporter-1.example.net:9219",
        &second.addr.to_string(),
        1,
    );
    let prometheus = PrometheusServer::start(&format!("{}{jobs}", global("2s")));

    // Prometheus' own view: each target in exactly one job, every target in one.
    let deadline = Instant::now() + Duration::from_secs(10);
    let health = loop {
        let health = prometheus.target_health();
        if health.len() == targets.len() || Instant::now() >= deadline {
            break health;
        }
        sleep(Duration::from_millis(100));
    };
    let mut jobs_of: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (job, instance, _) in &health {
        jobs_of
            .entry(instance.clone())
            .or_default()
            .push(job.clone());
    }
    assert_eq!(jobs_of.len(), targets.len(), "{health:?}");
    assert!(jobs_of.values().all(|jobs| jobs.len() == 1), "{jobs_of:?}");
    let shard_of = |job: &str| usize::from(job == "tlscheck-shard-1");
    let mut per_shard = [0, 0];
    for jobs in jobs_of.values() {
        per_shard[shard_of(&jobs[0])] += 1;
    }
    assert!(
        per_shard[0] > 0 && per_shard[1] > 0,
        "one shard is empty: {jobs_of:?}"
    );

    // Let every target be scraped twice, then count over six intervals.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let counts = probes_by_target(&[&first, &second]);
        let seen = |target: &String| {
            counts
                .iter()
                .map(|c| c.get(target).copied().unwrap_or(0))
                .sum::<usize>()
        };
        if targets.iter().all(|target| seen(target) >= 2) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not every target was probed twice: {counts:?}\n{}",
            prometheus.process.log()
        );
        sleep(Duration::from_millis(100));
    }
    let before = probes_by_target(&[&first, &second]);
    let window = interval * 6;
    sleep(window);
    let after = probes_by_target(&[&first, &second]);

    for target in &targets {
        let jobs = &jobs_of[target];
        let shard = shard_of(&jobs[0]);
        let other = 1 - shard;
        // Never probed by the other exporter, from the start.
        assert_eq!(
            after[other].get(target),
            None,
            "{target} (job {}) was probed by the other exporter too",
            jobs[0]
        );
        let during = after[shard].get(target).copied().unwrap_or(0)
            - before[shard].get(target).copied().unwrap_or(0);
        // Six intervals: six probes, one more or less for where the window falls.
        assert!(
            (5..=7).contains(&during),
            "{target} was probed {during} times in {window:?} (interval {interval:?}): {after:?}"
        );
    }

    // Each exporter's own count is its probes: every one a success on the shared nginx.
    for (index, exporter) in [&first, &second].into_iter().enumerate() {
        let logged: usize = probes_by_target(&[exporter])[0].values().sum();
        let counted = sample_value(
            &exporter.own_metrics(),
            "tlscheck_exporter_probes_total",
            &[("result", "success")],
        )
        .expect("probes_total");
        // A scrape may land between the two reads: the counter is never behind the log.
        assert!(
            counted >= logged as f64 && counted <= logged as f64 + per_shard[index] as f64,
            "exporter {index}: {counted} counted, {logged} logged"
        );
        assert_eq!(
            sample_value(
                &exporter.own_metrics(),
                "tlscheck_exporter_probes_total",
                &[("result", "failure")]
            ),
            Some(0.0)
        );
    }
    // And Prometheus stored each target's series under its shard's job only.
    let stored = prometheus.query("count by (instance, job) (probe_success)");
    assert_eq!(stored.len(), targets.len(), "{stored:?}");
    for series in &stored {
        let instance = series["metric"]["instance"].as_str().unwrap_or("");
        assert_eq!(
            series["metric"]["job"].as_str(),
            Some(jobs_of[instance][0].as_str()),
            "{series}"
        );
    }
}
