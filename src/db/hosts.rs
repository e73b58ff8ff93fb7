//! Renaming the `host` part of placements (`host@backend#pool`), as
//! `manila-manage share update_host` does, for a deployment whose
//! `[DEFAULT] host` changed: what was placed under the old name then
//! carries the new one everywhere (Cinder's add_volumes, for one, still
//! compares `host@backend` of a group and its volumes).

use diesel::prelude::*;

use super::schema::{consistency_groups, shares, volume_consistency_groups, volumes};
use super::DbConnection;

/// Gives every placement under `current` (a host name, `host@backend`
/// or `host@backend#pool`) the name `new` in its place, in consistency
/// groups, shares, Cinder's groups and volumes; how many rows changed.
pub fn rename(conn: &mut DbConnection, current: &str, new: &str) -> QueryResult<usize> {
    // LIKE finds candidates (SQLite's ignores case); the prefix decides.
    let escaped = current.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    let (below, in_pool) = (format!("{escaped}@%"), format!("{escaped}#%"));
    let under = |host: &str| {
        host.strip_prefix(current)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['@', '#']))
    };
    let mut renamed = 0;
    macro_rules! rename_in {
        ($table:ident) => {{
            let found: Vec<(String, Option<String>)> = $table::table
                .filter(
                    $table::host
                        .eq(current)
                        .or($table::host.like(&below).escape('\\'))
                        .or($table::host.like(&in_pool).escape('\\')),
                )
                .select(($table::id, $table::host))
                .load(conn)?;
            for (id, host) in found {
                let Some(host) = host.filter(|host| under(host)) else {
                    continue;
                };
                let new_host = format!("{new}{}", &host[current.len()..]);
                renamed += diesel::update($table::table.filter($table::id.eq(&id)).filter($table::host.eq(&host)))
                    .set($table::host.eq(new_host))
                    .execute(conn)?;
            }
        }};
    }
    rename_in!(consistency_groups);
    rename_in!(shares);
    rename_in!(volume_consistency_groups);
    rename_in!(volumes);
    Ok(renamed)
}
