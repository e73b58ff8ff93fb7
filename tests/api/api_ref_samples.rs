//! The samples of the api-ref (`api-ref/source/samples/`) are the
//! server's own words: this test walks both APIs through the life of
//! their resources, sends each committed request sample, and compares
//! every answer with the committed response sample. Values that change
//! from run to run (ids, timestamps, the listener's address) are
//! replaced by stable ones first: each new UUID gets the next of a fixed
//! series of made-up ones, every timestamp the same instant, and the
//! address `http://openstack.example.com:<port>`. A request sample
//! carries those made-up ids; they are swapped back for the real ones
//! before it is sent.
//!
//! `UPDATE_API_REF_SAMPLES=1 scripts/test -- api_ref_samples` writes the
//! samples instead of comparing them.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::Duration;

use awc::http::Method;
use serde_json::{json, Value};

use crate::helpers::{Backend, TestApp, TestResponse, PROJECT};

/// Where the Manila and Cinder samples live, and the versions they are taken at.
const SHARE_SAMPLES: &str = "api-ref/source/samples/share";
const VOLUME_SAMPLES: &str = "api-ref/source/samples/volume";
const SHARE_VERSION: &str = "2.30";
const VOLUME_VERSION: &str = "volume 3.71";

/// Every timestamp of a sample is this instant.
const INSTANT: &str = "2026-01-01T12:00:00";

/// Which listener a request goes to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Listener {
    Share,
    Volume,
}

/// The walk's state: the server, the ids met so far and their stand-ins,
/// and what differed from the committed samples.
struct Samples {
    app: TestApp,
    update: bool,
    /// Real id to made-up id, and back.
    fakes: HashMap<String, String>,
    reals: HashMap<String, String>,
    differences: Vec<String>,
    /// Every sample the walk compared or wrote.
    seen: HashSet<PathBuf>,
    token: String,
}

impl Samples {
    fn new(app: TestApp) -> Samples {
        Samples {
            app,
            update: std::env::var_os("UPDATE_API_REF_SAMPLES").is_some_and(|value| value != "0"),
            fakes: HashMap::new(),
            reals: HashMap::new(),
            differences: Vec::new(),
            seen: HashSet::new(),
            token: format!("admin:{PROJECT}"),
        }
    }

    /// The made-up id standing for `real`, given in order of first sight.
    fn fake(&mut self, real: &str) -> String {
        if let Some(fake) = self.fakes.get(real) {
            return fake.clone();
        }
        let fake = made_up_uuid(self.fakes.len() as u64 + 1);
        self.fakes.insert(real.to_string(), fake.clone());
        self.reals.insert(fake.clone(), real.to_string());
        fake
    }

    /// `value` with its volatile parts replaced by stable ones.
    fn normalize(&mut self, value: &Value, key: Option<&str>) -> Value {
        match value {
            // In key order, whatever order the map keeps, so the stand-ins
            // are given out in the same order every time.
            Value::Object(map) => {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.sort_by_key(|(name, _)| *name);
                Value::Object(
                    entries
                        .into_iter()
                        .map(|(name, item)| (self.normalize_text(name), self.normalize(item, Some(name))))
                        .collect(),
                )
            }
            Value::Array(items) => Value::Array(items.iter().map(|item| self.normalize(item, key)).collect()),
            Value::String(text) if matches!(key, Some("created_at" | "updated_at" | "deleted_at")) => {
                Value::String(stable_timestamp(text))
            }
            Value::String(text) => Value::String(self.normalize_text(text)),
            other => other.clone(),
        }
    }

