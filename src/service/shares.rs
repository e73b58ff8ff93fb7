//! Shares: upstream's `manila/api/v1/shares.py` (create, show, list,
//! update, delete) and `manila/share/api.py` (their rules), with the
//! consistency-group rules of reference section 11. Checks come in
//! upstream's order, so the same mistake wins.
//!
//! Upstream looks a share up in any project and then asks policy with the
//! share as the target: another project's private share is a 403
//! (`Policy doesn't allow share:get to be performed.`), not a 404.

use serde_json::{Map, Value};

use crate::db::consistency_groups::{self as cgs, ConsistencyGroup, Scope as CgScope};
use crate::db::jobs::{self, JobKind};
use crate::db::share_networks::{self as networks, Owner};
use crate::db::share_types::ShareType;
use crate::db::shares::{self as repo, Kind, Scope, Share};
use crate::db::{self, DbConnection};
use crate::error::{texts, Error, Result};
use crate::policy;
use crate::policy::RequestContext;
use crate::python::{py27_repr, py27_str};
use crate::service::admin_actions;
use crate::service::share_types::specs::{bool_from_text, parse_boolean_spec, SpecError};
use crate::service::share_types::{self, find_visible_by_name};
use crate::service::validation::{is_uuid_like, reset_status_of, truthy, valid_body, MAX_TEXT_LENGTH, RESET_STATES};

/// A share with what its views show beside the row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShareDetail {
    pub share: Share,
    /// The name of the share's type, when it has one.
    pub type_name: Option<String>,
    pub metadata: Vec<(String, String)>,
    pub export_paths: Vec<String>,
}

/// What share creation needs from the configuration.
#[derive(Clone, Debug)]
pub struct CreateSettings {
    pub default_share_type: Option<String>,
    pub availability_zone: String,
    pub enabled_protocols: Vec<String>,
    /// Whether the request's version honours `consistency_group_id` (2.4+).
    pub with_consistency_groups: bool,
}

const DELETABLE: [&str; 3] = ["available", "error", "inactive"];

const STRICT_BOOL_WORDS: &str = "'0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'";

/// Keys a member may filter a list by (`_get_share_search_options`).
const MEMBER_FILTERS: [&str; 15] = [
    "display_name",
    "status",
    "share_server_id",
    "volume_type_id",
    "share_type_id",
    "snapshot_id",
    "host",
    "share_network_id",
    "is_public",
    "metadata",
    "extra_specs",
    "sort_key",
    "sort_dir",
    "consistency_group_id",
    "cgsnapshot_id",
];

/// Columns of upstream's share and share-instance models a list may be
/// sorted by.
const SORT_KEYS: [&str; 26] = [
    "id",
    "deleted",
    "user_id",
    "project_id",
    "size",
    "display_name",
    "display_description",
    "snapshot_id",
    "snapshot_support",
    "share_proto",
    "is_public",
    "consistency_group_id",
    "source_cgsnapshot_member_id",
    "task_state",
    "replication_type",
    "created_at",
    "updated_at",
    "deleted_at",
    "host",
    "status",
    "share_network_id",
    "share_server_id",
    "share_type_id",
    "access_rules_status",
    "scheduled_at",
    "launched_at",
];

fn bare_not_found() -> Error {
    Error::NotFound(texts::NOT_FOUND.into())
}

fn bad_request() -> Error {
    Error::Invalid(texts::BAD_REQUEST.into())
}

fn policy_denied(action: &str) -> Error {
    Error::Forbidden(format!("Policy doesn't allow {action} to be performed."))
}

/// Upstream's `policy.check_policy(context, 'share', action, share)`:
/// `rule:default` with the share's project as the target.
fn enforce_on(context: &RequestContext, action: &str, share: &Share) -> Result<()> {
    policy::enforce(context, action)?;
    if context.is_admin || context.project_id == share.project_id {
        Ok(())
    } else {
        Err(policy_denied(action))
    }
}

