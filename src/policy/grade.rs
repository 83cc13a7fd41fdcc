//! The SSL Labs letter grade, from the facts: the SSL Server Rating Guide's three scores
//! (protocol support 30 %, key exchange 30 %, cipher strength 40 %), its letter table, and the
//! caps its changes added over the years, including those of 2025 (no TLS 1.3, or HSTS missing
//! or short, caps at A-; TLS_FALLBACK_SCSV is no longer graded).
//!
//! Certificate trust is judged against the roots the scan used (`--ca-file` included), so a
//! home-made CA that was configured earns no T. Rules of the guide that need probes tlscheck
//! does not run yet are listed in [`NOT_GRADED`]: each of them can only lower a grade.

use crate::analysis::http::HSTS_MIN_MAX_AGE;
use crate::analysis::protocol::support;
use crate::facts::{HashAlgorithm, HostFacts, KeyAlgorithm, Outcome, SuiteFacts, SuiteId, Support};
use crate::tls::groups::{self, GroupKind};
use crate::tls::suites::by_code;
use crate::tls::ProtocolVersion;

/// Rules of the rating guide whose facts tlscheck does not collect yet.
pub const NOT_GRADED: &[&str] = &[
    "Heartbleed",
    "OpenSSL CCS injection (CVE-2014-0224)",
    "OpenSSL padding oracle (CVE-2016-2107)",
    "ROBOT",
    "Ticketbleed",
    "POODLE over TLS, Zombie POODLE, GOLDENDOODLE",
    "DROWN",
    "CRIME (TLS compression)",
    "secure renegotiation",
    "certificate revocation",
];

/// A letter of the rating guide. `T` (not trusted) and `M` (name mismatch) stand outside the
/// A+ to F scale: the letter the configuration would have earned is kept beside them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Letter {
    APlus,
    A,
    AMinus,
    B,
    C,
    D,
    E,
    F,
    T,
    M,
}

impl Letter {
    pub fn as_str(self) -> &'static str {
        match self {
            Letter::APlus => "A+",
            Letter::A => "A",
            Letter::AMinus => "A-",
            Letter::B => "B",
            Letter::C => "C",
            Letter::D => "D",
            Letter::E => "E",
            Letter::F => "F",
            Letter::T => "T",
            Letter::M => "M",
        }
    }

    pub fn parse(text: &str) -> Option<Letter> {
        [
            Letter::APlus,
            Letter::A,
            Letter::AMinus,
            Letter::B,
            Letter::C,
            Letter::D,
            Letter::E,
            Letter::F,
            Letter::T,
            Letter::M,
        ]
        .into_iter()
        .find(|letter| letter.as_str() == text)
    }

    /// Position on the A+ (0) to F (7) scale; T and M come after F.
    pub fn rank(self) -> u8 {
        match self {
            Letter::APlus => 0,
            Letter::A => 1,
            Letter::AMinus => 2,
            Letter::B => 3,
            Letter::C => 4,
            Letter::D => 5,
            Letter::E => 6,
            Letter::F => 7,
            Letter::T => 8,
            Letter::M => 9,
        }
    }

    /// The letter for a numerical score (the guide's Table 1).
    pub fn for_score(score: u32) -> Letter {
        match score {
            80.. => Letter::A,
            65.. => Letter::B,
            50.. => Letter::C,
            35.. => Letter::D,
            20.. => Letter::E,
            _ => Letter::F,
        }
    }
}

impl std::fmt::Display for Letter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One rule that limited the grade, and why it applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cap {
    pub letter: Letter,
    pub reason: String,
}

/// The grade of one target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grade {
    /// The final letter: A+ to F, or T or M.
    pub letter: Letter,
    /// For T and M, the letter the configuration earns apart from trust and name.
    pub underlying: Option<Letter>,
    /// 0 to 100: the weighted sum of the three scores, 0 when any of them is 0.
    pub score: u32,
    pub protocol_score: u32,
    pub key_exchange_score: u32,
    pub cipher_score: u32,
    /// Every cap that applied, worst first.
    pub caps: Vec<Cap>,
    /// What the scan could not measure, so the grade could not take it into account.
    pub unknown: Vec<String>,
}