    /// `text` with every UUID replaced by its stand-in and each listener's
    /// address by an example one.
    fn normalize_text(&mut self, text: &str) -> String {
        let mut text = text.replace(&self.app.address, "http://openstack.example.com:8786");
        if let Some(volume) = &self.app.volume_address {
            text = text.replace(volume.as_str(), "http://openstack.example.com:8776");
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some((start, uuid)) = find_uuid(rest) {
            out.push_str(&rest[..start]);
            let fake = self.fake(uuid);
            out.push_str(&fake);
            rest = &rest[start + uuid.len()..];
        }
        out.push_str(rest);
        out
    }

    /// `text` (a committed request sample) with the made-up ids swapped
    /// back for the real ones.
    fn denormalize(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some((start, uuid)) = find_uuid(rest) {
            out.push_str(&rest[..start]);
            out.push_str(self.reals.get(uuid).map(String::as_str).unwrap_or(uuid));
            rest = &rest[start + uuid.len()..];
        }
        out.push_str(rest);
        out
    }

    /// Compares `value`, normalized, with the committed sample `name`
    /// (or writes it, when updating); returns the committed text, or when
    /// updating (both backends write at once) the text written.
    fn sample(&mut self, listener: Listener, name: &str, value: &Value) -> String {
        let normalized = self.normalize(value, None);
        let text = pretty(&normalized);
        let path = sample_path(listener, name);
        self.seen.insert(path.clone());
        if self.update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &text).unwrap();
            return text;
        }
        match std::fs::read_to_string(&path) {
            Ok(committed) if committed == text => committed,
            Ok(committed) => {
                self.differences.push(format!(
                    "{} differs from the server's answer:\n--- committed\n{committed}\n+++ answered\n{text}",
                    path.display()
                ));
                committed
            }
            Err(err) => {
                self.differences
                    .push(format!("{}: {err}; the server answered:\n{text}", path.display()));
                text
            }
        }
    }

    /// Sends one request of the walk. With `request`, the body is
    /// compared with (or written to) `<name>-request.json` and the
    /// committed file is what is sent; with `response`, the answer's body
    /// is compared with `<name>-response.json`.
    async fn call(
        &mut self,
        listener: Listener,
        method: Method,
        path: &str,
        name: &str,
        request: Option<Value>,
        response: bool,
    ) -> TestResponse {
        let body = match request {
            Some(body) => {
                let committed = self.sample(listener, &format!("{name}-request"), &body);
                Some(self.denormalize(&committed))
            }
            None => None,
        };
        let token = self.token.clone();
        let answer = match listener {
            Listener::Share => {
                let headers = [
                    ("X-Auth-Token", token.as_str()),
                    ("X-OpenStack-Manila-API-Version", SHARE_VERSION),
                    ("X-OpenStack-Manila-API-Experimental", "True"),
                    ("Content-Type", "application/json"),
                ];
                self.app.request(method.clone(), path, &headers, body.as_deref()).await
            }
            Listener::Volume => {
                let headers = [
                    ("X-Auth-Token", token.as_str()),
                    ("OpenStack-API-Version", VOLUME_VERSION),
                    ("Content-Type", "application/json"),
                ];
                self.app
                    .volume_request(method.clone(), path, &headers, body.as_deref())
                    .await
            }
        };
        assert!(
            answer.status < 400,
            "{method} {path}: {} {}",
            answer.status,
            answer.text()
        );
        if response {
            let value = answer.json();
            self.sample(listener, &format!("{name}-response"), &value);
        }
        answer
    }

    /// Polls `path` until its `key` object has `status`.
    async fn wait_for(&self, listener: Listener, path: &str, key: &str, status: &str) {
        let token = self.token.clone();
        for _ in 0..500 {
            let answer = match listener {
                Listener::Share => {
                    let headers = [
                        ("X-Auth-Token", token.as_str()),
                        ("X-OpenStack-Manila-API-Version", SHARE_VERSION),
                        ("X-OpenStack-Manila-API-Experimental", "True"),
                    ];
                    self.app.get(path, &headers).await
                }
                Listener::Volume => {
                    let headers = [("X-Auth-Token", token.as_str())];
                    self.app.volume_request(Method::GET, path, &headers, None).await
                }
            };
            if answer.status == 200 && answer.json()[key]["status"] == status {
                return;
            }
            actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("{path} never became {status}");
    }

    /// Fails on any difference, and on a sample file no request of the
    /// walk stands for (left behind by a renamed or removed step).
    fn finish(mut self) {
        for dir in [SHARE_SAMPLES, VOLUME_SAMPLES] {
            let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(dir);
            for entry in std::fs::read_dir(&dir).unwrap_or_else(|err| panic!("{}: {err}", dir.display())) {
                let path = entry.unwrap().path();
                if !self.seen.contains(&path) {
                    self.differences
                        .push(format!("{} is no request's sample: remove it", path.display()));
                }
            }
        }
        assert!(
            self.differences.is_empty(),
            "{}\n\nRun `UPDATE_API_REF_SAMPLES=1 scripts/test -- api_ref_samples` to write the samples \
             again, and review the difference.",
            self.differences.join("\n\n")
        );
    }
}

