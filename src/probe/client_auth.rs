//! Client-certificate probe: what the server did about client certificates in the handshake,
//! and, when we presented one, a second handshake without it to learn whether it is required.

use crate::facts::{ClientAuthFacts, ErrorKind, HostFacts, Refusal};
use crate::probe::handshake::{self, HandshakeRecord, HandshakeRequest};
use crate::probe::{Measured, Probe, ProbeFuture, ProbeInput, Stage};
use crate::x509::parse::distinguished_name;

pub struct ClientAuthProbe;

impl Probe for ClientAuthProbe {
    fn name(&self) -> &'static str {
        "client-auth"
    }

    fn stage(&self) -> Stage {
        Stage::AfterHandshake
    }

    fn run<'a>(&'a self, input: &'a ProbeInput<'a>, _facts: &'a HostFacts) -> ProbeFuture<'a> {
        Box::pin(async move {
            match input.handshake {
                Some(record) => Measured::ClientAuth(client_auth(record, input).await),
                None => Measured::Nothing,
            }
        })
    }
}

async fn client_auth(record: &HandshakeRecord, input: &ProbeInput<'_>) -> ClientAuthFacts {
    let requested = record.client_auth_request.is_some();
    let ca_names = record
        .client_auth_request
        .iter()
        .flatten()
        .map(|der| distinguished_name(der))
        .collect();
    let have_identity = input.settings.handshake.client_identity.is_some();
    let presented = requested && have_identity;
    let refusal = refusal(record);
    let refused = refusal.is_some();
    let mut facts = ClientAuthFacts {
        requested,
        ca_names,
        presented,
        required: Some(requested && refused && !have_identity),
        accepted: None,
        refusal: None,
    };
    if !requested {
        return facts;
    }
    facts.refusal = refusal;
    if !have_identity {
        return facts;
    }
    facts.accepted = Some(!refused);
    let without = HandshakeRequest {
        present_identity: false,
        ..request(record, input)
    };
    facts.required =
        match handshake::probe(&without, &input.settings.handshake, input.session).await {
            Ok(second) => Some(self::refusal(&second).is_some()),
            Err(_) => None,
        };
    facts
}

fn request(record: &HandshakeRecord, input: &ProbeInput<'_>) -> HandshakeRequest {
    HandshakeRequest {
        address: record.connected_to,
        server_name: input.settings.server_name(input.sni, record.connected_to),
        authority: input.target.authority(),
        path: input.target.path.clone(),
        present_identity: true,
    }
}

/// How the server refused us, during the handshake or right after it (TLS 1.3 servers check
/// the client certificate after the client considers the handshake done). A timeout or a reset
/// is not a refusal we can attribute to the certificate.
fn refusal(record: &HandshakeRecord) -> Option<Refusal> {
    let error = match (&record.connection, &record.https) {
        (Err(error), _) => error,
        (Ok(_), Some(Err(error))) => error,
        _ => return None,
    };
    match error.kind {
        ErrorKind::Alert(code) => Some(Refusal::Alert(code)),
        ErrorKind::Closed | ErrorKind::Reset if record.client_auth_request.is_some() => {
            Some(Refusal::Closed)
        }
        _ => None,
    }
}
