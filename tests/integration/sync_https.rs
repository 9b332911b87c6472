//! `archive sync` and `import` over https, from a loopback TLS server whose certificate a test
//! authority signed (`tests/fixtures/tls`): trusted when `SSL_CERT_FILE` names that authority,
//! refused with the reason and the remedy when it names another (`other-ca.pem`), so the
//! tests do not depend on the machine's own store. The roots are read at the first
//! handshake, not at start-up.
//!
//! The fixtures were made once with Python's `cryptography` (P-256 keys, valid from 2000 to
//! 2099): the two authorities' keys were not kept.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::thread;

use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};

use crate::support::{archive, archive_with, episode, fixture, parse_feed, repo, sync};

fn tls_fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures/tls").join(name)
}

/// Serves `body` as `content_type` on every path, over TLS 1.2 or 1.3, one request per
/// connection.
fn https_server(content_type: &'static str, body: Vec<u8>) -> SocketAddr {
    let certs = CertificateDer::pem_file_iter(tls_fixture("server.pem"))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(tls_fixture("server.key")).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let body = Arc::new(body);
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let config = Arc::clone(&config);
            let body = Arc::clone(&body);
            thread::spawn(move || answer(stream, config, content_type, &body));
        }
    });
    addr
}

fn answer(stream: TcpStream, config: Arc<ServerConfig>, content_type: &str, body: &[u8]) {
    let Ok(connection) = ServerConnection::new(config) else {
        return;
    };
    let mut tls = BufReader::new(StreamOwned::new(connection, stream));
    let mut line = String::new();
    loop {
        line.clear();
        match tls.read_line(&mut line) {
            Ok(0) | Err(_) => return, // the client gave up on the handshake, or left
            Ok(_) if line == "\r\n" => break,
            Ok(_) => {}
        }
    }
    let stream = tls.get_mut();
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
    stream.conn.send_close_notify();
    let _ = stream.flush();
}

#[test]
fn a_recording_is_pulled_over_https_from_a_server_the_roots_trust() {
    let body = std::fs::read(fixture("mp3-cbr-xing.mp3")).unwrap();
    let addr = https_server("audio/mpeg", body.clone());
    let url = format!("https://{addr}/talk.mp3");
    let dir = archive_with(&episode("a", &url));

    let refused = sync(dir.path())
        .env("SSL_CERT_FILE", tls_fixture("other-ca.pem"))
        .assert()
        .code(3);
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(
        stderr.contains(&format!("episode `talks/a` (`{url}`): {UNTRUSTED}\n")),
        "an authority the roots do not hold is refused at once, with the reason and what to do: {stderr}"
    );
    assert!(
        !stderr.contains("retry"),
        "a refused certificate is not retried: {stderr}"
    );
    assert!(
        !stderr.contains("ERROR"),
        "the TLS crates' own log stays quiet: {stderr}"
    );

    sync(dir.path())
        .env("SSL_CERT_FILE", tls_fixture("ca.pem"))
        .assert()
        .code(0);
    let feed = parse_feed(dir.path(), "talks");
    let enclosure = feed.items()[0].enclosure().unwrap();
    assert_eq!(enclosure.length(), body.len().to_string());
}

/// `import` of a page on a server the roots do not trust says why and what to do, as `sync`
/// does.
#[test]
fn an_untrusted_https_page_is_refused_by_import_with_the_remedy() {
    let addr = https_server(
        "text/html",
        b"<html><body><audio src=a.mp3></body></html>".to_vec(),
    );
    let url = format!("https://{addr}/event.html");
    let dir = archive_with("");
    archive(dir.path())
        .env("SSL_CERT_FILE", tls_fixture("other-ca.pem"))
        .args(["import", &url, "--feed", "talks"])
        .assert()
        .code(1)
        .stderr(format!(
            "archive: error: failed to fetch `{url}`: {UNTRUSTED}\n"
        ));
}

/// What a refused certificate says.
const UNTRUSTED: &str = "the secure connection failed: invalid peer certificate: UnknownIssuer. \
    If a private authority signs the server's certificate, set SSL_CERT_FILE to a PEM file with \
    that authority's certificate and the system's (it replaces the system store: for example a \
    copy of /etc/ssl/certs/ca-certificates.crt with the authority appended)";

/// An `SSL_CERT_FILE` that cannot be read is named in the error, with why.
#[test]
fn an_unreadable_certificate_file_is_named() {
    let addr = https_server("audio/mpeg", b"ID3".to_vec());
    let url = format!("https://{addr}/talk.mp3");
    let dir = archive_with(&episode("a", &url));
    let missing = dir.path().join("no-such.pem");
    let refused = sync(dir.path())
        .env("SSL_CERT_FILE", &missing)
        .assert()
        .code(3);
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(
        stderr.contains(&format!(
            "episode `talks/a` (`{url}`): the secure connection failed: no root certificate could be loaded (SSL_CERT_FILE is `{}`: No such file or directory (os error 2)): ",
            missing.display()
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("retry"), "{stderr}");
}