/// `share_api.get`: any project's share, then `share:get` unless public.
fn get(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<Share> {
    if id.contains('\0') {
        return Err(bare_not_found());
    }
    let share = repo::find(conn, id)?.ok_or_else(bare_not_found)?;
    if !share.is_public {
        enforce_on(context, "share:get", &share)?;
    }
    Ok(share)
}

/// The rows beside each share that the views show.
fn describe(conn: &mut DbConnection, shares: Vec<Share>) -> Result<Vec<ShareDetail>> {
    let ids: Vec<&str> = shares.iter().map(|share| share.id.as_str()).collect();
    let mut metadata = repo::metadata_of(conn, &ids)?;
    let mut exports = repo::export_paths_of(conn, &ids)?;
    let type_ids: Vec<&str> = shares
        .iter()
        .filter_map(|share| share.share_type_id.as_deref())
        .collect();
    let names = repo::type_names(conn, &type_ids)?;
    Ok(shares
        .into_iter()
        .map(|share| ShareDetail {
            type_name: share.share_type_id.as_ref().and_then(|id| names.get(id).cloned()),
            metadata: metadata.remove(&share.id).unwrap_or_default(),
            export_paths: exports.remove(&share.id).unwrap_or_default(),
            share,
        })
        .collect())
}

fn describe_one(conn: &mut DbConnection, share: Share) -> Result<ShareDetail> {
    describe(conn, vec![share])?
        .pop()
        .ok_or_else(|| Error::Internal("a described share went missing".into()))
}

pub fn show(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<ShareDetail> {
    let share = get(conn, context, id)?;
    describe_one(conn, share)
}

/// Python's `int()` of a JSON value, as `as_int` tolerates sizes: integer
/// text (surrounding blanks and a sign allowed), a float (truncated) or a
/// boolean; `None` where Python would raise.
fn python_int(value: &Value) -> Option<i64> {
    match value {
        Value::Bool(flag) => Some(i64::from(*flag)),
        Value::Number(number) => number.as_i64().or_else(|| {
            number
                .as_f64()
                .filter(|f| f.is_finite() && f.abs() < 9.0e18)
                .map(|f| f.trunc() as i64)
        }),
        Value::String(text) => {
            let trimmed = text.trim();
            let digits = trimmed.strip_prefix(['+', '-']).unwrap_or(trimmed);
            if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
                return None;
            }
            trimmed.parse::<i64>().ok()
        }
        _ => None,
    }
}

/// The size rule of `share_api.create`.
fn size_of(value: &Value) -> Result<i32> {
    let converted = python_int(value);
    match converted {
        Some(size) if size > 0 && size <= i64::from(i32::MAX) => Ok(size as i32),
        _ => {
            let shown = converted
                .map(|size| size.to_string())
                .unwrap_or_else(|| py27_str(value));
            Err(Error::Invalid(format!(
                "Invalid input received: Share size '{shown}' must be an integer and greater than 0."
            )))
        }
    }
}

/// oslo's strict `bool_from_string`, failing with its text.
fn strict_bool(value: &Value) -> Result<bool> {
    if let Value::Bool(flag) = value {
        return Ok(*flag);
    }
    let text = py27_str(value);
    bool_from_text(&text).ok_or_else(|| {
        Error::Invalid(format!(
            "Unrecognized value '{text}', acceptable values are: {STRICT_BOOL_WORDS}"
        ))
    })
}

/// A name or description: a string of at most 255 characters that the
/// database can store (DESIGN.md section 4, item 5).
fn text_field(key: &str, value: &Value) -> Result<Option<String>> {
    match value {
        Value::Null => Ok(None),
        Value::String(text) if text.contains('\0') => Err(Error::Invalid(format!(
            "Invalid input received: {key} contains a NUL character."
        ))),
        Value::String(text) if text.chars().count() <= MAX_TEXT_LENGTH => Ok(Some(text.clone())),
        Value::String(_) => Err(Error::Invalid(format!(
            "Invalid input received: {key} has more than {MAX_TEXT_LENGTH} characters."
        ))),
        _ => Err(Error::Invalid(format!(
            "Invalid input received: {key} is not a string or unicode"
        ))),
    }
}

/// `_check_metadata_properties`, with keys and values required to be
/// strings (a number would have made upstream's `len()` fail).
fn metadata_of(value: Option<&Value>) -> Result<Vec<(String, String)>> {
    let entries = match value {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Object(entries)) => entries,
        Some(Value::Array(items)) if items.is_empty() => return Ok(Vec::new()),
        Some(Value::String(text)) if text.is_empty() => return Ok(Vec::new()),
        Some(_) => return Err(bad_request()),
    };
    let mut pairs = Vec::new();
    for (key, value) in entries {
        if key.is_empty() {
            return Err(Error::Invalid("Metadata property key is blank.".into()));
        }
        if key.chars().count() > 255 {
            return Err(Error::Invalid(
                "Metadata property key is greater than 255 characters.".into(),
            ));
        }
        let Value::String(text) = value else {
            return Err(bad_request());
        };
        if text.is_empty() {
            return Err(Error::Invalid("Metadata property value is blank.".into()));
        }
        if text.chars().count() > 1023 {
            return Err(Error::Invalid(
                "Metadata property value is greater than 1023 characters.".into(),
            ));
        }
        if key.contains('\0') || text.contains('\0') {
            return Err(bad_request());
        }
        pairs.push((key.clone(), text.clone()));
    }
    Ok(pairs)
}

