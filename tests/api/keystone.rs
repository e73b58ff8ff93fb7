//! `auth_strategy = keystone` against a real Keystone (reference section
//! 13.1, DESIGN.md section 5): who the caller is comes from the validated
//! token and nothing else. Identity does not depend on the database, so
//! these run on PostgreSQL only.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use awc::http::Method;
use manila_cg_api::config::PolicyConfig;
use serde_json::{json, Value};

use crate::helpers::{assert_fault, fault, headers, Backend, TestApp, TestResponse};
use crate::identity::{keystone, Caller};

pub(crate) fn cgs(project: &str) -> String {
    format!("/v2/{project}/consistency-groups")
}

async fn create_cg(app: &TestApp, caller: &Caller) -> String {
    let body = json!({"consistency_group": {"name": "db"}}).to_string();
    let response = app
        .request(
            Method::POST,
            &cgs(&caller.project_id),
            &headers(&caller.token, "2.7"),
            Some(&body),
        )
        .await;
    assert_eq!(response.status, 202, "{}", response.text());
    response.json()["consistency_group"]["id"].as_str().unwrap().to_string()
}

/// The group's detail view once it reaches `status`.
async fn wait_for_status(app: &TestApp, caller: &Caller, id: &str, status: &str) -> Value {
    let path = format!("{}/{id}", cgs(&caller.project_id));
    for _ in 0..600 {
        let view = app.get(&path, &headers(&caller.token, "2.7")).await.json()["consistency_group"].clone();
        if view["status"] == status {
            return view;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{path} never became {status}");
}

fn assert_cg_not_found(response: &TestResponse, id: &str) {
    assert_fault(
        response,
        404,
        "itemNotFound",
        &format!("Consistency group {id} not found."),
    );
}

/// keystonemiddleware's refusal, exactly.
pub(crate) fn assert_authentication_required(response: &TestResponse) {
    assert_eq!(response.status, 401, "{}", response.text());
    assert_eq!(response.text(), "Authentication required");
    assert_eq!(response.header("content-type"), Some("text/html; charset=UTF-8"));
    let challenge = format!("Keystone uri='{}/v3'", keystone().url);
    assert_eq!(response.header("www-authenticate"), Some(challenge.as_str()));
    assert_eq!(response.header_names(), ["content-type", "www-authenticate"]);
}

/// The acceptance: a member creates and reads in its project, is
/// refused the admin action, and cannot see another project's group; an
/// administrator can.
#[actix_web::test]
async fn a_members_token_works_in_its_project_only() {
    let keystone = keystone();
    let app = keystone.server(Backend::Postgres, |_| {}).await;
    let member = keystone.caller(&["member"]).await;
    let other = keystone.caller(&["member"]).await;
    let admin = keystone.caller(&["admin"]).await;

    let id = create_cg(&app, &member).await;
    let cg = wait_for_status(&app, &member, &id, "available").await;
    assert_eq!(cg["project_id"], json!(member.project_id));
    assert_eq!(cg.get("share_server_id"), None, "not an admin");
    let listed = app.get(&cgs(&member.project_id), &headers(&member.token, "2.7")).await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.json()["consistency_groups"][0]["id"], json!(id));
    listed.assert_request_id();

    let action = format!("{}/{id}/action", cgs(&member.project_id));
    let reset = json!({"reset_status": {"status": "error"}}).to_string();
    let response = app
        .request(Method::POST, &action, &headers(&member.token, "2.7"), Some(&reset))
        .await;
    assert_fault(&response, 403, "forbidden", "Access was denied to this resource.");

    let theirs = format!("{}/{id}", cgs(&other.project_id));
    let response = app.get(&theirs, &headers(&other.token, "2.7")).await;
    assert_cg_not_found(&response, &id);

    let response = app
        .get(
            &format!("{}/{id}", cgs(&admin.project_id)),
            &headers(&admin.token, "2.7"),
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.json()["consistency_group"]["share_server_id"], Value::Null);
    let action = format!("{}/{id}/action", cgs(&admin.project_id));
    let response = app
        .request(Method::POST, &action, &headers(&admin.token, "2.7"), Some(&reset))
        .await;
    assert_eq!(response.status, 202, "{}", response.text());
}

#[actix_web::test]
async fn missing_garbage_and_revoked_tokens_are_refused() {
    let keystone = keystone();
    let app = keystone
        .server(Backend::Postgres, |config| {
            config.keystone.token_cache_time = Duration::ZERO
        })
        .await;
    let member = keystone.caller(&["member"]).await;
    let path = cgs(&member.project_id);

    assert_authentication_required(&app.get(&path, &[]).await);
    assert_authentication_required(&app.get("/v2/", &[]).await);
    let long = "a".repeat(4000);
    for garbage in [
        "garbage",
        "gAAAAABrBF0eNWY6l2it2eKfR2yZAEmho2TrO0NMl3PMVNlXkR5ruEotT1tpgrzojKdx9",
        "' OR 1=1 --",
        "admin:admin",
        long.as_str(),
    ] {
        assert_authentication_required(&app.get(&path, &headers(garbage, "2.7")).await);
    }
    // The version document is behind authentication too, as upstream's.
    assert_eq!(app.get("/v2/", &headers(&member.token, "2.7")).await.status, 200);
    assert_eq!(app.get("/", &[]).await.status, 300, "the root needs no token");

    // X-Storage-Token is the legacy spelling of the same header.
    let storage = [("X-Storage-Token", member.token.as_str())];
    assert_eq!(app.get("/v2/", &storage).await.status, 200);

    assert_eq!(app.get(&path, &headers(&member.token, "2.7")).await.status, 200);
    keystone.revoke(&member.token).await;
    assert_authentication_required(&app.get(&path, &headers(&member.token, "2.7")).await);
}

/// A token works until its expiry and not a moment longer, cached or not.
#[actix_web::test]
async fn an_expired_token_is_refused() {
    let keystone = keystone();
    let app = keystone.server(Backend::Postgres, |_| {}).await;
    let (caller, expires_at) = keystone.expiring_caller(Duration::from_secs(30)).await;
    let path = cgs(&caller.project_id);
    let response = app.get(&path, &headers(&caller.token, "2.7")).await;
    assert_eq!(response.status, 200, "before its expiry: {}", response.text());
    let left = (expires_at - chrono::Utc::now()).to_std().unwrap_or_default();
    actix_web::rt::time::sleep(left + Duration::from_secs(1)).await;
    assert_authentication_required(&app.get(&path, &headers(&caller.token, "2.7")).await);
}

/// Headers that keystonemiddleware would set after validation, sent by the
/// client itself, change nothing.
#[actix_web::test]
async fn identity_headers_sent_by_the_client_are_ignored() {
    let keystone = keystone();
    let app = keystone.server(Backend::Postgres, |_| {}).await;
    let member = keystone.caller(&["member"]).await;
    let victim = keystone.caller(&["member"]).await;
    let id = create_cg(&app, &victim).await;

    let forged = [
        ("X-Identity-Status", "Confirmed"),
        ("X-Roles", "admin"),
        ("X-Role", "admin"),
        ("X-User-Id", "admin"),
        ("X-User", "admin"),
        ("X-Project-Id", victim.project_id.as_str()),
        ("X-Tenant-Id", victim.project_id.as_str()),
        ("X-Tenant", victim.project_id.as_str()),
        ("X-Service-Catalog", "[]"),
    ];
    let mut as_member = headers(&member.token, "2.7");
    as_member.extend(forged);

    let response = app.get(&format!("{}/{id}", cgs(&member.project_id)), &as_member).await;
    assert_cg_not_found(&response, &id);
    let response = app
        .get(&format!("{}?all_tenants=1", cgs(&member.project_id)), &as_member)
        .await;
    assert_eq!(response.json(), json!({"consistency_groups": []}), "no admin widening");
    let response = app.get(&format!("{}/{id}", cgs(&victim.project_id)), &as_member).await;
    assert_fault(&response, 400, "badRequest", "Malformed request url");
    let action = format!("{}/{id}/action", cgs(&member.project_id));
    let reset = json!({"reset_status": {"status": "error"}}).to_string();
    let response = app.request(Method::POST, &action, &as_member, Some(&reset)).await;
    assert_fault(&response, 403, "forbidden", "Access was denied to this resource.");

    // And without a token they authenticate nobody.
    let response = app.get(&cgs(&victim.project_id), &forged).await;
    assert_authentication_required(&response);
}

/// A token is good for its own project's URLs only.
#[actix_web::test]
async fn a_token_for_another_project_than_the_url_is_a_bad_request() {
    let keystone = keystone();
    let app = keystone.server(Backend::Postgres, |_| {}).await;
    let member = keystone.caller(&["member"]).await;
    let other = keystone.caller(&["member"]).await;
    let response = app.get(&cgs(&other.project_id), &headers(&member.token, "2.7")).await;
    assert_fault(&response, 400, "badRequest", "Malformed request url");
}

/// Keystone out of reach, or refusing our service credentials: 503, never
/// a pass.
#[actix_web::test]
async fn without_keystone_nobody_gets_in() {
    let keystone = keystone();
    let member = keystone.caller(&["member"]).await;
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let unreachable = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let app = keystone
        .server(Backend::Postgres, |config| config.keystone.auth_url = unreachable)
        .await;
    let response = app.get(&cgs(&member.project_id), &headers(&member.token, "2.7")).await;
    assert_unavailable(&response);

    let app = keystone
        .server(Backend::Postgres, |config| config.keystone.password = "wrong".into())
        .await;
    let response = app.get(&cgs(&member.project_id), &headers(&member.token, "2.7")).await;
    assert_unavailable(&response);
    // A missing token needs no Keystone to refuse.
    assert_authentication_required(&app.get(&cgs(&member.project_id), &[]).await);
}

/// Refused before the API's layers: a fault body, but none of their
/// headers (no version, no request id).
pub(crate) fn assert_unavailable(response: &TestResponse) {
    assert_eq!(response.status, 503, "{}", response.text());
    assert_eq!(
        response.json(),
        fault(
            "serviceUnavailable",
            503,
            "The server is currently unavailable. Please try again at a later time."
        )
    );
    assert_eq!(response.header_names(), ["content-type"]);
}

/// A validated token is remembered: with Keystone cut off, a known token
/// still works while a new one gets 503.
#[actix_web::test]
async fn validated_tokens_are_cached() {
    let keystone = keystone();
    let proxy = Proxy::to(&keystone.url);
    let address = proxy.address.clone();
    let app = keystone
        .server(Backend::Postgres, |config| config.keystone.auth_url = address)
        .await;
    let member = keystone.caller(&["member"]).await;
    let newcomer = keystone.member_of(&member.project_id, &["member"]).await;
    let path = cgs(&member.project_id);
    assert_eq!(app.get(&path, &headers(&member.token, "2.7")).await.status, 200);
    assert_authentication_required(&app.get(&path, &headers("not-a-token", "2.7")).await);

    proxy.cut();
    assert_eq!(app.get(&path, &headers(&member.token, "2.7")).await.status, 200);
    assert_authentication_required(&app.get(&path, &headers("not-a-token", "2.7")).await);
    assert_unavailable(&app.get(&path, &headers(&newcomer.token, "2.7")).await);
}

/// A TCP forwarder to Keystone that can be cut: new connections are then
/// closed at once.
struct Proxy {
    address: String,
    open: Arc<AtomicBool>,
}

impl Proxy {
    fn to(upstream: &str) -> Proxy {
        let upstream = upstream.trim_start_matches("http://").to_string();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let open = Arc::new(AtomicBool::new(true));
        let accepting = open.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                if !accepting.load(Ordering::SeqCst) {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                }
                let Ok(server) = TcpStream::connect(&upstream) else {
                    continue;
                };
                pipe(client.try_clone().unwrap(), server.try_clone().unwrap());
                pipe(server, client);
            }
        });
        Proxy { address, open }
    }

    fn cut(&self) {
        self.open.store(false, Ordering::SeqCst);
    }
}

