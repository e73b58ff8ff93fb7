//! What the admin actions of CGs, cgsnapshots and shares (`reset_status`,
//! `force_delete`) answer alike. Each resource's service runs the steps
//! itself, in the same order: its policy check (the name written there),
//! the body, the row as the caller sees it, then one conditional write.

use crate::error::{texts, Error, Result};

/// Upstream's admin actions answer a missing resource with WebOb's
/// generic text rather than the resource's own.
pub fn not_found() -> Error {
    Error::NotFound(texts::NOT_FOUND.into())
}

/// The answer to the action's one conditional write: done, or the
/// generic 404 when the row changed under the action (another request
/// deleted it first).
pub fn written(matched: bool) -> Result<()> {
    if matched {
        Ok(())
    } else {
        Err(not_found())
    }
}
