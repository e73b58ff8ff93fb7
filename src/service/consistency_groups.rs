//! Consistency groups: the rules of reference section 7 (validation order,
//! texts, which states allow what), each operation in one transaction.
//! Policy is checked first, before the body is looked at, as upstream does.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::db::batch::Batcher;
use crate::db::cgsnapshots::{self, CgSnapshot, CgSnapshotMember};
use crate::db::consistency_groups::{self as repo, ConsistencyGroup, ListFilter, Scope, Sort, SortKey};
use crate::db::jobs::{self, JobKind};
use crate::db::shares::{self, Share};
use crate::db::{self, DbConnection, DbPool};
use crate::error::{Error, Result};
use crate::listing::{ListRequest, Spec};
use crate::policy;
use crate::policy::RequestContext;
use crate::service::share_types::specs::bool_from_text;
use crate::service::validation::{
    fields_rejected, is_uuid_like, optional_text, reset_status_of, truthy, valid_body, RESET_STATES,
};
use crate::service::{admin_actions, share_networks, share_types, shares as service_shares};

/// A CG and the ids of its share types: what the views render.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CgWithTypes {
    pub cg: ConsistencyGroup,
    pub share_types: Vec<String>,
}

const DELETABLE: [&str; 2] = ["available", "error"];

const UPDATABLE_FIELDS: [&str; 2] = ["name", "description"];

const CREATE_FIELDS: [&str; 5] = [
    "name",
    "description",
    "share_types",
    "source_cgsnapshot_id",
    "share_network_id",
];

fn scope(context: &RequestContext) -> Scope<'_> {
    if context.is_admin {
        Scope::All
    } else {
        Scope::Project(&context.project_id)
    }
}

fn not_found(id: &str) -> Error {
    Error::NotFound(format!("Consistency group {id} not found."))
}