fn sample_path(listener: Listener, name: &str) -> PathBuf {
    let dir = match listener {
        Listener::Share => SHARE_SAMPLES,
        Listener::Volume => VOLUME_SAMPLES,
    };
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(dir)
        .join(format!("{name}.json"))
}

/// JSON indented by four spaces, as OpenStack's samples are, with a final newline.
fn pretty(value: &Value) -> String {
    use serde::Serialize;
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    value.serialize(&mut serializer).unwrap();
    out.push(b'\n');
    String::from_utf8(out).unwrap()
}

/// The first UUID (8-4-4-4-12 lower-case hex) in `text`: where, and which.
fn find_uuid(text: &str) -> Option<(usize, &str)> {
    let bytes = text.as_bytes();
    let shape = |window: &[u8]| {
        window.iter().enumerate().all(|(i, byte)| match i {
            8 | 13 | 18 | 23 => *byte == b'-',
            _ => byte.is_ascii_digit() || (b'a'..=b'f').contains(byte),
        })
    };
    (0..bytes.len().saturating_sub(35))
        .find(|&start| {
            shape(&bytes[start..start + 36])
                && (start == 0 || !bytes[start - 1].is_ascii_alphanumeric())
                && bytes.get(start + 36).is_none_or(|byte| !byte.is_ascii_alphanumeric())
        })
        .map(|start| (start, &text[start..start + 36]))
}