/// A text id from the body, or the "not found" its lookup would give.
fn id_text(value: &Value, not_found: impl FnOnce(String) -> Error) -> Result<&str> {
    match value.as_str() {
        Some(text) if !text.contains('\0') => Ok(text),
        _ => Err(not_found(py27_str(value))),
    }
}

/// The boolean an extra spec of the share type gives a new share.
fn type_flag(specs: &std::collections::BTreeMap<String, String>, key: &str) -> Result<bool> {
    match specs.get(key) {
        None => Ok(false),
        Some(text) => parse_boolean_spec(key, &Value::String(text.clone())).map_err(|err| match err {
            SpecError::Exception { reason } => Error::Invalid(SpecError::exception_text(&reason)),
            SpecError::Rejected(message) => Error::Invalid(message),
        }),
    }
}

/// Locks and reads the group a new share names; the inner `Err` is the
/// 400 upstream gives for a group it cannot find.
fn locked_consistency_group(
    conn: &mut DbConnection,
    context: &RequestContext,
    value: &Value,
) -> Result<Result<ConsistencyGroup>> {
    let missing = |id: String| Error::Invalid(format!("ConsistencyGroup {id} could not be found."));
    let id = match id_text(value, missing) {
        Ok(id) => id,
        Err(err) => return Ok(Err(err)),
    };
    let scope = if context.is_admin {
        CgScope::All
    } else {
        CgScope::Project(&context.project_id)
    };
    if !cgs::lock(conn, id)? {
        return Ok(Err(missing(id.to_string())));
    }
    Ok(cgs::find(conn, id, scope)?.ok_or_else(|| missing(id.to_string())))
}

/// What a create request asks for, read from its body before the policy
/// check, as upstream's controller does; the rest is checked in the write.
struct ShareRequest {
    size: Value,
    share_proto: String,
    availability_zone: Option<String>,
    share_network: Option<Value>,
    display_name: Option<String>,
    display_description: Option<String>,
    share_type: Option<Value>,
    consistency_group: Option<Value>,
    metadata: Option<Value>,
    is_public: Option<Value>,
}

/// `POST /shares`: the controller's checks, then `share_api.create`'s,
/// then the row, its metadata and its creation job in one transaction.
/// A share created into a consistency group holds the group's row lock
/// while it checks the group, so it never joins a group whose cgsnapshot
/// is being taken.
pub fn create(
    conn: &mut DbConnection,
    context: &RequestContext,
    settings: &CreateSettings,
    body: Option<Value>,
) -> Result<ShareDetail> {
    let request = parse_create(settings, body)?;
    policy::enforce(context, "share:create")?;
    db::write_transaction(conn, |conn| {
        // The group's row first: a cgsnapshot being recorded holds it.
        // Its absence is reported where upstream checks it, further down.
        let cg_lookup = (request.consistency_group.as_ref())
            .map(|value| locked_consistency_group(conn, context, value))
            .transpose()?;
        let share_network_id = (request.share_network.as_ref())
            .map(|value| locked_share_network(conn, context, value))
            .transpose()?;
        let share_type = requested_share_type(conn, context, settings, request.share_type.as_ref())?;
        if share_network_id.is_none() && request.consistency_group.is_none() {
            check_no_share_servers(share_type.as_ref())?;
        }
        let metadata = metadata_of(request.metadata.as_ref())?;
        let size = size_of(&request.size)?;
        check_protocol(settings, &request.share_proto)?;
        let is_public = request
            .is_public
            .as_ref()
            .map(strict_bool)
            .transpose()?
            .unwrap_or(false);
        let share_type_id = share_type.as_ref().map(|found| found.row.id.as_str());
        let cg = cg_lookup.transpose()?;
        if let Some(cg) = &cg {
            check_consistency_group(conn, cg, share_type_id, share_network_id.as_deref())?;
        }
        let placement = Placement {
            share_type: share_type.as_ref(),
            share_network_id,
            consistency_group_id: cg.map(|cg| cg.id),
        };
        let share = new_share(context, &request, size, is_public, placement)?;
        record(conn, &share, &metadata, true)?;
        describe_one(conn, share)
    })
}

