//! `api-ref/openapi.yaml` (Manila's API) and `api-ref/volume.yaml`
//! (Cinder's) against the server: every route each table serves is
//! documented and every documented operation is served, and every answer
//! the black-box tests get (through [`check`], which `TestApp::request`
//! and `TestApp::volume_request` call) is one the document describes: a
//! documented status, its media type, its headers, a body valid against
//! its schema, and the microversions the operation and each field are
//! documented for.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

use awc::http::Method;
use jsonschema::Validator;
use serde_json::{json, Value};

use crate::helpers::TestResponse;

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// One request and what is known of it, for [`check`].
pub struct Exchange<'a> {
    pub method: &'a Method,
    /// With its query, if any.
    pub path: &'a str,
    /// The body sent, when it was sent as JSON.
    pub request: Option<&'a str>,
    /// Whether the caller is an administrator, when the test knows.
    pub admin: Option<bool>,
}

/// Which listener an answer came from, so which document describes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Api {
    Share,
    Volume,
}

impl Api {
    fn file(self) -> &'static str {
        match self {
            Api::Share => "api-ref/openapi.yaml",
            Api::Volume => "api-ref/volume.yaml",
        }
    }

    /// The newest version a field's `x-openstack-microversion` may omit.
    fn max_version(self) -> (u32, u32) {
        match self {
            Api::Share => (2, 30),
            Api::Volume => (3, 71),
        }
    }
}

/// The document, loaded and compiled once per test process.
pub struct Document {
    api: Api,
    root: Value,
    paths: Vec<PathEntry>,
    /// Compiled schemas, by their JSON text.
    validators: HashMap<String, Validator>,
}

pub struct PathEntry {
    pub template: String,
    segments: Vec<Segment>,
    pub json_suffix: bool,
    /// The last parameter takes the rest of the path (`x-rest-of-path`).
    rest_of_path: bool,
    /// The path item, `$ref` followed.
    pub item: Value,
}

enum Segment {
    Literal(String),
    Parameter,
}

pub fn document() -> &'static Document {
    document_of(Api::Share)
}

pub fn document_of(api: Api) -> &'static Document {
    static SHARE: OnceLock<Document> = OnceLock::new();
    static VOLUME: OnceLock<Document> = OnceLock::new();
    let cell = match api {
        Api::Share => &SHARE,
        Api::Volume => &VOLUME,
    };
    cell.get_or_init(|| Document::load(api))
}

