//! TLS settings made from PEM files, for every place the server speaks
//! TLS: as a client of Keystone and of its own listener (the healthcheck
//! subcommand), and as the https server of `[ssl]`. rustls with ring,
//! chosen explicitly, so no OpenSSL is linked into the server for it.

use std::path::Path;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::server::WebPkiClientVerifier;
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, ServerConfig, SignatureScheme};

/// What a TLS client trusts and who it says it is.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClientSettings<'a> {
    /// Certificate authorities trusted besides the system's.
    pub cafile: Option<&'a Path>,
    /// A client certificate (chain) and its key, for servers that ask.
    pub identity: Option<(&'a Path, &'a Path)>,
    /// Accept any server certificate (keystonemiddleware's `insecure`).
    pub insecure: bool,
}

/// ring: deprecated by rustls for lacking post-quantum key exchange, but
/// aws-lc-rs, which has it, would add a long C and assembler build to
/// every fresh build; Keystone and the listeners negotiate classic
/// X25519/ECDHE, as OpenSSL 3.0 does.
#[allow(deprecated)]
fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A client configuration speaking HTTP/1.1: the system's trust store
/// plus `cafile`, host names checked, unless `insecure`.
pub fn client_config(settings: ClientSettings<'_>) -> Result<Arc<ClientConfig>, String> {
    let builder = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|err| err.to_string())?;
    let builder = if settings.insecure {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AnyServer(provider())))
    } else {
        let mut roots = RootCertStore::empty();
        // Certificates the system has but rustls cannot use are skipped,
        // as OpenSSL skips them.
        roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
        if let Some(cafile) = settings.cafile {
            for cert in read_certificates(cafile)? {
                roots
                    .add(cert)
                    .map_err(|err| format!("{}: not a usable CA certificate: {err}", cafile.display()))?;
            }
        }
        builder.with_root_certificates(roots)
    };
    let mut config = match settings.identity {
        Some((cert, key)) => builder
            .with_client_auth_cert(read_certificates(cert)?, read_key(key)?)
            .map_err(|err| format!("{}: {err}", cert.display()))?,
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// A server configuration from a certificate (chain) and its key; with
/// `client_ca`, clients must present a certificate it issued.
pub fn server_config(cert: &Path, key: &Path, client_ca: Option<&Path>) -> Result<ServerConfig, String> {
    let builder = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|err| err.to_string())?;
    let builder = match client_ca {
        Some(ca) => {
            let mut roots = RootCertStore::empty();
            for cert in read_certificates(ca)? {
                roots
                    .add(cert)
                    .map_err(|err| format!("{}: not a usable CA certificate: {err}", ca.display()))?;
            }
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider())
                .build()
                .map_err(|err| format!("{}: {err}", ca.display()))?;
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let mut config = builder
        .with_single_cert(read_certificates(cert)?, read_key(key)?)
        .map_err(|err| format!("{} and {}: {err}", cert.display(), key.display()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

fn read_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|err| format!("{}: {err}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("{}: no PEM certificate in it", path.display()));
    }
    Ok(certs)
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>, String> {
    PrivateKeyDer::from_pem_file(path).map_err(|err| format!("{}: {err}", path.display()))
}

/// `insecure`: every server certificate is taken as valid, but the
/// handshake's signatures are still checked, so the session is at least
/// with whoever holds that certificate's key.
#[derive(Debug)]
struct AnyServer(Arc<CryptoProvider>);

impl ServerCertVerifier for AnyServer {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