/// The controller's part of create: the body's shape and the checks
/// upstream makes before the policy, in its order.
fn parse_create(settings: &CreateSettings, body: Option<Value>) -> Result<ShareRequest> {
    let fields = share_fields(settings, body)?;
    let size = fields.get("size").cloned().ok_or_else(bad_request)?;
    let share_proto = match fields.get("share_proto") {
        Some(Value::String(proto)) => proto.to_uppercase(),
        _ => return Err(bad_request()),
    };
    let availability_zone = requested_zone(settings, &fields)?;
    if fields.get("snapshot_id").is_some_and(truthy) {
        // No snapshots are served, so every snapshot is unknown (upstream's
        // uncaught ShareSnapshotNotFound, through its fault wrapper).
        let id = fields.get("snapshot_id").map(py27_str).unwrap_or_default();
        return Err(Error::NotFound(format!(
            "ShareSnapshotNotFound: Snapshot {id} could not be found."
        )));
    }
    let share_network = truthy_value(&fields, "share_network_id");
    let display_name = optional_text(&fields, "display_name", "name")?;
    let display_description = optional_text(&fields, "display_description", "description")?;
    if fields.contains_key("share_type") && fields.contains_key("volume_type") {
        return Err(Error::Invalid("Cannot specify both share_type and volume_type".into()));
    }
    let share_type = (fields.get("share_type").or_else(|| fields.get("volume_type")))
        .filter(|value| truthy(value))
        .cloned();
    Ok(ShareRequest {
        size,
        share_proto,
        availability_zone,
        share_network,
        display_name,
        display_description,
        share_type,
        consistency_group: truthy_value(&fields, "consistency_group_id"),
        metadata: fields.get("metadata").cloned(),
        is_public: fields.get("is_public").cloned(),
    })
}

/// The object under `share`, as the controller renames it: without
/// `consistency_group_id` before 2.4, `name` and `description` (when
/// truthy) under their v1 keys `display_name` and `display_description`.
fn share_fields(settings: &CreateSettings, body: Option<Value>) -> Result<Map<String, Value>> {
    let mut fields = valid_body(body, "share", || Error::Unprocessable)?;
    if !settings.with_consistency_groups {
        fields.remove("consistency_group_id");
    }
    for (key, v1_key) in [("name", "display_name"), ("description", "display_description")] {
        if fields.get(key).is_some_and(truthy) {
            if let Some(value) = fields.remove(key) {
                fields.insert(v1_key.into(), value);
            }
        }
    }
    Ok(fields)
}

/// The value under `key` when Python would call it true.
fn truthy_value(fields: &Map<String, Value>, key: &str) -> Option<Value> {
    fields.get(key).filter(|value| truthy(value)).cloned()
}

/// The text under `key`, checked as the field `name` of the error texts.
fn optional_text(fields: &Map<String, Value>, key: &str, name: &str) -> Result<Option<String>> {
    Ok(fields
        .get(key)
        .map(|value| text_field(name, value))
        .transpose()?
        .flatten())
}

/// The availability zone asked for (when truthy): only the configured one exists.
fn requested_zone(settings: &CreateSettings, fields: &Map<String, Value>) -> Result<Option<String>> {
    let Some(value) = fields.get("availability_zone").filter(|value| truthy(value)) else {
        return Ok(None);
    };
    let zone = py27_str(value);
    if value.as_str() != Some(settings.availability_zone.as_str()) {
        return Err(Error::NotFound(format!("Availability zone {zone} could not be found.")));
    }
    Ok(Some(zone))
}

/// Locks the share network a new share names, held to the end of the
/// transaction so a racing network delete counts this share.
fn locked_share_network(conn: &mut DbConnection, context: &RequestContext, value: &Value) -> Result<String> {
    let missing = |id: String| Error::NotFound(format!("Share network {id} could not be found."));
    let id = id_text(value, missing)?;
    let owner = if context.is_admin {
        Owner::AnyProject
    } else {
        Owner::Project(&context.project_id)
    };
    if !networks::lock(conn, id, owner)? {
        return Err(missing(id.to_string()));
    }
    Ok(id.to_string())
}

