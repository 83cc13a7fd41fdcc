
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'tlscheck' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'tlscheck'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'tlscheck' {
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Read targets from FILE too (`-` for standard input): one per line, `#` comments, each optionally followed by its own --sni, --connect-to or --resolve')
            [CompletionResult]::new('--input', '--input', [CompletionResultType]::ParameterName, 'Read targets from FILE too (`-` for standard input): one per line, `#` comments, each optionally followed by its own --sni, --connect-to or --resolve')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--fix-for', '--fix-for', [CompletionResultType]::ParameterName, 'Which server''s fixes the table shows (JSON always has all)')
            [CompletionResult]::new('--unreachable', '--unreachable', [CompletionResultType]::ParameterName, 'With --format nagios: the state of a target that could not be scanned (never OK)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send (SNI) and check the certificate against, instead of the target''s host')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to ADDR:PORT when HOST:PORT is asked for, like curl (repeatable; empty fields match any)')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Use ADDR for HOST:PORT, like curl (repeatable)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Also trust the CA certificates in this PEM file (repeatable), e.g. a private CA (a regular file of at most 4 MiB)')
            [CompletionResult]::new('--trust', '--trust', [CompletionResultType]::ParameterName, 'Root store to judge the chain against')
            [CompletionResult]::new('--client-cert', '--client-cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM, with its chain) to present for mutual TLS (at most 4 MiB)')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'Private key (PEM, not encrypted) of --client-cert (at most 4 MiB)')
            [CompletionResult]::new('--http-port', '--http-port', [CompletionResultType]::ParameterName, 'Port of the plain-HTTP redirect check (1 to 65535)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for each network step (resolve, connect, handshake, response), 0.001 to 86400')
            [CompletionResult]::new('--target-timeout', '--target-timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for each target as a whole, 0.001 to 86400; what is not measured by then is reported as such')
            [CompletionResult]::new('--warn-days', '--warn-days', [CompletionResultType]::ParameterName, 'Warn when the certificate expires within this many days, 0 to 36500 (one valid for at most 100 days and under three times this: when a third of its lifetime or less is left)')
            [CompletionResult]::new('--crit-days', '--crit-days', [CompletionResultType]::ParameterName, 'Critical when the certificate expires within this many days, 0 to --warn-days (short-lived ones, as for --warn-days: when a tenth of its lifetime or less is left)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding is at least this severe [default: the policy file''s fail_on, else high]')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Profile to check against: mozilla-intermediate, mozilla-modern, mozilla-old@5.7 (NAME@VERSION for an older guideline), none, or a policy file (TOML; see `tlscheck policy show`)')
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'An earlier JSON report to compare this scan with: what changed is printed after the report (inside the JSON document as `drift`; on stderr for junit and sarif), and a regression exits 1 (see `tlscheck diff --help`)')
            [CompletionResult]::new('--suggest', '--suggest', [CompletionResultType]::ParameterName, 'Instead of the report, print per target a configuration fragment for SERVER that would pass --policy (with none: mozilla-intermediate), named for the target; the exit code is still the scan''s')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Connections open at once to one server address, by every probe of every target (1 to 1000)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Targets scanned at once (1 to 10000)')
            [CompletionResult]::new('--no-http', '--no-http', [CompletionResultType]::ParameterName, 'Skip the plain-HTTP redirect check')
            [CompletionResult]::new('--all-ips', '--all-ips', [CompletionResultType]::ParameterName, 'Scan every address of a name (A and AAAA, or every --resolve), not only the first, and say where they differ (certificate, protocols, suites)')
            [CompletionResult]::new('--quick', '--quick', [CompletionResultType]::ParameterName, 'Skip the protocol, cipher-suite and group enumeration (one handshake instead of dozens)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Start local demo servers (good, misconfigured, mutual TLS) on 127.0.0.1 and scan them')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Compare two JSON reports (schema_version 1 or 2) and list what changed; exit 1 on a regression')
            [CompletionResult]::new('policy', 'policy', [CompletionResultType]::ParameterValue, 'Check a policy file, or print a built-in profile as a policy file to start from')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run as a Prometheus exporter: /probe?target=HOST:PORT scans one target and answers with its metrics (blackbox_exporter''s multi-target pattern), /metrics with the exporter''s own')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tlscheck;demo' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--fix-for', '--fix-for', [CompletionResultType]::ParameterName, 'Which server''s fixes the table shows (JSON always has all)')
            [CompletionResult]::new('--unreachable', '--unreachable', [CompletionResultType]::ParameterName, 'With --format nagios: the state of a target that could not be scanned (never OK)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tlscheck;diff' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the text (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tlscheck;policy' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check a policy file: exit 0 and a summary when it is valid, else exit 2 and what is wrong (file, line, column and key)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print a built-in profile (mozilla-intermediate, mozilla-modern@6.0, mozilla-old@5.7, ...) as a policy file stating each of its rules')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tlscheck;policy;check' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'tlscheck;policy;show' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'tlscheck;policy;help' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check a policy file: exit 0 and a summary when it is valid, else exit 2 and what is wrong (file, line, column and key)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print a built-in profile (mozilla-intermediate, mozilla-modern@6.0, mozilla-old@5.7, ...) as a policy file stating each of its rules')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tlscheck;policy;help;check' {
            break
        }
        'tlscheck;policy;help;show' {
            break
        }
        'tlscheck;policy;help;help' {
            break
        }
        'tlscheck;serve' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address and port to listen on for HTTP')
            [CompletionResult]::new('--allow', '--allow', [CompletionResultType]::ParameterName, 'Targets the exporter may probe: HOST or HOST:PORT, * and ? as wildcards (*.example.com, www.example.com:443, 10.1.2.*:*, [2001:db8::1]:443); repeatable and required (--allow ''*'' lets anyone who reaches the exporter have it probe any host)')
            [CompletionResult]::new('--max-concurrent-probes', '--max-concurrent-probes', [CompletionResultType]::ParameterName, 'Probes running at once, 1 to 10000; a scrape beyond them gets HTTP 503')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Policy of a probe whose scrape names none: a built-in profile (mozilla-intermediate, mozilla-modern, mozilla-old@5.7, ...), none, or a policy file (TOML)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'A finding at least this severe fails the target (tlscheck_verdict) [default: the policy file''s fail_on, else high]')
            [CompletionResult]::new('--warn-days', '--warn-days', [CompletionResultType]::ParameterName, 'Warn when the certificate expires within this many days (0 to 36500)')
            [CompletionResult]::new('--crit-days', '--crit-days', [CompletionResultType]::ParameterName, 'Critical when the certificate expires within this many days (0 to --warn-days)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for each network step (resolve, connect, handshake, response), 0.001 to 86400')
            [CompletionResult]::new('--target-timeout', '--target-timeout', [CompletionResultType]::ParameterName, 'Most seconds a probe may take, whatever the scrape timeout (0.001 to 86400)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Also trust the CA certificates in this PEM file (repeatable), e.g. a private CA (a regular file of at most 4 MiB)')
            [CompletionResult]::new('--trust', '--trust', [CompletionResultType]::ParameterName, 'Root store to judge the chain against')
            [CompletionResult]::new('--client-cert', '--client-cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM, with its chain) to present for mutual TLS (at most 4 MiB)')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'Private key (PEM, not encrypted) of --client-cert (at most 4 MiB)')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to ADDR:PORT when HOST:PORT is asked for (repeatable); --allow is matched against what was asked for')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Use ADDR for HOST:PORT (repeatable)')
            [CompletionResult]::new('--http-port', '--http-port', [CompletionResultType]::ParameterName, 'Port of the plain-HTTP redirect check, on the target''s host (1 to 65535)')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Connections open at once to one server address, across all probes (1 to 1000)')
            [CompletionResult]::new('--no-http', '--no-http', [CompletionResultType]::ParameterName, 'Skip the plain-HTTP redirect check')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tlscheck;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'tlscheck;help' {
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Start local demo servers (good, misconfigured, mutual TLS) on 127.0.0.1 and scan them')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Compare two JSON reports (schema_version 1 or 2) and list what changed; exit 1 on a regression')
            [CompletionResult]::new('policy', 'policy', [CompletionResultType]::ParameterValue, 'Check a policy file, or print a built-in profile as a policy file to start from')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run as a Prometheus exporter: /probe?target=HOST:PORT scans one target and answers with its metrics (blackbox_exporter''s multi-target pattern), /metrics with the exporter''s own')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tlscheck;help;demo' {
            break
        }
        'tlscheck;help;diff' {
            break
        }
        'tlscheck;help;policy' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check a policy file: exit 0 and a summary when it is valid, else exit 2 and what is wrong (file, line, column and key)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print a built-in profile (mozilla-intermediate, mozilla-modern@6.0, mozilla-old@5.7, ...) as a policy file stating each of its rules')
            break
        }
        'tlscheck;help;policy;check' {
            break
        }
        'tlscheck;help;policy;show' {
            break
        }
        'tlscheck;help;serve' {
            break
        }
        'tlscheck;help;completions' {
            break
        }
        'tlscheck;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
