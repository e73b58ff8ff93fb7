//! Cinder's consistency groups (reference section 14): each operation in
//! Cinder 29's order of checks and with its texts, in one transaction.
//! The body is checked first, as Cinder's JSON schema does, with the
//! schema's own messages; then the lookup, then policy (`group:*`, judged
//! against the group's project), then the group's rules.

use serde_json::{Map, Value};

use crate::db::consistency_groups::Scope;
use crate::db::jobs::{self, JobKind};
use crate::db::rows::storable;
use crate::db::volume_cgsnapshots::{self as cgsnapshots, VolumeCgSnapshot};
use crate::db::volume_consistency_groups::{self as repo, Column, MemberVolume, NewVolume, VolumeGroup};
use crate::db::{self, volume_quotas, DbConnection, LIVE};
use crate::error::{Error, Result};
use crate::listing::{parse_integer, QueryParams};
use crate::policy::{self, RequestContext};
use crate::python::{py3_repr, py3_str};
use crate::service::validation::{is_uuid_like, truthy};

/// Cinder's `DB_MAX_INT`, the largest offset it takes.
const MAX_OFFSET: i64 = 2_147_483_647;
/// The longest name or description the schemas allow.
const MAX_TEXT: usize = 255;
const ADDABLE: [&str; 2] = ["available", "in-use"];
const REMOVABLE: [&str; 4] = ["available", "in-use", "error", "error_deleting"];
const DELETABLE: [&str; 2] = ["available", "error"];

/// What creating a group needs from the configuration.
#[derive(Clone, Debug)]
pub struct GroupSettings {
    /// `storage_availability_zone`: the one zone there is.
    pub availability_zone: String,
    /// `quota_groups`: how many groups a project may hold.
    pub quota_groups: i64,
}

pub fn not_found(id: &str) -> Error {
    Error::NotFound(format!("Group {id} could not be found."))
}

fn invalid_group(reason: &str) -> Error {
    Error::Invalid(format!("Invalid Group: {reason}"))
}

fn invalid_volume(reason: &str) -> Error {
    Error::Invalid(format!("Invalid volume: {reason}"))
}

/// Whose rows a caller may look up: an admin's any, everyone else's own.
pub fn scope(context: &RequestContext) -> Scope<'_> {
    if context.is_admin {
        Scope::All
    } else {
        Scope::Project(&context.project_id)
    }
}

