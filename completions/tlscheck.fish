# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_tlscheck_global_optspecs
    string join \n i/input= f/format= color= fix-for= unreachable= sni= connect-to= resolve= ca-file= trust= client-cert= client-key= http-port= no-http timeout= target-timeout= warn-days= crit-days= fail-on= policy= baseline= suggest= all-ips quick max-connections= concurrency= h/help V/version
end

function __fish_tlscheck_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_tlscheck_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_tlscheck_using_subcommand
    set -l cmd (__fish_tlscheck_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c tlscheck -n "__fish_tlscheck_needs_command" -s i -l input -d 'Read targets from FILE too (`-` for standard input): one per line, `#` comments, each optionally followed by its own --sni, --connect-to or --resolve' -r -F
complete -c tlscheck -n "__fish_tlscheck_needs_command" -s f -l format -d 'Output format' -r -f -a "table\t'Readable tables'
json\t'One JSON document (see src/report/wire/report.schema.json)'
junit\t'JUnit XML for CI test reports: a testsuite per target, a testcase per rule'
sarif\t'SARIF 2.1.0 for code scanning (GitHub): the catalogue as rules, findings as results'
markdown\t'Markdown for a pull-request comment: verdict first, failing findings only'
jsonl\t'JSON Lines: one line per target as it is scanned, then a summary line'
nagios\t'A Nagios/Icinga plugin: a status line with performance data, long output per target, and the plugin\'s exit code (see below)'
prometheus\t'Prometheus text exposition (blackbox_exporter\'s probe_* metrics and tlscheck_* ones), one target label per target, e.g. for node_exporter\'s textfile collector'"
complete -c tlscheck -n "__fish_tlscheck_needs_command" -l color -d 'When to colour the table (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tlscheck -n "__fish_tlscheck_needs_command" -l fix-for -d 'Which server\'s fixes the table shows (JSON always has all)' -r -f -a "all\t''
nginx\t''
apache\t''
python\t'Python\'s ssl module / Flask'"
complete -c tlscheck -n "__fish_tlscheck_needs_command" -l unreachable -d 'With --format nagios: the state of a target that could not be scanned (never OK)' -r -f -a "critical\t'CRITICAL, as the Monitoring Plugins guidelines ask for refused connections and timeouts'
unknown\t'UNKNOWN, for setups that watch availability with another check'"
complete -c tlscheck -n "__fish_tlscheck_needs_command" -l sni -d 'Server name to send (SNI) and check the certificate against, instead of the target\'s host' -r
complete -c tlscheck -n "__fish_tlscheck_needs_command" -l connect-to -d 'Connect to ADDR:PORT when HOST:PORT is asked for, like curl (repeatable; empty fields match any)' -r
complete -c tlscheck -n "__fish_tlscheck_needs_command" -l resolve -d 'Use ADDR for HOST:PORT, like curl (repeatable)' -r
complete -c tlscheck -n "__fish_tlscheck_needs_command" -l ca-file -d 'Also trust the CA certificates in this PEM file (repeatable), e.g. a private CA (a regular file of at most 4 MiB)' -r -F
complete -c tlscheck -n "__fish_tlscheck_needs_command" -l trust -d 'Root store to judge the chain against' -r -f -a "webpki\t'Mozilla\'s roots built into tlscheck (same answer on every machine)'
system\t'The operating system\'s trust store'"
complete -c tlscheck -n "__fish_tlscheck_needs_command" -l client-cert -d 'Client certificate (PEM, with its chain) to present for mutual TLS (at most 4 MiB)' -r -F
complete -c tlscheck -n "__fish_tlscheck_needs_command" -l client-key -d 'Private key (PEM, not encrypted) of --client-cert (at most 4 MiB)' -r -F
complete -c tlscheck -n "__fish_tlscheck_needs_command" -l http-port -d 'Port of the plain-HTTP redirect check (1 to 65535)' -r
complete -c tlscheck -n "__fish_tlscheck_needs_command" -l timeout -d 'Seconds allowed for each network step (resolve, connect, handshake, response), 0.001 to 86400' -r
complete -c tlscheck -n "__fish_tlscheck_needs_command" -l target-timeout -d 'Seconds allowed for each target as a whole, 0.001 to 86400; what is not measured by then is reported as such' -r
complete -c tlscheck -n "__fish_tlscheck_needs_command" -l warn-days -d 'Warn when the certificate expires within this many days, 0 to 36500 (one valid for at most 100 days and under three times this: when a third of its lifetime or less is left)' -r
complete -c tlscheck -n "__fish_tlscheck_needs_command" -l crit-days -d 'Critical when the certificate expires within this many days, 0 to --warn-days (short-lived ones, as for --warn-days: when a tenth of its lifetime or less is left)' -r
complete -c tlscheck -n "__fish_tlscheck_needs_command" -l fail-on -d 'Exit 1 when a finding is at least this severe [default: the policy file\'s fail_on, else high]' -r -f -a "info\t''
low\t''
medium\t''
high\t''
critical\t''"
complete -c tlscheck -n "__fish_tlscheck_needs_command" -l policy -d 'Profile to check against: mozilla-intermediate, mozilla-modern, mozilla-old@5.7 (NAME@VERSION for an older guideline), none, or a policy file (TOML; see `tlscheck policy show`)' -r
complete -c tlscheck -n "__fish_tlscheck_needs_command" -l baseline -d 'An earlier JSON report to compare this scan with: what changed is printed after the report (inside the JSON document as `drift`; on stderr for junit and sarif), and a regression exits 1 (see `tlscheck diff --help`)' -r -F
complete -c tlscheck -n "__fish_tlscheck_needs_command" -l suggest -d 'Instead of the report, print per target a configuration fragment for SERVER that would pass --policy (with none: mozilla-intermediate), named for the target; the exit code is still the scan\'s' -r -f -a "nginx\t'nginx `server` blocks'
apache\t'Apache mod_ssl `VirtualHost`s'
python\t'Python\'s ssl module (an SSLContext) with Flask'"
complete -c tlscheck -n "__fish_tlscheck_needs_command" -l max-connections -d 'Connections open at once to one server address, by every probe of every target (1 to 1000)' -r
complete -c tlscheck -n "__fish_tlscheck_needs_command" -l concurrency -d 'Targets scanned at once (1 to 10000)' -r
complete -c tlscheck -n "__fish_tlscheck_needs_command" -l no-http -d 'Skip the plain-HTTP redirect check'
complete -c tlscheck -n "__fish_tlscheck_needs_command" -l all-ips -d 'Scan every address of a name (A and AAAA, or every --resolve), not only the first, and say where they differ (certificate, protocols, suites)'
complete -c tlscheck -n "__fish_tlscheck_needs_command" -l quick -d 'Skip the protocol, cipher-suite and group enumeration (one handshake instead of dozens)'
complete -c tlscheck -n "__fish_tlscheck_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tlscheck -n "__fish_tlscheck_needs_command" -s V -l version -d 'Print version'
complete -c tlscheck -n "__fish_tlscheck_needs_command" -a "demo" -d 'Start local demo servers (good, misconfigured, mutual TLS) on 127.0.0.1 and scan them'
complete -c tlscheck -n "__fish_tlscheck_needs_command" -a "diff" -d 'Compare two JSON reports (schema_version 1 or 2) and list what changed; exit 1 on a regression'
complete -c tlscheck -n "__fish_tlscheck_needs_command" -a "policy" -d 'Check a policy file, or print a built-in profile as a policy file to start from'
complete -c tlscheck -n "__fish_tlscheck_needs_command" -a "serve" -d 'Run as a Prometheus exporter: /probe?target=HOST:PORT scans one target and answers with its metrics (blackbox_exporter\'s multi-target pattern), /metrics with the exporter\'s own'
complete -c tlscheck -n "__fish_tlscheck_needs_command" -a "completions" -d 'Print a shell completion script'
complete -c tlscheck -n "__fish_tlscheck_needs_command" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tlscheck -n "__fish_tlscheck_using_subcommand demo" -s f -l format -d 'Output format' -r -f -a "table\t'Readable tables'
json\t'One JSON document (see src/report/wire/report.schema.json)'
junit\t'JUnit XML for CI test reports: a testsuite per target, a testcase per rule'
sarif\t'SARIF 2.1.0 for code scanning (GitHub): the catalogue as rules, findings as results'
markdown\t'Markdown for a pull-request comment: verdict first, failing findings only'
jsonl\t'JSON Lines: one line per target as it is scanned, then a summary line'
nagios\t'A Nagios/Icinga plugin: a status line with performance data, long output per target, and the plugin\'s exit code (see below)'
prometheus\t'Prometheus text exposition (blackbox_exporter\'s probe_* metrics and tlscheck_* ones), one target label per target, e.g. for node_exporter\'s textfile collector'"
complete -c tlscheck -n "__fish_tlscheck_using_subcommand demo" -l color -d 'When to colour the table (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tlscheck -n "__fish_tlscheck_using_subcommand demo" -l fix-for -d 'Which server\'s fixes the table shows (JSON always has all)' -r -f -a "all\t''
nginx\t''
apache\t''
python\t'Python\'s ssl module / Flask'"
complete -c tlscheck -n "__fish_tlscheck_using_subcommand demo" -l unreachable -d 'With --format nagios: the state of a target that could not be scanned (never OK)' -r -f -a "critical\t'CRITICAL, as the Monitoring Plugins guidelines ask for refused connections and timeouts'
unknown\t'UNKNOWN, for setups that watch availability with another check'"
complete -c tlscheck -n "__fish_tlscheck_using_subcommand demo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tlscheck -n "__fish_tlscheck_using_subcommand diff" -s f -l format -d 'Output format' -r -f -a "text\t'A line per change, grouped by target, then a summary line'
json\t'One JSON document (see src/report/wire/drift.schema.json)'
markdown\t'Markdown for a pull-request comment'"
complete -c tlscheck -n "__fish_tlscheck_using_subcommand diff" -l color -d 'When to colour the text (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tlscheck -n "__fish_tlscheck_using_subcommand diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tlscheck -n "__fish_tlscheck_using_subcommand policy; and not __fish_seen_subcommand_from check show help" -s h -l help -d 'Print help'
complete -c tlscheck -n "__fish_tlscheck_using_subcommand policy; and not __fish_seen_subcommand_from check show help" -f -a "check" -d 'Check a policy file: exit 0 and a summary when it is valid, else exit 2 and what is wrong (file, line, column and key)'
complete -c tlscheck -n "__fish_tlscheck_using_subcommand policy; and not __fish_seen_subcommand_from check show help" -f -a "show" -d 'Print a built-in profile (mozilla-intermediate, mozilla-modern@6.0, mozilla-old@5.7, ...) as a policy file stating each of its rules'
complete -c tlscheck -n "__fish_tlscheck_using_subcommand policy; and not __fish_seen_subcommand_from check show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tlscheck -n "__fish_tlscheck_using_subcommand policy; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c tlscheck -n "__fish_tlscheck_using_subcommand policy; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c tlscheck -n "__fish_tlscheck_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "check" -d 'Check a policy file: exit 0 and a summary when it is valid, else exit 2 and what is wrong (file, line, column and key)'
complete -c tlscheck -n "__fish_tlscheck_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print a built-in profile (mozilla-intermediate, mozilla-modern@6.0, mozilla-old@5.7, ...) as a policy file stating each of its rules'
complete -c tlscheck -n "__fish_tlscheck_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tlscheck -n "__fish_tlscheck_using_subcommand serve" -l listen -d 'Address and port to listen on for HTTP' -r
complete -c tlscheck -n "__fish_tlscheck_using_subcommand serve" -l allow -d 'Targets the exporter may probe: HOST or HOST:PORT, * and ? as wildcards (*.example.com, www.example.com:443, 10.1.2.*:*, [2001:db8::1]:443); repeatable and required (--allow \'*\' lets anyone who reaches the exporter have it probe any host)' -r
complete -c tlscheck -n "__fish_tlscheck_using_subcommand serve" -l max-concurrent-probes -d 'Probes running at once, 1 to 10000; a scrape beyond them gets HTTP 503' -r
complete -c tlscheck -n "__fish_tlscheck_using_subcommand serve" -l policy -d 'Policy of a probe whose scrape names none: a built-in profile (mozilla-intermediate, mozilla-modern, mozilla-old@5.7, ...), none, or a policy file (TOML)' -r
complete -c tlscheck -n "__fish_tlscheck_using_subcommand serve" -l fail-on -d 'A finding at least this severe fails the target (tlscheck_verdict) [default: the policy file\'s fail_on, else high]' -r -f -a "info\t''
low\t''
medium\t''
high\t''
critical\t''"
complete -c tlscheck -n "__fish_tlscheck_using_subcommand serve" -l warn-days -d 'Warn when the certificate expires within this many days (0 to 36500)' -r
complete -c tlscheck -n "__fish_tlscheck_using_subcommand serve" -l crit-days -d 'Critical when the certificate expires within this many days (0 to --warn-days)' -r
complete -c tlscheck -n "__fish_tlscheck_using_subcommand serve" -l timeout -d 'Seconds allowed for each network step (resolve, connect, handshake, response), 0.001 to 86400' -r
complete -c tlscheck -n "__fish_tlscheck_using_subcommand serve" -l target-timeout -d 'Most seconds a probe may take, whatever the scrape timeout (0.001 to 86400)' -r
complete -c tlscheck -n "__fish_tlscheck_using_subcommand serve" -l ca-file -d 'Also trust the CA certificates in this PEM file (repeatable), e.g. a private CA (a regular file of at most 4 MiB)' -r -F
complete -c tlscheck -n "__fish_tlscheck_using_subcommand serve" -l trust -d 'Root store to judge the chain against' -r -f -a "webpki\t'Mozilla\'s roots built into tlscheck (same answer on every machine)'
system\t'The operating system\'s trust store'"
complete -c tlscheck -n "__fish_tlscheck_using_subcommand serve" -l client-cert -d 'Client certificate (PEM, with its chain) to present for mutual TLS (at most 4 MiB)' -r -F
complete -c tlscheck -n "__fish_tlscheck_using_subcommand serve" -l client-key -d 'Private key (PEM, not encrypted) of --client-cert (at most 4 MiB)' -r -F
complete -c tlscheck -n "__fish_tlscheck_using_subcommand serve" -l connect-to -d 'Connect to ADDR:PORT when HOST:PORT is asked for (repeatable); --allow is matched against what was asked for' -r
complete -c tlscheck -n "__fish_tlscheck_using_subcommand serve" -l resolve -d 'Use ADDR for HOST:PORT (repeatable)' -r
complete -c tlscheck -n "__fish_tlscheck_using_subcommand serve" -l http-port -d 'Port of the plain-HTTP redirect check, on the target\'s host (1 to 65535)' -r
complete -c tlscheck -n "__fish_tlscheck_using_subcommand serve" -l max-connections -d 'Connections open at once to one server address, across all probes (1 to 1000)' -r
complete -c tlscheck -n "__fish_tlscheck_using_subcommand serve" -l no-http -d 'Skip the plain-HTTP redirect check'
complete -c tlscheck -n "__fish_tlscheck_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tlscheck -n "__fish_tlscheck_using_subcommand completions" -s h -l help -d 'Print help'
complete -c tlscheck -n "__fish_tlscheck_using_subcommand help; and not __fish_seen_subcommand_from demo diff policy serve completions help" -f -a "demo" -d 'Start local demo servers (good, misconfigured, mutual TLS) on 127.0.0.1 and scan them'
complete -c tlscheck -n "__fish_tlscheck_using_subcommand help; and not __fish_seen_subcommand_from demo diff policy serve completions help" -f -a "diff" -d 'Compare two JSON reports (schema_version 1 or 2) and list what changed; exit 1 on a regression'
complete -c tlscheck -n "__fish_tlscheck_using_subcommand help; and not __fish_seen_subcommand_from demo diff policy serve completions help" -f -a "policy" -d 'Check a policy file, or print a built-in profile as a policy file to start from'
complete -c tlscheck -n "__fish_tlscheck_using_subcommand help; and not __fish_seen_subcommand_from demo diff policy serve completions help" -f -a "serve" -d 'Run as a Prometheus exporter: /probe?target=HOST:PORT scans one target and answers with its metrics (blackbox_exporter\'s multi-target pattern), /metrics with the exporter\'s own'
complete -c tlscheck -n "__fish_tlscheck_using_subcommand help; and not __fish_seen_subcommand_from demo diff policy serve completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c tlscheck -n "__fish_tlscheck_using_subcommand help; and not __fish_seen_subcommand_from demo diff policy serve completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tlscheck -n "__fish_tlscheck_using_subcommand help; and __fish_seen_subcommand_from policy" -f -a "check" -d 'Check a policy file: exit 0 and a summary when it is valid, else exit 2 and what is wrong (file, line, column and key)'
complete -c tlscheck -n "__fish_tlscheck_using_subcommand help; and __fish_seen_subcommand_from policy" -f -a "show" -d 'Print a built-in profile (mozilla-intermediate, mozilla-modern@6.0, mozilla-old@5.7, ...) as a policy file stating each of its rules'
