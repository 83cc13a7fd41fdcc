//! TLS alerts: level, description, and the descriptions' names (IANA "TLS Alerts").

use super::reader::{DecodeError, Reader};

/// How bad an alert is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertLevel {
    Warning,
    Fatal,
    /// A level byte that is neither 1 nor 2 (some broken stacks send 0).
    Unknown(u8),
}

impl AlertLevel {
    pub fn from_wire(value: u8) -> Self {
        match value {
            1 => AlertLevel::Warning,
            2 => AlertLevel::Fatal,
            other => AlertLevel::Unknown(other),
        }
    }
}

/// One alert as received.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Alert {
    pub level: AlertLevel,
    pub description: u8,
}

/// The descriptions that tell a prober something specific.
pub mod description {
    pub const CLOSE_NOTIFY: u8 = 0;
    pub const HANDSHAKE_FAILURE: u8 = 40;
    pub const ILLEGAL_PARAMETER: u8 = 47;
    pub const DECODE_ERROR: u8 = 50;
    pub const PROTOCOL_VERSION: u8 = 70;
    pub const INSUFFICIENT_SECURITY: u8 = 71;
    pub const INTERNAL_ERROR: u8 = 80;
    pub const INAPPROPRIATE_FALLBACK: u8 = 86;
    pub const UNRECOGNIZED_NAME: u8 = 112;
    pub const NO_APPLICATION_PROTOCOL: u8 = 120;
}

impl Alert {
    /// Reads the two bytes of an alert record's payload.
    pub fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let level = AlertLevel::from_wire(reader.u8("alert level")?);
        let description = reader.u8("alert description")?;
        Ok(Self { level, description })
    }

    pub fn is_fatal(&self) -> bool {
        self.level == AlertLevel::Fatal
    }

    /// The IANA name of the description (`handshake_failure`), if it has one.
    pub fn description_name(&self) -> Option<&'static str> {
        description_name(self.description)
    }
}

impl std::fmt::Display for Alert {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let level = match self.level {
            AlertLevel::Warning => "warning",
            AlertLevel::Fatal => "fatal",
            AlertLevel::Unknown(_) => "unknown-level",
        };
        match self.description_name() {
            Some(name) => write!(formatter, "{level} alert {name} ({})", self.description),
            None => write!(formatter, "{level} alert {}", self.description),
        }
    }
}

/// The IANA name of an alert description.
pub fn description_name(code: u8) -> Option<&'static str> {
    Some(match code {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        21 => "decryption_failed",
        22 => "record_overflow",
        30 => "decompression_failure",
        40 => "handshake_failure",
        41 => "no_certificate",
        42 => "bad_certificate",
        43 => "unsupported_certificate",
        44 => "certificate_revoked",
        45 => "certificate_expired",
        46 => "certificate_unknown",
        47 => "illegal_parameter",
        48 => "unknown_ca",
        49 => "access_denied",
        50 => "decode_error",
        51 => "decrypt_error",
        60 => "export_restriction",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        90 => "user_canceled",
        100 => "no_renegotiation",
        109 => "missing_extension",
        110 => "unsupported_extension",
        111 => "certificate_unobtainable",
        112 => "unrecognized_name",
        113 => "bad_certificate_status_response",
        114 => "bad_certificate_hash_value",
        115 => "unknown_psk_identity",
        116 => "certificate_required",
        120 => "no_application_protocol",
        121 => "ech_required",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_fatal_handshake_failure() {
        let alert = Alert::read(&mut Reader::new(&[2, 40])).unwrap();
        assert!(alert.is_fatal());
        assert_eq!(alert.description_name(), Some("handshake_failure"));
        assert_eq!(alert.to_string(), "fatal alert handshake_failure (40)");
    }

    #[test]
    fn keeps_unknown_levels_and_descriptions() {
        let alert = Alert::read(&mut Reader::new(&[7, 250])).unwrap();
        assert_eq!(alert.level, AlertLevel::Unknown(7));
        assert_eq!(alert.description_name(), None);
    }
}