impl Document {
    fn load(api: Api) -> Document {
        let file = format!("{}/{}", env!("CARGO_MANIFEST_DIR"), api.file());
        let text = std::fs::read_to_string(&file).unwrap_or_else(|err| panic!("read {file}: {err}"));
        let root: Value = yaml_serde::from_str(&text).unwrap_or_else(|err| panic!("{file} is not YAML: {err}"));
        let mut document = Document {
            api,
            paths: Vec::new(),
            validators: HashMap::new(),
            root,
        };
        let paths: Vec<(String, Value)> = document.root["paths"]
            .as_object()
            .expect("paths")
            .iter()
            .map(|(template, item)| (template.clone(), document.resolve(item).clone()))
            .collect();
        for (template, item) in paths {
            for (_, operation) in operations(&item) {
                if let Some(schema) = operation.pointer("/requestBody/content/application~1json/schema") {
                    document.compile(&schema.clone());
                }
                for response in operation["responses"].as_object().expect("responses").values() {
                    document.compile_response(&document.resolve(response).clone());
                }
            }
            for (_, response) in item
                .get("x-other-methods")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                document.compile_response(&document.resolve(response).clone());
            }
            // Cinder's routes also answer without the project segment.
            let mut templates = vec![template.clone()];
            if item["x-project-optional"] == json!(true) {
                templates.push(template.replacen("/{project_id}", "", 1));
            }
            for template in templates {
                document.paths.push(PathEntry {
                    segments: segments(&template),
                    json_suffix: item["x-json-suffix"] == json!(true),
                    rest_of_path: item["x-rest-of-path"] == json!(true),
                    template,
                    item: item.clone(),
                });
            }
        }
        for name in ["UnknownPath", "NoAuthLogin", "TooLarge", "MethodNotAllowed"] {
            if let Some(response) = document.root["components"]["responses"].get(name).cloned() {
                document.compile_response(&response);
            }
        }
        document
    }

    /// Follows local `$ref`s (`#/...`) until a value that is not one.
    fn resolve<'a>(&'a self, mut value: &'a Value) -> &'a Value {
        while let Some(reference) = value.get("$ref").and_then(Value::as_str) {
            let pointer = reference.strip_prefix('#').expect("a local $ref");
            value = self
                .root
                .pointer(pointer)
                .unwrap_or_else(|| panic!("$ref {reference} resolves to nothing"));
        }
        value
    }

    fn compile_response(&mut self, response: &Value) {
        let mut schemas: Vec<Value> = Vec::new();
        if let Some(content) = response.get("content").and_then(Value::as_object) {
            schemas.extend(content.values().filter_map(|media| media.get("schema").cloned()));
        }
        if let Some(headers) = response.get("headers").and_then(Value::as_object) {
            schemas.extend(
                headers
                    .values()
                    .filter_map(|header| self.resolve(header).get("schema").cloned()),
            );
        }
        for schema in schemas {
            self.compile(&schema);
        }
    }

    /// A validator for `schema`, in which `#/components/...` resolves
    /// against the document.
    fn compile(&mut self, schema: &Value) {
        let key = schema.to_string();
        if self.validators.contains_key(&key) {
            return;
        }
        let wrapped = json!({
            "$defs": { "it": schema },
            "$ref": "#/$defs/it",
            "components": self.root["components"],
        });
        let validator = jsonschema::draft202012::new(&wrapped)
            .unwrap_or_else(|err| panic!("schema {schema} does not compile: {err}"));
        self.validators.insert(key, validator);
    }

    fn validate(&self, schema: &Value, instance: &Value) -> Vec<String> {
        let validator = self
            .validators
            .get(&schema.to_string())
            .unwrap_or_else(|| panic!("schema {schema} was not compiled"));
        validator
            .iter_errors(instance)
            .map(|err| format!("{} at {}", err, err.instance_path()))
            .collect()
    }

    /// Every (method, path) the document has an operation for: `*` for an
    /// operation that answers any method.
    pub fn operations(&self) -> Vec<(String, &PathEntry, &Value)> {
        let mut found = Vec::new();
        for entry in &self.paths {
            for (method, operation) in operations(&entry.item) {
                let method = if operation["x-any-method"] == json!(true) {
                    "*".to_string()
                } else {
                    method.to_uppercase()
                };
                found.push((method, entry, operation));
            }
        }
        found
    }

    /// The path items whose template matches `path`, most literal first.
    fn matching(&self, path: &str) -> Vec<&PathEntry> {
        let actual: Vec<&str> = path.strip_prefix('/').unwrap_or(path).split('/').collect();
        let mut found: Vec<(usize, &PathEntry)> = self
            .paths
            .iter()
            // Cinder's router takes only hex digits and dashes as a project.
            .filter(|entry| {
                self.api == Api::Share
                    || !entry.template.contains("/{project_id}")
                    || actual.get(1).is_some_and(|project| {
                        !project.is_empty() && project.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f' | b'-'))
                    })
            })
            .filter(|entry| {
                (entry.rest_of_path && matches_start(&entry.segments, &actual))
                    || matches(&entry.segments, &actual)
                    || (entry.json_suffix && strip_json(&actual).is_some_and(|bare| matches(&entry.segments, &bare)))
            })
            .map(|entry| {
                let literals = entry
                    .segments
                    .iter()
                    .filter(|segment| matches!(segment, Segment::Literal(_)))
                    .count();
                (literals, entry)
            })
            .collect();
        found.sort_by_key(|(literals, _)| std::cmp::Reverse(*literals));
        found.into_iter().map(|(_, entry)| entry).collect()
    }

    /// Checks one answer against the document; every mismatch is listed.
    pub fn check(&self, exchange: &Exchange, response: &TestResponse) -> Result<(), Vec<String>> {
        let method = exchange.method;
        let path = exchange.path.split('?').next().unwrap_or(exchange.path);
        let candidates = self.matching(path);
        let operation = candidates.iter().find_map(|entry| {
            operations(&entry.item)
                .into_iter()
                .find(|(name, operation)| {
                    name.eq_ignore_ascii_case(method.as_str()) || operation["x-any-method"] == json!(true)
                })
                .map(|(_, operation)| operation)
        });
        let status = response.status.to_string();
        if let Some(operation) = operation {
            let Some(documented) = operation["responses"].get(&status) else {
                return Err(vec![format!(
                    "status {status} is not documented for {method} {}",
                    candidates[0].template
                )]);
            };
            let documented = self.resolve(documented);
            let mut errors = self.check_response(method, documented, response);
            if errors.is_empty() && response.status / 100 == 2 && response.status != 204 {
                errors.extend(self.check_versions(operation, documented, response, exchange.admin));
                errors.extend(self.check_request(operation, exchange.request));
            }
            return if errors.is_empty() { Ok(()) } else { Err(errors) };
        }

        // No operation: the answer to a method the path does not declare
        // (from the first path that does not let it fall through), or to a
        // path no route matches. Under `/v1` and `/v2` authentication and
        // the body limit run before routing. Cinder's router answers every
        // such request with its 404 page, and its size limiter runs first.
        if self.api == Api::Volume {
            let mut answers = json!({"404": {"$ref": "#/components/responses/UnknownPath"}});
            answers["413"] = json!({"$ref": "#/components/responses/TooLarge"});
            if path.starts_with("/v2/") || path.starts_with("/v3/") {
                answers["204"] = json!({"$ref": "#/components/responses/NoAuthLogin"});
            }
            let errors = match answers.get(&status) {
                Some(answer) => self.check_response(method, self.resolve(answer), response),
                None => vec![format!(
                    "{method} {path} has no operation, and {status} is not among {answers}"
                )],
            };
            return if errors.is_empty() { Ok(()) } else { Err(errors) };
        }
        let mut answers = match candidates
            .iter()
            .find(|entry| entry.item.get("x-fall-through").is_none())
        {
            Some(entry) => entry
                .item
                .get("x-other-methods")
                .cloned()
                .unwrap_or_else(|| json!({"405": {"$ref": "#/components/responses/MethodNotAllowed"}})),
            None => json!({"404": {"$ref": "#/components/responses/UnknownPath"}}),
        };
        if path == "/v1" || path.starts_with("/v1/") || path == "/v2" || path.starts_with("/v2/") {
            answers["204"] = json!({"$ref": "#/components/responses/NoAuthLogin"});
            answers["413"] = json!({"$ref": "#/components/responses/TooLarge"});
        }
        let Some(answer) = answers.get(&status) else {
            return Err(vec![format!(
                "{method} {path} has no operation, and {status} is not among its answers {answers}"
            )]);
        };
        let errors = self.check_response(method, self.resolve(answer), response);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    fn check_response(&self, method: &Method, documented: &Value, response: &TestResponse) -> Vec<String> {
        let mut errors = Vec::new();
        if let Some(headers) = documented.get("headers").and_then(Value::as_object) {
            for (name, header) in headers {
                let header = self.resolve(header);
                match response.header(name) {
                    None if header["required"] == json!(true) => errors.push(format!("header {name} is missing")),
                    None => {}
                    Some(value) => {
                        if let Some(schema) = header.get("schema") {
                            for error in self.validate(schema, &Value::String(value.to_string())) {
                                errors.push(format!("header {name}: {error}"));
                            }
                        }
                    }
                }
            }
        }
        let Some(content) = documented.get("content").and_then(Value::as_object) else {
            if !response.body.is_empty() {
                errors.push(format!("a body where none is documented: {:?}", response.text()));
            }
            return errors;
        };
        let media_type = response
            .header("content-type")
            .map(|value| value.split(';').next().unwrap_or(value).trim().to_string());
        let Some((_, media)) = content
            .iter()
            .find(|(documented, _)| Some(documented.as_str()) == media_type.as_deref())
        else {
            errors.push(format!(
                "content type {media_type:?} is not one of {:?}",
                content.keys().collect::<Vec<_>>()
            ));
            return errors;
        };
        // A HEAD answer has the headers of the GET one, and never a body.
        if let Some(schema) = media.get("schema").filter(|_| method != Method::HEAD) {
            let instance = if media_type.as_deref() == Some("application/json") {
                match serde_json::from_slice(&response.body) {
                    Ok(instance) => instance,
                    Err(err) => {
                        errors.push(format!("the body is not JSON: {err}"));
                        return errors;
                    }
                }
            } else {
                Value::String(response.text())
            };
            errors.extend(self.validate(schema, &instance));
        }
        errors
    }

    /// A body the server took must be one the document allows (bodies it
    /// refuses are the fault tests' business).
    fn check_request(&self, operation: &Value, request: Option<&str>) -> Vec<String> {
        let Some(schema) = operation.pointer("/requestBody/content/application~1json/schema") else {
            return Vec::new();
        };
        let Some(body) = request.and_then(|body| serde_json::from_str::<Value>(body).ok()) else {
            return Vec::new();
        };
        self.validate(schema, &body)
            .into_iter()
            .map(|error| format!("request body {body}: {error}"))
            .collect()
    }

    /// A successful answer must come from a version the operation answers,
    /// and carry exactly the fields documented for that version.
    fn check_versions(
        &self,
        operation: &Value,
        documented: &Value,
        response: &TestResponse,
        admin: Option<bool>,
    ) -> Vec<String> {
        let served = match self.api {
            Api::Share => response
                .header("x-openstack-manila-api-version")
                .and_then(parse_version),
            // `/v2` answers carry no version: they are served at 2.0.
            Api::Volume => match response.header("openstack-api-version") {
                Some(value) => value.strip_prefix("volume ").and_then(parse_version),
                None => Some((2, 0)),
            },
        };
        let Some(served) = served else {
            return Vec::new();
        };
        let mut errors = Vec::new();
        if let Some(range) = operation.get("x-openstack-microversion") {
            if !in_range(range, served, self.api.max_version()) {
                errors.push(format!("served at {served:?}, outside the documented {range}"));
            }
            let experimental = response.header("x-openstack-manila-api-experimental") == Some("True");
            if range["experimental"] == json!(true) && !experimental {
                errors.push("an experimental operation answered a request that did not opt in".to_string());
            }
        }
        if let Some(schema) = documented.pointer("/content/application~1json/schema") {
            if let Ok(body) = serde_json::from_slice::<Value>(&response.body) {
                let caller = Caller { version: served, admin };
                self.check_fields(schema, &body, &caller, "", &mut errors);
            }
        }
        errors
    }

    /// Fields documented for some versions (or for administrators) must
    /// be present exactly when the caller gets them.
    fn check_fields(&self, schema: &Value, instance: &Value, caller: &Caller, at: &str, errors: &mut Vec<String>) {
        let schema = self.resolve(schema);
        if let (Some(properties), Some(object)) = (
            schema.get("properties").and_then(Value::as_object),
            instance.as_object(),
        ) {
            for (name, property) in properties {
                let versions = property.get("x-openstack-microversion");
                let admin_only = property["x-openstack-admin-only"] == json!(true);
                let in_versions = versions.is_none_or(|range| in_range(range, caller.version, self.api.max_version()));
                let expected = match (in_versions, admin_only) {
                    (false, _) => Some(false),
                    (true, true) => caller.admin,
                    (true, false) => versions.map(|_| true),
                };
                let present = object.contains_key(name);
                let version = caller.version;
                let why = || {
                    format!(
                        "at {version:?} for admin {:?}: {}",
                        caller.admin,
                        property_rule(property)
                    )
                };
                match expected {
                    Some(true) if !present => errors.push(format!("{at}/{name} is missing {}", why())),
                    Some(false) if present => errors.push(format!("{at}/{name} is present {}", why())),
                    _ => {}
                }
                if let Some(value) = object.get(name) {
                    self.check_fields(property, value, caller, &format!("{at}/{name}"), errors);
                }
            }
        }
        if let (Some(items), Some(array)) = (schema.get("items"), instance.as_array()) {
            for (index, value) in array.iter().enumerate() {
                self.check_fields(items, value, caller, &format!("{at}/{index}"), errors);
            }
        }
    }
}

