//! Statements written out in SQL that each connection prepares once.
//!
//! diesel keeps a statement prepared only when it knows the statement has
//! one fixed text: never an `UPDATE` (a changeset can render many texts),
//! an `INSERT` of a row with optional columns, or a `sql_query`. Each of
//! those is parsed and planned again on every call, and on PostgreSQL
//! planning an update of a table with many partial indexes costs about
//! as long as running it: a create job's two group updates and its finish
//! spent 0.26 ms of their 0.62 ms being planned. The statements that run
//! once per job are written here instead; diesel's cache keeps each text
//! prepared, and PostgreSQL then reuses one generic plan for it.

use chrono::NaiveDateTime;
use diesel::backend::Backend;
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, HasSqlType, Integer, Nullable, Text, Timestamp, Untyped};
use diesel::sqlite::Sqlite;
use diesel::{QueryResult, QueryableByName, RunQueryDsl};

use super::{per_backend, DbConnection};

/// One SQL text (or one per database), each `{name}` in it a bind
/// parameter given with [`Statement::bind`].
pub struct Statement<'a> {
    postgres: &'static str,
    sqlite: &'static str,
    binds: Vec<(&'static str, Bind<'a>)>,
}

/// A value bound to a placeholder.
pub enum Bind<'a> {
    Text(&'a str),
    OptionalText(Option<&'a str>),
    Time(NaiveDateTime),
    BigInt(i64),
    Int(i32),
    /// Text values, written as that many placeholders separated by
    /// commas (for `IN (...)`); each length is its own prepared statement.
    TextList(&'a [&'a str]),
    /// A number written into the text rather than bound, where the
    /// planner must know it: PostgreSQL plans a `LIMIT` bound as a
    /// parameter for a tenth of the rows, and for a statement so planned
    /// it keeps choosing a custom plan over the generic one.
    Inline(i64),
}

impl<'a> From<&'a str> for Bind<'a> {
    fn from(value: &'a str) -> Self {
        Bind::Text(value)
    }
}

impl<'a> From<Option<&'a str>> for Bind<'a> {
    fn from(value: Option<&'a str>) -> Self {
        Bind::OptionalText(value)
    }
}

impl<'a> From<&'a [&'a str]> for Bind<'a> {
    fn from(values: &'a [&'a str]) -> Self {
        Bind::TextList(values)
    }
}

impl From<NaiveDateTime> for Bind<'_> {
    fn from(value: NaiveDateTime) -> Self {
        Bind::Time(value)
    }
}

impl From<i64> for Bind<'_> {
    fn from(value: i64) -> Self {
        Bind::BigInt(value)
    }
}

impl From<i32> for Bind<'_> {
    fn from(value: i32) -> Self {
        Bind::Int(value)
    }
}

impl<'a> Statement<'a> {
    /// The same text on both databases.
    pub fn new(sql: &'static str) -> Self {
        Statement::per_backend(sql, sql)
    }

    /// A text for each database, where their dialects differ.
    pub fn per_backend(postgres: &'static str, sqlite: &'static str) -> Self {
        Statement {
            postgres,
            sqlite,
            binds: Vec::new(),
        }
    }

    /// Binds `value` to every `{name}` in the text.
    pub fn bind(mut self, name: &'static str, value: impl Into<Bind<'a>>) -> Self {
        self.binds.push((name, value.into()));
        self
    }

    /// Writes `number` into the text at every `{name}` ([`Bind::Inline`]);
    /// each number is then its own prepared statement.
    pub fn inline(self, name: &'static str, number: i64) -> Self {
        self.bind(name, Bind::Inline(number))
    }

    /// Runs it; how many rows it changed.
    pub fn execute(self, conn: &mut DbConnection) -> QueryResult<usize> {
        per_backend!(conn, |c| RunQueryDsl::execute(self, c))
    }

    /// Runs it and reads the rows it returns, by column name.
    pub fn load<T>(self, conn: &mut DbConnection) -> QueryResult<Vec<T>>
    where
        T: QueryableByName<Pg> + QueryableByName<Sqlite> + 'static,
    {
        per_backend!(conn, |c| RunQueryDsl::load(self, c))
    }

