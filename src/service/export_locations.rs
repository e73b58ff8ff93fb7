//! A share's export locations (`/shares/{id}/export_locations`, from 2.9,
//! when they left the share view); admins also see the admin-only ones.
//! Upstream's controller checked only that the share existed, so anyone
//! could read another project's export paths; here a share that is neither
//! the caller's nor public is not found (api-ref/differences.md).

use crate::db::shares::{self as repo, ExportLocation};
use crate::db::DbConnection;
use crate::error::{texts, Error, Result};
use crate::policy;
use crate::policy::RequestContext;

fn verify_share(conn: &mut DbConnection, context: &RequestContext, share_id: &str) -> Result<()> {
    match repo::find(conn, share_id)? {
        Some(share) if context.is_admin || share.is_public || share.project_id == context.project_id => Ok(()),
        _ => Err(Error::NotFound(format!("Share '{share_id}' not found."))),
    }
}

pub fn list(conn: &mut DbConnection, context: &RequestContext, share_id: &str) -> Result<Vec<ExportLocation>> {
    policy::enforce(context, "share_export_location:index")?;
    verify_share(conn, context, share_id)?;
    Ok(repo::export_locations_of(conn, share_id, context.is_admin)?)
}

pub fn show(conn: &mut DbConnection, context: &RequestContext, share_id: &str, id: &str) -> Result<ExportLocation> {
    policy::enforce(context, "share_export_location:show")?;
    verify_share(conn, context, share_id)?;
    let location = repo::export_location(conn, id)?
        .ok_or_else(|| Error::NotFound(format!("Export location '{id}' not found.")))?;
    if location.is_admin_only && !context.is_admin {
        return Err(Error::Forbidden(texts::FORBIDDEN.to_string()));
    }
    Ok(location)
}