/// The version an answer was served at, and whether its caller is an
/// administrator (when known).
struct Caller {
    version: (u32, u32),
    admin: Option<bool>,
}

fn property_rule(property: &Value) -> String {
    let versions = property.get("x-openstack-microversion").map(Value::to_string);
    let admin = (property["x-openstack-admin-only"] == json!(true)).then_some("admin only");
    versions
        .into_iter()
        .chain(admin.map(str::to_string))
        .collect::<Vec<_>>()
        .join(", ")
}

fn operations(item: &Value) -> Vec<(&str, &Value)> {
    METHODS
        .iter()
        .filter_map(|method| item.get(*method).map(|operation| (*method, operation)))
        .collect()
}

fn segments(template: &str) -> Vec<Segment> {
    template
        .strip_prefix('/')
        .unwrap_or(template)
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') && segment.ends_with('}') {
                Segment::Parameter
            } else {
                Segment::Literal(segment.to_string())
            }
        })
        .collect()
}

fn matches(template: &[Segment], actual: &[&str]) -> bool {
    template.len() == actual.len()
        && template.iter().zip(actual).all(|(segment, actual)| match segment {
            Segment::Literal(literal) => literal == actual,
            Segment::Parameter => !actual.is_empty(),
        })
}

/// A match of every segment but the last parameter, which takes whatever
/// is left, even nothing.
fn matches_start(template: &[Segment], actual: &[&str]) -> bool {
    let Some((_, start)) = template.split_last() else {
        return false;
    };
    actual.len() > start.len() && matches(start, &actual[..start.len()])
}