/// The group `id` as the caller may see it, then `group:get` on it.
pub fn get(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<VolumeGroup> {
    let group = find(conn, context, id)?;
    policy::authorize(context, "group:get", Some(&group.project_id))?;
    Ok(group)
}

fn find(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<VolumeGroup> {
    if !storable(id) {
        return Err(not_found(id));
    }
    repo::find(conn, id, scope(context))?.ok_or_else(|| not_found(id))
}

/// The JSON schema's checks, with jsonschema's messages as Cinder wraps
/// them: a member's failure names the member and its value.
pub mod schema {
    use super::*;

    /// A failure at `field` (the last step of its path), or at the top.
    pub fn error(field: Option<&str>, value: &Value, message: String) -> Error {
        Error::Invalid(match field {
            Some(field) => format!(
                "Invalid input for field/attribute {field}. Value: {}. {message}",
                py3_str(value)
            ),
            None => message,
        })
    }

    fn type_name(value: &Value) -> &'static str {
        match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    /// `type` (one or several names) and, for strings, `maxLength`.
    pub fn check(field: &str, value: &Value, types: &[&str], max_length: Option<usize>) -> Result<()> {
        if !types.contains(&type_name(value)) {
            let names: Vec<String> = types.iter().map(|name| format!("'{name}'")).collect();
            return Err(error(
                Some(field),
                value,
                format!("{} is not of type {}", py3_repr(value), names.join(", ")),
            ));
        }
        if let (Some(max), Value::String(text)) = (max_length, value) {
            if text.chars().count() > max {
                return Err(error(Some(field), value, format!("{} is too long", py3_repr(value))));
            }
        }
        Ok(())
    }

    /// The body's object under `key`, which must be there.
    pub fn root(body: &Value, key: &str) -> Result<Map<String, Value>> {
        let Value::Object(outer) = body else {
            return Err(error(None, body, format!("{} is not of type 'object'", py3_repr(body))));
        };
        match outer.get(key) {
            None => Err(error(None, body, format!("'{key}' is a required property"))),
            Some(Value::Object(inner)) => Ok(inner.clone()),
            Some(other) => Err(error(
                Some(key),
                other,
                format!("{} is not of type 'object'", py3_repr(other)),
            )),
        }
    }

    /// `required` inside the object under `key`.
    pub fn require(key: &str, object: &Map<String, Value>, field: &str) -> Result<()> {
        if object.contains_key(field) {
            Ok(())
        } else {
            Err(error(
                Some(key),
                &Value::Object(object.clone()),
                format!("'{field}' is a required property"),
            ))
        }
    }

    /// `name` and `description` as the group schemas type them: string
    /// or null, at most 255 characters.
    pub fn name_and_description(object: &Map<String, Value>) -> Result<()> {
        for field in ["name", "description"] {
            if let Some(value) = object.get(field) {
                check(field, value, &["string", "null"], Some(MAX_TEXT))?;
            }
        }
        Ok(())
    }
}

/// A name or description as Cinder keeps it: stripped of surrounding
/// blanks; `None` when absent or null. A NUL, which PostgreSQL cannot
/// store, is refused.
pub fn cleaned(object: &Map<String, Value>, field: &str) -> Result<Option<String>> {
    match object.get(field) {
        Some(Value::String(text)) if text.contains('\0') => Err(Error::Invalid(format!(
            "Invalid input received: {field} contains a NUL character."
        ))),
        Some(Value::String(text)) => Ok(Some(text.trim().to_string())),
        _ => Ok(None),
    }
}

/// Python's `str()` of an optional name, as messages show it.
fn shown(name: &Option<String>) -> String {
    name.clone().unwrap_or_else(|| "None".to_string())
}

/// A list request's paging and sorting, read as Cinder's `common` reads them.
struct ListParams {
    marker: Option<String>,
    limit: i64,
    offset: i64,
    sort: Vec<(String, String)>,
}

fn limit_of(query: &QueryParams, max_limit: i64) -> Result<i64> {
    let limit = match query.get("limit") {
        None => max_limit,
        Some(text) => parse_integer(text).ok_or_else(|| Error::Invalid("limit param must be an integer".into()))?,
    };
    if limit < 0 {
        return Err(Error::Invalid("limit param must be positive".into()));
    }
    Ok(limit.min(max_limit))
}

fn offset_of(query: &QueryParams) -> Result<i64> {
    let Some(text) = query.get("offset") else {
        return Ok(0);
    };
    let offset = parse_integer(text).ok_or_else(|| Error::Invalid("offset must be an integer".into()))?;
    if offset < 0 {
        return Err(Error::Invalid("offset must be >= 0".into()));
    }
    if offset > MAX_OFFSET {
        return Err(Error::Invalid(format!("offset must be <= {MAX_OFFSET}")));
    }
    Ok(offset)
}

/// `limit` and `offset` of a cgsnapshot list (Cinder's `common.limited`):
/// a limit of 0 means the maximum there.
pub fn limited(query: &QueryParams, max_limit: i64) -> Result<(i64, i64)> {
    let limit = limit_of(query, max_limit)?;
    let offset = offset_of(query)?;
    Ok((offset, if limit == 0 { max_limit } else { limit }))
}

impl ListParams {
    fn parse(query: &QueryParams, max_limit: i64) -> Result<ListParams> {
        let limit = limit_of(query, max_limit)?;
        let marker = query.get("marker").map(str::to_string);
        let offset = offset_of(query)?;
        if query.contains("sort") && (query.contains("sort_key") || query.contains("sort_dir")) {
            return Err(Error::Invalid(
                "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter."
                    .into(),
            ));
        }
        let sort = match query.get("sort") {
            Some(sort) => sort
                .split(',')
                .map(|item| match item.split_once(':') {
                    Some((key, dir)) => (key.trim().to_string(), dir.trim().to_string()),
                    None => (item.trim().to_string(), "desc".to_string()),
                })
                .collect(),
            None => vec![(
                query.get("sort_key").unwrap_or("created_at").to_string(),
                query.get("sort_dir").unwrap_or("desc").to_string(),
            )],
        };
        Ok(ListParams {
            marker,
            limit,
            offset,
            sort,
        })
    }

    /// The order in columns: each direction checked, then each key; then
    /// `created_at` and `id` after the keys given, in the first key's direction.
    fn order(&self) -> Result<Vec<(Column, bool)>> {
        let mut order = Vec::new();
        for (_, dir) in &self.sort {
            if dir != "asc" && dir != "desc" {
                return Err(Error::Invalid(
                    "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'.".into(),
                ));
            }
        }
        for (key, dir) in &self.sort {
            let column =
                Column::named(key).ok_or_else(|| Error::Invalid("Invalid input received: Invalid sort key".into()))?;
            order.push((column, dir == "desc"));
        }
        let first_descending = order.first().is_none_or(|(_, descending)| *descending);
        for column in [Column::CreatedAt, Column::Id] {
            if !order.iter().any(|(have, _)| *have == column) {
                order.push((column, first_descending));
            }
        }
        Ok(order)
    }
}

/// One page of a group list and the limit it was cut to, for the next link.
pub struct GroupPage {
    pub groups: Vec<VolumeGroup>,
    pub limit: i64,
}

/// GET the list (either view): policy, the paging and sort parameters,
/// the scope (`all_tenants` present, for admins only, is every project),
/// then every other key as an exact filter on a column; a key that is no
/// column matches nothing.
pub fn list(
    conn: &mut DbConnection,
    context: &RequestContext,
    query: &QueryParams,
    max_limit: i64,
) -> Result<GroupPage> {
    policy::authorize(context, "group:get_all", None)?;
    let params = ListParams::parse(query, max_limit)?;
    let order = params.order()?;
    let all_projects = context.is_admin && query.contains("all_tenants");
    let mut filters = Vec::new();
    let mut matches_nothing = false;
    for (key, value) in query.latest() {
        if ["limit", "marker", "offset", "sort", "sort_key", "sort_dir"].contains(&key)
            || (all_projects && key == "all_tenants")
        {
            continue;
        }
        if key == "volume_types" {
            return Err(Error::Invalid(
                "Invalid input received: volume_types cannot be used as a filter.".into(),
            ));
        }
        if key == "project_id" && !all_projects {
            continue;
        }
        match Column::named(key) {
            Some(column) if storable(value) => filters.push((column, value.to_string())),
            _ => matches_nothing = true,
        }
    }
    let project = (!all_projects).then_some(context.project_id.as_str());
    if let Some(marker) = &params.marker {
        let visible = storable(marker) && repo::find(conn, marker, scope(context))?.is_some();
        if !visible {
            return Err(not_found(marker));
        }
    }
    // A visible marker that is not among the rows listed starts the page
    // at the first of them.
    let groups = if matches_nothing {
        Vec::new()
    } else {
        repo::list(
            conn,
            project,
            &filters,
            &order,
            params.marker.as_deref(),
            params.offset,
            params.limit,
        )?
    };
    Ok(GroupPage {
        groups,
        limit: params.limit,
    })
}

/// GET one.
pub fn show(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<VolumeGroup> {
    get(conn, context, id)
}

/// The ids of `volume_types` (names or ids, comma-separated), each looked
/// up as Cinder does: a uuid-like piece by id, then by name; any other by name.
fn volume_type_ids(conn: &mut DbConnection, volume_types: &str) -> Result<Vec<String>> {
    let mut ids: Vec<String> = Vec::new();
    for piece in volume_types.trim_end_matches(',').split(',') {
        let by_name = |conn: &mut DbConnection| -> Result<Option<String>> {
            if storable(piece) {
                Ok(repo::volume_type_by_name(conn, piece)?)
            } else {
                Ok(None)
            }
        };
        let id = if is_uuid_like(&Value::String(piece.to_string())) {
            match repo::volume_type_by_id(conn, piece)? {
                Some(id) => id,
                None => {
                    by_name(conn)?.ok_or_else(|| Error::NotFound(format!("Volume type {piece} could not be found.")))?
                }
            }
        } else {
            by_name(conn)?
                .ok_or_else(|| Error::NotFound(format!("Volume type with name {piece} could not be found.")))?
        };
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// One unit of the `groups` quota, or Cinder's 413.
fn take_quota(conn: &mut DbConnection, project_id: &str, settings: &GroupSettings) -> Result<()> {
    let limit = i32::try_from(settings.quota_groups.max(0)).unwrap_or(i32::MAX);
    if volume_quotas::take(conn, project_id, volume_quotas::GROUPS, limit)? {
        Ok(())
    } else {
        Err(Error::OverLimit(format!(
            "GroupLimitExceeded: Maximum number of groups allowed ({}) exceeded",
            settings.quota_groups
        )))
    }
}

fn new_group(context: &RequestContext, name: Option<String>, description: Option<String>, zone: String) -> VolumeGroup {
    VolumeGroup {
        id: uuid::Uuid::new_v4().to_string(),
        user_id: context.user_id.clone(),
        project_id: context.project_id.clone(),
        host: None,
        availability_zone: zone,
        name,
        description,
        volume_type_ids: String::new(),
        status: "creating".into(),
        cgsnapshot_id: None,
        source_cgid: None,
        created_at: db::now(),
        updated_at: None,
        deleted_at: None,
        deleted: LIVE.into(),
    }
}

/// POST: the schema, `group:create`, `volume_types`, the types, the zone,
/// the quota; then the `creating` group and its job, in one transaction.
pub fn create(
    conn: &mut DbConnection,
    context: &RequestContext,
    settings: &GroupSettings,
    body: &Value,
) -> Result<VolumeGroup> {
    let fields = schema::root(body, "consistencygroup")?;
    schema::name_and_description(&fields)?;
    schema::require("consistencygroup", &fields, "volume_types")?;
    policy::authorize(context, "group:create", None)?;
    let name = cleaned(&fields, "name")?;
    let description = cleaned(&fields, "description")?;
    let volume_types = match fields.get("volume_types").unwrap_or(&Value::Null) {
        value if !truthy(value) => {
            return Err(Error::Invalid(format!(
                "volume_types must be provided to create consistency group {}.",
                shown(&name)
            )))
        }
        Value::String(text) => text.clone(),
        other => {
            return Err(schema::error(
                Some("volume_types"),
                other,
                format!("{} is not of type 'string'", py3_repr(other)),
            ))
        }
    };
    db::write_transaction(conn, |conn| {
        let type_ids = volume_type_ids(conn, &volume_types)?;
        let zone = match fields.get("availability_zone") {
            None | Some(Value::Null) => settings.availability_zone.clone(),
            Some(Value::String(zone)) if *zone == settings.availability_zone => zone.clone(),
            Some(other) => {
                return Err(Error::Invalid(format!(
                    "Invalid input received: Availability zone '{}' is invalid.",
                    py3_str(other)
                )))
            }
        };
        take_quota(conn, &context.project_id, settings)?;
        let mut group = new_group(context, name, description, zone);
        group.volume_type_ids = type_ids.join(",");
        repo::insert(conn, &group)?;
        jobs::enqueue(conn, JobKind::CreateVolumeGroup.as_str(), &group.id)?;
        Ok(group)
    })
}

/// An optional source id of create_from_src: a string, or null for the
/// one not given (python-cinderclient sends both keys).
fn source_id(fields: &Map<String, Value>, field: &str) -> Result<Option<String>> {
    match fields.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone()).filter(|text| !text.is_empty())),
        Some(other) => Err(schema::error(
            Some(field),
            other,
            format!("{} is not of type 'string'", py3_repr(other)),
        )),
    }
}

/// Where create_from_src takes a group from.
enum Source {
    Group(String),
    CgSnapshot(String),
}

/// POST create_from_src: a new group like its source (a group, or the
/// group of a cgsnapshot) with one new volume per source volume or
/// snapshot, all `creating`, and a job that makes them where the source
/// is. Any refusal writes nothing: no orphan `creating` group holds quota.
pub fn create_from_src(
    conn: &mut DbConnection,
    context: &RequestContext,
    settings: &GroupSettings,
    body: &Value,
) -> Result<VolumeGroup> {
    let fields = schema::root(body, "consistencygroup-from-src")?;
    schema::name_and_description(&fields)?;
    let cgsnapshot_id = source_id(&fields, "cgsnapshot_id")?;
    let source_cgid = source_id(&fields, "source_cgid")?;
    policy::authorize(context, "group:create", None)?;
    let name = cleaned(&fields, "name")?;
    let description = cleaned(&fields, "description")?;
    let source = match (cgsnapshot_id, source_cgid) {
        (None, None) => {
            return Err(Error::Invalid(format!(
                "Either 'cgsnapshot_id' or 'source_cgid' must be provided to create consistency group {} from source.",
                shown(&name)
            )))
        }
        (Some(_), Some(_)) => {
            return Err(Error::Invalid(format!(
                "Cannot provide both 'cgsnapshot_id' and 'source_cgid' to create consistency group {} from source.",
                shown(&name)
            )))
        }
        (Some(cgsnapshot_id), None) => Source::CgSnapshot(cgsnapshot_id),
        (None, Some(source_cgid)) => Source::Group(source_cgid),
    };
    db::write_transaction(conn, |conn| {
        let (source_group, cgsnapshot) = match &source {
            Source::Group(id) => (get(conn, context, id)?, None),
            Source::CgSnapshot(id) => {
                let cgsnapshot = crate::service::volume_cgsnapshots::get(conn, context, id)?;
                (get(conn, context, &cgsnapshot.consistencygroup_id)?, Some(cgsnapshot))
            }
        };
        repo::lock(conn, &source_group.id)?;
        take_quota(conn, &context.project_id, settings)?;
        let mut group = new_group(context, name, description, source_group.availability_zone.clone());
        group.volume_type_ids = source_group.volume_type_ids.clone();
        group.cgsnapshot_id = cgsnapshot.as_ref().map(|cgsnapshot| cgsnapshot.id.clone());
        group.source_cgid = match &source {
            Source::Group(id) => Some(id.clone()),
            Source::CgSnapshot(_) => None,
        };
        repo::insert(conn, &group)?;
        if source_group.host.is_none() {
            return Err(invalid_group(&format!("No valid host to create group {}.", group.id)));
        }
        let volumes = new_members(conn, context, &group, cgsnapshot.as_ref(), &source_group)?;
        if volumes.is_empty() {
            return Err(invalid_group(match cgsnapshot {
                Some(_) => "Group snapshot is empty. No group will be created.",
                None => "Source Group is empty. No group will be created.",
            }));
        }
        for volume in &volumes {
            repo::insert_volume(conn, volume)?;
        }
        jobs::enqueue(conn, JobKind::CreateVolumeGroupFromSource.as_str(), &group.id)?;
        Ok(group)
    })
}

/// The volumes a group made from a source starts with: one per snapshot
/// of the cgsnapshot, or one per volume of the source group.
fn new_members(
    conn: &mut DbConnection,
    context: &RequestContext,
    group: &VolumeGroup,
    cgsnapshot: Option<&VolumeCgSnapshot>,
    source: &VolumeGroup,
) -> Result<Vec<NewVolume>> {
    let volume =
        |size: i32, volume_type_id: String, snapshot_id: Option<String>, source_volid: Option<String>| NewVolume {
            id: uuid::Uuid::new_v4().to_string(),
            user_id: context.user_id.clone(),
            project_id: context.project_id.clone(),
            host: None,
            size,
            availability_zone: group.availability_zone.clone(),
            status: "creating".into(),
            attach_status: "detached".into(),
            volume_type_id,
            consistencygroup_id: Some(group.id.clone()),
            snapshot_id,
            source_volid,
            created_at: db::now(),
            deleted: LIVE.into(),
        };
    Ok(match cgsnapshot {
        Some(cgsnapshot) => cgsnapshots::members(conn, &cgsnapshot.id)?
            .into_iter()
            .map(|snapshot| volume(snapshot.volume_size, snapshot.volume_type_id, Some(snapshot.id), None))
            .collect(),
        None => repo::members(conn, &source.id)?
            .into_iter()
            .map(|member| volume(member.size, member.volume_type_id, None, Some(member.id)))
            .collect(),
    })
}

/// Reads a delete body as the schema's `oneOf` does: `null`, `{}`, or
/// `{"consistencygroup": {...}}` with an optional boolean (or boolean
/// string) `force`. Anything else fails all three.
fn force_of(body: &Value) -> Result<bool> {
    const TRUE: [&str; 12] = [
        "True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes", "y", "t",
    ];
    const FALSE: [&str; 12] = [
        "False", "FALSE", "false", "0", "OFF", "Off", "off", "NO", "No", "no", "n", "f",
    ];
    let refused = || {
        schema::error(
            None,
            body,
            format!("{} is not valid under any of the given schemas", py3_repr(body)),
        )
    };
    match body {
        Value::Null => Ok(false),
        Value::Object(outer) if outer.is_empty() => Ok(false),
        Value::Object(outer) => match outer.get("consistencygroup") {
            Some(Value::Object(inner)) => match inner.get("force") {
                None => Ok(false),
                Some(Value::Bool(force)) => Ok(*force),
                Some(Value::String(text)) if TRUE.contains(&text.as_str()) => Ok(true),
                Some(Value::String(text)) if FALSE.contains(&text.as_str()) => Ok(false),
                Some(_) => Err(refused()),
            },
            _ => Err(refused()),
        },
        _ => Err(refused()),
    }
}

/// POST delete (and DELETE with a body): the schema, the lookup
/// (`group:get`), `group:delete`; a group never placed goes at once. Otherwise, in
/// Cinder's order: the status (unless forced), cgsnapshots, volumes
/// (unless forced; forced, none attached or with snapshots), then the
/// members become `deleting` and the group `deleting` by a conditional
/// update, with a job. One transaction: a refusal changes nothing.
pub fn delete(conn: &mut DbConnection, context: &RequestContext, id: &str, body: &Value) -> Result<()> {
    let force = force_of(body)?;
    db::write_transaction(conn, |conn| {
        let group = get(conn, context, id)?;
        policy::authorize(context, "group:delete", Some(&group.project_id))?;
        repo::lock(conn, &group.id)?;
        if group.host.is_none() {
            if repo::soft_delete(conn, &group.id, None)? {
                volume_quotas::release(conn, &group.project_id, volume_quotas::GROUPS)?;
            }
            return Ok(());
        }
        if !force && !DELETABLE.contains(&group.status.as_str()) {
            return Err(invalid_group(&format!(
                "Group status must be available or error, but current status is: {}",
                group.status
            )));
        }
        if cgsnapshots::count_of_group(conn, &group.id)? > 0 {
            return Err(invalid_group("Group has existing snapshots."));
        }
        let members = repo::members(conn, &group.id)?;
        if !members.is_empty() && !force {
            return Err(invalid_group(&format!(
                "Group {} still contains volumes. The delete-volumes flag is required to delete it.",
                group.id
            )));
        }
        if members.iter().any(|volume| volume.attach_status == "attached") {
            return Err(invalid_group(&format!(
                "Volume in group {} is attached. Need to detach first.",
                group.id
            )));
        }
        let ids: Vec<String> = members.iter().map(|volume| volume.id.clone()).collect();
        if repo::count_with_snapshots(conn, &ids)? > 0 {
            return Err(invalid_group("Volume in group still has dependent snapshots."));
        }
        let any: Vec<&str> = members.iter().map(|volume| volume.status.as_str()).collect();
        repo::set_member_status(conn, &group.id, &any, "deleting")?;
        let from: Vec<&str> = if force {
            vec![group.status.as_str()]
        } else {
            DELETABLE.to_vec()
        };
        let source_of_creation = repo::is_source_of_creation(conn, &group.id)?;
        if source_of_creation || !repo::set_status(conn, &group.id, &from, "deleting")? {
            let reason = if force {
                "Group status must be available or error and must not have dependent group snapshots"
            } else {
                "Group must not have attached volumes, volumes with snapshots, or dependent group snapshots"
            };
            return Err(invalid_group(&format!(
                "Cannot delete group {}. {reason}, and it cannot be the source for an ongoing group or group snapshot creation.",
                group.id
            )));
        }
        jobs::enqueue(conn, JobKind::DeleteVolumeGroup.as_str(), &group.id)?;
        Ok(())
    })
}

/// Which of Cinder's two update controllers a request reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateRules {
    /// The v3 controller at 3.6 or later (`PUT .../{id}`): only all-null is empty.
    BlankAllowed,
    /// Everything else: all falsy is empty.
    Classic,
}

/// PUT: the schema, the lookup (`group:get`), `group:update`, the "all empty" check of
/// the controller reached, then Cinder's group rules; a name or
/// description alone sets `available` from any status, adding or removing
/// volumes needs `available` and sets `updating`, with a job. The new
/// membership is written with it.
pub fn update(
    conn: &mut DbConnection,
    context: &RequestContext,
    id: &str,
    body: &Value,
    rules: UpdateRules,
) -> Result<()> {
    let fields = schema::root(body, "consistencygroup")?;
    schema::name_and_description(&fields)?;
    for field in ["add_volumes", "remove_volumes"] {
        if let Some(value) = fields.get(field) {
            schema::check(field, value, &["string", "null"], None)?;
        }
    }
    db::write_transaction(conn, |conn| {
        let group = get(conn, context, id)?;
        policy::authorize(context, "group:update", Some(&group.project_id))?;
        let name = cleaned(&fields, "name")?;
        let description = cleaned(&fields, "description")?;
        let list_of = |field: &str| {
            fields
                .get(field)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let (add, remove) = (list_of("add_volumes"), list_of("remove_volumes"));
        let empty = match rules {
            UpdateRules::BlankAllowed => name.is_none() && description.is_none() && add.is_empty() && remove.is_empty(),
            UpdateRules::Classic => {
                name.as_deref().unwrap_or_default().is_empty()
                    && description.as_deref().unwrap_or_default().is_empty()
                    && add.is_empty()
                    && remove.is_empty()
            }
        };
        if empty {
            return Err(Error::Invalid(match rules {
                UpdateRules::BlankAllowed => "Must specify one or more of the following keys to update: name, description, add_volumes, remove_volumes.",
                UpdateRules::Classic => "Name, description, add_volumes, and remove_volumes can not be all empty in the request body.",
            }.into()));
        }
        repo::lock(conn, &group.id)?;
        let name = name.filter(|name| Some(name) != group.name.as_ref());
        let description = description.filter(|description| Some(description) != group.description.as_ref());
        let split = |list: &str| -> Vec<String> {
            if list.is_empty() {
                Vec::new()
            } else {
                list.trim_matches(',').split(',').map(str::to_string).collect()
            }
        };
        let (add, remove) = (split(&add), split(&remove));
        let both: Vec<Value> = add
            .iter()
            .filter(|id| remove.contains(id))
            .map(|id| Value::String(id.clone()))
            .collect();
        if !both.is_empty() {
            return Err(invalid_volume(&format!(
                "UUIDs {} are in both add and remove volume list.",
                py3_repr(&Value::Array(both))
            )));
        }
        let members = repo::members(conn, &group.id)?;
        let added = if add.is_empty() {
            Vec::new()
        } else {
            volumes_to_add(conn, context, &group, &members, add)?
        };
        let removed = if remove.is_empty() {
            Vec::new()
        } else {
            volumes_to_remove(&group, &members, &remove)?
        };
        if name.is_none() && description.is_none() && added.is_empty() && removed.is_empty() {
            return Err(invalid_group(&format!(
                "Cannot update group {} because no valid name, description, add_volumes, or remove_volumes were provided.",
                group.id
            )));
        }
        let changes_members = !added.is_empty() || !removed.is_empty();
        let (from, to): (Option<&[&str]>, &str) = if changes_members {
            (Some(&["available"]), "updating")
        } else {
            (None, "available")
        };
        if !repo::update(conn, &group.id, name.as_deref(), description.as_deref(), from, to)? {
            return Err(invalid_group("Group status must be available."));
        }
        if changes_members {
            repo::set_membership(conn, &added, Some(&group.id))?;
            repo::set_membership(conn, &removed, None)?;
            jobs::enqueue(conn, JobKind::UpdateVolumeGroup.as_str(), &group.id)?;
        }
        Ok(())
    })
}

/// The volumes `add` really adds, each checked in Cinder's order; those
/// already in the group are skipped.
fn volumes_to_add(
    conn: &mut DbConnection,
    context: &RequestContext,
    group: &VolumeGroup,
    members: &[MemberVolume],
    add: Vec<String>,
) -> Result<Vec<String>> {
    let cannot_add =
        |volume: &str, why: &str| invalid_volume(&format!("Cannot add volume {volume} to group {} {why}", group.id));
    let group_types = group.type_ids();
    let group_backend = group.host.as_deref().map(backend_of);
    let mut added = Vec::new();
    for volume_id in add
        .into_iter()
        .filter(|id| !members.iter().any(|member| member.id == *id))
    {
        let found = if storable(&volume_id) {
            repo::find_volume(conn, &volume_id)?.filter(|volume| scope(context).admits(&volume.project_id))
        } else {
            None
        };
        let Some(volume) = found else {
            return Err(cannot_add(&volume_id, "because volume cannot be found."));
        };
        if let Some(other) = &volume.consistencygroup_id {
            return Err(cannot_add(
                &volume.id,
                &format!("because it is already in group {other}."),
            ));
        }
        if volume.project_id != group.project_id {
            return Err(cannot_add(&volume.id, "as they belong to different projects."));
        }
        if !group_types.contains(&volume.volume_type_id) {
            return Err(cannot_add(
                &volume.id,
                &format!(
                    "because volume type {} is not supported by the group.",
                    volume.volume_type_id
                ),
            ));
        }
        if !ADDABLE.contains(&volume.status.as_str()) {
            return Err(cannot_add(
                &volume.id,
                &format!(
                    "because volume is in an invalid state: {}. Valid states are: ('available', 'in-use').",
                    volume.status
                ),
            ));
        }
        if volume.host.as_deref().map(backend_of) != group_backend {
            return Err(invalid_volume("Volume is not local to this node."));
        }
        added.push(volume.id);
    }
    Ok(added)
}

/// The volumes `remove` takes out; each must be a member in a state that allows it.
fn volumes_to_remove(group: &VolumeGroup, members: &[MemberVolume], remove: &[String]) -> Result<Vec<String>> {
    let mut removed = Vec::new();
    for member in members.iter().filter(|member| remove.contains(&member.id)) {
        if !REMOVABLE.contains(&member.status.as_str()) {
            return Err(invalid_volume(&format!(
                "Cannot remove volume {} from group {} because volume is in an invalid state: {}. Valid states are: ('available', 'in-use', 'error', 'error_deleting').",
                member.id, group.id, member.status
            )));
        }
        removed.push(member.id.clone());
    }
    if let Some(stranger) = remove.iter().find(|id| !removed.contains(id)) {
        return Err(invalid_volume(&format!(
            "Cannot remove volume {stranger} from group {} because it is not in the group.",
            group.id
        )));
    }
    Ok(removed)
}

/// `host@backend` of `host@backend#pool`: where a volume must be to join.
fn backend_of(host: &str) -> &str {
    host.split('#').next().unwrap_or(host)
}