fn pipe(mut from: TcpStream, mut to: TcpStream) {
    std::thread::spawn(move || {
        let mut buffer = [0u8; 16 * 1024];
        while let Ok(read) = from.read(&mut buffer) {
            if read == 0 || to.write_all(&buffer[..read]).is_err() {
                break;
            }
        }
        let _ = to.shutdown(Shutdown::Write);
    });
}

/// The acceptance for policy: an operator grants
/// `consistency_group:reset_status` to a `storage-operator` role in
/// `policy.yaml`, and a holder of that role may reset from then on, without
/// a restart. Roles come from the Keystone token.
#[actix_web::test]
async fn a_policy_file_grants_a_keystone_role_without_a_restart() {
    let keystone = keystone();
    let dir = tempfile::tempdir().unwrap();
    let policy_file = dir.path().join("policy.yaml");
    let rules_file = policy_file.clone();
    let app = keystone
        .server(Backend::Postgres, move |config| {
            config.policy = PolicyConfig {
                policy_file: Some(rules_file),
                required: false,
            };
        })
        .await;
    let member = keystone.caller(&["member"]).await;
    let operator = keystone
        .member_of(&member.project_id, &["member", "storage-operator"])
        .await;
    let id = create_cg(&app, &member).await;
    wait_for_status(&app, &member, &id, "available").await;
    let action = format!("{}/{id}/action", cgs(&member.project_id));
    let reset = |status: &str| json!({"reset_status": {"status": status}}).to_string();

    let response = app
        .request(
            Method::POST,
            &action,
            &headers(&operator.token, "2.7"),
            Some(&reset("error")),
        )
        .await;
    assert_fault(&response, 403, "forbidden", "Access was denied to this resource.");

    let staged = dir.path().join("policy.yaml.new");
    std::fs::write(
        &staged,
        "\"consistency_group:reset_status\": \"rule:admin_api or role:storage-operator\"\n",
    )
    .unwrap();
    std::fs::rename(&staged, &policy_file).unwrap();
    let mut granted = None;
    for _ in 0..150 {
        let response = app
            .request(
                Method::POST,
                &action,
                &headers(&operator.token, "2.7"),
                Some(&reset("error")),
            )
            .await;
        if response.status != 403 {
            granted = Some(response);
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    let response = granted.expect("the new rule takes effect within 15 s");
    assert_eq!(response.status, 202, "{}", response.text());
    assert!(response.body.is_empty());
    assert_eq!(wait_for_status(&app, &member, &id, "error").await["id"], json!(id));

    // The grant is for that role only: a plain member is still refused,
    // and force_delete stays an admin's.
    let response = app
        .request(
            Method::POST,
            &action,
            &headers(&member.token, "2.7"),
            Some(&reset("available")),
        )
        .await;
    assert_fault(&response, 403, "forbidden", "Access was denied to this resource.");
    let force = json!({"force_delete": null}).to_string();
    let response = app
        .request(Method::POST, &action, &headers(&operator.token, "2.7"), Some(&force))
        .await;
    assert_fault(&response, 403, "forbidden", "Access was denied to this resource.");
}
