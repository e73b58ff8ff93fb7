//! What a storage backend is asked to do. The worker calls a driver after
//! the database says the work is wanted, and records the outcome; drivers
//! never touch the database.

use futures_util::future::BoxFuture;

/// A backend's refusal or failure, for the log; the resource goes to `error`.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DriverError(pub String);

/// The consistency group as the driver needs to see it.
#[derive(Clone, Debug)]
pub struct CgRequest {
    pub id: String,
    pub host: String,
    pub share_network_id: Option<String>,
    pub share_server_id: Option<String>,
}

/// A snapshot of a CG: every member share, handed over in one call so the
/// backend can take them at one point in time.
#[derive(Clone, Debug)]
pub struct CgSnapshotRequest {
    pub id: String,
    pub consistency_group: CgRequest,
    pub share_ids: Vec<String>,
}

/// What creating a CG produced on the backend.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CgCreated {
    /// Set by backends that handle share servers when a share network is given.
    pub share_server_id: Option<String>,
}

/// The share as the driver needs to see it.
#[derive(Clone, Debug)]
pub struct ShareRequest {
    pub id: String,
    pub host: String,
    pub size: i32,
    pub share_proto: String,
    pub share_network_id: Option<String>,
    pub share_server_id: Option<String>,
    pub consistency_group_id: Option<String>,
}

/// What creating a share produced on the backend.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShareCreated {
    /// Where clients mount it, the preferred one first.
    pub export_paths: Vec<String>,
    /// Set by backends that handle share servers when a share network is given.
    pub share_server_id: Option<String>,
}

pub trait ShareDriver: Send + Sync {
    fn create_consistency_group<'a>(&'a self, cg: &'a CgRequest) -> BoxFuture<'a, Result<CgCreated, DriverError>>;
    fn delete_consistency_group<'a>(&'a self, cg: &'a CgRequest) -> BoxFuture<'a, Result<(), DriverError>>;
    /// Makes a CG from a snapshot together with its shares (one per
    /// member), in one call.
    fn create_consistency_group_from_cgsnapshot<'a>(
        &'a self,
        cg: &'a CgRequest,
        cgsnapshot_id: &'a str,
        shares: &'a [ShareRequest],
    ) -> BoxFuture<'a, Result<(CgCreated, Vec<ShareCreated>), DriverError>>;
    fn create_cgsnapshot<'a>(&'a self, snapshot: &'a CgSnapshotRequest) -> BoxFuture<'a, Result<(), DriverError>>;
    fn delete_cgsnapshot<'a>(&'a self, snapshot: &'a CgSnapshotRequest) -> BoxFuture<'a, Result<(), DriverError>>;
    fn create_share<'a>(&'a self, share: &'a ShareRequest) -> BoxFuture<'a, Result<ShareCreated, DriverError>>;
    fn delete_share<'a>(&'a self, share: &'a ShareRequest) -> BoxFuture<'a, Result<(), DriverError>>;
}

/// What a volume backend is asked to do: each operation names one
/// resource (a volume, a group or a group snapshot) by id; the worker
/// records the outcome on it and its members.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VolumeOperation {
    CreateVolume,
    DeleteVolume,
    CreateGroup,
    /// A group made from a cgsnapshot or another group, its volumes with it.
    CreateGroupFromSource,
    /// Volumes added to or removed from a group.
    UpdateGroup,
    DeleteGroup,
    CreateGroupSnapshot,
    DeleteGroupSnapshot,
    /// One volume snapshot deleted on its own.
    DeleteSnapshot,
}

impl VolumeOperation {
    pub fn describe(self) -> &'static str {
        match self {
            VolumeOperation::CreateVolume => "create volume",
            VolumeOperation::DeleteVolume => "delete volume",
            VolumeOperation::CreateGroup => "create consistency group",
            VolumeOperation::CreateGroupFromSource => "create consistency group from source",
            VolumeOperation::UpdateGroup => "update consistency group",
            VolumeOperation::DeleteGroup => "delete consistency group",
            VolumeOperation::CreateGroupSnapshot => "create cgsnapshot",
            VolumeOperation::DeleteGroupSnapshot => "delete cgsnapshot",
            VolumeOperation::DeleteSnapshot => "delete snapshot",
        }
    }
}

pub trait VolumeDriver: Send + Sync {
    /// Carries out `operation` on the resource `id` at `host`.
    fn perform<'a>(
        &'a self,
        operation: VolumeOperation,
        id: &'a str,
        host: &'a str,
    ) -> BoxFuture<'a, Result<(), DriverError>>;
}