/// The share type asked for (by id or name), else the default one.
fn requested_share_type(
    conn: &mut DbConnection,
    context: &RequestContext,
    settings: &CreateSettings,
    requested: Option<&Value>,
) -> Result<Option<ShareType>> {
    let Some(value) = requested else {
        return share_types::find_default(conn, context, settings.default_share_type.as_deref());
    };
    let not_found = || Error::NotFound("Share type not found.".into());
    let name = value
        .as_str()
        .filter(|text| !text.contains('\0'))
        .ok_or_else(not_found)?;
    let found = if is_uuid_like(value) {
        share_types::find_visible(conn, context, name)?
    } else {
        find_visible_by_name(conn, context, name)?
    };
    Ok(Some(found.ok_or_else(not_found)?))
}

/// A share with neither network nor group needs a type whose driver
/// does not handle share servers.
fn check_no_share_servers(share_type: Option<&ShareType>) -> Result<()> {
    let dhss = share_type
        .and_then(|found| found.extra_specs.get("driver_handles_share_servers"))
        .and_then(|value| bool_from_text(value))
        .unwrap_or(false);
    if dhss {
        return Err(Error::Invalid(
            "Share network must be set when the driver_handles_share_servers is true.".into(),
        ));
    }
    Ok(())
}

fn check_protocol(settings: &CreateSettings, share_proto: &str) -> Result<()> {
    if !share_proto.is_empty() && settings.enabled_protocols.iter().any(|proto| proto == share_proto) {
        return Ok(());
    }
    let available: Vec<Value> = settings
        .enabled_protocols
        .iter()
        .map(|proto| Value::String(proto.clone()))
        .collect();
    let available = py27_repr(&Value::Array(available)).replace("u'", "'");
    Err(Error::Invalid(format!(
        "Invalid input received: Invalid share protocol provided: {share_proto}. It is either disabled or unsupported. Available protocols: {available}."
    )))
}

/// Reference 11's rules for a share created into `cg`, in upstream's order.
fn check_consistency_group(
    conn: &mut DbConnection,
    cg: &ConsistencyGroup,
    share_type_id: Option<&str>,
    share_network_id: Option<&str>,
) -> Result<()> {
    if cg.status != "available" {
        return Err(Error::Invalid(format!(
            "Consistency group status must be available, got{}.",
            cg.status
        )));
    }
    if let Some(type_id) = share_type_id {
        if !cgs::share_type_ids_of(conn, &cg.id)?.iter().any(|id| id == type_id) {
            return Err(Error::Invalid(format!(
                "The specified share type ({type_id}) is not supported by the specified consistency group ({}).",
                cg.id
            )));
        }
    }
    if cg.share_network_id.as_deref() != share_network_id {
        return Err(Error::Invalid(format!(
            "The specified share network ({}) is not supported by the specified consistency group ({}).",
            share_network_id.unwrap_or("None"),
            cg.id
        )));
    }
    if repo::cgsnapshot_in_progress(conn, &cg.id)? {
        return Err(Error::Conflict(
            "Invalid ConsistencyGroup: Cannot add a share while a cgsnapshot of the consistency group is being created"
                .into(),
        ));
    }
    Ok(())
}

/// Where a new share goes, once checked.
struct Placement<'a> {
    share_type: Option<&'a ShareType>,
    share_network_id: Option<String>,
    consistency_group_id: Option<String>,
}

