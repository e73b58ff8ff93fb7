//! TLS where it matters, with the throwaway certificate authority
//! `scripts/test` makes (`scripts/lib/tls.sh`, in `TEST_TLS_DIR`): Keystone
//! over https (`KEYSTONE_TLS_URL`), a PostgreSQL accepting only TLS
//! (`PG_TLS_URL`), and the server's own https listener (`[ssl]`).

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use manila_cg_api::config::SslConfig;
use manila_cg_api::startup::Application;
use manila_cg_api::tls;

use crate::helpers::{database_url, headers, test_config, Backend, TestApp};
use crate::identity::keystone;
use crate::keystone::{assert_authentication_required, assert_unavailable, cgs};

fn environment(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!(
            "{name} is not set: the TLS tests need the throwaway CA, Keystone and PostgreSQL that \
             scripts/test starts (scripts/lib/tls.sh, keystone.sh, postgres.sh). Run them through it."
        )
    })
}

/// A file of the test CA's directory (`ca.pem`, `localhost.key`, ...).
fn tls_file(name: &str) -> PathBuf {
    PathBuf::from(environment("TEST_TLS_DIR")).join(name)
}

/// An HTTP client trusting the test CA, presenting `identity` if given.
fn client(identity: Option<(&str, &str)>) -> awc::Client {
    let identity = identity.map(|(cert, key)| (tls_file(cert), tls_file(key)));
    let config = tls::client_config(tls::ClientSettings {
        cafile: Some(&tls_file("ca.pem")),
        identity: identity.as_ref().map(|(cert, key)| (cert.as_path(), key.as_path())),
        insecure: false,
    })
    .unwrap();
    awc::Client::builder()
        .connector(awc::Connector::new().rustls_0_23(config))
        .timeout(Duration::from_secs(30))
        .finish()
}

mod keystone_over_https {
    use super::*;

    /// The real flow over https, verified against the CA named by
    /// `cafile`: a member's token is accepted, none or a bad one is 401.
    #[actix_web::test]
    async fn tokens_are_validated_by_keystone_over_https() {
        let keystone = keystone();
        let app = keystone
            .server(Backend::Sqlite, |config| {
                config.keystone.auth_url = environment("KEYSTONE_TLS_URL");
                config.keystone.cafile = Some(tls_file("ca.pem"));
            })
            .await;
        let member = keystone.caller(&["member"]).await;
        let path = cgs(&member.project_id);
        let response = app.get(&path, &headers(&member.token, "2.7")).await;
        assert_eq!(response.status, 200, "{}", response.text());
        assert_eq!(response.json(), serde_json::json!({"consistency_groups": []}));
        assert_authentication_required(&app.get(&path, &[]).await);
        assert_authentication_required(&app.get(&path, &headers("garbage", "2.7")).await);
    }

    /// A certificate from an issuer nobody named, or for another name than
    /// the URL's: 503, never a pass. `insecure` skips both checks.
    #[actix_web::test]
    async fn an_unverified_keystone_is_unavailable() {
        let keystone = keystone();
        let member = keystone.caller(&["member"]).await;
        let path = cgs(&member.project_id);
        let url = environment("KEYSTONE_TLS_URL");
        let by_address = url.replace("//localhost:", "//127.0.0.1:");
        for (auth_url, cafile) in [
            // Only the system's trust store, which knows nothing of the test CA.
            (url.clone(), None),
            (url.clone(), Some(tls_file("other-ca.pem"))),
            // The certificate names localhost, not 127.0.0.1.
            (by_address.clone(), Some(tls_file("ca.pem"))),
        ] {
            let app = keystone
                .server(Backend::Sqlite, |config| {
                    config.keystone.auth_url = auth_url.clone();
                    config.keystone.cafile = cafile.clone();
                })
                .await;
            assert_unavailable(&app.get(&path, &headers(&member.token, "2.7")).await);
        }
        let app = keystone
            .server(Backend::Sqlite, |config| {
                config.keystone.auth_url = by_address;
                config.keystone.insecure = true;
            })
            .await;
        let response = app.get(&path, &headers(&member.token, "2.7")).await;
        assert_eq!(response.status, 200, "insecure: {}", response.text());
    }
}

mod postgres_over_tls {
    use super::*;

    fn url(sslmode: &str, root: &str) -> String {
        let root = tls_file(root);
        format!(
            "{}?sslmode={sslmode}&sslrootcert={}",
            environment("PG_TLS_URL"),
            root.display()
        )
    }

    fn refusal(url: &str) -> String {
        match PgConnection::establish(url) {
            Ok(_) => panic!("{url}: connected"),
            Err(err) => err.to_string(),
        }
    }

    /// verify-full against the right CA connects, over TLS; a wrong CA,
    /// another host name or no TLS at all does not, nor does `require`
    /// against a server without TLS (the suite's main PostgreSQL).
    #[test]
    fn libpq_verifies_the_server_and_the_server_requires_tls() {
        let mut conn = PgConnection::establish(&url("verify-full", "ca.pem")).expect("verify-full connects");
        conn.batch_execute("DO $$ BEGIN IF NOT (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()) THEN RAISE 'no TLS'; END IF; END $$")
            .expect("the session is encrypted");
        let wrong_ca = refusal(&url("verify-full", "other-ca.pem"));
        assert!(wrong_ca.contains("certificate verify failed"), "{wrong_ca}");
        let by_address = url("verify-full", "ca.pem").replace("@localhost:", "@127.0.0.1:");
        let other_name = refusal(&by_address);
        assert!(other_name.contains("does not match host name"), "{other_name}");
        let plain = refusal(&url("disable", "ca.pem"));
        assert!(plain.contains("no encryption"), "{plain}");
        let without_tls = environment("DATABASE_URL");
        let separator = if without_tls.contains('?') { '&' } else { '?' };
        let required = refusal(&format!("{without_tls}{separator}sslmode=require"));
        assert!(required.contains("server does not support SSL"), "{required}");
    }

