//! `tlscheck policy check FILE` and `tlscheck policy show NAME`: a policy file checked and
//! summarised, or a built-in profile written out as a policy file.

use crate::cli::settings::ConfigError;
use crate::cli::PolicyCommand;
use crate::facts::time::{rfc3339, unix_seconds};
use crate::output::Writer;
use crate::policy::file::show;
use crate::policy::{PolicyFile, Profile};

use super::{AppError, ExitCode};

pub fn run<W: std::io::Write>(
    command: PolicyCommand,
    out: &mut Writer<W>,
) -> Result<ExitCode, AppError> {
    match command {
        PolicyCommand::Check { file } => {
            let policy = PolicyFile::load(&file).map_err(ConfigError::from)?;
            out.write(summary(&policy, unix_seconds(std::time::SystemTime::now())).as_bytes())?;
        }
        PolicyCommand::Show { name } => {
            let profile = Profile::builtin(&name).map_err(ConfigError::from)?;
            out.write(show(&profile).as_bytes())?;
        }
    }
    Ok(ExitCode::Clean)
}

/// What a valid policy file holds, in words, judged at `now` for its waivers.
pub fn summary(policy: &PolicyFile, now: i64) -> String {
    let mut out = format!("{}: valid\n", policy.path);
    if let Some(profile) = &policy.extends {
        out.push_str(&format!("  extends {}\n", profile.name()));
    }
    if let Some(fail_on) = policy.fail_on {
        out.push_str(&format!("  fail_on {fail_on}\n"));
    }
    let rules = policy.rules.described();
    let (own, inherited): (Vec<_>, Vec<_>) = rules.iter().partition(|(_, from_file)| *from_file);
    out.push_str(&format!(
        "  {} rules of its own{}\n",
        own.len(),
        if inherited.is_empty() {
            String::new()
        } else {
            format!(", {} from the profile", inherited.len())
        }
    ));
    for (text, _) in &own {
        out.push_str(&format!("    {text}\n"));
    }
    for (id, severity) in &policy.overrides {
        out.push_str(&format!("  severity of {id}: {severity}\n"));
    }
    for waiver in &policy.waivers {
        let state = if now < waiver.expires_at {
            format!("until {}", waiver.expires)
        } else {
            format!(
                "EXPIRED with {} (it is now {}): no longer applies",
                waiver.expires,
                rfc3339(now)
            )
        };
        out.push_str(&format!(
            "  waiver for {} on {}, {state}: {}\n",
            waiver.finding,
            waiver.target.as_deref().unwrap_or("every target"),
            waiver.reason
        ));
    }
    out
}