impl Grade {
    /// `B`, or `T (B)` for a letter outside the scale with the one underneath.
    pub fn display(&self) -> String {
        match self.underlying {
            Some(underlying) => format!("{} ({underlying})", self.letter),
            None => self.letter.to_string(),
        }
    }

    /// The weighted sum in words: `86 = protocol 95 × 30% + key exchange 90 × 30% + …`.
    pub fn formula(&self) -> String {
        format!(
            "{} = protocol {} x 30% + key exchange {} x 30% + cipher {} x 40%",
            self.score, self.protocol_score, self.key_exchange_score, self.cipher_score
        )
    }
}

/// Protocol support score of a version (the guide's Table 2).
pub fn protocol_points(version: ProtocolVersion) -> u32 {
    match version {
        ProtocolVersion::Ssl2 => 0,
        ProtocolVersion::Ssl3 => 80,
        ProtocolVersion::Tls10 => 90,
        ProtocolVersion::Tls11 => 95,
        ProtocolVersion::Tls12 | ProtocolVersion::Tls13 => 100,
    }
}

/// Key exchange score of an RSA, DSA or finite-field DH key of `bits` (the guide's Table 3).
pub fn modulus_points(bits: u32) -> u32 {
    match bits {
        0..512 => 20,
        512..1024 => 40,
        1024..2048 => 80,
        2048..4096 => 90,
        _ => 100,
    }
}

/// Key exchange score of an elliptic-curve key of `bits`, by the RSA size of equal strength
/// (as testssl.sh scores them): P-256, X25519 and larger score 100.
pub fn curve_points(bits: u32) -> u32 {
    match bits {
        0..110 => 20,
        110..123 => 40,
        123..163 => 80,
        163..225 => 90,
        _ => 100,
    }
}

/// Cipher strength score of a bulk cipher of `bits` (the guide's Table 4).
pub fn cipher_points(bits: u32) -> u32 {
    match bits {
        0 => 0,
        1..128 => 20,
        128..256 => 80,
        _ => 100,
    }
}

/// A suite's bulk cipher strength in bits: its key bits, but 112 for 3DES (its 168-bit key
/// gives 112 bits of security against meet-in-the-middle) and 0 for a NULL cipher.
pub fn cipher_strength(suite: &SuiteFacts) -> u16 {
    if suite.null {
        0
    } else if suite.triple_des {
        suite.bits.min(112)
    } else {
        suite.bits
    }
}

/// The weakest suite the enumeration found the server accepting, with its version: the lowest
/// [`cipher_strength`], then no forward secrecy, then not AEAD, then the oldest version. None
/// without an enumeration (`--quick`) or when it found no suite.
pub fn weakest_suite(facts: &HostFacts) -> Option<(ProtocolVersion, &SuiteFacts)> {
    let enumeration = facts.enumeration.ok()?;
    enumeration
        .cipher_suites
        .iter()
        .flat_map(|list| list.suites.iter().map(move |suite| (list.version, suite)))
        .min_by_key(|(version, suite)| {
            (
                cipher_strength(suite),
                suite.forward_secrecy,
                suite.aead,
                *version,
            )
        })
}

