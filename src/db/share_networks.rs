//! Share networks' queries. Reads see live rows only; deleting marks a row
//! (`deleted` = its id, `deleted_at`) as Manila does, so it stays for the
//! consistency groups that still name it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::rows::{soft_delete, storable};
use super::schema::{consistency_groups, share_networks};
use super::{now, DbConnection, LIVE};

#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = share_networks)]
pub struct ShareNetwork {
    pub id: String,
    pub project_id: String,
    pub user_id: String,
    pub neutron_net_id: Option<String>,
    pub neutron_subnet_id: Option<String>,
    pub network_type: Option<String>,
    pub segmentation_id: Option<i32>,
    pub cidr: Option<String>,
    pub gateway: Option<String>,
    pub mtu: Option<i32>,
    pub ip_version: Option<i32>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
    pub deleted: String,
}

/// The columns a client may write. `None` leaves a column as it is,
/// `Some(None)` clears it.
#[derive(Clone, Debug, Default, PartialEq, Eq, AsChangeset)]
#[diesel(table_name = share_networks)]
pub struct NetworkFields {
    pub name: Option<Option<String>>,
    pub description: Option<Option<String>>,
    pub neutron_net_id: Option<Option<String>>,
    pub neutron_subnet_id: Option<Option<String>>,
    pub network_type: Option<Option<String>>,
    pub segmentation_id: Option<Option<i32>>,
    pub cidr: Option<Option<String>>,
    pub gateway: Option<Option<String>>,
    pub mtu: Option<Option<i32>>,
    pub ip_version: Option<Option<i32>>,
}

/// Whose networks a lookup may see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner<'a> {
    Project(&'a str),
    AnyProject,
}

/// Text columns a list may be filtered on by exact match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextColumn {
    Id,
    ProjectId,
    UserId,
    Name,
    Description,
    NeutronNetId,
    NeutronSubnetId,
    NetworkType,
    Cidr,
    Gateway,
}

/// Integer columns a list may be filtered on by exact match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntegerColumn {
    SegmentationId,
    IpVersion,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Equals {
    Text(TextColumn, String),
    Integer(IntegerColumn, i64),
}

/// Which live networks a list returns, before paging.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// `None`: every project's.
    pub project_id: Option<String>,
    pub created_since: Option<NaiveDateTime>,
    pub created_before: Option<NaiveDateTime>,
    pub equals: Vec<Equals>,
}

pub fn insert(conn: &mut DbConnection, network: &ShareNetwork) -> QueryResult<()> {
    diesel::insert_into(share_networks::table)
        .values(network)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConnection, id: &str, owner: Owner<'_>) -> QueryResult<Option<ShareNetwork>> {
    if !storable(id) {
        return Ok(None);
    }
    let mut query = share_networks::table
        .filter(share_networks::id.eq(id))
        .filter(share_networks::deleted.eq(LIVE))
        .select(ShareNetwork::as_select())
        .into_boxed();
    if let Owner::Project(project_id) = owner {
        query = query.filter(share_networks::project_id.eq(project_id));
    }
    query.first(conn).optional()
}

/// Takes the live network's row for the rest of the transaction (a row
/// lock on PostgreSQL, the write lock on SQLite) by writing it unchanged;
/// `false` when there is no such row. A transaction that starts with this
/// cannot interleave with another that deletes the network or hangs a
/// consistency group on it, and on SQLite never has to upgrade a read
/// lock (which fails at once rather than waiting).
pub fn lock(conn: &mut DbConnection, id: &str, owner: Owner<'_>) -> QueryResult<bool> {
    if !storable(id) {
        return Ok(false);
    }
    let live = share_networks::table
        .filter(share_networks::id.eq(id))
        .filter(share_networks::deleted.eq(LIVE));
    let touched = match owner {
        Owner::Project(project_id) => diesel::update(live.filter(share_networks::project_id.eq(project_id)))
            .set(share_networks::deleted.eq(share_networks::deleted))
            .execute(conn)?,
        Owner::AnyProject => diesel::update(live)
            .set(share_networks::deleted.eq(share_networks::deleted))
            .execute(conn)?,
    };
    Ok(touched == 1)
}

/// Writes the fields that are set and stamps `updated_at`.
pub fn update(conn: &mut DbConnection, id: &str, fields: &NetworkFields) -> QueryResult<()> {
    diesel::update(
        share_networks::table
            .filter(share_networks::id.eq(id))
            .filter(share_networks::deleted.eq(LIVE)),
    )
    .set((fields, share_networks::updated_at.eq(now())))
    .execute(conn)
    .map(drop)
}

/// Soft-deletes the network; the caller checked nothing uses it.
pub fn soft_delete(conn: &mut DbConnection, id: &str) -> QueryResult<()> {
    soft_delete!(conn, share_networks, id, []).map(drop)
}

/// Live consistency groups on the network, in any project.
pub fn count_consistency_groups(conn: &mut DbConnection, id: &str) -> QueryResult<i64> {
    consistency_groups::table
        .filter(consistency_groups::share_network_id.eq(id))
        .filter(consistency_groups::deleted.eq(LIVE))
        .count()
        .get_result(conn)
}

/// The networks `filter` selects, oldest first (ties by id, so pages
/// never overlap), `limit` of them after skipping `offset`.
pub fn list(conn: &mut DbConnection, filter: &ListFilter, offset: i64, limit: i64) -> QueryResult<Vec<ShareNetwork>> {
    let mut query = share_networks::table
        .filter(share_networks::deleted.eq(LIVE))
        .select(ShareNetwork::as_select())
        .into_boxed();
    if let Some(project_id) = &filter.project_id {
        if !storable(project_id) {
            return Ok(Vec::new());
        }
        query = query.filter(share_networks::project_id.eq(project_id.clone()));
    }
    if let Some(since) = filter.created_since {
        query = query.filter(share_networks::created_at.ge(since));
    }
    if let Some(before) = filter.created_before {
        query = query.filter(share_networks::created_at.le(before));
    }
    for equals in &filter.equals {
        query = match equals {
            Equals::Text(_, value) if !storable(value) => return Ok(Vec::new()),
            Equals::Text(column, value) => {
                let value = value.clone();
                match column {
                    TextColumn::Id => query.filter(share_networks::id.eq(value)),
                    TextColumn::ProjectId => query.filter(share_networks::project_id.eq(value)),
                    TextColumn::UserId => query.filter(share_networks::user_id.eq(value)),
                    TextColumn::Name => query.filter(share_networks::name.eq(value)),
                    TextColumn::Description => query.filter(share_networks::description.eq(value)),
                    TextColumn::NeutronNetId => query.filter(share_networks::neutron_net_id.eq(value)),
                    TextColumn::NeutronSubnetId => query.filter(share_networks::neutron_subnet_id.eq(value)),
                    TextColumn::NetworkType => query.filter(share_networks::network_type.eq(value)),
                    TextColumn::Cidr => query.filter(share_networks::cidr.eq(value)),
                    TextColumn::Gateway => query.filter(share_networks::gateway.eq(value)),
                }
            }
            Equals::Integer(column, value) => {
                // A value no column can hold matches no row.
                let Ok(value) = i32::try_from(*value) else {
                    return Ok(Vec::new());
                };
                match column {
                    IntegerColumn::SegmentationId => query.filter(share_networks::segmentation_id.eq(value)),
                    IntegerColumn::IpVersion => query.filter(share_networks::ip_version.eq(value)),
                }
            }
        };
    }
    query
        .order((share_networks::created_at.asc(), share_networks::id.asc()))
        .offset(offset)
        .limit(limit)
        .load(conn)
}
