//! The row changes every stateful table makes the same way: the
//! conditional status change, the soft delete (with the rows that hang off
//! the deleted one) and the "set this column where given" update. They are
//! macros, not generic functions, because diesel gives each table its own
//! types and the bounds a generic version needs would hide the query; a
//! macro keeps the statement readable and identical for every table.
//!
//! `$table` is the schema module of a table with `id`, `status`,
//! `deleted`, `deleted_at` and `updated_at` columns (an alias from a `use`
//! is fine), except in `set_status!`, which writes its statement out and
//! takes the table's SQL name. The callers need `diesel::prelude::*` in
//! scope.

/// The live row `id` of `$table`: soft-deleted rows are never changed.
macro_rules! live_row {
    ($table:ident, $id:expr) => {
        $table::table
            .filter($table::id.eq($id))
            .filter($table::deleted.eq($crate::db::LIVE))
    };
}
pub(crate) use live_row;

/// Whether `text` can reach SQL: PostgreSQL refuses a NUL character in
/// any text parameter, where SQLite (and upstream's MySQL) just match no
/// row. Every lookup, filter and conditional write by a client's key asks
/// this first and answers "no row" without a query, so both backends
/// answer alike; values written are refused before (in the services).
pub fn storable(text: &str) -> bool {
    !text.contains('\0')
}

/// The body of each repository's `set_status` on the table named
/// `$table` (its SQL name): `UPDATE $table SET status = $to, updated_at =
/// now WHERE id = $id AND deleted = 'False' AND status IN $from`, one
/// conditional statement, so a lost race changes nothing. A
/// [`Statement`](crate::db::statement::Statement), kept prepared: an
/// admin's action and every failed job step run one. Evaluates to
/// `QueryResult<bool>`: true when the row matched.
macro_rules! set_status {
    ($conn:expr, $table:literal, $id:expr, $from:expr, $to:expr) => {{
        let (conn, id, from, to): (&mut $crate::db::DbConnection, &str, &[&str], &str) = ($conn, $id, $from, $to);
        if $crate::db::rows::storable(id) && !from.is_empty() {
            $crate::db::statement::Statement::new(concat!(
                "UPDATE ",
                $table,
                " SET status = {to}, updated_at = {now} WHERE id = {id} AND deleted = 'False' AND status IN ({from})"
            ))
            .bind("to", to)
            .bind("now", $crate::db::now())
            .bind("id", id)
            .bind("from", from)
            .execute(conn)
            .map(|updated| updated == 1)
        } else {
            Ok(false)
        }
    }};
}
pub(crate) use set_status;

/// The body of each repository's `soft_delete`: `UPDATE $table SET
/// deleted = id, deleted_at = now, updated_at = now WHERE id = $id AND
/// deleted = 'False'` (`AND status IN $from` when `$from` is `Some`), then,
/// if the row matched, the live rows of each `child.parent_column` that
/// point at it (`deleted = child's id, deleted_at = now`), in the order
/// given. Without `$from`, for tables without a status. Evaluates to
/// `QueryResult<bool>`, false when the row did not match (and nothing
/// else was touched); uses `?`, so the caller returns a `QueryResult`.
macro_rules! soft_delete {
    ($conn:expr, $table:ident, $id:expr, $from:expr, [$($child:ident . $parent:ident),* $(,)?]) => {{
        let (conn, id, from): (&mut $crate::db::DbConnection, &str, Option<&[&str]>) = ($conn, $id, $from);
        if !$crate::db::rows::storable(id) {
            return Ok(false);
        }
        let at = $crate::db::now();
        let live = $crate::db::rows::live_row!($table, id);
        let changes = ($table::deleted.eq(id), $table::deleted_at.eq(at), $table::updated_at.eq(at));
        let updated = match from {
            Some(statuses) => diesel::update(live.filter($table::status.eq_any(statuses)))
                .set(changes)
                .execute(conn)?,
            None => diesel::update(live).set(changes).execute(conn)?,
        };
        $crate::db::rows::soft_delete!(@children conn, id, at, updated, [$($child.$parent),*])
    }};
    ($conn:expr, $table:ident, $id:expr, [$($child:ident . $parent:ident),* $(,)?]) => {{
        let (conn, id): (&mut $crate::db::DbConnection, &str) = ($conn, $id);
        let at = $crate::db::now();
        let updated = diesel::update($crate::db::rows::live_row!($table, id))
            .set(($table::deleted.eq(id), $table::deleted_at.eq(at), $table::updated_at.eq(at)))
            .execute(conn)?;
        $crate::db::rows::soft_delete!(@children conn, id, at, updated, [$($child.$parent),*])
    }};
    (@children $conn:ident, $id:ident, $at:ident, $updated:ident, [$($child:ident . $parent:ident),*]) => {
        if $updated == 0 {
            Ok(false)
        } else {
            $(
                diesel::update(
                    $child::table
                        .filter($child::$parent.eq($id))
                        .filter($child::deleted.eq($crate::db::LIVE)),
                )
                .set(($child::deleted.eq($child::id), $child::deleted_at.eq($at)))
                .execute($conn)?;
            )*
            Ok(true)
        }
    };
}
pub(crate) use soft_delete;

/// For each `column = value` whose value is `Some(new)`, one `UPDATE` of
/// the live row `id` setting the column to `new` and `updated_at`, in the
/// order given; `None` leaves the column alone. Evaluates to
/// `QueryResult<()>`; uses `?`, so the caller returns a `QueryResult`.
macro_rules! set_where_given {
    ($conn:expr, $table:ident, $id:expr, $($column:ident = $value:expr),+ $(,)?) => {{
        let (conn, id): (&mut $crate::db::DbConnection, &str) = ($conn, $id);
        $(
            if let Some(new) = $value {
                diesel::update($crate::db::rows::live_row!($table, id))
                    .set(($table::$column.eq(new), $table::updated_at.eq($crate::db::now())))
                    .execute(conn)?;
            }
        )+
        Ok(())
    }};
}
pub(crate) use set_where_given;

/// The live rows of `$table` that match every given exact filter (each an
/// `Option` of the value, beside its column), as a boxed query to order
/// ([`keyset::Order`](crate::db::keyset::Order)) and select from as the
/// caller needs. "Live" is written as the literal `deleted = 'False'`, the
/// predicate of the tables' partial list indexes, so the planner can use
/// them whatever plan it caches for the statement.
macro_rules! live_rows_matching {
    ($table:ident, [$($value:expr => $column:ident),* $(,)?]) => {{
        let mut query = $table::table.into_boxed().filter($crate::db::keyset::live());
        $(
            if let Some(value) = $value {
                // A value no row can hold matches nothing (`id` is never null).
                query = if $crate::db::rows::storable(AsRef::<str>::as_ref(&value)) {
                    query.filter($table::$column.eq(value))
                } else {
                    query.filter($table::id.is_null())
                };
            }
        )*
        query
    }};
}
pub(crate) use live_rows_matching;