    /// The server itself on that PostgreSQL with verify-full: it migrates
    /// a new database and answers from it.
    #[actix_web::test]
    async fn the_server_runs_on_postgres_with_verify_full() {
        let admin = url("verify-full", "ca.pem");
        let name = format!("mcg_tls_{}", uuid::Uuid::new_v4().simple());
        PgConnection::establish(&admin)
            .unwrap()
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .unwrap();
        let app = Application::build(test_config(&database_url(&admin, &name))).expect("server starts");
        let port = app.port();
        let stop = app.stop_handle();
        actix_web::rt::spawn(app.run_until_stopped());
        let mut response = awc::Client::default()
            .get(format!("http://127.0.0.1:{port}/v2/p/consistency-groups"))
            .insert_header(("X-Auth-Token", "admin:p"))
            .insert_header(("X-OpenStack-Manila-API-Version", "2.7"))
            .insert_header(("X-OpenStack-Manila-API-Experimental", "True"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.json::<serde_json::Value>().await.unwrap(),
            serde_json::json!({"consistency_groups": []})
        );
        stop.halt().await;
        PgConnection::establish(&admin)
            .unwrap()
            .batch_execute(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
            .unwrap();
    }
}

mod https_listener {
    use super::*;

    fn ssl(ca_file: Option<&str>) -> SslConfig {
        SslConfig {
            cert_file: tls_file("localhost.pem"),
            key_file: tls_file("localhost.key"),
            ca_file: ca_file.map(tls_file),
        }
    }

    fn port_of(address: &str) -> u16 {
        address.rsplit(':').next().unwrap().parse().unwrap()
    }

    /// `manila-cg-api healthcheck` with the configuration of `app`.
    fn healthcheck(app: &TestApp, ssl: &SslConfig) -> std::process::Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_manila-cg-api"));
        command
            .arg("healthcheck")
            .env(
                "MANILA_CG__DEFAULT__OSAPI_SHARE_LISTEN_PORT",
                port_of(&app.address).to_string(),
            )
            .env("MANILA_CG__SSL__CERT_FILE", &ssl.cert_file)
            .env("MANILA_CG__SSL__KEY_FILE", &ssl.key_file)
            .env_remove("MANILA_CG_API_CONFIG")
            .env_remove("DATABASE_URL");
        if let Some(ca) = &ssl.ca_file {
            command.env("MANILA_CG__SSL__CA_FILE", ca);
        }
        command.output().unwrap()
    }

    async fn get(client: &awc::Client, url: &str) -> Result<(u16, String), String> {
        let mut response = client
            .get(url)
            .insert_header(("X-Auth-Token", "admin:p"))
            .send()
            .await
            .map_err(|err| err.to_string())?;
        let body = response.body().await.map_err(|err| err.to_string())?;
        Ok((response.status().as_u16(), String::from_utf8_lossy(&body).into_owned()))
    }

    /// Both APIs answer over https (and not over plain HTTP); /healthcheck
    /// and the healthcheck subcommand work on it.
    #[actix_web::test]
    async fn both_apis_are_served_over_https() {
        let app = TestApp::spawn_with(Backend::Sqlite, |config| config.ssl = Some(ssl(None))).await;
        let share = format!("https://localhost:{}", port_of(&app.address));
        let volume = format!("https://localhost:{}", port_of(app.volume_address.as_ref().unwrap()));
        let client = client(None);
        assert_eq!(
            get(&client, &format!("{share}/healthcheck")).await,
            Ok((200, "OK".into()))
        );
        let (status, _) = get(&client, &format!("{share}/")).await.unwrap();
        assert_eq!(status, 300);
        let (status, body) = get(&client, &format!("{volume}/")).await.unwrap();
        assert_eq!(status, 300, "{body}");
        let plain = get(&awc::Client::default(), &format!("{}/", app.address)).await;
        assert!(
            !matches!(plain, Ok((200..=399, _))),
            "plain HTTP is not served: {plain:?}"
        );
        let check = healthcheck(&app, &ssl(None));
        assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
        assert_eq!(String::from_utf8_lossy(&check.stdout), "OK\n");
    }

    /// With `ca_file`, a client without a certificate from that CA is
    /// turned away in the handshake; the healthcheck presents the
    /// server's own.
    #[actix_web::test]
    async fn ca_file_requires_client_certificates() {
        let config = ssl(Some("ca.pem"));
        let app = TestApp::spawn_with(Backend::Sqlite, |c| c.ssl = Some(config.clone())).await;
        let url = format!("https://localhost:{}/healthcheck", port_of(&app.address));
        assert!(get(&client(None), &url).await.is_err(), "no client certificate");
        assert_eq!(
            get(&client(Some(("client.pem", "client.key"))), &url).await,
            Ok((200, "OK".into()))
        );
        let check = healthcheck(&app, &config);
        assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
    }

    /// Unreadable certificate files stop the server at start-up, saying which.
    #[actix_web::test]
    async fn a_missing_certificate_stops_the_start() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = test_config(&format!("sqlite://{}", dir.path().join("db.sqlite").display()));
        config.ssl = Some(SslConfig {
            cert_file: "/nonexistent/cert.pem".into(),
            key_file: tls_file("localhost.key"),
            ca_file: None,
        });
        let error = Application::build(config).err().expect("refused");
        assert!(error.starts_with("[ssl]: /nonexistent/cert.pem: "), "{error}");
    }
}
