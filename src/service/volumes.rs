//! Cinder's volumes (`cinder/api/v3/volumes.py`, `cinder/volume/api.py`,
//! `cinder/api/contrib/admin_actions.py`): create (also into a consistency
//! group), show, list, update, delete, and the administrators'
//! `os-reset_status` and `os-force_delete`. Checks come in Cinder's order.
//!
//! Cinder looks a volume up within the caller's project (any project for
//! an administrator), so another project's volume is a 404, and then asks
//! policy with the volume's project as the target.

use serde_json::{Map, Value};

use crate::db::jobs::{self, JobKind};
use crate::db::rows::storable;
use crate::db::volume_types::{self as types_repo, VolumeType};
use crate::db::volumes::{self as repo, GroupOfVolume, Volume, CREATING, DETACHED};
use crate::db::{self, volume_snapshots, DbConnection, LIVE};
use crate::error::{Error, Result};
use crate::listing::QueryParams;
use crate::policy::{self, RequestContext};
use crate::service::volume_lists::{bool_param, ListQuery};
use crate::service::volume_schema::{self as schema, Field};
use crate::service::volume_types;

/// A volume with the name of its type, which the views show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VolumeDetail {
    pub volume: Volume,
    pub type_name: Option<String>,
}

/// What creation takes from the configuration and the request's version.
#[derive(Clone, Debug)]
pub struct CreateSettings {
    pub default_volume_type: String,
    pub availability_zone: String,
    /// `group_id` is read from 3.13.
    pub with_group_id: bool,
    /// `backup_id` is read from 3.47.
    pub with_backup_id: bool,
    /// From 3.53 the volume object takes no other keys.
    pub strict_keys: bool,
}

/// What a list request may do at its version.
#[derive(Clone, Copy, Debug)]
pub struct ListSettings {
    pub max_limit: i64,
    /// From 3.31 a non-administrator's unknown filter is a 400, before it
    /// was dropped.
    pub reject_unknown_filters: bool,
    /// Whether `group_id` filters (3.10).
    pub with_group_filter: bool,
}

/// Statuses a volume may be deleted from without force.
const DELETABLE: [&str; 5] = [
    "available",
    "error",
    "error_restoring",
    "error_extending",
    "error_managing",
];

/// Cinder's `VolumeStatus.ALL`, the statuses `os-reset_status` takes.
const VOLUME_STATUSES: [&str; 22] = [
    "creating",
    "available",
    "deleting",
    "error",
    "error_deleting",
    "error_managing",
    "managing",
    "attaching",
    "in-use",
    "detaching",
    "maintenance",
    "restoring-backup",
    "error_restoring",
    "reserved",
    "awaiting-transfer",
    "backing-up",
    "error_backing-up",
    "error_extending",
    "downloading",
    "uploading",
    "retyping",
    "extending",
];

/// Filters a non-administrator may use (Cinder's `resource_filters.json`).
const MEMBER_FILTERS: [&str; 11] = [
    "name",
    "status",
    "metadata",
    "bootable",
    "migration_status",
    "availability_zone",
    "group_id",
    "size",
    "created_at",
    "updated_at",
    "consumes_quota",
];

/// Columns of Cinder's volume model a list may be sorted by (those this
/// server has; the others sort as equal).
const SORT_KEYS: [&str; 21] = [
    "id",
    "user_id",
    "project_id",
    "host",
    "size",
    "availability_zone",
    "status",
    "attach_status",
    "display_name",
    "display_description",
    "volume_type_id",
    "consistencygroup_id",
    "group_id",
    "snapshot_id",
    "source_volid",
    "bootable",
    "created_at",
    "updated_at",
    "deleted",
    "migration_status",
    "replication_status",
];

pub fn not_found(id: &str) -> Error {
    Error::NotFound(format!("Volume {id} could not be found."))
}

fn group_not_found(id: &str) -> Error {
    Error::NotFound(format!("Group {id} could not be found."))
}

