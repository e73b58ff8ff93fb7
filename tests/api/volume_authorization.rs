//! The volume API's authorization matrix with real Keystone tokens: every
//! kind of caller against Cinder 29's default rules (reference section 14,
//! "Policy"). The resources belong to the member's project; "admin" holds
//! the `admin` role in a project of its own (Cinder 29's rules check no
//! scope, so it passes everywhere); "other" is a member of another
//! project; "reader" holds only `reader` in the member's project, which
//! may read but not change. Another project's resources are not found.

use std::collections::HashMap;
use std::time::Duration;

use awc::http::Method;
use serde_json::{json, Value};

use crate::helpers::{Backend, TestApp, TestResponse};
use crate::identity::{keystone, Caller};

const CALLERS: [&str; 4] = ["admin", "member", "other", "reader"];

/// One request and the status each caller gets; `{p}` is the caller's
/// project, `{cg}`, `{volume}` the member's, `{fresh_cg}` a new group of
/// the member's for each caller.
struct Row {
    name: &'static str,
    method: Method,
    path: &'static str,
    body: Option<&'static str>,
    expect: [u16; 4],
}

fn rows() -> Vec<Row> {
    let row = |name, method, path, body, expect| Row {
        name,
        method,
        path,
        body,
        expect,
    };
    use Method as M;
    vec![
        row(
            "cg list",
            M::GET,
            "/v3/{p}/consistencygroups/detail",
            None,
            [200, 200, 200, 200],
        ),
        row(
            "cg show",
            M::GET,
            "/v3/{p}/consistencygroups/{cg}",
            None,
            [200, 200, 404, 200],
        ),
        row(
            "cg create",
            M::POST,
            "/v3/{p}/consistencygroups",
            Some(r#"{"consistencygroup": {"volume_types": "__DEFAULT__"}}"#),
            [202, 202, 202, 403],
        ),
        row(
            "cg update",
            M::PUT,
            "/v3/{p}/consistencygroups/{fresh_cg}",
            Some(r#"{"consistencygroup": {"name": "{unique}"}}"#),
            [202, 202, 404, 403],
        ),
        row(
            "cg delete",
            M::POST,
            "/v3/{p}/consistencygroups/{fresh_cg}/delete",
            Some(r#"{"consistencygroup": {"force": false}}"#),
            [202, 202, 404, 403],
        ),
        row(
            "cgsnapshot list",
            M::GET,
            "/v3/{p}/cgsnapshots/detail",
            None,
            [200, 200, 200, 200],
        ),
        row(
            "volume list",
            M::GET,
            "/v3/{p}/volumes/detail",
            None,
            [200, 200, 200, 200],
        ),
        row(
            "volume show",
            M::GET,
            "/v3/{p}/volumes/{volume}",
            None,
            [200, 200, 404, 200],
        ),
        row(
            "volume create",
            M::POST,
            "/v3/{p}/volumes",
            Some(r#"{"volume": {"size": 1}}"#),
            [202, 202, 202, 403],
        ),
        row("type list", M::GET, "/v3/{p}/types", None, [200, 200, 200, 200]),
        row(
            "type create",
            M::POST,
            "/v3/{p}/types",
            Some(r#"{"volume_type": {"name": "{unique}"}}"#),
            [200, 403, 403, 403],
        ),
    ]
}

fn headers(token: &str) -> Vec<(&str, &str)> {
    vec![("X-Auth-Token", token), ("Content-Type", "application/json")]
}

/// Makes the member's resources through the API.
struct Maker<'a> {
    app: &'a TestApp,
    member: &'a Caller,
}

impl Maker<'_> {
    async fn create(&self, path: &str, body: Value, key: &str) -> String {
        let path = path.replace("{p}", &self.member.project_id);
        let created = self
            .app
            .volume_request(
                Method::POST,
                &path,
                &headers(&self.member.token),
                Some(&body.to_string()),
            )
            .await;
        assert_eq!(created.status, 202, "{path}: {}", created.text());
        let id = created.json()[key]["id"].as_str().unwrap().to_string();
        for _ in 0..600 {
            let shown = self
                .app
                .volume_request(Method::GET, &format!("{path}/{id}"), &headers(&self.member.token), None)
                .await;
            if shown.json()[key]["status"] == "available" {
                return id;
            }
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{path}/{id} never became available");
    }

    async fn cg(&self) -> String {
        let body = json!({"consistencygroup": {"volume_types": "__DEFAULT__"}});
        self.create("/v3/{p}/consistencygroups", body, "consistencygroup").await
    }

    async fn fill(&self, text: &str, caller: &Caller, shared: &HashMap<&str, String>) -> String {
        let unique = format!("t-{}", uuid::Uuid::new_v4().simple());
        let mut text = text.replace("{p}", &caller.project_id).replace("{unique}", &unique);
        for (placeholder, id) in shared {
            text = text.replace(placeholder, id);
        }
        if text.contains("{fresh_cg}") {
            text = text.replace("{fresh_cg}", &self.cg().await);
        }
        text
    }
}

/// A refusal carries Cinder's fault body.
fn check_refusal(response: &TestResponse, cell: &str) {
    if response.status < 400 {
        return;
    }
    let body = response.json();
    match response.status {
        403 => assert!(
            body["forbidden"]["message"]
                .as_str()
                .is_some_and(|text| text.starts_with("Policy doesn't allow ") && text.ends_with(" to be performed.")),
            "{cell}: {body}"
        ),
        404 => assert_eq!(body["itemNotFound"]["code"], json!(404), "{cell}: {body}"),
        _ => {}
    }
}

#[actix_web::test]
async fn every_volume_endpoint_against_every_kind_of_caller() {
    let keystone = keystone();
    let app = keystone.server(Backend::Postgres, |_| {}).await;
    let member = keystone.caller(&["member"]).await;
    let callers = [
        keystone.caller(&["admin"]).await,
        keystone.member_of(&member.project_id, &["member"]).await,
        keystone.caller(&["member"]).await,
        keystone.member_of(&member.project_id, &["reader"]).await,
    ];
    let maker = Maker {
        app: &app,
        member: &member,
    };
    let volume = maker
        .create("/v3/{p}/volumes", json!({"volume": {"size": 1}}), "volume")
        .await;
    let shared = HashMap::from([("{cg}", maker.cg().await), ("{volume}", volume)]);

    let mut wrong = Vec::new();
    for row in rows() {
        for (column, caller) in callers.iter().enumerate() {
            let path = maker.fill(row.path, caller, &shared).await;
            let body = match row.body {
                Some(body) => Some(maker.fill(body, caller, &shared).await),
                None => None,
            };
            let response = app
                .volume_request(row.method.clone(), &path, &headers(&caller.token), body.as_deref())
                .await;
            let cell = format!("{} as {}", row.name, CALLERS[column]);
            if response.status == row.expect[column] {
                check_refusal(&response, &cell);
            } else {
                wrong.push(format!(
                    "{cell}: expected {}, got {} {}",
                    row.expect[column],
                    response.status,
                    response.text()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "cells that differ:\n{}", wrong.join("\n"));
}
