//! TLS for every client: the platform's root certificates, as reqwest would use them, but read
//! at the first https handshake rather than when a client is made.
//!
//! Reading the store costs a start-up about 150 files and 40 ms when they are not cached
//! (Debian: the bundle, then every file of `/etc/ssl/certs`), which a sync or a check of http
//! URLs never needs. The first handshake of a client reads it once (each command makes one
//! client); a store that cannot be read fails that handshake, and every later one, with the
//! reason and where the roots were looked for.

use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use rustls_platform_verifier::Verifier;

/// The client TLS configuration: TLS 1.2 and 1.3, HTTP/2 offered before HTTP/1.1, server
/// certificates checked against the platform's roots once the first server presents one.
pub fn config() -> Result<ClientConfig, rustls::Error> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(LazyRoots::new(provider)))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// The platform verifier, made at its first use. Handshake signatures need no roots, so they
/// are checked with the provider's algorithms at once, as the platform verifier checks them.
#[derive(Debug)]
struct LazyRoots {
    provider: Arc<CryptoProvider>,
    platform: OnceLock<Result<Verifier, rustls::Error>>,
}

impl LazyRoots {
    fn new(provider: Arc<CryptoProvider>) -> Self {
        Self {
            provider,
            platform: OnceLock::new(),
        }
    }

    fn platform(&self) -> Result<&Verifier, rustls::Error> {
        self.platform
            .get_or_init(|| {
                Verifier::new(Arc::clone(&self.provider))
                    .map_err(|err| rustls::Error::General(no_roots(&err)))
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// Why no root certificate could be loaded, and from where: the platform verifier says only
/// that none was (its reasons go to a log that is off by default).
fn no_roots(err: &rustls::Error) -> String {
    let mut places = Vec::new();
    for name in [STORE_FILE, STORE_DIR] {
        let Some(value) = std::env::var_os(name) else {
            continue;
        };
        let path = std::path::Path::new(&value);
        let state = match std::fs::metadata(path) {
            Err(err) if name == STORE_FILE => format!(": {err}"),
            _ => String::new(),
        };
        places.push(format!("{name} is `{}`{state}", path.display()));
    }
    let from = if places.is_empty() {
        "from the system store; on Debian, install `ca-certificates`".to_owned()
    } else {
        places.join("; ")
    };
    format!("no root certificate could be loaded ({from}): {err}")
}

/// The environment variables that replace the system store (rustls-native-certs reads them).
pub const STORE_FILE: &str = "SSL_CERT_FILE";
const STORE_DIR: &str = "SSL_CERT_DIR";

impl ServerCertVerifier for LazyRoots {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.platform()?.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use rustls::pki_types::pem::PemObject as _;

    use super::*;

    /// HTTP/2 is offered first, where the server has it.
    #[test]
    fn http2_is_offered_before_http1() {
        let config = config().expect("a TLS configuration");
        assert_eq!(config.alpn_protocols, [&b"h2"[..], &b"http/1.1"[..]]);
    }

    /// Making the configuration reads no root; the first certificate to check does.
    #[test]
    fn the_roots_are_read_at_the_first_certificate() {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let verifier = LazyRoots::new(provider);
        assert!(verifier.platform.get().is_none());
        assert!(!verifier.supported_verify_schemes().is_empty());
        assert!(verifier.platform.get().is_none());
        let pem = include_bytes!("../../tests/fixtures/tls/server.pem");
        let cert = CertificateDer::from_pem_slice(pem).expect("a certificate");
        let name = ServerName::try_from("127.0.0.1").expect("a server name");
        let unknown = verifier.verify_server_cert(&cert, &[], &name, &[], UnixTime::now());
        assert!(verifier.platform.get().is_some());
        // A machine without a certificate store (a bare container) cannot trust it either.
        assert!(
            matches!(
                unknown,
                Err(
                    rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer)
                        | rustls::Error::General(_)
                )
            ),
            "a certificate of the test's own authority is not trusted by the platform: {unknown:?}"
        );
    }
}