/// The `n`th made-up id: random-looking, a valid version-4 UUID, and the
/// same on every run.
fn made_up_uuid(n: u64) -> String {
    let mut state = n.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5851_f42d_4c95_7f2d;
    let mut next = || {
        // splitmix64
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let bits = (u128::from(next()) << 64 | u128::from(next())) & !(0xf << 76) & !(0x3 << 62);
    let bits = bits | (0x4 << 76) | (0x2 << 62);
    uuid::Uuid::from_u128(bits).hyphenated().to_string()
}

/// `text` (a timestamp) at [`INSTANT`], its fraction and zone kept in shape.
fn stable_timestamp(text: &str) -> String {
    if text.len() < INSTANT.len() {
        return text.to_string();
    }
    let tail: String = text[INSTANT.len()..]
        .chars()
        .map(|c| if c.is_ascii_digit() { '0' } else { c })
        .collect();
    format!("{INSTANT}{tail}")
}

fn id(response: &TestResponse, key: &str) -> String {
    response.json()[key]["id"].as_str().expect("an id").to_string()
}

/// Manila's API, at 2.30, as an administrator.
async fn share_api(samples: &mut Samples) {
    use Listener::Share;
    let v2 = format!("/v2/{PROJECT}");
    samples.call(Share, Method::GET, "/", "list-versions", None, true).await;
    samples
        .call(Share, Method::GET, "/v2/", "show-version-v2", None, true)
        .await;

    // Share types and their extra specs.
    let body = json!({"share_type": {
        "name": "default",
        "share_type_access:is_public": true,
        "extra_specs": {"driver_handles_share_servers": false},
    }});
    let created = samples
        .call(
            Share,
            Method::POST,
            &format!("{v2}/types"),
            "create-share-type",
            Some(body),
            true,
        )
        .await;
    let type_id = id(&created, "share_type");
    let specs = format!("{v2}/types/{type_id}/extra_specs");
    let body = json!({"extra_specs": {"acme:tier": "gold", "acme:thin_provisioned": "true"}});
    samples
        .call(Share, Method::POST, &specs, "set-extra-specs", Some(body), true)
        .await;
    samples
        .call(Share, Method::GET, &specs, "list-extra-specs", None, true)
        .await;
    let spec = format!("{specs}/acme:tier");
    samples
        .call(Share, Method::GET, &spec, "show-extra-spec", None, true)
        .await;
    let body = json!({"acme:tier": "silver"});
    samples
        .call(Share, Method::PUT, &spec, "update-extra-spec", Some(body), true)
        .await;
    samples
        .call(Share, Method::DELETE, &spec, "delete-extra-spec", None, false)
        .await;
    samples
        .call(
            Share,
            Method::GET,
            &format!("{v2}/types"),
            "list-share-types",
            None,
            true,
        )
        .await;
    samples
        .call(
            Share,
            Method::GET,
            &format!("{v2}/types/{type_id}"),
            "show-share-type",
            None,
            true,
        )
        .await;
    samples
        .call(
            Share,
            Method::GET,
            &format!("{v2}/types/default"),
            "show-default-share-type",
            None,
            true,
        )
        .await;

    // Share networks.
    let body = json!({"share_network": {
        "name": "net_my",
        "description": "This is my share network",
        "neutron_net_id": "998b42ee-2cee-4d36-8b95-67b5ca1f2109",
        "neutron_subnet_id": "53482b62-2c84-4a53-b6ab-30d9d9800d06",
    }});
    let created = samples
        .call(
            Share,
            Method::POST,
            &format!("{v2}/share-networks"),
            "create-share-network",
            Some(body),
            true,
        )
        .await;
    let network_id = id(&created, "share_network");
    let network = format!("{v2}/share-networks/{network_id}");
    let body = json!({"share_network": {"name": "net_my1", "description": "i'm adding a description"}});
    samples
        .call(Share, Method::PUT, &network, "update-share-network", Some(body), true)
        .await;
    samples
        .call(Share, Method::GET, &network, "show-share-network", None, true)
        .await;
    samples
        .call(
            Share,
            Method::GET,
            &format!("{v2}/share-networks"),
            "list-share-networks",
            None,
            true,
        )
        .await;
    samples
        .call(
            Share,
            Method::GET,
            &format!("{v2}/share-networks/detail"),
            "list-share-networks-detail",
            None,
            true,
        )
        .await;

    // A consistency group.
    let body = json!({"consistency_group": {
        "name": "cg1",
        "description": "A consistency group for the database's shares",
        "share_types": [type_id],
    }});
    let cgs = format!("{v2}/consistency-groups");
    let created = samples
        .call(Share, Method::POST, &cgs, "create-consistency-group", Some(body), true)
        .await;
    let cg_id = id(&created, "consistency_group");
    let cg = format!("{cgs}/{cg_id}");
    samples.wait_for(Share, &cg, "consistency_group", "available").await;
    let body = json!({"consistency_group": {"name": "cg_database", "description": "Tables, logs and configuration"}});
    samples
        .call(Share, Method::PUT, &cg, "update-consistency-group", Some(body), true)
        .await;
    samples
        .call(Share, Method::GET, &cg, "show-consistency-group", None, true)
        .await;
    samples
        .call(Share, Method::GET, &cgs, "list-consistency-groups", None, true)
        .await;
    samples
        .call(
            Share,
            Method::GET,
            &format!("{cgs}/detail"),
            "list-consistency-groups-detail",
            None,
            true,
        )
        .await;

    // A share in it, and its export locations.
    let body = json!({"share": {
        "share_proto": "NFS",
        "size": 1,
        "name": "share_logs",
        "description": "The database's logs",
        "share_type": type_id,
        "consistency_group_id": cg_id,
        "metadata": {},
    }});
    let shares = format!("{v2}/shares");
    let created = samples
        .call(Share, Method::POST, &shares, "create-share", Some(body), true)
        .await;
    let share_id = id(&created, "share");
    let share = format!("{shares}/{share_id}");
    samples.wait_for(Share, &share, "share", "available").await;
    let body = json!({"share": {"display_name": "share_log", "display_description": "Logs of the database"}});
    samples
        .call(Share, Method::PUT, &share, "update-share", Some(body), true)
        .await;
    samples.call(Share, Method::GET, &share, "show-share", None, true).await;
    samples
        .call(Share, Method::GET, &shares, "list-shares", None, true)
        .await;
    samples
        .call(
            Share,
            Method::GET,
            &format!("{shares}/detail"),
            "list-shares-detail",
            None,
            true,
        )
        .await;
    let locations = format!("{share}/export_locations");
    let listed = samples
        .call(Share, Method::GET, &locations, "list-export-locations", None, true)
        .await;
    let location_id = listed.json()["export_locations"][0]["id"]
        .as_str()
        .expect("an export location")
        .to_string();
    samples
        .call(
            Share,
            Method::GET,
            &format!("{locations}/{location_id}"),
            "show-export-location",
            None,
            true,
        )
        .await;

    // A cgsnapshot of the group.
    let body = json!({"cgsnapshot": {
        "consistency_group_id": cg_id,
        "name": "cgsnapshot1",
        "description": "Before the upgrade",
    }});
    let cgsnapshots = format!("{v2}/cgsnapshots");
    let created = samples
        .call(Share, Method::POST, &cgsnapshots, "create-cgsnapshot", Some(body), true)
        .await;
    let cgsnapshot_id = id(&created, "cgsnapshot");
    let cgsnapshot = format!("{cgsnapshots}/{cgsnapshot_id}");
    samples.wait_for(Share, &cgsnapshot, "cgsnapshot", "available").await;
    let body = json!({"cgsnapshot": {"name": "cgsnapshot_before_upgrade", "description": "Taken before the upgrade"}});
    samples
        .call(Share, Method::PUT, &cgsnapshot, "update-cgsnapshot", Some(body), true)
        .await;
    samples
        .call(Share, Method::GET, &cgsnapshot, "show-cgsnapshot", None, true)
        .await;
    samples
        .call(Share, Method::GET, &cgsnapshots, "list-cgsnapshots", None, true)
        .await;
    samples
        .call(
            Share,
            Method::GET,
            &format!("{cgsnapshots}/detail"),
            "list-cgsnapshots-detail",
            None,
            true,
        )
        .await;
    samples
        .call(
            Share,
            Method::GET,
            &format!("{cgsnapshot}/members"),
            "list-cgsnapshot-members",
            None,
            true,
        )
        .await;

    // A second group made from the cgsnapshot.
    let body = json!({"consistency_group": {"name": "cg_restored", "source_cgsnapshot_id": cgsnapshot_id}});
    let created = samples
        .call(
            Share,
            Method::POST,
            &cgs,
            "create-consistency-group-from-cgsnapshot",
            Some(body),
            true,
        )
        .await;
    let restored = format!("{cgs}/{}", id(&created, "consistency_group"));
    samples
        .wait_for(Share, &restored, "consistency_group", "available")
        .await;

    // Administrators' actions and deletes (202, no body).
    let body = json!({"reset_status": {"status": "error"}});
    samples
        .call(
            Share,
            Method::POST,
            &format!("{restored}/action"),
            "consistency-group-reset-status",
            Some(body),
            false,
        )
        .await;
    let body = json!({"force_delete": null});
    samples
        .call(
            Share,
            Method::POST,
            &format!("{restored}/action"),
            "consistency-group-force-delete",
            Some(body),
            false,
        )
        .await;
    let body = json!({"reset_status": {"status": "error"}});
    samples
        .call(
            Share,
            Method::POST,
            &format!("{cgsnapshot}/action"),
            "cgsnapshot-reset-status",
            Some(body),
            false,
        )
        .await;
    let body = json!({"force_delete": null});
    samples
        .call(
            Share,
            Method::POST,
            &format!("{cgsnapshot}/action"),
            "cgsnapshot-force-delete",
            Some(body),
            false,
        )
        .await;
    let body = json!({"reset_status": {"status": "error"}});
    samples
        .call(
            Share,
            Method::POST,
            &format!("{share}/action"),
            "share-reset-status",
            Some(body),
            false,
        )
        .await;
    let body = json!({"force_delete": null});
    samples
        .call(
            Share,
            Method::POST,
            &format!("{share}/action"),
            "share-force-delete",
            Some(body),
            false,
        )
        .await;
}

/// Cinder's API, at 3.71, as an administrator.
async fn volume_api(samples: &mut Samples) {
    use Listener::Volume;
    let v3 = format!("/v3/{PROJECT}");
    samples
        .call(Volume, Method::GET, "/", "list-volume-versions", None, true)
        .await;
    samples
        .call(Volume, Method::GET, "/v3/", "show-volume-version-v3", None, true)
        .await;

    // A volume type for consistency groups, and its extra specs.
    let body = json!({"volume_type": {
        "name": "cg_type",
        "description": "Volumes that can be snapshotted together",
        "os-volume-type-access:is_public": true,
        "extra_specs": {"volume_backend_name": "LVM"},
    }});
    let types = format!("{v3}/types");
    let created = samples
        .call(Volume, Method::POST, &types, "create-volume-type", Some(body), true)
        .await;
    let type_id = id(&created, "volume_type");
    let specs = format!("{types}/{type_id}/extra_specs");
    let body = json!({"extra_specs": {"consistent_group_snapshot_enabled": "<is> True"}});
    samples
        .call(
            Volume,
            Method::POST,
            &specs,
            "set-volume-type-extra-specs",
            Some(body),
            true,
        )
        .await;
    samples
        .call(Volume, Method::GET, &specs, "list-volume-type-extra-specs", None, true)
        .await;
    let spec = format!("{specs}/volume_backend_name");
    samples
        .call(Volume, Method::GET, &spec, "show-volume-type-extra-spec", None, true)
        .await;
    let body = json!({"volume_backend_name": "LVM"});
    samples
        .call(
            Volume,
            Method::PUT,
            &spec,
            "update-volume-type-extra-spec",
            Some(body),
            true,
        )
        .await;
    samples
        .call(Volume, Method::GET, &types, "list-volume-types", None, true)
        .await;
    samples
        .call(
            Volume,
            Method::GET,
            &format!("{types}/{type_id}"),
            "show-volume-type",
            None,
            true,
        )
        .await;

    // A consistency group.
    let body = json!({"consistencygroup": {
        "name": "firstcg",
        "description": "A consistency group for the database's volumes",
        "volume_types": "cg_type",
    }});
    let cgs = format!("{v3}/consistencygroups");
    let created = samples
        .call(Volume, Method::POST, &cgs, "create-consistency-group", Some(body), true)
        .await;
    let cg_id = id(&created, "consistencygroup");
    let cg = format!("{cgs}/{cg_id}");
    samples.wait_for(Volume, &cg, "consistencygroup", "available").await;

    // A volume in it.
    let body = json!({"volume": {
        "size": 1,
        "name": "vol_logs",
        "description": "The database's logs",
        "volume_type": type_id,
        "consistencygroup_id": cg_id,
    }});
    let volumes = format!("{v3}/volumes");
    let created = samples
        .call(Volume, Method::POST, &volumes, "create-volume", Some(body), true)
        .await;
    let volume_id = id(&created, "volume");
    let volume = format!("{volumes}/{volume_id}");
    samples.wait_for(Volume, &volume, "volume", "available").await;
    let body = json!({"volume": {"name": "vol_log", "description": "Logs of the database"}});
    samples
        .call(Volume, Method::PUT, &volume, "update-volume", Some(body), true)
        .await;
    samples
        .call(Volume, Method::GET, &volume, "show-volume", None, true)
        .await;
    samples
        .call(Volume, Method::GET, &volumes, "list-volumes", None, true)
        .await;
    samples
        .call(
            Volume,
            Method::GET,
            &format!("{volumes}/detail"),
            "list-volumes-detail",
            None,
            true,
        )
        .await;

    let body = json!({"consistencygroup": {"name": "cg_database", "description": "Tables, logs and configuration"}});
    samples
        .call(Volume, Method::PUT, &cg, "update-consistency-group", Some(body), false)
        .await;
    samples
        .call(Volume, Method::GET, &cg, "show-consistency-group", None, true)
        .await;
    samples
        .call(Volume, Method::GET, &cgs, "list-consistency-groups", None, true)
        .await;
    samples
        .call(
            Volume,
            Method::GET,
            &format!("{cgs}/detail"),
            "list-consistency-groups-detail",
            None,
            true,
        )
        .await;

    // A cgsnapshot, and the snapshot it made of the volume.
    let body = json!({"cgsnapshot": {
        "consistencygroup_id": cg_id,
        "name": "firstcg-snapshot",
        "description": "Before the upgrade",
    }});
    let cgsnapshots = format!("{v3}/cgsnapshots");
    let created = samples
        .call(
            Volume,
            Method::POST,
            &cgsnapshots,
            "create-cgsnapshot",
            Some(body),
            true,
        )
        .await;
    let cgsnapshot_id = id(&created, "cgsnapshot");
    let cgsnapshot = format!("{cgsnapshots}/{cgsnapshot_id}");
    samples.wait_for(Volume, &cgsnapshot, "cgsnapshot", "available").await;
    samples
        .call(Volume, Method::GET, &cgsnapshot, "show-cgsnapshot", None, true)
        .await;
    samples
        .call(Volume, Method::GET, &cgsnapshots, "list-cgsnapshots", None, true)
        .await;
    samples
        .call(
            Volume,
            Method::GET,
            &format!("{cgsnapshots}/detail"),
            "list-cgsnapshots-detail",
            None,
            true,
        )
        .await;
    let snapshots = format!("{v3}/snapshots");
    let listed = samples
        .call(Volume, Method::GET, &snapshots, "list-snapshots", None, true)
        .await;
    let snapshot_id = listed.json()["snapshots"][0]["id"]
        .as_str()
        .expect("a snapshot")
        .to_string();
    samples
        .call(
            Volume,
            Method::GET,
            &format!("{snapshots}/detail"),
            "list-snapshots-detail",
            None,
            true,
        )
        .await;
    samples
        .call(
            Volume,
            Method::GET,
            &format!("{snapshots}/{snapshot_id}"),
            "show-snapshot",
            None,
            true,
        )
        .await;

    // The generic-group window.
    samples
        .call(
            Volume,
            Method::GET,
            &format!("{v3}/group_types"),
            "list-group-types",
            None,
            true,
        )
        .await;
    samples
        .call(Volume, Method::GET, &format!("{v3}/groups"), "list-groups", None, true)
        .await;
    samples
        .call(
            Volume,
            Method::GET,
            &format!("{v3}/groups/detail"),
            "list-groups-detail",
            None,
            true,
        )
        .await;
    samples
        .call(
            Volume,
            Method::GET,
            &format!("{v3}/group_snapshots"),
            "list-group-snapshots",
            None,
            true,
        )
        .await;
    samples
        .call(
            Volume,
            Method::GET,
            &format!("{v3}/group_snapshots/detail"),
            "list-group-snapshots-detail",
            None,
            true,
        )
        .await;

    // A group from the cgsnapshot, then the administrators' actions and deletes.
    let body = json!({"consistencygroup-from-src": {
        "name": "firstcg-restored",
        "description": "Restored from before the upgrade",
        "cgsnapshot_id": cgsnapshot_id,
    }});
    let created = samples
        .call(
            Volume,
            Method::POST,
            &format!("{cgs}/create_from_src"),
            "create-consistency-group-from-source",
            Some(body),
            true,
        )
        .await;
    let restored = format!("{cgs}/{}", id(&created, "consistencygroup"));
    samples
        .wait_for(Volume, &restored, "consistencygroup", "available")
        .await;
    let body = json!({"consistencygroup": {"force": true}});
    samples
        .call(
            Volume,
            Method::POST,
            &format!("{restored}/delete"),
            "delete-consistency-group",
            Some(body),
            false,
        )
        .await;
    samples
        .call(Volume, Method::DELETE, &cgsnapshot, "delete-cgsnapshot", None, false)
        .await;
    // The actions on a volume of no group (one in a group cannot be force-deleted).
    let token = samples.token.clone();
    let headers = [("X-Auth-Token", token.as_str()), ("Content-Type", "application/json")];
    let created = samples
        .app
        .volume_request(Method::POST, &volumes, &headers, Some(r#"{"volume": {"size": 1}}"#))
        .await;
    let volume = format!("{volumes}/{}", id(&created, "volume"));
    samples.wait_for(Volume, &volume, "volume", "available").await;
    let body = json!({"os-reset_status": {"status": "available"}});
    samples
        .call(
            Volume,
            Method::POST,
            &format!("{volume}/action"),
            "volume-reset-status",
            Some(body),
            false,
        )
        .await;
    let body = json!({"os-force_delete": {}});
    samples
        .call(
            Volume,
            Method::POST,
            &format!("{volume}/action"),
            "volume-force-delete",
            Some(body),
            false,
        )
        .await;
}

/// Walks both APIs on a server with a default share type (the one the
/// walk makes) and compares every sample.
async fn walk(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| config.default_share_type = Some("default".into())).await;
    let mut samples = Samples::new(app);
    share_api(&mut samples).await;
    volume_api(&mut samples).await;
    samples.finish();
}

mod samples_are_what_the_server_answers {
    use super::*;

    #[actix_web::test]
    async fn postgres() {
        walk(Backend::Postgres).await;
    }

    #[actix_web::test]
    async fn sqlite() {
        walk(Backend::Sqlite).await;
    }
}

#[test]
fn uuids_are_found_only_whole() {
    let id = "0b8bbc2a-d6f5-4f42-a42f-54e8f0c8b3c1";
    assert_eq!(find_uuid(&format!("x/{id}/y")), Some((2, id)));
    assert_eq!(find_uuid(&format!("a{id}")), None);
    assert_eq!(find_uuid("req-1"), None);
    assert_ne!(made_up_uuid(1), made_up_uuid(2));
    assert_eq!(uuid::Uuid::parse_str(&made_up_uuid(3)).unwrap().get_version_num(), 4);
    assert_eq!(
        stable_timestamp("2015-09-18T10:13:56.123456"),
        "2026-01-01T12:00:00.000000"
    );
}