/// The new row, `creating`, with the flags its share type gives it.
fn new_share(
    context: &RequestContext,
    request: &ShareRequest,
    size: i32,
    is_public: bool,
    placement: Placement<'_>,
) -> Result<Share> {
    let specs = placement
        .share_type
        .map(|found| found.extra_specs.clone())
        .unwrap_or_default();
    let now = db::now();
    Ok(Share {
        id: uuid::Uuid::new_v4().to_string(),
        user_id: context.user_id.clone(),
        project_id: context.project_id.clone(),
        size,
        display_name: request.display_name.clone(),
        display_description: request.display_description.clone(),
        share_proto: request.share_proto.clone(),
        status: "creating".into(),
        task_state: None,
        access_rules_status: "active".into(),
        host: Some(String::new()),
        availability_zone: request.availability_zone.clone(),
        share_type_id: placement.share_type.map(|found| found.row.id.clone()),
        share_network_id: placement.share_network_id,
        share_server_id: None,
        snapshot_id: None,
        snapshot_support: type_flag(&specs, "snapshot_support")?,
        is_public,
        consistency_group_id: placement.consistency_group_id,
        source_cgsnapshot_member_id: None,
        scheduled_at: Some(now),
        launched_at: None,
        terminated_at: None,
        created_at: now,
        updated_at: None,
        deleted_at: None,
        deleted: db::LIVE.into(),
        create_share_from_snapshot_support: type_flag(&specs, "create_share_from_snapshot_support")?,
        revert_to_snapshot_support: type_flag(&specs, "revert_to_snapshot_support")?,
        replication_type: specs.get("replication_type").cloned(),
    })
}

/// Writes a new share row with its metadata and, when `schedule` is set,
/// the job that places and creates it. Runs inside the caller's
/// transaction. For shares made from a cgsnapshot's members (upstream sets
/// `host`, network and server from the member and casts nothing), pass a
/// row already carrying `host` and `source_cgsnapshot_member_id` and
/// `schedule = false`; the CG's own creation job then makes them and calls
/// `db::shares::mark_created` (or `set_status` to `error`) for each.
pub fn record(conn: &mut DbConnection, share: &Share, metadata: &[(String, String)], schedule: bool) -> Result<()> {
    repo::insert(conn, share, metadata)?;
    if schedule {
        jobs::enqueue(conn, JobKind::CreateShare.as_str(), &share.id)?;
    }
    Ok(())
}

/// `DELETE /shares/{id}`, with the `consistency_group_id` query rule
/// (reference 11) checked before `share_api.delete`'s own.
pub fn delete(conn: &mut DbConnection, context: &RequestContext, id: &str, cg_param: Option<&str>) -> Result<()> {
    db::write_transaction(conn, |conn| {
        let share = get(conn, context, id)?;
        if let Some(cg_id) = &share.consistency_group_id {
            match cg_param.filter(|param| !param.is_empty()) {
                None => {
                    return Err(Error::Invalid(
                        "Must provide 'consistency_group_id' as a request parameter when deleting a share in a consistency group.".into(),
                    ))
                }
                Some(param) if param != cg_id => {
                    return Err(Error::Invalid(
                        "The specified 'consistency_group_id' does not match the consistency group id of the share."
                            .into(),
                    ))
                }
                Some(_) => {}
            }
        }
        enforce_on(context, "share:delete", &share)?;
        let wrong_state = || {
            Error::Forbidden(format!(
                "Invalid share: Share status must be one of ({}).",
                DELETABLE.map(|status| format!("'{status}'")).join(", ")
            ))
        };
        if !DELETABLE.contains(&share.status.as_str()) {
            return Err(wrong_state());
        }
        let members = repo::count_cgsnapshot_members(conn, &share.id)?;
        if members > 0 {
            return Err(Error::Forbidden(format!(
                "Invalid share: Share still has {members} dependent cgsnapshot members."
            )));
        }
        if share.host.as_deref().unwrap_or("").is_empty() {
            return if repo::soft_delete(conn, &share.id, Some(&DELETABLE))? {
                Ok(())
            } else {
                Err(wrong_state())
            };
        }
        if !repo::start_deleting(conn, &share.id, &DELETABLE)? {
            return Err(wrong_state());
        }
        jobs::enqueue(conn, JobKind::DeleteShare.as_str(), &share.id)?;
        Ok(())
    })
}

/// Admin action `reset_status` (`os-reset_status` before 2.7): any
/// project's share to any allowed status; nothing reaches the backend.
pub fn reset_status(conn: &mut DbConnection, context: &RequestContext, id: &str, body: &Value) -> Result<()> {
    policy::enforce(context, "share:reset_status")?;
    let status = reset_status_of(body)?;
    // Every status a share holds here is one an admin may set, so the
    // update matches any live share, and a missing one is the 404.
    db::write_transaction(conn, |conn| {
        admin_actions::written(repo::set_status(conn, id, &RESET_STATES, status)?)
    })
}

