//! Keyset pagination, for every list: a page after a marker is "the rows
//! whose sort keys come after the marker row's, in list order", read from
//! an index on `(scope, sort keys, id)` from where the marker is, rather
//! than every row before it loaded and skipped. The cost of a page is then
//! that of the page, wherever it is in the list (issue 18).
//!
//! A list's order is a few [`Key`]s ending with a unique one (`id`); the
//! marker row's values of those keys ([`Value`]) give the condition
//! ([`Order::after`]). Where every key runs the same way and no null can
//! tie, it is one row-value comparison, `(created_at, id) > ($1, $2)`,
//! which both databases turn into an index range. Otherwise (mixed
//! directions, nullable keys) it is the same condition spelled out key by
//! key, with a bound on the first key that the index can still seek to.
//!
//! Nulls sort where the database puts them (PostgreSQL: above every value;
//! SQLite: below), unless a key is `guarded`: its nulls are ordered by an
//! earlier key of the list (`name IS NULL`), so rows that tie on the
//! earlier keys are all null or all not.
//!
//! An order that starts with such a flag (`(name IS NULL), name, id`) is
//! read in two parts, the rows of each flag value: SQLite turns a row
//! value over the flag expression into no index range at all, and sorts
//! when the flag is fixed but still in ORDER BY. So a page after a marker
//! ([`Order::page`]) is the rest of the marker's part (`flag = $1 AND
//! (name, id) > ($2, $3)`, ordered by `name, id`), then, if the page is not
//! full, the start of the part after it; each an index range on both
//! databases.

use chrono::NaiveDateTime;
use diesel::backend::Backend;
use diesel::expression::{is_aggregate, AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::query_dsl::methods::{FilterDsl, LimitDsl, OffsetDsl, OrderDsl};
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, Bool, HasSqlType, Integer, Text, Timestamp};
use diesel::QueryResult;

use super::rows::storable;
use super::DbConnection;

/// One key of a list's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    /// The column or expression, as SQL on the list's one table
    /// (`created_at`, `(name IS NULL)`).
    pub expr: &'static str,
    pub descending: bool,
    pub nullable: bool,
    /// The nulls of this key are ordered by an earlier key (see the module).
    pub guarded: bool,
}

impl Key {
    pub const fn column(expr: &'static str, descending: bool) -> Key {
        Key {
            expr,
            descending,
            nullable: false,
            guarded: false,
        }
    }

    pub const fn nullable(expr: &'static str, descending: bool) -> Key {
        Key {
            expr,
            descending,
            nullable: true,
            guarded: false,
        }
    }

    /// The key of a column spelled per database (`(sqlite, postgres)`: text
    /// sorts by code point with `COLLATE "C"` on PostgreSQL), on the
    /// database `postgres` says.
    pub const fn spelled(exprs: (&'static str, &'static str), postgres: bool, nullable: bool, descending: bool) -> Key {
        let expr = if postgres { exprs.1 } else { exprs.0 };
        if nullable {
            Key::nullable(expr, descending)
        } else {
            Key::column(expr, descending)
        }
    }

    /// A nullable column whose nulls an earlier key puts last, in either
    /// direction: `nulls_last(("(name IS NULL)", "(name IS NOT NULL)"), "name", d)`
    /// is two keys, the flag (ascending for `asc`, its negation descending
    /// for `desc`, so all keys run one way and one index serves each) and
    /// the column.
    pub const fn nulls_last(flags: (&'static str, &'static str), expr: &'static str, descending: bool) -> [Key; 2] {
        let flag = if descending { flags.1 } else { flags.0 };
        [
            Key::column(flag, descending),
            Key {
                expr,
                descending,
                nullable: true,
                guarded: true,
            },
        ]
    }
}

/// A value of one key on the marker row.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    Text(String),
    Time(NaiveDateTime),
    Int(i32),
    BigInt(i64),
    Bool(bool),
    Null,
}

impl Value {
    pub fn text(value: &Option<String>) -> Value {
        value.clone().map_or(Value::Null, Value::Text)
    }

    pub fn time(value: &Option<NaiveDateTime>) -> Value {
        value.map_or(Value::Null, Value::Time)
    }

    pub fn int(value: &Option<i32>) -> Value {
        value.map_or(Value::Null, Value::Int)
    }

    fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

/// A list's order: its keys, and where nulls sort.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Order {
    keys: Vec<Key>,
    nulls_high: bool,
    /// Whether ORDER BY says where nulls go (`NULLS FIRST`), rather than
    /// leaving it to the database.
    explicit_nulls: bool,
}

impl Order {
    /// Nulls where this database puts them. `keys` must include a key no
    /// two rows share (`id`).
    pub fn new(conn: &DbConnection, keys: Vec<Key>) -> Order {
        Order {
            keys,
            nulls_high: nulls_sort_high(conn),
            explicit_nulls: false,
        }
    }

    /// Nulls below every value on both databases, as a list sorted in
    /// memory with Rust's `Option` order had them.
    pub fn nulls_low(keys: Vec<Key>) -> Order {
        Order {
            keys,
            nulls_high: false,
            explicit_nulls: true,
        }
    }

    pub fn keys(&self) -> &[Key] {
        &self.keys
    }

    /// The ORDER BY list: `created_at ASC, id ASC`.
    pub fn order_by(&self) -> Sql {
        let text = self
            .keys
            .iter()
            .map(|key| {
                let direction = if key.descending { "DESC" } else { "ASC" };
                if self.explicit_nulls && key.nullable && !key.guarded {
                    let nulls = if self.nulls_high != key.descending {
                        "LAST"
                    } else {
                        "FIRST"
                    };
                    format!("{} {direction} NULLS {nulls}", key.expr)
                } else {
                    format!("{} {direction}", key.expr)
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        Sql::text(text)
    }

    /// The rows after the marker row, whose keys' values are `marker`
    /// (one per key, in order).
    pub fn after(&self, marker: &[Value]) -> Sql {
        assert_eq!(marker.len(), self.keys.len(), "one marker value per key");
        let first = self.keys[0].descending;
        let one_way = self.keys.iter().all(|key| key.descending == first);
        let no_null_ties = self
            .keys
            .iter()
            .zip(marker)
            .all(|(key, value)| !value.is_null() && (!key.nullable || key.guarded));
        let mut sql = Sql::default();
        if one_way && no_null_ties {
            // (a, b, id) > ($1, $2, $3): one index range on both databases.
            let columns: Vec<&str> = self.keys.iter().map(|key| key.expr).collect();
            sql.push(format!("({}) {} (", columns.join(", "), if first { "<" } else { ">" }));
            for (n, value) in marker.iter().enumerate() {
                if n > 0 {
                    sql.push(", ");
                }
                sql.bind(value.clone());
            }
            sql.push(")");
            return sql;
        }
        // A bound on the first key the index can seek to, when it holds.
        let lead = &self.keys[0];
        if !marker[0].is_null() && !self.nulls_after(lead) {
            sql.push(format!("{} {} ", lead.expr, if lead.descending { "<=" } else { ">=" }));
            sql.bind(marker[0].clone());
            sql.push(" AND ");
        }
        // OR over each key i: every earlier key ties, key i comes after.
        sql.push("(");
        let mut disjuncts = 0;
        for (i, key) in self.keys.iter().enumerate() {
            let mut term = Sql::default();
            for (earlier, value) in self.keys[..i].iter().zip(marker) {
                match value {
                    Value::Null => term.push(format!("{} IS NULL AND ", earlier.expr)),
                    value => {
                        term.push(format!("{} = ", earlier.expr));
                        term.bind(value.clone());
                        term.push(" AND ");
                    }
                }
            }
            let op = if key.descending { "<" } else { ">" };
            match (&marker[i], self.nulls_after(key)) {
                // Rows tying on the earlier keys are null here too.
                (Value::Null, _) if key.guarded => continue,
                (Value::Null, true) => continue,
                (Value::Null, false) => term.push(format!("{} IS NOT NULL", key.expr)),
                (value, nulls_after) => {
                    term.push(format!("({} {op} ", key.expr));
                    term.bind(value.clone());
                    if nulls_after {
                        term.push(format!(" OR {} IS NULL", key.expr));
                    }
                    term.push(")");
                }
            }
            if disjuncts > 0 {
                sql.push(" OR ");
            }
            sql.push("(");
            sql.append(term);
            sql.push(")");
            disjuncts += 1;
        }
        if disjuncts == 0 {
            sql.push("1 = 0");
        }
        sql.push(")");
        sql
    }

    /// One page of a list in this order: the rows after the one whose `id`
    /// is `marker` (from the first when `None`), `offset` rows in, `limit`
    /// rows. `load` runs the list's filtered query narrowed to a [`Part`]
    /// (with [`Part::apply`]); it finds the marker row too, whose keys'
    /// values `values` reads. `None` when the marker is not among the
    /// list's rows.
    pub fn page<T>(
        &self,
        conn: &mut DbConnection,
        marker: Option<&str>,
        offset: i64,
        limit: i64,
        values: impl Fn(&T) -> Vec<Value>,
        mut load: impl FnMut(&mut DbConnection, &Part) -> QueryResult<Vec<T>>,
    ) -> QueryResult<Option<Vec<T>>> {
        let whole = |condition| Part {
            condition,
            order_by: self.order_by(),
            offset,
            limit,
        };
        let Some(marker) = marker else {
            return load(conn, &whole(None)).map(Some);
        };
        if !storable(marker) {
            return Ok(None);
        }
        let mut is_marker = Sql::text("id = ");
        is_marker.bind(Value::Text(marker.to_string()));
        let found = Part {
            limit: 1,
            offset: 0,
            ..whole(Some(is_marker))
        };
        let Some(row) = load(conn, &found)?.into_iter().next() else {
            return Ok(None);
        };
        let marker = values(&row);
        let Some((rest, next)) = self.parts_after(&marker) else {
            return load(conn, &whole(Some(self.after(&marker)))).map(Some);
        };
        // The rest of the marker's part, then the start of the next one.
        let rest = Part { offset, limit, ..rest };
        let mut rows = load(conn, &rest)?;
        let wanted = limit - rows.len() as i64;
        let Some(next) = next.filter(|_| wanted > 0) else {
            return Ok(Some(rows));
        };
        // Rows read means the offset was used up in the marker's part;
        // none read, that it may have gone past it.
        let skipped = if rows.is_empty() && offset > 0 {
            load(
                conn,
                &Part {
                    offset: 0,
                    limit: offset,
                    ..rest
                },
            )?
            .len() as i64
        } else {
            offset
        };
        rows.extend(load(
            conn,
            &Part {
                offset: offset - skipped,
                limit: wanted,
                ..next
            },
        )?);
        Ok(Some(rows))
    }

    /// For an order that starts with the flag of a guarded key (see the
    /// module): the rest of the marker's part, and the part after it if
    /// there is one, each ordered by the keys after the flag (offset and
    /// limit to be set). `None` for any other order.
    fn parts_after(&self, marker: &[Value]) -> Option<(Part, Option<Part>)> {
        let (flag, keys) = self.keys.split_first()?;
        if !keys.first().is_some_and(|key| key.guarded) {
            return None;
        }
        let Value::Bool(at) = marker[0] else {
            panic!("a flag's marker value is a Bool, not {:?}", marker[0]);
        };
        let within = Order {
            keys: keys.to_vec(),
            ..self.clone()
        };
        let part = |value: bool, after: Option<Sql>| {
            let mut condition = Sql::text(format!("{} = ", flag.expr));
            condition.bind(Value::Bool(value));
            if let Some(after) = after {
                condition.push(" AND ");
                condition.append(after);
            }
            Part {
                condition: Some(condition),
                order_by: within.order_by(),
                offset: 0,
                limit: 0,
            }
        };
        let rest = part(at, Some(within.after(&marker[1..])));
        // Flags run false before true ascending, true before false descending.
        let next = (at == flag.descending).then(|| part(!at, None));
        Some((rest, next))
    }

    /// Whether, in this key's direction, its nulls come after every value.
    fn nulls_after(&self, key: &Key) -> bool {
        key.nullable && !key.guarded && (self.nulls_high != key.descending)
    }
}

/// One query of a page: which rows of the list, in which order, how many
/// to skip and to take (see [`Order::page`]).
#[derive(Clone, Debug)]
pub struct Part {
    condition: Option<Sql>,
    order_by: Sql,
    offset: i64,
    limit: i64,
}

impl Part {
    /// `query` (a list's filtered rows, boxed) narrowed to this part.
    pub fn apply<Q>(&self, query: Q) -> Q
    where
        Q: FilterDsl<Sql, Output = Q> + OrderDsl<Sql, Output = Q> + OffsetDsl<Output = Q> + LimitDsl<Output = Q>,
    {
        let query = match &self.condition {
            Some(condition) => query.filter(condition.clone()),
            None => query,
        };
        query.order(self.order_by.clone()).offset(self.offset).limit(self.limit)
    }
}

/// `deleted = 'False'` as a literal: the predicate of every partial list
/// index, which a bound parameter in its place would not let the planner
/// prove (see `rows::live_rows_matching`).
pub fn live() -> Sql {
    Sql::text("deleted = 'False'")
}

/// Where this database sorts NULL: above every value on PostgreSQL, below
/// on SQLite.
pub fn nulls_sort_high(conn: &DbConnection) -> bool {
    matches!(conn, DbConnection::Postgresql(_))
}

/// A piece of SQL with its bind values, usable as a boolean expression
/// (a WHERE condition) or an ORDER BY list in any diesel query on either
/// database.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Sql {
    parts: Vec<Piece>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Piece {
    Text(String),
    Bind(Value),
}

impl Sql {
    pub fn text(text: impl Into<String>) -> Sql {
        Sql {
            parts: vec![Piece::Text(text.into())],
        }
    }

    fn push(&mut self, text: impl Into<String>) {
        self.parts.push(Piece::Text(text.into()));
    }

    fn bind(&mut self, value: Value) {
        self.parts.push(Piece::Bind(value));
    }

    fn append(&mut self, other: Sql) {
        self.parts.extend(other.parts);
    }

    /// The text with `?` for each bind value (for tests and EXPLAIN).
    pub fn render(&self) -> String {
        self.parts
            .iter()
            .map(|part| match part {
                Piece::Text(text) => text.clone(),
                Piece::Bind(_) => "?".to_string(),
            })
            .collect()
    }
}

impl Expression for Sql {
    type SqlType = Bool;
}

impl<QS> AppearsOnTable<QS> for Sql {}

impl<QS> SelectableExpression<QS> for Sql {}

impl<GB> ValidGrouping<GB> for Sql {
    type IsAggregate = is_aggregate::Never;
}

impl QueryId for Sql {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<DB> QueryFragment<DB> for Sql
where
    DB: Backend
        + HasSqlType<Text>
        + HasSqlType<Timestamp>
        + HasSqlType<Integer>
        + HasSqlType<BigInt>
        + HasSqlType<Bool>,
    String: ToSql<Text, DB>,
    NaiveDateTime: ToSql<Timestamp, DB>,
    i32: ToSql<Integer, DB>,
    i64: ToSql<BigInt, DB>,
    bool: ToSql<Bool, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        for part in &self.parts {
            match part {
                Piece::Text(text) => out.push_sql(text),
                Piece::Bind(Value::Text(value)) => out.push_bind_param::<Text, _>(value)?,
                Piece::Bind(Value::Time(value)) => out.push_bind_param::<Timestamp, _>(value)?,
                Piece::Bind(Value::Int(value)) => out.push_bind_param::<Integer, _>(value)?,
                Piece::Bind(Value::BigInt(value)) => out.push_bind_param::<BigInt, _>(value)?,
                Piece::Bind(Value::Bool(value)) => out.push_bind_param::<Bool, _>(value)?,
                Piece::Bind(Value::Null) => out.push_sql("NULL"),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(keys: Vec<Key>, nulls_high: bool) -> Order {
        Order {
            keys,
            nulls_high,
            explicit_nulls: false,
        }
    }

    #[test]
    fn nulls_low_is_spelled_out() {
        let keys = vec![
            Key::nullable("host", false),
            Key::nullable("name", true),
            Key::column("id", true),
        ];
        assert_eq!(
            Order::nulls_low(keys).order_by().render(),
            "host ASC NULLS FIRST, name DESC NULLS LAST, id DESC"
        );
    }

    #[test]
    fn one_way_keys_are_one_row_comparison() {
        let asc = order(vec![Key::column("created_at", false), Key::column("id", false)], true);
        assert_eq!(asc.order_by().render(), "created_at ASC, id ASC");
        let marker = [Value::Int(1), Value::Text("a".into())];
        assert_eq!(asc.after(&marker).render(), "(created_at, id) > (?, ?)");
        let desc = order(vec![Key::column("status", true), Key::column("id", true)], false);
        assert_eq!(desc.after(&marker).render(), "(status, id) < (?, ?)");
    }

    fn rendered(part: &Part) -> (String, String) {
        let condition = part.condition.as_ref().map_or(String::new(), Sql::render);
        (condition, part.order_by.render())
    }

    #[test]
    fn a_name_is_read_in_its_named_and_unnamed_parts() {
        let [flag, name] = Key::nulls_last(("(name IS NULL)", "(name IS NOT NULL)"), "name", false);
        let asc = order(vec![flag, name, Key::column("id", false)], true);
        assert_eq!(asc.order_by().render(), "(name IS NULL) ASC, name ASC, id ASC");
        // Named: the rest of the named rows, then the unnamed from the first.
        let named = [Value::Bool(false), Value::Text("n".into()), Value::Text("a".into())];
        let (rest, next) = asc.parts_after(&named).unwrap();
        assert_eq!(
            rendered(&rest),
            (
                "(name IS NULL) = ? AND (name, id) > (?, ?)".into(),
                "name ASC, id ASC".into()
            )
        );
        assert_eq!(
            rendered(&next.unwrap()),
            ("(name IS NULL) = ?".into(), "name ASC, id ASC".into())
        );
        // Unnamed: the rest of the unnamed rows, the last part.
        let unnamed = [Value::Bool(true), Value::Null, Value::Text("a".into())];
        let (rest, next) = asc.parts_after(&unnamed).unwrap();
        assert_eq!(
            rendered(&rest),
            (
                "(name IS NULL) = ? AND ((name IS NULL AND (id > ?)))".into(),
                "name ASC, id ASC".into()
            )
        );
        assert!(next.is_none());

        let [flag, name] = Key::nulls_last(("(name IS NULL)", "(name IS NOT NULL)"), "name", true);
        let desc = order(vec![flag, name, Key::column("id", true)], true);
        assert_eq!(desc.order_by().render(), "(name IS NOT NULL) DESC, name DESC, id DESC");
        let named = [Value::Bool(true), Value::Text("n".into()), Value::Text("a".into())];
        let (rest, next) = desc.parts_after(&named).unwrap();
        assert_eq!(
            rendered(&rest),
            (
                "(name IS NOT NULL) = ? AND (name, id) < (?, ?)".into(),
                "name DESC, id DESC".into()
            )
        );
        assert_eq!(
            next.unwrap().condition.unwrap().parts[1],
            Piece::Bind(Value::Bool(false))
        );
        let unnamed = [Value::Bool(false), Value::Null, Value::Text("a".into())];
        assert!(desc.parts_after(&unnamed).unwrap().1.is_none());
    }

    #[test]
    fn other_orders_are_one_part() {
        let keys = vec![Key::column("created_at", false), Key::column("id", false)];
        let marker = [Value::Int(1), Value::Text("a".into())];
        assert!(order(keys, true).parts_after(&marker).is_none());
    }

    #[test]
    fn nullable_keys_follow_the_databases_null_order() {
        let keys = vec![
            Key::nullable("host", false),
            Key::column("created_at", true),
            Key::column("id", true),
        ];
        let marker = [Value::Text("h".into()), Value::Int(1), Value::Text("a".into())];
        // PostgreSQL: nulls after every host ascending.
        assert_eq!(
            order(keys.clone(), true).after(&marker).render(),
            "(((host > ? OR host IS NULL)) OR (host = ? AND (created_at < ?)) OR (host = ? AND created_at = ? AND (id < ?)))"
        );
        // SQLite: nulls before, so a bound on host holds.
        assert_eq!(
            order(keys.clone(), false).after(&marker).render(),
            "host >= ? AND (((host > ?)) OR (host = ? AND (created_at < ?)) OR (host = ? AND created_at = ? AND (id < ?)))"
        );
        let null_marker = [Value::Null, Value::Int(1), Value::Text("a".into())];
        assert_eq!(
            order(keys, true).after(&null_marker).render(),
            "((host IS NULL AND (created_at < ?)) OR (host IS NULL AND created_at = ? AND (id < ?)))"
        );
    }
}