/// `objects.Volume.get_by_id` under the caller's project (any project
/// for administrators).
fn lookup(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<Volume> {
    if id.contains('\0') {
        return Err(not_found(id));
    }
    repo::find(conn, id)?
        .filter(|volume| context.is_admin || volume.project_id == context.project_id)
        .ok_or_else(|| not_found(id))
}

/// `volume_api.get`: the lookup, then `volume:get` on the volume.
fn get(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<Volume> {
    let volume = lookup(conn, context, id)?;
    policy::authorize(context, "volume:get", Some(&volume.project_id))?;
    Ok(volume)
}

fn describe(conn: &mut DbConnection, volumes: Vec<Volume>) -> Result<Vec<VolumeDetail>> {
    let ids: Vec<&str> = volumes.iter().map(|volume| volume.volume_type_id.as_str()).collect();
    let names = types_repo::names_of(conn, &ids)?;
    Ok(volumes
        .into_iter()
        .map(|volume| VolumeDetail {
            type_name: names.get(&volume.volume_type_id).cloned(),
            volume,
        })
        .collect())
}

fn describe_one(conn: &mut DbConnection, volume: Volume) -> Result<VolumeDetail> {
    describe(conn, vec![volume])?
        .pop()
        .ok_or_else(|| Error::Internal("a described volume went missing".into()))
}

pub fn show(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<VolumeDetail> {
    let volume = get(conn, context, id)?;
    describe_one(conn, volume)
}

/// The body of `POST /volumes` as the schema of the request's version
/// reads it.
struct CreateRequest {
    name: Option<String>,
    description: Option<String>,
    volume_type: Option<String>,
    size: Option<i32>,
    availability_zone: Option<String>,
    snapshot_id: Option<String>,
    source_volid: Option<String>,
    group_id: Option<String>,
    backup_id: Option<String>,
    metadata: bool,
    image: bool,
    multiattach: bool,
}

fn parse_create(settings: &CreateSettings, body: &Value) -> Result<CreateRequest> {
    let fields = schema::root_object(body, "volume", &["OS-SCH-HNT:scheduler_hints"])?;
    let field = |key: &'static str| fields.get(key).map(|value| Field::new(key, value));
    // `name` wins over `display_name` when both are given, as the
    // controller renames `name` over it.
    let mut name = None;
    for key in ["display_name", "name"] {
        if let Some(given) = field(key) {
            name = Some(schema::stripped_text(given)?);
        }
    }
    let mut description = None;
    for key in ["display_description", "description"] {
        if let Some(given) = field(key) {
            description = Some(schema::stripped_text(given)?);
        }
    }
    let volume_type = field("volume_type")
        .map(|given| schema::text(given, true, 0))
        .transpose()?
        .flatten();
    let metadata = match fields.get("metadata") {
        None | Some(Value::Null) => false,
        Some(Value::Object(entries)) => !entries.is_empty(),
        Some(other) => {
            return Err(schema::invalid_field(
                "metadata",
                other,
                &format!("{} is not of type 'object', 'null'", crate::python::py3_repr(other)),
            ))
        }
    };
    let uuid = |key: &'static str| field(key).map(schema::optional_uuid).transpose().map(Option::flatten);
    let snapshot_id = uuid("snapshot_id")?;
    let source_volid = uuid("source_volid")?;
    let consistencygroup_id = uuid("consistencygroup_id")?;
    let size = field("size").map(schema::volume_size).transpose()?.flatten();
    let availability_zone = field("availability_zone")
        .map(|given| schema::text(given, true, 1))
        .transpose()?
        .flatten();
    let multiattach = match fields.get("multiattach") {
        None | Some(Value::Null) => false,
        Some(value) => schema::boolean(Field::new("multiattach", value))?,
    };
    let mut image = false;
    for key in ["image_id", "imageRef"] {
        if let Some(given) = field(key) {
            image |= schema::text(given, true, 0)?.is_some();
        }
    }
    let group_id = if settings.with_group_id {
        field("group_id")
            .map(|given| schema::text(given, true, 0))
            .transpose()?
            .flatten()
    } else {
        None
    };
    let backup_id = if settings.with_backup_id {
        uuid("backup_id")?
    } else {
        None
    };
    if settings.strict_keys {
        let mut allowed = vec![
            "name",
            "description",
            "display_name",
            "display_description",
            "volume_type",
            "metadata",
            "snapshot_id",
            "source_volid",
            "consistencygroup_id",
            "size",
            "availability_zone",
            "multiattach",
            "image_id",
            "imageRef",
            "group_id",
            "backup_id",
        ];
        allowed.retain(|key| *key != "group_id" || settings.with_group_id);
        schema::only("volume", fields, &allowed)?;
    }
    if let Some(hints) = body.get("OS-SCH-HNT:scheduler_hints") {
        if !hints.is_object() && !hints.is_null() {
            return Err(schema::invalid_field(
                "OS-SCH-HNT:scheduler_hints",
                hints,
                &format!("{} is not of type 'object', 'null'", crate::python::py3_repr(hints)),
            ));
        }
    }
    Ok(CreateRequest {
        name: name.flatten(),
        description: description.flatten(),
        volume_type,
        size,
        availability_zone,
        snapshot_id,
        source_volid,
        // `group_id` replaces `consistencygroup_id`: both name a group.
        group_id: group_id.or(consistencygroup_id),
        backup_id,
        metadata,
        image,
        multiattach,
    })
}

/// `POST /volumes`: the schema, the controller's lookups (type, snapshot,
/// source volume, group), `volume_api.create`'s checks, then the row and
/// its `create_volume` job in one transaction. The group's row is locked
/// first, so a volume never joins a group while a cgsnapshot of it is
/// being recorded.
pub fn create(
    conn: &mut DbConnection,
    context: &RequestContext,
    settings: &CreateSettings,
    body: Value,
) -> Result<VolumeDetail> {
    let request = parse_create(settings, &body)?;
    db::write_transaction(conn, |conn| {
        let volume_type = match request.volume_type.as_deref().filter(|name| !name.is_empty()) {
            Some(identity) => Some(volume_types::find_by_name_or_id(conn, context, identity)?),
            None => None,
        };
        if let Some(id) = &request.snapshot_id {
            let found = volume_snapshots::find(conn, id)?
                .filter(|snapshot| context.is_admin || snapshot.project_id == context.project_id);
            if found.is_none() {
                return Err(Error::NotFound(format!("Snapshot {id} could not be found.")));
            }
            return Err(unsupported_source());
        }
        if let Some(id) = &request.source_volid {
            lookup(conn, context, id)?;
            return Err(unsupported_source());
        }
        let group = match &request.group_id {
            Some(id) => Some(visible_group(conn, context, id)?),
            None => None,
        };
        if request.image {
            return Err(unsupported_source());
        }
        if let Some(id) = &request.backup_id {
            return Err(Error::NotFound(format!("Backup {id} could not be found.")));
        }
        if request.multiattach {
            return Err(Error::Invalid(
                "multiattach parameter has been removed. The default behavior is to use multiattach enabled \
                 volume types. Contact your administrator to create a multiattach enabled volume type and use it \
                 to create multiattach volumes."
                    .into(),
            ));
        }
        policy::authorize(context, "volume:create", None)?;
        if let Some(group) = &group {
            check_group(group, volume_type.as_ref())?;
        }
        let Some(size) = request.size else {
            return Err(Error::Invalid(
                "Invalid input received: Volume size 'None' must be an integer and greater than 0".into(),
            ));
        };
        if request.metadata {
            return Err(Error::Invalid(
                "Invalid input received: volume metadata is not supported by this server.".into(),
            ));
        }
        let availability_zone = request
            .availability_zone
            .clone()
            .or_else(|| group.as_ref().map(|group| group.availability_zone.clone()))
            .unwrap_or_else(|| settings.availability_zone.clone());
        if availability_zone != settings.availability_zone {
            return Err(Error::Invalid(format!(
                "Invalid input received: Availability zone '{availability_zone}' is invalid."
            )));
        }
        let volume_type = match volume_type {
            Some(found) => found,
            None => volume_types::default_type(conn, &settings.default_volume_type)?,
        };
        let volume = Volume {
            id: uuid::Uuid::new_v4().to_string(),
            user_id: context.user_id.clone(),
            project_id: context.project_id.clone(),
            host: None,
            size,
            availability_zone,
            status: CREATING.to_string(),
            attach_status: DETACHED.to_string(),
            name: request.name.clone(),
            description: request.description.clone(),
            volume_type_id: volume_type.id.clone(),
            consistencygroup_id: group.map(|group| group.id),
            snapshot_id: None,
            source_volid: None,
            bootable: false,
            created_at: db::now(),
            updated_at: None,
            deleted_at: None,
            deleted: LIVE.to_string(),
        };
        repo::insert(conn, &volume)?;
        jobs::enqueue(conn, JobKind::CreateVolume.as_str(), &volume.id)?;
        Ok(VolumeDetail {
            volume,
            type_name: Some(volume_type.name),
        })
    })
}

/// Volumes from snapshots, other volumes, images or backups are not made
/// here (a deliberate difference: there is no data to copy).
fn unsupported_source() -> Error {
    Error::Invalid(
        "Invalid input received: creating a volume from a snapshot, volume, image or backup is not supported by \
         this server."
            .into(),
    )
}

/// `group_api.get`: the live group under the caller's project (any for
/// administrators), locked for the rest of the transaction, then
/// `group:get` on it.
fn visible_group(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<GroupOfVolume> {
    if id.contains('\0') {
        return Err(group_not_found(id));
    }
    let group = repo::lock_group(conn, id)?
        .filter(|group| context.is_admin || group.project_id == context.project_id)
        .ok_or_else(|| group_not_found(id))?;
    policy::authorize(context, "group:get", Some(&group.project_id))?;
    Ok(group)
}

/// `volume_api.create`'s group rules, then the create flow's status rule.
fn check_group(group: &GroupOfVolume, volume_type: Option<&VolumeType>) -> Result<()> {
    let Some(volume_type) = volume_type else {
        return Err(Error::Invalid(
            "Invalid input received: volume_type must be provided when creating a volume in a group.".into(),
        ));
    };
    if !group.type_ids().any(|id| id == volume_type.id) {
        return Err(Error::Invalid(format!(
            "Invalid input received: Invalid volume_type provided: VolumeType(id={},name={}) (requested type must be \
             supported by this group).",
            volume_type.id, volume_type.name
        )));
    }
    if !["available", "creating"].contains(&group.status.as_str()) {
        return Err(Error::Invalid(
            "Invalid Group: Originating group status must be one of 'available, creating' values".into(),
        ));
    }
    Ok(())
}

/// `GET /volumes` and `/volumes/detail`: the caller's project, or every
/// project for an administrator with a true `all_tenants`; filtered,
/// sorted (newest first unless asked otherwise) and paged.
pub fn list(
    conn: &mut DbConnection,
    context: &RequestContext,
    query: &QueryParams,
    settings: ListSettings,
) -> Result<Vec<VolumeDetail>> {
    let mut list = ListQuery::parse(query, settings.max_limit)?;
    if !settings.with_group_filter {
        list.take_filter("group_id");
    }
    let all_tenants = list.scope_filters(
        query,
        context.is_admin,
        &MEMBER_FILTERS,
        settings.reject_unknown_filters,
    )?;
    policy::authorize(context, "volume:get_all", None)?;
    let sort: Vec<(String, bool)> = list
        .sort
        .iter()
        .map(|(key, descending)| {
            let key = if key == "name" { "display_name" } else { key.as_str() };
            (key.to_string(), *descending)
        })
        .collect();
    list.sort = sort;
    list.check_sort_keys(&SORT_KEYS)?;
    let project = (!all_tenants).then_some(context.project_id.as_str());
    let mut filters = Vec::new();
    for (key, value) in &list.filters {
        let Some(filter) = filter_of(key, value) else {
            // A key that names no column matches nothing, as in Cinder; a
            // value no row holds, nothing either.
            return Ok(Vec::new());
        };
        filters.extend(filter);
    }
    let sort = list.sort_with_id(field_of, repo::Field::Id);
    let marker = list.marker.as_deref();
    let volumes = repo::list(conn, project, &filters, &sort, marker, list.offset, list.limit)?
        .ok_or_else(|| not_found(marker.unwrap_or_default()))?;
    describe(conn, volumes)
}

/// The exact-match filter for `key`: `None` for a key Cinder's volume
/// model has no column for, `Some(None)` for a value no row can hold
/// (text that cannot reach SQL; a size that is not an integer's text).
fn filter_of(key: &str, value: &str) -> Option<Option<repo::Filter>> {
    use repo::{Field, Filter};
    let text = |field: Field| Some(storable(value).then(|| Filter::Text(field, value.to_string())));
    match key {
        "name" | "display_name" => text(Field::Name),
        "display_description" => text(Field::Description),
        "status" => text(Field::Status),
        "availability_zone" => text(Field::AvailabilityZone),
        "host" => text(Field::Host),
        "id" => text(Field::Id),
        "project_id" => text(Field::ProjectId),
        "user_id" => text(Field::UserId),
        "volume_type_id" => text(Field::VolumeTypeId),
        "attach_status" => text(Field::AttachStatus),
        "group_id" | "consistencygroup_id" => text(Field::ConsistencygroupId),
        // The size's own text must be the value: "01" is no size.
        "size" => Some(
            value
                .parse::<i32>()
                .ok()
                .filter(|size| size.to_string() == value)
                .map(Filter::Size),
        ),
        "bootable" => Some(crate::service::volume_lists::bool_word(value).map(Filter::Bootable)),
        _ => None,
    }
}

/// The column a sort key names; `None` for the model's columns this
/// server does not have, which sort as equal.
fn field_of(key: &str) -> Option<repo::Field> {
    use repo::Field;
    Some(match key {
        "id" => Field::Id,
        "user_id" => Field::UserId,
        "project_id" => Field::ProjectId,
        "host" => Field::Host,
        "size" => Field::Size,
        "availability_zone" => Field::AvailabilityZone,
        "status" => Field::Status,
        "attach_status" => Field::AttachStatus,
        "display_name" => Field::Name,
        "display_description" => Field::Description,
        "volume_type_id" => Field::VolumeTypeId,
        "consistencygroup_id" | "group_id" => Field::ConsistencygroupId,
        "snapshot_id" => Field::SnapshotId,
        "source_volid" => Field::SourceVolid,
        "bootable" => Field::Bootable,
        "created_at" => Field::CreatedAt,
        "updated_at" => Field::UpdatedAt,
        _ => return None,
    })
}

/// `PUT /volumes/{id}`: name and description (and `display_` aliases).
pub fn update(
    conn: &mut DbConnection,
    context: &RequestContext,
    id: &str,
    body: Value,
    require_a_field: bool,
) -> Result<VolumeDetail> {
    let fields = schema::root_object(&body, "volume", &[])?;
    let mut name = None;
    for key in ["display_name", "name"] {
        if let Some(value) = fields.get(key) {
            name = Some(schema::stripped_text(Field::new(key, value))?);
        }
    }
    let mut description = None;
    for key in ["display_description", "description"] {
        if let Some(value) = fields.get(key) {
            description = Some(schema::stripped_text(Field::new(key, value))?);
        }
    }
    if let Some(metadata) = fields.get("metadata") {
        if !metadata.is_object() {
            return Err(schema::invalid_field(
                "metadata",
                metadata,
                &format!("{} is not of type 'object'", crate::python::py3_repr(metadata)),
            ));
        }
    }
    schema::only(
        "volume",
        fields,
        &["name", "description", "display_name", "display_description", "metadata"],
    )?;
    if require_a_field && fields.is_empty() {
        return Err(schema::invalid_field(
            "volume",
            &Value::Object(Map::new()),
            "{} is not valid under any of the given schemas",
        ));
    }
    if fields
        .get("metadata")
        .is_some_and(|metadata| metadata.as_object().is_some_and(|m| !m.is_empty()))
    {
        return Err(Error::Invalid(
            "Invalid input received: volume metadata is not supported by this server.".into(),
        ));
    }
    db::write_transaction(conn, |conn| {
        let volume = get(conn, context, id)?;
        policy::authorize(context, "volume:update", Some(&volume.project_id))?;
        repo::update_text(conn, &volume.id, name.clone(), description.clone())?;
        let volume = repo::find(conn, &volume.id)?.ok_or_else(|| not_found(id))?;
        describe_one(conn, volume)
    })
}

/// `DELETE /volumes/{id}` (`force` from 3.23, `cascade` read for its
/// validity): `volume_api.delete`.
pub fn delete(
    conn: &mut DbConnection,
    context: &RequestContext,
    id: &str,
    query: &QueryParams,
    with_force: bool,
) -> Result<()> {
    bool_param(query, "cascade")?;
    let force = with_force && bool_param(query, "force")?;
    db::write_transaction(conn, |conn| {
        let volume = get(conn, context, id)?;
        if force {
            policy::authorize(
                context,
                "volume_extension:volume_admin_actions:force_delete",
                Some(&volume.project_id),
            )?;
        }
        remove(conn, context, &volume, force)
    })
}

/// `volume_api.delete`: a volume never placed goes at once; otherwise the
/// conditional update to `deleting` and the `delete_volume` job.
fn remove(conn: &mut DbConnection, context: &RequestContext, volume: &Volume, force: bool) -> Result<()> {
    policy::authorize(context, "volume:delete", Some(&volume.project_id))?;
    if volume.host.as_deref().is_none_or(str::is_empty) && repo::destroy_unplaced(conn, &volume.id)? {
        return Ok(());
    }
    let from = (!force).then_some(&DELETABLE[..]);
    if !repo::start_deleting(conn, &volume.id, from)? {
        let status = if force {
            String::new()
        } else {
            format!("status must be {} and", DELETABLE.join(" or "))
        };
        return Err(Error::Invalid(format!(
            "Invalid volume: Volume {status} must not be migrating, attached, belong to a group, have snapshots, \
             awaiting a transfer, or be disassociated from snapshots after volume transfer."
        )));
    }
    jobs::enqueue(conn, JobKind::DeleteVolume.as_str(), &volume.id)?;
    Ok(())
}

/// The actions of `POST /volumes/{id}/action` this server serves.
pub fn action(conn: &mut DbConnection, context: &RequestContext, id: &str, body: Option<Value>) -> Result<()> {
    let Some(Value::Object(actions)) = body else {
        return Err(Error::MalformedBody);
    };
    let Some((name, _)) = actions.iter().next() else {
        return Err(Error::MalformedBody);
    };
    match name.as_str() {
        "os-reset_status" => reset_status(conn, context, id, &actions),
        "os-force_delete" => force_delete(conn, context, id, &actions),
        other => Err(Error::Invalid(format!(
            "There is no such action: {other}. Verify the request body and Content-Type header and try again."
        ))),
    }
}

fn action_schema(actions: &Map<String, Value>, key: &str) -> Result<()> {
    let extra: Vec<&String> = actions.keys().filter(|name| *name != key).collect();
    if extra.is_empty() {
        return Ok(());
    }
    let shown: Vec<String> = extra
        .iter()
        .map(|name| crate::python::py3_repr(&Value::String((*name).clone())))
        .collect();
    let verb = if shown.len() == 1 { "was" } else { "were" };
    Err(Error::Invalid(format!(
        "Additional properties are not allowed ({} {verb} unexpected)",
        shown.join(", ")
    )))
}

/// How Cinder's message shows the valid statuses: its attach statuses
/// are a Python list, the others tuples.
#[derive(Clone, Copy)]
enum Shown {
    List,
    Tuple,
}

/// A status of the reset body: a string or null, one of `valid` (any
/// case) when given; `None` for null or empty.
fn reset_value(
    fields: &Map<String, Value>,
    key: &str,
    valid: &[&str],
    (what, shown_as): (&str, Shown),
) -> Result<Option<String>> {
    let value = match fields.get(key) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(text)) => text,
        Some(other) => {
            return Err(schema::invalid_field(
                key,
                other,
                &format!("{} is not of type 'string', 'null'", crate::python::py3_repr(other)),
            ))
        }
    };
    if value.is_empty() {
        return Ok(None);
    }
    let lower = value.to_lowercase();
    if !valid.contains(&lower.as_str()) {
        let shown: Vec<String> = valid.iter().map(|status| format!("'{status}'")).collect();
        let list = match shown_as {
            Shown::List => format!("[{}]", shown.join(", ")),
            Shown::Tuple => format!("({})", shown.join(", ")),
        };
        return Err(Error::Invalid(format!(
            "{what} status: {value} is invalid, valid statuses are: {list}."
        )));
    }
    Ok(Some(lower))
}

/// `os-reset_status`: the schema, the lookup (no `volume:get`), the
/// policy, Cinder's two refusals, then the unconditional update.
fn reset_status(
    conn: &mut DbConnection,
    context: &RequestContext,
    id: &str,
    actions: &Map<String, Value>,
) -> Result<()> {
    action_schema(actions, "os-reset_status")?;
    let fields = match actions.get("os-reset_status") {
        Some(Value::Object(fields)) => fields,
        Some(other) => {
            return Err(schema::invalid_field(
                "os-reset_status",
                other,
                &format!("{} is not of type 'object'", crate::python::py3_repr(other)),
            ))
        }
        None => return Err(Error::MalformedBody),
    };
    let status = reset_value(fields, "status", &VOLUME_STATUSES, ("Volume", Shown::Tuple))?;
    let attach_status = reset_value(
        fields,
        "attach_status",
        &["attached", "detached"],
        ("Volume attach", Shown::List),
    )?;
    // Accepted as Cinder accepts it; there is no migration to record it on.
    let migration = reset_value(
        fields,
        "migration_status",
        &["migrating", "error", "success", "completing", "none", "starting"],
        ("Volume migration", Shown::Tuple),
    )?;
    schema::only(
        "os-reset_status",
        fields,
        &["status", "attach_status", "migration_status"],
    )?;
    if status.is_none() && attach_status.is_none() && migration.is_none() {
        return Err(Error::Invalid(
            "Must specify 'status', 'attach_status' or 'migration_status' for update.".into(),
        ));
    }
    db::write_transaction(conn, |conn| {
        let volume = lookup(conn, context, id)?;
        policy::authorize(
            context,
            "volume_extension:volume_admin_actions:reset_status",
            Some(&volume.project_id),
        )?;
        // Cinder's tuple lacks a comma, so only `deleting` is refused.
        if status.as_deref() == Some("deleting") {
            return Err(Error::Invalid("Cannot reset-state to deleting".into()));
        }
        if status.as_deref() == Some("in-use") {
            return Err(Error::Invalid(
                "Cannot reset-state to in-use because volume does not have any attachments.".into(),
            ));
        }
        repo::reset(conn, &volume.id, status.as_deref(), attach_status.as_deref())?;
        Ok(())
    })
}

/// `os-force_delete`: `volume_api.get`, the policy, then a delete that
/// ignores the status.
fn force_delete(
    conn: &mut DbConnection,
    context: &RequestContext,
    id: &str,
    actions: &Map<String, Value>,
) -> Result<()> {
    action_schema(actions, "os-force_delete")?;
    db::write_transaction(conn, |conn| {
        let volume = get(conn, context, id)?;
        policy::authorize(
            context,
            "volume_extension:volume_admin_actions:force_delete",
            Some(&volume.project_id),
        )?;
        remove(conn, context, &volume, true)
    })
}