/// Admin action `force_delete` (`os-force_delete` before 2.7): upstream's
/// share delete without its status check. A share never placed goes at
/// once; any other becomes `deleting` with a job that removes the row
/// even if the backend fails.
pub fn force_delete(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<()> {
    policy::enforce(context, "share:force_delete")?;
    db::write_transaction(conn, |conn| {
        let share = get(conn, context, id)?;
        let members = repo::count_cgsnapshot_members(conn, &share.id)?;
        if members > 0 {
            // Not caught by the action as plain delete catches it: the
            // generic `Invalid` mapping, 400.
            return Err(Error::Invalid(format!(
                "Invalid share: Share still has {members} dependent cgsnapshot members."
            )));
        }
        if share.host.as_deref().unwrap_or("").is_empty() {
            return admin_actions::written(repo::soft_delete(conn, &share.id, None)?);
        }
        // `delete_instance` checks `share:delete` against the caller's
        // own project.
        if !policy::allows(context, "share:delete") {
            return Err(policy_denied("share:delete"));
        }
        admin_actions::written(repo::start_deleting(conn, &share.id, &RESET_STATES)?)?;
        jobs::enqueue(conn, JobKind::ForceDeleteShare.as_str(), &share.id)?;
        Ok(())
    })
}

/// `PUT /shares/{id}`: `display_name`, `display_description`, `is_public`.
pub fn update(conn: &mut DbConnection, context: &RequestContext, id: &str, body: Option<Value>) -> Result<ShareDetail> {
    // No body never reached upstream's controller: the missing argument
    // was a `TypeError`, WebOb's plain 400.
    let fields = match body.ok_or_else(bad_request)? {
        Value::Object(mut outer) => match outer.remove("share") {
            Some(Value::Object(inner)) => inner,
            _ => return Err(Error::Unprocessable),
        },
        _ => return Err(Error::Unprocessable),
    };
    db::write_transaction(conn, |conn| {
        let share = get(conn, context, id)?;
        enforce_on(context, "share:update", &share)?;
        let is_public = fields.get("is_public").map(strict_bool).transpose()?;
        let name = fields
            .get("display_name")
            .map(|value| text_field("display_name", value))
            .transpose()?;
        let description = fields
            .get("display_description")
            .map(|value| text_field("display_description", value))
            .transpose()?;
        repo::update_fields(conn, &share.id, name, description, is_public)?;
        let share = repo::find(conn, &share.id)?.ok_or_else(bare_not_found)?;
        describe_one(conn, share)
    })
}

/// What a list request asked for: the query string's pairs, each key once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListRequest {
    pub search: Vec<(String, String)>,
    pub offset: i64,
    pub limit: i64,
}

/// The SQL filter that keeps exactly the shares whose attribute `key`,
/// rendered as upstream's API renders it, is the text `value`; `None` when
/// no share's can be (a number, a flag, a time no row can hold, or no such
/// attribute).
fn filter_of(key: &str, value: &str) -> Option<repo::Filter> {
    let field = repo::Field::named(key)?;
    match field.kind() {
        Kind::Text => Some(repo::Filter::Text(field, value.to_string())),
        Kind::Time => chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%.6f")
            .ok()
            .filter(|at| crate::timestamps::render(at) == value)
            .map(|at| repo::Filter::Time(field, at)),
        Kind::Number | Kind::Flag => None,
    }
}