fn find(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<Option<ConsistencyGroup>> {
    Ok(repo::find(conn, id, scope(context))?)
}

fn with_types(conn: &mut DbConnection, cg: ConsistencyGroup) -> Result<CgWithTypes> {
    let share_types = repo::share_type_ids(conn, &[cg.id.as_str()])?
        .remove(&cg.id)
        .unwrap_or_default();
    Ok(CgWithTypes { cg, share_types })
}

/// The `consistency_group` object of a request body (create #1, update).
pub fn wrapped_object(body: Option<Value>) -> Result<Map<String, Value>> {
    valid_body(body, "consistency_group", missing_wrapper)
}

fn missing_wrapper() -> Error {
    Error::Invalid("'consistency_group' is missing from the request body.".into())
}

/// The reads of CGs that are batched under load (`db::batch`): show's by
/// id and the lists by their query, so identical lists share one.
pub struct Reads {
    show: Arc<Batcher<String, Arc<CgWithTypes>>>,
    list: Arc<Batcher<ListQuery, ListPage>>,
}

impl Reads {
    pub fn new(max_in_flight: usize) -> Reads {
        Reads {
            show: Batcher::new(load_for_show, max_in_flight),
            list: Batcher::new(load_for_list, max_in_flight),
        }
    }
}

/// One lookup per id: each is a primary-key probe whose prepared plan
/// never changes, where one query for all ids let PostgreSQL's planner
/// pick a scan of both tables once a batch held a few ids.
fn load_for_show(conn: &mut DbConnection, ids: &[String]) -> Result<HashMap<String, Arc<CgWithTypes>>> {
    let mut found = HashMap::with_capacity(ids.len());
    for id in ids {
        if let Some((cg, share_types)) = repo::find_with_types(conn, id)? {
            found.insert(id.clone(), Arc::new(CgWithTypes { cg, share_types }));
        }
    }
    Ok(found)
}

/// GET one. The read is shared with others arriving at the same time, so
/// the caller's scope is applied to the row rather than in the query.
pub async fn show(reads: &Reads, pool: &DbPool, context: &RequestContext, id: &str) -> Result<Arc<CgWithTypes>> {
    policy::enforce(context, "consistency_group:get")?;
    let found = reads.show.get(pool, id.to_owned()).await?;
    found
        .filter(|found| scope(context).admits(&found.cg.project_id))
        .ok_or_else(|| not_found(id))
}

/// PUT: only `name` and `description`, in any status.
pub fn update(conn: &mut DbConnection, context: &RequestContext, id: &str, body: Option<Value>) -> Result<CgWithTypes> {
    policy::enforce(context, "consistency_group:update")?;
    let fields = wrapped_object(body)?;
    if let Some(rejected) = fields_rejected(&fields, &UPDATABLE_FIELDS) {
        return Err(Error::Invalid(format!(
            "The fields {rejected} are invalid or not allowed to be updated."
        )));
    }
    let name = optional_text(&fields, "name")?;
    let description = optional_text(&fields, "description")?;
    db::write_transaction(conn, |conn| {
        let cg = find(conn, context, id)?.ok_or_else(|| not_found(id))?;
        repo::update_text(conn, &cg.id, name, description)?;
        let cg = repo::find(conn, id, Scope::All)?.ok_or_else(|| not_found(id))?;
        with_types(conn, cg)
    })
}

/// DELETE: gone at once when never placed; otherwise `deleting` and a job.
pub fn delete(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<()> {
    policy::enforce(context, "consistency_group:delete")?;
    db::write_transaction(conn, |conn| {
        let cg = find(conn, context, id)?.ok_or_else(|| not_found(id))?;
        if cg.host.is_none() {
            return if repo::soft_delete(conn, &cg.id, None)? {
                Ok(())
            } else {
                Err(not_found(id))
            };
        }
        let wrong_state = || {
            Error::Conflict(
                "Invalid ConsistencyGroup: Consistency group status must be one of ('available', 'error')".into(),
            )
        };
        if !DELETABLE.contains(&cg.status.as_str()) {
            return Err(wrong_state());
        }
        if cgsnapshots::count_of_consistency_group(conn, &cg.id)? > 0 {
            return Err(Error::Conflict(
                "Invalid ConsistencyGroup: Cannot delete a consistency group with cgsnapshots".into(),
            ));
        }
        if shares::count_in_consistency_group(conn, &cg.id)? > 0 {
            return Err(Error::Conflict(
                "Invalid ConsistencyGroup: Cannot delete a consistency group with shares".into(),
            ));
        }
        if !repo::set_status(conn, &cg.id, &DELETABLE, "deleting")? {
            return Err(wrong_state());
        }
        jobs::enqueue(conn, JobKind::DeleteConsistencyGroup.as_str(), &cg.id)?;
        Ok(())
    })
}

/// Admin action: set any allowed status; nothing reaches the backend.
pub fn reset_status(conn: &mut DbConnection, context: &RequestContext, id: &str, body: &Value) -> Result<()> {
    policy::enforce(context, "consistency_group:reset_status")?;
    let status = reset_status_of(body)?;
    let cg = find(conn, context, id)?.ok_or_else(admin_actions::not_found)?;
    db::write_transaction(conn, |conn| {
        admin_actions::written(repo::set_status(conn, &cg.id, &RESET_STATES, status)?)
    })
}

/// Admin action: remove the rows whatever the state; no backend call.
pub fn force_delete(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<()> {
    policy::enforce(context, "consistency_group:force_delete")?;
    let cg = find(conn, context, id)?.ok_or_else(admin_actions::not_found)?;
    db::write_transaction(conn, |conn| {
        admin_actions::written(repo::soft_delete(conn, &cg.id, None)?)
    })
}

/// A validated create request.
struct NewCg {
    name: Option<String>,
    description: Option<String>,
    /// The share types asked for; empty when the default type applies.
    share_type_ids: Vec<String>,
    source_cgsnapshot_id: Option<String>,
    share_network_id: Option<String>,
}

fn invalid(message: &str) -> Error {
    Error::Invalid(message.to_string())
}

/// The request body's checks #1 to #8 of reference 7.1, in order; the
/// default share type (#4) is looked up by the caller.
fn read_create_body(body: Option<Value>) -> Result<NewCg> {
    let fields = wrapped_object(body)?;
    if let Some(rejected) = fields_rejected(&fields, &CREATE_FIELDS) {
        return Err(Error::Invalid(format!("The fields {rejected} are invalid.")));
    }
    let has_source = fields.contains_key("source_cgsnapshot_id");
    if fields.contains_key("share_types") && has_source {
        return Err(invalid(
            "Cannot supply both 'share_types' and 'source_cgsnapshot_id' attributes.",
        ));
    }
    let share_type_ids = match fields.get("share_types").filter(|value| truthy(value)) {
        None => Vec::new(),
        Some(value) => share_type_list(value)?,
    };
    if fields.contains_key("share_network_id") && has_source {
        return Err(invalid(
            "Cannot supply both 'share_network_id' and 'source_cgsnapshot_id' attributes as the share network is inherited from the source.",
        ));
    }
    let uuid_field = |key: &str, message: &str| -> Result<Option<String>> {
        match fields.get(key) {
            None => Ok(None),
            Some(value) if is_uuid_like(value) => Ok(value.as_str().map(str::to_string)),
            Some(_) => Err(invalid(message)),
        }
    };
    let source_cgsnapshot_id = uuid_field(
        "source_cgsnapshot_id",
        "The 'source_cgsnapshot_id' attribute must be a uuid.",
    )?;
    let share_network_id = uuid_field("share_network_id", "The 'share_network_id' attribute must be a uuid.")?;
    Ok(NewCg {
        name: optional_text(&fields, "name")?.flatten(),
        description: optional_text(&fields, "description")?.flatten(),
        share_type_ids,
        source_cgsnapshot_id,
        share_network_id,
    })
}

/// A truthy `share_types` as upstream iterates it: a list's items, an
/// object's keys, a string's characters (never UUIDs); a number or `true`
/// cannot be iterated and gets WebOb's bare 400.
fn share_type_list(value: &Value) -> Result<Vec<String>> {
    let not_uuids = || invalid("The 'share_types' attribute must be a list of uuids");
    let items: Vec<Value> = match value {
        Value::Array(items) => items.clone(),
        Value::Object(map) => map.keys().map(|key| Value::String(key.clone())).collect(),
        Value::String(_) => return Err(not_uuids()),
        _ => return Err(invalid(crate::error::texts::BAD_REQUEST)),
    };
    items
        .iter()
        .map(|item| {
            item.as_str()
                .filter(|_| is_uuid_like(item))
                .map(str::to_string)
                .ok_or_else(not_uuids)
        })
        .collect()
}

/// POST: validates in upstream's order (reference 7.1), then writes the
/// `creating` CG, its share-type mappings and its creation job in one
/// transaction; the scheduler and the driver take it from there.
pub fn create(
    conn: &mut DbConnection,
    context: &RequestContext,
    default_share_type: Option<&str>,
    body: Option<Value>,
) -> Result<CgWithTypes> {
    policy::enforce(context, "consistency_group:create")?;
    let request = read_create_body(body)?;
    db::write_transaction(conn, |conn| {
        let mut share_type_ids = request.share_type_ids.clone();
        if share_type_ids.is_empty() && request.source_cgsnapshot_id.is_none() {
            let default = share_types::find_default(conn, context, default_share_type)?.ok_or_else(|| {
                invalid("Must specify at least one share type as a default share type has not been configured.")
            })?;
            share_type_ids.push(default.row.id);
        }
        let mut share_network_id = request.share_network_id.clone();
        let source = match &request.source_cgsnapshot_id {
            None => None,
            Some(source_id) => {
                let (snapshot, parent) = source_of(conn, context, source_id)?;
                // The types and network are the source CG's (#11 onwards
                // then check those).
                share_type_ids = repo::share_type_ids_of(conn, &parent.id)?;
                share_network_id = parent.share_network_id.clone();
                Some((snapshot, parent))
            }
        };
        let mut handles_share_servers: Option<bool> = None;
        for id in &share_type_ids {
            let share_type = share_types::find_visible(conn, context, id)?
                .ok_or_else(|| Error::Invalid(format!("Share type with id {id} could not be found")))?;
            if share_type.extra_specs.is_empty() {
                continue;
            }
            let dhss = share_type
                .extra_specs
                .get("driver_handles_share_servers")
                .and_then(|value| bool_from_text(value))
                .unwrap_or(false);
            match handles_share_servers {
                Some(previous) if previous != dhss => {
                    return Err(invalid("Invalid input received: The specified share_types cannot have conflicting values for the driver_handles_share_servers extra spec."));
                }
                _ => handles_share_servers = Some(dhss),
            }
            if !dhss && share_network_id.is_some() {
                return Err(invalid("Invalid input received: When using a share types with the driver_handles_share_servers extra spec as False, a share_network_id must not be provided."));
            }
        }
        if let Some(network) = &share_network_id {
            if share_networks::find_in_any_project(conn, network)?.is_none() {
                return Err(invalid(
                    "Invalid input received: The specified share network does not exist.",
                ));
            }
        }
        if handles_share_servers == Some(true) && share_network_id.is_none() && source.is_none() {
            return Err(invalid("Invalid input received: When using a share type with the driver_handles_share_servers extra spec as True, a share_network_id must be provided."));
        }
        let cg = ConsistencyGroup {
            id: uuid::Uuid::new_v4().to_string(),
            user_id: context.user_id.clone(),
            project_id: context.project_id.clone(),
            // A CG made from a snapshot goes where its source CG is, unscheduled.
            host: source.as_ref().and_then(|(_, parent)| parent.host.clone()),
            name: request.name.clone(),
            description: request.description.clone(),
            status: "creating".to_string(),
            source_cgsnapshot_id: request.source_cgsnapshot_id.clone(),
            share_network_id,
            share_server_id: source.as_ref().and_then(|(_, parent)| parent.share_server_id.clone()),
            created_at: db::now(),
            updated_at: None,
            deleted_at: None,
            deleted: db::LIVE.to_string(),
        };
        repo::insert(conn, &cg, &share_type_ids)?;
        if let Some((snapshot, _)) = &source {
            // One new share per member, all or none: the CG's own job makes
            // them with the CG.
            for member in cgsnapshots::members_of(conn, &snapshot.id)? {
                let original = shares::find(conn, &member.share_id)?;
                service_shares::record(
                    conn,
                    &share_from_member(context, &cg, &member, original.as_ref()),
                    &[],
                    false,
                )?;
            }
        }
        jobs::enqueue(conn, JobKind::CreateConsistencyGroup.as_str(), &cg.id)?;
        Ok(CgWithTypes {
            cg,
            share_types: share_type_ids,
        })
    })
}

/// The source snapshot of a CG create (#9-#11 of reference 7.1) and the
/// CG it was taken of.
fn source_of(
    conn: &mut DbConnection,
    context: &RequestContext,
    source_id: &str,
) -> Result<(CgSnapshot, ConsistencyGroup)> {
    let snapshot = cgsnapshots::find(conn, source_id, scope(context))?
        .ok_or_else(|| Error::Invalid(format!("Consistency group snapshot {source_id} could not be found.")))?;
    if snapshot.status != "available" {
        return Err(Error::Conflict(
            "Invalid CGSnapshot: Consistency group snapshot status must be available".into(),
        ));
    }
    let parent = repo::find(conn, &snapshot.consistency_group_id, Scope::All)?.ok_or_else(|| {
        Error::NotFound(format!(
            "ConsistencyGroupNotFound: ConsistencyGroup {} could not be found.",
            snapshot.consistency_group_id
        ))
    })?;
    Ok((snapshot, parent))
}

/// The share a snapshot member becomes in a CG made from the snapshot:
/// the member's size, protocol and type, on the CG's host, network and
/// server; flags and zone as the original share had them.
fn share_from_member(
    context: &RequestContext,
    cg: &ConsistencyGroup,
    member: &CgSnapshotMember,
    original: Option<&Share>,
) -> Share {
    let now = db::now();
    Share {
        id: uuid::Uuid::new_v4().to_string(),
        user_id: context.user_id.clone(),
        project_id: context.project_id.clone(),
        size: member.size,
        display_name: None,
        display_description: None,
        share_proto: member.share_proto.clone(),
        status: "creating".into(),
        task_state: None,
        access_rules_status: "active".into(),
        host: cg.host.clone(),
        availability_zone: original.and_then(|share| share.availability_zone.clone()),
        share_type_id: Some(member.share_type_id.clone()),
        share_network_id: cg.share_network_id.clone(),
        share_server_id: cg.share_server_id.clone(),
        snapshot_id: None,
        snapshot_support: original.is_none_or(|share| share.snapshot_support),
        is_public: false,
        consistency_group_id: Some(cg.id.clone()),
        source_cgsnapshot_member_id: Some(member.id.clone()),
        scheduled_at: Some(now),
        launched_at: None,
        terminated_at: None,
        created_at: now,
        updated_at: None,
        deleted_at: None,
        deleted: db::LIVE.into(),
        create_share_from_snapshot_support: original.is_some_and(|share| share.create_share_from_snapshot_support),
        revert_to_snapshot_support: original.is_some_and(|share| share.revert_to_snapshot_support),
        replication_type: original.and_then(|share| share.replication_type.clone()),
    }
}

/// What a CG list sorts by and filters on (DESIGN.md section 4, item 3).
pub const LIST: Spec<SortKey> = Spec {
    sort_keys: &[
        ("created_at", SortKey::CreatedAt),
        ("id", SortKey::Id),
        ("name", SortKey::Name),
        ("status", SortKey::Status),
    ],
    filters: &["project_id", "name", "status", "share_network_id"],
};

/// A list request with the caller's scope applied: lists are batched by it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct ListQuery {
    filter: ListFilter,
    sort: Sort,
    offset: i64,
    limit: i64,
    marker: Option<String>,
    with_share_types: bool,
}

/// A page, or the marker that is not among the rows: the one refusal that
/// comes from the list's own rows rather than the database.
type ListPage = std::result::Result<Arc<Vec<CgWithTypes>>, MarkerNotFound>;

#[derive(Clone, Debug)]
struct MarkerNotFound(String);

/// GET list/detail: the caller's project (every project, or the one asked
/// for, for an admin), filtered, sorted, after `marker` (a keyset page: its
/// cost does not grow with the rows before it), then `offset` rows in.
/// The detail view shows share types; the summary does not, and skips
/// the query for them (`with_share_types`).
pub async fn list(
    reads: &Reads,
    pool: &DbPool,
    context: &RequestContext,
    request: &ListRequest<SortKey>,
    with_share_types: bool,
) -> Result<Arc<Vec<CgWithTypes>>> {
    policy::enforce(context, "consistency_group:get_all")?;
    let filter = ListFilter {
        project_id: request.scoped_project(&context.project_id, context.is_admin),
        name: request.filter("name"),
        status: request.filter("status"),
        share_network_id: request.filter("share_network_id"),
    };
    let query = ListQuery {
        filter,
        sort: Sort {
            key: request.sort_key,
            descending: request.descending,
        },
        offset: request.page.offset,
        limit: request.page.limit,
        marker: request.marker.clone(),
        with_share_types,
    };
    match reads.list.get(pool, query).await? {
        Some(Ok(page)) => Ok(page),
        Some(Err(MarkerNotFound(marker))) => Err(Error::Invalid(format!("Marker {marker} could not be found."))),
        None => Err(Error::Internal("a batched list read returned nothing".into())),
    }
}

fn load_for_list(conn: &mut DbConnection, queries: &[ListQuery]) -> Result<HashMap<ListQuery, ListPage>> {
    queries
        .iter()
        .map(|query| Ok((query.clone(), list_page(conn, query)?)))
        .collect()
}

fn list_page(conn: &mut DbConnection, query: &ListQuery) -> Result<ListPage> {
    let filter = &query.filter;
    let marker = query.marker.as_deref();
    let Some(cgs) = repo::list(conn, filter, query.sort, marker, query.offset, query.limit)? else {
        return Ok(Err(MarkerNotFound(marker.unwrap_or_default().to_string())));
    };
    let mut types = if query.with_share_types {
        let ids: Vec<&str> = cgs.iter().map(|cg| cg.id.as_str()).collect();
        repo::share_type_ids(conn, &ids)?
    } else {
        Default::default()
    };
    Ok(Ok(Arc::new(
        cgs.into_iter()
            .map(|cg| {
                let share_types = types.remove(&cg.id).unwrap_or_default();
                CgWithTypes { cg, share_types }
            })
            .collect(),
    )))
}
