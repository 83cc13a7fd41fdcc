//! The `--suggest` output: for each target as it is scanned, the configuration fragment that
//! would pass the profile (written by `remediation::suggest`), in place of the report. Fragments
//! are separated by a blank line; each opens with a comment naming its target and profile.

use super::{Record, RecordRenderer, RenderError, SummaryRow};
use crate::policy::Profile;
use crate::remediation::suggest::{fragment, ProfileChoice, Site};
use crate::remediation::Server;

pub struct SuggestRenderer {
    server: Server,
    profile: Profile,
    choice: ProfileChoice,
}

impl SuggestRenderer {
    pub fn new(server: Server, profile: Profile, choice: ProfileChoice) -> SuggestRenderer {
        SuggestRenderer {
            server,
            profile,
            choice,
        }
    }
}

impl RecordRenderer for SuggestRenderer {
    fn record(&self, record: &Record) -> Result<Vec<u8>, RenderError> {
        let site = Site::of(&record.facts, &record.assessment.findings, &self.profile);
        let mut text = fragment(self.server, &self.profile, self.choice, &site);
        text.push('\n');
        Ok(text.into_bytes())
    }

    fn finish(&self, _summary: &[SummaryRow]) -> Result<Vec<u8>, RenderError> {
        Ok(Vec::new())
    }
}