/// GET list/detail: upstream's `_get_shares` and `share_api.get_all`.
/// Members' unknown filters are dropped; every other key left must equal
/// the share's attribute of that name, as text.
pub fn list(conn: &mut DbConnection, context: &RequestContext, request: &ListRequest) -> Result<Vec<ShareDetail>> {
    let mut search: Vec<(String, String)> = request
        .search
        .iter()
        .filter(|(key, _)| key != "limit" && key != "offset")
        .map(|(key, value)| {
            let key = if key == "name" { "display_name" } else { key.as_str() };
            (key.to_string(), value.clone())
        })
        .collect();
    let mut take = |key: &str| {
        let position = search.iter().position(|(name, _)| name == key)?;
        Some(search.remove(position).1)
    };
    let sort_key = take("sort_key").unwrap_or_else(|| "created_at".into());
    let sort_key = if sort_key == "name" {
        "display_name".to_string()
    } else {
        sort_key
    };
    let sort_dir = take("sort_dir").unwrap_or_else(|| "desc".into());
    if !context.is_admin {
        search.retain(|(key, _)| MEMBER_FILTERS.contains(&key.as_str()));
    }
    if search.iter().any(|(key, _)| key == "metadata" || key == "extra_specs") {
        return Err(Error::Invalid(
            "Invalid input received: filtering shares by metadata or extra_specs is not supported.".into(),
        ));
    }
    policy::enforce(context, "share:get_all")?;
    if sort_key.is_empty() {
        return Err(Error::Invalid(format!(
            "Invalid input received: Wrong sort_key filter provided: '{sort_key}'."
        )));
    }
    if sort_dir.is_empty() {
        return Err(Error::Invalid(format!(
            "Invalid input received: Wrong sort_dir filter provided: '{sort_dir}'."
        )));
    }
    let is_public = match take_from(&mut search, "is_public") {
        None => false,
        Some(value) => strict_bool(&Value::String(value))?,
    };
    if search.iter().any(|(key, _)| key == "share_server_id") && !context.is_admin {
        return Err(policy_denied("share:list_by_share_server_id"));
    }
    let all_tenants = context.is_admin && take_from(&mut search, "all_tenants").is_some();
    let descending = match sort_dir.to_lowercase().as_str() {
        "desc" => true,
        "asc" => false,
        _ => {
            return Err(Error::Invalid(format!(
                "Invalid input received: Wrong sorting data provided: sort key is '{sort_key}' and sort direction is '{sort_dir}'."
            )))
        }
    };
    let Some(sort_field) = repo::Field::named(&sort_key).filter(|_| SORT_KEYS.contains(&sort_key.as_str())) else {
        return Err(Error::Invalid(format!(
            "Invalid input received: Wrong sorting key provided - '{sort_key}'."
        )));
    };
    let scope = if all_tenants {
        Scope::All
    } else {
        Scope::Project {
            project_id: &context.project_id,
            with_public: is_public,
        }
    };
    let Some(filters) = search
        .iter()
        .map(|(key, value)| filter_of(key, value))
        .collect::<Option<Vec<_>>>()
    else {
        return Ok(Vec::new());
    };
    let page = repo::list(
        conn,
        scope,
        &filters,
        (sort_field, descending),
        request.offset,
        request.limit,
    )?;
    describe(conn, page)
}

fn take_from(search: &mut Vec<(String, String)>, key: &str) -> Option<String> {
    let position = search.iter().position(|(name, _)| name == key)?;
    Some(search.remove(position).1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sizes_convert_as_python_int_does() {
        assert_eq!(size_of(&json!(1)).unwrap(), 1);
        assert_eq!(size_of(&json!(" 7 ")).unwrap(), 7);
        assert_eq!(size_of(&json!(2.9)).unwrap(), 2, "int() truncates floats");
        for (bad, shown) in [
            (json!(0), "0"),
            (json!("-3"), "-3"),
            (json!("1.5"), "1.5"),
            (json!("abc"), "abc"),
            (json!(null), "None"),
            (json!([1]), "[1]"),
            (json!(4_000_000_000u64), "4000000000"),
        ] {
            assert_eq!(
                size_of(&bad).unwrap_err().to_string(),
                format!("Invalid input received: Share size '{shown}' must be an integer and greater than 0.")
            );
        }
    }

    #[test]
    fn is_public_is_a_strict_boolean() {
        assert!(strict_bool(&json!(true)).unwrap());
        assert!(strict_bool(&json!("yes")).unwrap());
        assert!(!strict_bool(&json!(0)).unwrap());
        assert_eq!(
            strict_bool(&json!("maybe")).unwrap_err().to_string(),
            format!("Unrecognized value 'maybe', acceptable values are: {STRICT_BOOL_WORDS}")
        );
        assert!(strict_bool(&json!(null)).is_err());
    }

    #[test]
    fn metadata_must_be_a_map_of_non_blank_strings() {
        assert_eq!(metadata_of(None).unwrap(), vec![]);
        assert_eq!(
            metadata_of(Some(&json!({"a": "b"}))).unwrap(),
            vec![("a".to_string(), "b".to_string())]
        );
        assert_eq!(
            metadata_of(Some(&json!({"": "b"}))).unwrap_err().to_string(),
            "Metadata property key is blank."
        );
        assert_eq!(
            metadata_of(Some(&json!({"a": ""}))).unwrap_err().to_string(),
            "Metadata property value is blank."
        );
        assert!(metadata_of(Some(&json!({"a": 1}))).is_err());
        assert!(metadata_of(Some(&json!("x"))).is_err());
    }
}