fn strip_json<'a>(actual: &[&'a str]) -> Option<Vec<&'a str>> {
    let (last, rest) = actual.split_last()?;
    let bare = last.strip_suffix(".json")?;
    let mut stripped = rest.to_vec();
    stripped.push(bare);
    Some(stripped)
}

fn parse_version(text: &str) -> Option<(u32, u32)> {
    let (major, minor) = text.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

fn in_range(range: &Value, version: (u32, u32), max: (u32, u32)) -> bool {
    let bound = |key: &str, default: (u32, u32)| {
        range
            .get(key)
            .and_then(Value::as_str)
            .map(|text| parse_version(text).unwrap_or_else(|| panic!("bad version {text} in {range}")))
            .unwrap_or(default)
    };
    bound("min", (1, 0)) <= version && version <= bound("max", max)
}

/// Called for every answer the black-box tests read.
pub fn check(api: Api, exchange: &Exchange, response: &TestResponse) {
    if let Err(errors) = document_of(api).check(exchange, response) {
        panic!(
            "the answer to {} {} ({}) does not match {}:\n  {}\nbody: {}",
            exchange.method,
            exchange.path,
            response.status,
            api.file(),
            errors.join("\n  "),
            response.text()
        );
    }
}

#[test]
fn every_route_is_documented_and_every_documented_operation_is_served() {
    let served: BTreeMap<(String, String), (bool, bool)> = manila_cg_api::api::routes()
        .into_iter()
        .map(|route| ((route.method, route.path), (route.json_twin, route.unimplemented)))
        .collect();
    let documented: BTreeMap<(String, String), (bool, bool)> = document()
        .operations()
        .into_iter()
        .map(|(method, entry, operation)| {
            (
                (method, entry.template.clone()),
                (entry.json_suffix, operation["x-unimplemented"] == json!(true)),
            )
        })
        .collect();
    // The table is really read: the action URL answers any method.
    let action = (
        "*".to_string(),
        "/v2/{project_id}/consistency-groups/{id}/action".to_string(),
    );
    assert_eq!(served.get(&action), Some(&(false, false)));
    let undocumented: Vec<_> = served.keys().filter(|route| !documented.contains_key(*route)).collect();
    assert!(undocumented.is_empty(), "served but not documented: {undocumented:?}");
    let unserved: Vec<_> = documented.keys().filter(|route| !served.contains_key(*route)).collect();
    assert!(unserved.is_empty(), "documented but not served: {unserved:?}");
    for (route, flags) in &served {
        assert_eq!(
            documented[route], *flags,
            "{route:?}: (x-json-suffix, x-unimplemented) differ from the route table"
        );
    }
}

#[test]
fn every_volume_route_is_documented_and_every_documented_operation_is_served() {
    let served: BTreeMap<(String, String), bool> = manila_cg_api::api::volume::routes()
        .into_iter()
        .map(|route| ((route.method, route.path), route.json_twin))
        .collect();
    let documented: BTreeMap<(String, String), bool> = document_of(Api::Volume)
        .operations()
        .into_iter()
        .map(|(method, entry, _)| ((method, entry.template.clone()), entry.json_suffix))
        .collect();
    assert!(served.contains_key(&("GET".to_string(), "/v3/".to_string())));
    let undocumented: Vec<_> = served.keys().filter(|route| !documented.contains_key(*route)).collect();
    assert!(undocumented.is_empty(), "served but not documented: {undocumented:?}");
    let unserved: Vec<_> = documented.keys().filter(|route| !served.contains_key(*route)).collect();
    assert!(unserved.is_empty(), "documented but not served: {unserved:?}");
    for (route, json_twin) in &served {
        assert_eq!(
            documented[route], *json_twin,
            "{route:?}: x-json-suffix differs from the route table"
        );
    }
}

#[test]
fn the_document_is_openapi_3_1_and_points_at_the_differences() {
    let root = &document().root;
    assert_eq!(root["openapi"], json!("3.1.0"));
    let description = root["info"]["description"].as_str().unwrap();
    assert!(description.contains("api-ref/differences.md"));
    let mut ids = BTreeSet::new();
    for (method, entry, operation) in document().operations() {
        if let Some(id) = operation.get("operationId").and_then(Value::as_str) {
            assert!(ids.insert(id), "operationId {id} is used twice");
        }
        // Every operation of the versioned API says which versions it answers.
        let versioned = entry.template.starts_with("/v1/") || entry.template.starts_with("/v2/");
        assert_eq!(
            operation.get("x-openstack-microversion").is_some(),
            versioned,
            "{method} {}: x-openstack-microversion",
            entry.template
        );
    }
}

#[test]
fn responses_are_checked_against_the_document() {
    let document = document();
    let json_answer = |status: u16, body: Value, headers: &[(&str, &str)]| {
        let mut map = awc::http::header::HeaderMap::new();
        for (name, value) in headers {
            map.insert(
                awc::http::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                awc::http::header::HeaderValue::from_str(value).unwrap(),
            );
        }
        TestResponse {
            status,
            headers: map,
            body: body.to_string().into_bytes(),
            experimental: false,
        }
    };
    let get = Method::GET;
    let caller = |path, admin| Exchange {
        method: &get,
        path,
        request: None,
        admin: Some(admin),
    };
    let as_admin = |path| caller(path, true);
    let request_id = "req-0b4f3a4e-4c1a-4d2b-9b5e-0123456789ab";
    let headers = [
        ("content-type", "application/json"),
        ("x-openstack-manila-api-version", "2.7"),
        ("openstack-api-version", "shared-file-system 2.7"),
        ("vary", "X-OpenStack-Manila-API-Version, OpenStack-API-Version"),
        ("x-openstack-manila-api-experimental", "True"),
        ("x-compute-request-id", request_id),
        ("x-openstack-request-id", request_id),
    ];
    let id = "6f519a48-0f29-4a8b-9b0a-0123456789ab";
    let links = json!([
        {"rel": "self", "href": format!("http://h/v2/p/consistency-groups/{id}")},
        {"rel": "bookmark", "href": format!("http://h/p/consistency-groups/{id}")},
    ]);
    let good = json!({"consistency_groups": [{"id": id, "name": null, "links": links}]});
    let list = "/v2/p/consistency-groups";
    assert_eq!(
        document.check(&as_admin(list), &json_answer(200, good, &headers)),
        Ok(())
    );

    // A key too many, a wrong type, a missing header, an undocumented status.
    let extra = json!({"consistency_groups": [{"id": id, "name": null, "links": links, "host": null}]});
    assert!(document
        .check(&as_admin(list), &json_answer(200, extra, &headers))
        .is_err());
    let wrong_type = json!({"consistency_groups": [{"id": id, "name": 7, "links": links}]});
    assert!(document
        .check(&as_admin(list), &json_answer(200, wrong_type, &headers))
        .is_err());
    let ok = json!({"consistency_groups": []});
    assert!(document
        .check(&as_admin(list), &json_answer(200, ok.clone(), &headers[..5]))
        .is_err());
    assert!(document
        .check(&as_admin(list), &json_answer(201, ok.clone(), &headers))
        .is_err());
    // Outside the operation's versions.
    let mut old = headers;
    old[1] = ("x-openstack-manila-api-version", "2.3");
    assert!(document.check(&as_admin(list), &json_answer(200, ok, &old)).is_err());
    // A field shown outside its versions: `task_state` is from 2.5.
    let network = json!({"share_network": {
        "id": id, "name": null, "project_id": "p", "created_at": "2015-09-16T09:28:52.880949",
        "updated_at": null, "neutron_net_id": null, "neutron_subnet_id": null, "network_type": null,
        "segmentation_id": null, "cidr": null, "ip_version": null, "description": null,
    }});
    let mut v2_17 = headers;
    v2_17[1] = ("x-openstack-manila-api-version", "2.17");
    let show = format!("/v2/p/share-networks/{id}");
    let at_17 = document.check(&as_admin(&show), &json_answer(200, network.clone(), &v2_17));
    assert!(at_17.is_err(), "nova_net_id is missing before 2.26");
    let mut with_nova = network;
    with_nova["share_network"]["nova_net_id"] = Value::Null;
    assert_eq!(
        document.check(&as_admin(&show), &json_answer(200, with_nova, &v2_17)),
        Ok(())
    );

    // `share_server_id` is for administrators only.
    let cg = json!({"consistency_group": {
        "id": id, "name": null, "created_at": "2015-09-16T09:28:52.880949", "status": "available",
        "description": null, "project_id": "p", "host": null, "source_cgsnapshot_id": null,
        "share_network_id": null, "share_types": [], "links": links, "share_server_id": null,
    }});
    let show = format!("/v2/p/consistency-groups/{id}");
    let answer = json_answer(200, cg.clone(), &headers);
    assert_eq!(document.check(&caller(&show, true), &answer), Ok(()));
    assert!(document.check(&caller(&show, false), &answer).is_err());
    let mut member_view = cg;
    member_view["consistency_group"]
        .as_object_mut()
        .unwrap()
        .remove("share_server_id");
    let answer = json_answer(200, member_view, &headers);
    assert_eq!(document.check(&caller(&show, false), &answer), Ok(()));
    assert!(document.check(&caller(&show, true), &answer).is_err());
}

/// Corners of the route table the other tests leave alone; the hook in
/// `TestApp::request` checks each answer against the document.
#[actix_web::test]
async fn answers_outside_the_declared_operations_are_documented_too() {
    let app = crate::helpers::TestApp::spawn(crate::helpers::Backend::Sqlite).await;
    let token = ("X-Auth-Token", "admin:p");
    let cg_version = [
        token,
        ("X-OpenStack-Manila-API-Version", "2.7"),
        ("X-OpenStack-Manila-API-Experimental", "true"),
    ];
    let plain_404 = "404 Not Found\n\nThe resource could not be found.\n\n   ";

    let root = app.request(Method::POST, "/", &[], None).await;
    assert_eq!((root.status, root.text().as_str()), (404, plain_404));
    let unknown = app.get("/v2/p/unknown", &[token]).await;
    assert_eq!((unknown.status, unknown.text().as_str()), (404, plain_404));
    let redirect = app.request(Method::POST, "/v2", &[token], None).await;
    assert_eq!((redirect.status, redirect.text().as_str()), (405, ""));

    let head = app
        .request(Method::HEAD, "/v2/p/consistency-groups", &cg_version, None)
        .await;
    assert_eq!(head.status, 405);
    assert_eq!(head.header("allow"), Some("GET, POST"));

    let twin = app.get("/v2/p/types.json", &[token]).await;
    assert_eq!(twin.json(), json!({"share_types": [], "volume_types": []}));
    let v1 = app.get("/v1/p/types/default", &[token]).await;
    assert_eq!(
        v1.json(),
        json!({"itemNotFound": {"code": 404, "message": "Default share type not found"}})
    );

    let action = app.get("/v2/p/consistency-groups/x/action", &cg_version).await;
    assert_eq!(
        action.json(),
        json!({"badRequest": {"code": 400, "message": "There is no such action: None"}})
    );
    let before_2_9 = app
        .get(
            "/v2/p/shares/x/export_locations",
            &[token, ("X-OpenStack-Manila-API-Version", "2.8")],
        )
        .await;
    assert_eq!(
        before_2_9.json(),
        json!({"itemNotFound": {"code": 404, "message": "The resource could not be found."}})
    );
}