/// The grade of a target, or none when nothing was reached to grade.
pub fn grade(facts: &HostFacts) -> Option<Grade> {
    if facts.unreachable.is_some() {
        return None;
    }
    let mut unknown = Vec::new();
    let mut caps = Vec::new();
    let mut cap = |letter: Letter, reason: String| caps.push(Cap { letter, reason });

    // What was accepted: versions, and each version's suites.
    let mut accepted = Vec::new();
    for version in ProtocolVersion::ALL {
        match support(facts, version) {
            Some(Support::Accepted(_)) => accepted.push(version),
            Some(Support::Refused(_)) => {}
            Some(Support::Unknown(_)) | None => {
                unknown.push(format!("whether {} is accepted", version.name()))
            }
        }
    }
    let (Some(&worst), Some(&best)) = (accepted.first(), accepted.last()) else {
        return None;
    };
    let mut suites: Vec<(ProtocolVersion, SuiteFacts)> = Vec::new();
    match facts.enumeration.ok() {
        Some(enumeration) => {
            for list in &enumeration.cipher_suites {
                if list.incomplete.is_some() {
                    unknown.push(format!("every {} suite", list.version.name()));
                }
                suites.extend(
                    list.suites
                        .iter()
                        .map(|suite| (list.version, suite.clone())),
                );
            }
            for version in &accepted {
                if !enumeration
                    .cipher_suites
                    .iter()
                    .any(|list| list.version == *version)
                {
                    unknown.push(format!("the {} suites", version.name()));
                }
            }
        }
        None => unknown.push("the suites and versions beyond the one negotiated".into()),
    }
    if let Some(connection) = facts.connection.ok() {
        let version = ProtocolVersion::ALL
            .into_iter()
            .find(|version| version.wire() == connection.protocol);
        let known = suites
            .iter()
            .any(|(_, suite)| suite.id == SuiteId::Tls(connection.cipher_suite));
        if let (Some(version), Some(suite), false) =
            (version, by_code(connection.cipher_suite), known)
        {
            suites.push((
                version,
                SuiteFacts::of(suite, None, connection.key_exchange_group),
            ));
        }
    }

    // Category 1: protocol support, the average of the best and the worst version.
    let protocol_score = (protocol_points(best) + protocol_points(worst)) / 2;
    let has = |version: ProtocolVersion| accepted.contains(&version);
    if has(ProtocolVersion::Ssl2) {
        cap(Letter::F, "SSLv2 is accepted".into());
    }
    if best <= ProtocolVersion::Ssl3 {
        cap(
            Letter::F,
            format!("{} is the best version accepted", best.name()),
        );
    }
    if has(ProtocolVersion::Ssl3) {
        cap(Letter::B, "SSLv3 is accepted".into());
        if suites
            .iter()
            .any(|(version, suite)| *version == ProtocolVersion::Ssl3 && suite.cbc)
        {
            cap(
                Letter::C,
                "SSLv3 is accepted with CBC suites (POODLE)".into(),
            );
        }
    }
    for version in [ProtocolVersion::Tls10, ProtocolVersion::Tls11] {
        if has(version) {
            cap(Letter::B, format!("{} is accepted", version.name()));
        }
    }
    if !has(ProtocolVersion::Tls12) && !has(ProtocolVersion::Tls13) {
        cap(Letter::C, "neither TLSv1.2 nor TLSv1.3 is accepted".into());
    }
    if matches!(
        support(facts, ProtocolVersion::Tls13),
        Some(Support::Refused(_))
    ) {
        cap(Letter::AMinus, "TLSv1.3 is not accepted".into());
    }
    let cbc_old = suites.iter().any(|(version, suite)| {
        *version <= ProtocolVersion::Tls10 && *version >= ProtocolVersion::Ssl3 && suite.cbc
    });
    if cbc_old && !accepted.iter().any(|v| *v >= ProtocolVersion::Tls11) {
        cap(
            Letter::B,
            "CBC suites with TLSv1.0 or SSLv3 and no later version to prefer (BEAST)".into(),
        );
    }

    // Category 2: key exchange, the weakest of the certificate's key and the ephemeral keys.
    let mut key_exchange_score = 100;
    let mut weakest = String::new();
    let mut weigh = |points: u32, what: String| {
        if points < key_exchange_score {
            key_exchange_score = points;
            weakest = what;
        }
    };
    let leaf = facts
        .chain
        .as_ref()
        .and_then(|chain| chain.certificates.first());
    match leaf {
        Some(leaf) => match leaf.key.algorithm {
            KeyAlgorithm::Rsa | KeyAlgorithm::Dsa => weigh(
                modulus_points(leaf.key.bits),
                format!(
                    "the certificate's {} key of {} bits",
                    leaf.key.algorithm.name(),
                    leaf.key.bits
                ),
            ),
            KeyAlgorithm::Ec | KeyAlgorithm::Ed25519 | KeyAlgorithm::Ed448 => weigh(
                curve_points(leaf.key.bits),
                format!(
                    "the certificate's {} key of {} bits",
                    leaf.key.algorithm.name(),
                    leaf.key.bits
                ),
            ),
            KeyAlgorithm::Other(_) => {}
        },
        None => unknown.push("the certificate's key".into()),
    }
    let mut ephemeral_groups: Vec<u16> = suites
        .iter()
        .filter_map(|(_, suite)| suite.ecdh_group)
        .collect();
    if let Some(enumeration) = facts.enumeration.ok() {
        ephemeral_groups.extend(&enumeration.groups);
    }
    if let Some(group) = facts.connection.ok().and_then(|c| c.key_exchange_group) {
        ephemeral_groups.push(group);
    }
    ephemeral_groups.sort_unstable();
    ephemeral_groups.dedup();
    for code in ephemeral_groups {
        let Some(group) = groups::by_code(code) else {
            continue;
        };
        match group.kind {
            GroupKind::EllipticCurve | GroupKind::Montgomery => {
                if let Some(bits) = super::rules::ecdh_bits(code) {
                    weigh(curve_points(bits), format!("the {} group", group.name));
                }
            }
            GroupKind::FiniteField => {
                if let Some(bytes) = group.key_share_len {
                    let bits = bytes as u32 * 8;
                    weigh(modulus_points(bits), format!("the {} group", group.name));
                }
            }
            GroupKind::PostQuantum | GroupKind::Hybrid => {}
        }
    }
    for (_, suite) in &suites {
        if let Some(bits) = suite.dh_bits {
            weigh(modulus_points(bits), format!("{}-bit DH parameters", bits));
        }
        if suite.export {
            weigh(40, format!("the export suite {}", suite.name));
        }
        if suite.anonymous {
            weigh(0, format!("the anonymous suite {}", suite.name));
        }
    }
    if key_exchange_score <= 40 {
        cap(
            Letter::F,
            format!("insecure key exchange: {weakest} (scores {key_exchange_score})"),
        );
    } else if key_exchange_score <= 80 {
        cap(
            Letter::B,
            format!("weak key exchange: {weakest} (scores {key_exchange_score})"),
        );
    }

    // Category 3: cipher strength, the average of the strongest and the weakest suite.
    let bits: Vec<u32> = suites
        .iter()
        .map(|(_, suite)| if suite.null { 0 } else { suite.bits as u32 })
        .collect();
    let cipher_score = match (bits.iter().max(), bits.iter().min()) {
        (Some(strongest), Some(weakest)) => {
            (cipher_points(*strongest) + cipher_points(*weakest)) / 2
        }
        _ => {
            unknown.push("the cipher suites".into());
            100
        }
    };
    let named = |filter: &dyn Fn(&ProtocolVersion, &SuiteFacts) -> bool| -> Vec<&str> {
        let mut names: Vec<&str> = suites
            .iter()
            .filter(|(version, suite)| filter(version, suite))
            .map(|(_, suite)| suite.name)
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    };
    let list = |names: &[&str]| {
        if names.len() > 3 {
            format!("{} and {} more", names[..3].join(", "), names.len() - 3)
        } else {
            names.join(", ")
        }
    };
    for (letter, what, found) in [
        (
            Letter::F,
            "anonymous suites",
            named(&|_, suite| suite.anonymous),
        ),
        (Letter::F, "export suites", named(&|_, suite| suite.export)),
        (
            Letter::F,
            "suites weaker than 112 bits",
            named(&|_, suite| suite.null || suite.bits < 112),
        ),
        (
            Letter::C,
            "RC4 with TLSv1.1 or later",
            named(&|version, suite| suite.rc4 && *version >= ProtocolVersion::Tls11),
        ),
        (Letter::B, "RC4 suites", named(&|_, suite| suite.rc4)),
        (
            Letter::C,
            "64-bit block ciphers with TLSv1.1 or later (SWEET32)",
            named(&|version, suite| {
                (suite.triple_des || suite.des) && *version >= ProtocolVersion::Tls11
            }),
        ),
    ] {
        if !found.is_empty() {
            cap(letter, format!("{what}: {}", list(&found)));
        }
    }
    if !suites.is_empty() && !suites.iter().any(|(_, suite)| suite.forward_secrecy) {
        cap(Letter::B, "no suite with forward secrecy".into());
    }
    if !suites.is_empty() && !suites.iter().any(|(_, suite)| suite.aead) {
        cap(Letter::B, "no AEAD suite".into());
    }

    // The certificate: trust (T), name (M), weak signatures, the chain.
    let mut hsts_long = false;
    match &facts.chain {
        Some(chain) if !chain.certificates.is_empty() => {
            let leaf = &chain.certificates[0];
            if !chain.trust.trusted {
                let why = if leaf.self_signed {
                    "the certificate is self-signed".to_string()
                } else if let (true, Some(issuer)) = (chain.incomplete, &chain.missing_issuer) {
                    format!(
                        "the chain is not trusted by {}: its issuer {issuer} was neither sent nor known",
                        chain.trust.store
                    )
                } else {
                    format!("the chain is not trusted by {}", chain.trust.store)
                };
                cap(Letter::T, why);
            }
            for (index, certificate) in chain.certificates.iter().enumerate() {
                if index > 0 && certificate.self_signed {
                    continue;
                }
                if certificate.expired {
                    cap(
                        Letter::T,
                        format!("the {} certificate has expired", certificate.role(index)),
                    );
                } else if certificate.not_yet_valid {
                    cap(
                        Letter::T,
                        format!(
                            "the {} certificate is not yet valid",
                            certificate.role(index)
                        ),
                    );
                }
            }
            if !chain.hostname.matches {
                cap(
                    Letter::M,
                    format!("the certificate is not valid for {}", chain.hostname.name),
                );
            }
            for (index, certificate) in chain.certificates.iter().enumerate() {
                if index > 0 && certificate.self_signed {
                    continue;
                }
                match certificate.signature_hash {
                    Some(HashAlgorithm::Md5 | HashAlgorithm::Md2) => cap(
                        Letter::F,
                        format!(
                            "the {} certificate is signed with {}",
                            certificate.role(index),
                            certificate.signature_algorithm
                        ),
                    ),
                    Some(HashAlgorithm::Sha1) => cap(
                        Letter::T,
                        format!(
                            "the {} certificate is signed with SHA-1, which browsers no longer trust",
                            certificate.role(index)
                        ),
                    ),
                    _ => {}
                }
            }
            // Untrusted and incomplete is one fact (an issuer nobody has): the T says it.
            if chain.incomplete && chain.trust.trusted {
                cap(Letter::B, "the chain is incomplete".into());
            }
        }
        _ => unknown.push("the certificate".into()),
    }

    // HSTS: A+ needs a long max-age; since 2025 its absence caps at A-.
    match &facts.https {
        Outcome::Ok(response) => match &response.hsts {
            None => cap(Letter::AMinus, "no HSTS".into()),
            Some(hsts) if hsts.error.is_some() => {
                cap(Letter::AMinus, "the HSTS header is invalid".into())
            }
            Some(hsts) => match hsts.max_age {
                Some(age) if age >= HSTS_MIN_MAX_AGE => hsts_long = true,
                Some(age) => cap(
                    Letter::AMinus,
                    format!("HSTS max-age {age} s is under 180 days"),
                ),
                None => cap(Letter::AMinus, "HSTS without max-age".into()),
            },
        },
        _ => unknown.push("HSTS (no HTTPS response)".into()),
    }

    // The score, its letter, then the caps.
    let score = if protocol_score == 0 || key_exchange_score == 0 || cipher_score == 0 {
        0
    } else {
        protocol_score * 30 / 100 + key_exchange_score * 30 / 100 + cipher_score * 40 / 100
    };
    let mut underlying = Letter::for_score(score);
    let scale_caps = caps
        .iter()
        .filter(|cap| !matches!(cap.letter, Letter::T | Letter::M));
    if let Some(worst) = scale_caps.clone().max_by_key(|cap| cap.letter.rank()) {
        if worst.letter.rank() > underlying.rank() {
            underlying = worst.letter;
        }
    }
    if underlying == Letter::A && scale_caps.count() == 0 && hsts_long {
        underlying = Letter::APlus;
    }
    let special = [Letter::T, Letter::M]
        .into_iter()
        .find(|letter| caps.iter().any(|cap| cap.letter == *letter));
    caps.sort_by_key(|cap| std::cmp::Reverse(cap.letter.rank()));
    Some(Grade {
        letter: special.unwrap_or(underlying),
        underlying: special.map(|_| underlying),
        score,
        protocol_score,
        key_exchange_score,
        cipher_score,
        caps,
        unknown,
    })
}