    fn walk<'b, DB>(&'b self, sql: &'static str, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()>
    where
        DB: Backend + HasSqlType<Text> + HasSqlType<Timestamp> + HasSqlType<BigInt> + HasSqlType<Integer>,
        str: ToSql<Text, DB>,
        Option<&'a str>: ToSql<Nullable<Text>, DB>,
        NaiveDateTime: ToSql<Timestamp, DB>,
        i64: ToSql<BigInt, DB>,
        i32: ToSql<Integer, DB>,
    {
        let mut rest = sql;
        while let Some(start) = rest.find('{') {
            out.push_sql(&rest[..start]);
            let end = start + rest[start..].find('}').ok_or_else(|| unbound(sql))?;
            let name = &rest[start + 1..end];
            let (_, value) = self
                .binds
                .iter()
                .find(|(bound, _)| *bound == name)
                .ok_or_else(|| unbound(sql))?;
            match value {
                Bind::Text(text) => out.push_bind_param::<Text, _>(*text)?,
                Bind::OptionalText(text) => out.push_bind_param::<Nullable<Text>, _>(text)?,
                Bind::Time(time) => out.push_bind_param::<Timestamp, _>(time)?,
                Bind::BigInt(number) => out.push_bind_param::<BigInt, _>(number)?,
                Bind::Int(number) => out.push_bind_param::<Integer, _>(number)?,
                Bind::TextList(values) => {
                    for (n, value) in values.iter().enumerate() {
                        if n > 0 {
                            out.push_sql(", ");
                        }
                        out.push_bind_param::<Text, _>(*value)?;
                    }
                }
                Bind::Inline(number) => out.push_sql(&number.to_string()),
            }
            rest = &rest[end + 1..];
        }
        out.push_sql(rest);
        Ok(())
    }
}

/// A placeholder without a value (or left open): a mistake in the code,
/// reported as a query that cannot be built rather than a panic.
fn unbound(sql: &str) -> diesel::result::Error {
    diesel::result::Error::QueryBuilderError(format!("a placeholder has no value in: {sql}").into())
}

/// No static id: diesel's cache keys the statement by its text.
impl QueryId for Statement<'_> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for Statement<'_> {
    type SqlType = Untyped;
}

impl<Conn> RunQueryDsl<Conn> for Statement<'_> {}

impl QueryFragment<Pg> for Statement<'_> {
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.walk(self.postgres, out)
    }
}

impl QueryFragment<Sqlite> for Statement<'_> {
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        self.walk(self.sqlite, out)
    }
}

#[cfg(test)]
mod tests {
    use diesel::{debug_query, Connection, SqliteConnection};

    use super::*;

    #[test]
    fn placeholders_become_binds_in_order_and_inline_numbers_text() {
        let statement = Statement::per_backend("SELECT {a}, {b}, {a} LIMIT {n}", "unused")
            .bind("a", "x")
            .bind("b", None::<&str>)
            .inline("n", 8);
        assert_eq!(
            debug_query::<Pg, _>(&statement).to_string(),
            r#"SELECT $1, $2, $3 LIMIT 8 -- binds: ["x", None, "x"]"#
        );
    }

    #[test]
    fn a_list_is_one_placeholder_per_value() {
        let from: &[&str] = &["available", "error"];
        let statement = Statement::new("SELECT 1 WHERE 'a' IN ({from})").bind("from", from);
        assert_eq!(
            debug_query::<Sqlite, _>(&statement).to_string(),
            r#"SELECT 1 WHERE 'a' IN (?, ?) -- binds: ["available", "error"]"#
        );
    }

    #[test]
    fn each_database_gets_its_own_text() {
        let statement = Statement::per_backend("SELECT {a}::text", "SELECT {a}").bind("a", 7_i64);
        assert_eq!(
            debug_query::<Pg, _>(&statement).to_string(),
            "SELECT $1::text -- binds: [7]"
        );
        assert_eq!(
            debug_query::<Sqlite, _>(&statement).to_string(),
            "SELECT ? -- binds: [7]"
        );
    }

    #[test]
    fn a_placeholder_without_a_value_fails_the_statement() {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        for sql in ["SELECT {missing}", "SELECT {open"] {
            let outcome = RunQueryDsl::execute(Statement::new(sql).bind("other", 1_i32), &mut conn);
            assert!(
                matches!(outcome, Err(diesel::result::Error::QueryBuilderError(_))),
                "{sql}: {outcome:?}"
            );
        }
    }
}
