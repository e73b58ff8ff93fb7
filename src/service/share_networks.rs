//! Share networks as upstream's controller and database API served them at
//! the CG-era commit: who sees which network, what a body may set, which
//! filters a list honours, and when a network may be deleted.
//!
//! Not here, because this server has no such things: security services
//! (the `security_service_id` filter matches nothing), share servers and
//! shares (nothing can use a network but a consistency group), quotas.

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::{Map, Value};

use crate::db::share_networks::{self as repo, Equals, IntegerColumn, ListFilter, NetworkFields, Owner, TextColumn};
use crate::db::{self, now, DbConnection, LIVE};
use crate::error::{texts, Error, Result};
use crate::listing::Page;
use crate::listing::{parse_integer, QueryParams, View};
use crate::policy;
use crate::policy::RequestContext;

pub use crate::db::share_networks::ShareNetwork;

/// The key that wraps a network in request and response bodies.
const RESOURCE_KEY: &str = "share_network";

/// Upstream's answer when the database refused a value (too long, not a
/// number, not text). We refuse the same values before writing.
const DATABASE_REFUSED: &str = "Could not save supplied data due to database error";

const NOVA_UNSUPPORTED: &str = "nova networking is not supported starting in Ocata.";

/// `GET /share-networks[/detail]`: the caller's networks, another
/// project's or every project's (admins), filtered and paged.
pub fn list(
    conn: &mut DbConnection,
    context: &RequestContext,
    view: View,
    query: &QueryParams,
    max_limit: i64,
) -> Result<Vec<ShareNetwork>> {
    policy::enforce(
        context,
        // Each of the two lists has its own policy.
        match view {
            View::Summary => "share_network:index",
            View::Detail => "share_network:detail",
        },
    )?;
    let filter = list_filter(context, query)?;
    let page = Page::from_query(query, max_limit)?;
    match filter {
        Some(filter) => Ok(repo::list(conn, &filter, page.offset, page.limit)?),
        None => Ok(Vec::new()),
    }
}

pub fn show(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<ShareNetwork> {
    policy::enforce(context, "share_network:show")?;
    repo::find(conn, id, visible_to(context))?.ok_or_else(|| not_found(id))
}

/// `POST /share-networks`: a network in the caller's project.
pub fn create(conn: &mut DbConnection, context: &RequestContext, body: Option<&Value>) -> Result<ShareNetwork> {
    // No body never reached upstream's handler, so it wins over policy.
    let body = body.ok_or_else(malformed)?;
    policy::enforce(context, "share_network:create")?;
    // Upstream adds the owner to the values by item assignment, which
    // only an object survives.
    let values = wrapped_values(body)?.as_object().ok_or_else(malformed)?;
    if values.contains_key("nova_net_id") {
        return Err(Error::Invalid(NOVA_UNSUPPORTED.into()));
    }
    let fields = client_fields(values)?;
    let network = ShareNetwork {
        id: uuid::Uuid::new_v4().to_string(),
        project_id: context.project_id.clone(),
        user_id: context.user_id.clone(),
        neutron_net_id: fields.neutron_net_id.flatten(),
        neutron_subnet_id: fields.neutron_subnet_id.flatten(),
        network_type: fields.network_type.flatten(),
        segmentation_id: fields.segmentation_id.flatten(),
        cidr: fields.cidr.flatten(),
        gateway: fields.gateway.flatten(),
        mtu: fields.mtu.flatten(),
        ip_version: fields.ip_version.flatten(),
        name: fields.name.flatten(),
        description: fields.description.flatten(),
        created_at: now(),
        updated_at: None,
        deleted_at: None,
        deleted: LIVE.to_string(),
    };
    db::write_transaction(conn, |conn| {
        repo::insert(conn, &network)?;
        Ok(network)
    })
}

/// `PUT /share-networks/{id}`. As upstream: the network must exist before
/// the values are looked at, and `updated_at` moves only if a value does.
pub fn update(
    conn: &mut DbConnection,
    context: &RequestContext,
    id: &str,
    body: Option<&Value>,
) -> Result<ShareNetwork> {
    let body = body.ok_or_else(malformed)?;
    policy::enforce(context, "share_network:update")?;
    let values = wrapped_values(body)?;
    db::write_transaction(conn, |conn| {
        if !repo::lock(conn, id, visible_to(context))? {
            return Err(not_found(id));
        }
        if python_contains(values, "nova_net_id")? {
            return Err(Error::Invalid(NOVA_UNSUPPORTED.into()));
        }
        // Upstream iterates the values as a dict; anything else was a 500.
        let fields = client_fields(values.as_object().ok_or_else(malformed)?)?;
        let current = repo::find(conn, id, Owner::AnyProject)?.ok_or_else(|| not_found(id))?;
        let changed = changed_fields(fields, &current);
        if changed == NetworkFields::default() {
            return Ok(current);
        }
        repo::update(conn, id, &changed)?;
        repo::find(conn, id, Owner::AnyProject)?.ok_or_else(|| not_found(id))
    })
}

/// `DELETE /share-networks/{id}`: refused while live shares, then while a
/// live consistency group (of any project) use the network.
pub fn delete(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<()> {
    policy::enforce(context, "share_network:delete")?;
    db::write_transaction(conn, |conn| {
        if !repo::lock(conn, id, visible_to(context))? {
            return Err(not_found(id));
        }
        let shares = crate::db::shares::count_on_share_network(conn, id)?;
        if shares > 0 {
            return Err(Error::Conflict(format!(
                "Can not delete share network {id}, it has {shares} share(s)."
            )));
        }
        let groups = repo::count_consistency_groups(conn, id)?;
        if groups > 0 {
            return Err(Error::Conflict(format!(
                "Can not delete share network {id}, it has {groups} consistency group(s)."
            )));
        }
        repo::soft_delete(conn, id)?;
        Ok(())
    })
}

/// The live share network `id`, whichever project owns it: upstream's
/// consistency-group create does not scope this lookup by tenant
/// (reference section 7.1, row 15), and its caller has checked its own
/// policy. Call it inside the transaction that records the group: it
/// holds the network's row until that transaction ends, so a concurrent
/// delete waits and then counts the new group.
pub fn find_in_any_project(conn: &mut DbConnection, id: &str) -> Result<Option<ShareNetwork>> {
    if !repo::lock(conn, id, Owner::AnyProject)? {
        return Ok(None);
    }
    Ok(repo::find(conn, id, Owner::AnyProject)?)
}

/// Admins reach any project's network by id; others only their own
/// (upstream scoped this lookup only later, as a security fix).
fn visible_to(context: &RequestContext) -> Owner<'_> {
    if context.is_admin {
        Owner::AnyProject
    } else {
        Owner::Project(&context.project_id)
    }
}

fn not_found(id: &str) -> Error {
    Error::NotFound(format!("Share network {id} could not be found."))
}

/// Where upstream's handler hit a Python `TypeError`: WebOb's plain 400.
fn malformed() -> Error {
    Error::Invalid(texts::BAD_REQUEST.into())
}

/// `body["share_network"]`, with upstream's answers when it is not there
/// (no body at all is the caller's 400): a falsy body or one without the
/// key is a bare 422, and a list or string that merely mentions the key
/// fails when indexed (400).
fn wrapped_values(body: &Value) -> Result<&Value> {
    if !python_truthy(body) || !python_contains(body, RESOURCE_KEY)? {
        return Err(Error::Unprocessable);
    }
    body.get(RESOURCE_KEY).ok_or_else(malformed)
}

fn python_truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(flag) => *flag,
        Value::Number(number) => number.as_f64() != Some(0.0),
        Value::String(text) => !text.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Object(map) => !map.is_empty(),
    }
}

/// Python's `key in value`: a dict's keys, a list's items, a substring;
/// a `TypeError` (400) for anything else.
fn python_contains(value: &Value, key: &str) -> Result<bool> {
    match value {
        Value::Object(map) => Ok(map.contains_key(key)),
        Value::Array(items) => Ok(items.iter().any(|item| item.as_str() == Some(key))),
        Value::String(text) => Ok(text.contains(key)),
        Value::Null | Value::Bool(_) | Value::Number(_) => Err(malformed()),
    }
}

/// The writable columns present in `values`, checked against what the
/// columns hold. Other keys are ignored, as upstream ignored unknown keys;
/// unlike upstream, that includes `id`, `project_id`, `user_id` and the
/// timestamps, which no client may choose or move.
fn client_fields(values: &Map<String, Value>) -> Result<NetworkFields> {
    Ok(NetworkFields {
        name: text_field(values, "name", 255)?,
        description: text_field(values, "description", 255)?,
        neutron_net_id: text_field(values, "neutron_net_id", 36)?,
        neutron_subnet_id: text_field(values, "neutron_subnet_id", 36)?,
        network_type: text_field(values, "network_type", 32)?,
        segmentation_id: integer_field(values, "segmentation_id")?,
        cidr: text_field(values, "cidr", 64)?,
        gateway: text_field(values, "gateway", 64)?,
        mtu: integer_field(values, "mtu")?,
        ip_version: integer_field(values, "ip_version")?,
    })
}

/// A text column's value: null, or a string that fits `max_chars` and has
/// no NUL (which PostgreSQL cannot store).
fn text_field(values: &Map<String, Value>, key: &str, max_chars: usize) -> Result<Option<Option<String>>> {
    match values.get(key) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(text)) if text.chars().count() <= max_chars && !text.contains('\0') => {
            Ok(Some(Some(text.clone())))
        }
        Some(_) => Err(Error::Invalid(DATABASE_REFUSED.into())),
    }
}

/// An integer column's value: null, a JSON integer, or a string of one
/// (PostgreSQL casts `'12'` to an integer column), within 32 bits.
fn integer_field(values: &Map<String, Value>, key: &str) -> Result<Option<Option<i32>>> {
    let number = match values.get(key) {
        None => return Ok(None),
        Some(Value::Null) => return Ok(Some(None)),
        Some(Value::Number(number)) => number.as_i64(),
        Some(Value::String(text)) => parse_integer(text),
        Some(_) => None,
    };
    number
        .and_then(|number| i32::try_from(number).ok())
        .map(|number| Some(Some(number)))
        .ok_or_else(|| Error::Invalid(DATABASE_REFUSED.into()))
}

/// The fields whose new value differs from the stored one.
fn changed_fields(fields: NetworkFields, current: &ShareNetwork) -> NetworkFields {
    fn differing<T: PartialEq>(new: Option<Option<T>>, stored: &Option<T>) -> Option<Option<T>> {
        new.filter(|value| value != stored)
    }
    NetworkFields {
        name: differing(fields.name, &current.name),
        description: differing(fields.description, &current.description),
        neutron_net_id: differing(fields.neutron_net_id, &current.neutron_net_id),
        neutron_subnet_id: differing(fields.neutron_subnet_id, &current.neutron_subnet_id),
        network_type: differing(fields.network_type, &current.network_type),
        segmentation_id: differing(fields.segmentation_id, &current.segmentation_id),
        cidr: differing(fields.cidr, &current.cidr),
        gateway: differing(fields.gateway, &current.gateway),
        mtu: differing(fields.mtu, &current.mtu),
        ip_version: differing(fields.ip_version, &current.ip_version),
    }
}

/// Query keys that steer a list rather than filter it.
const LIST_CONTROLS: &[&str] = &[
    "all_tenants",
    "created_since",
    "created_before",
    "limit",
    "offset",
    "security_service_id",
];

/// Reads a list request's scope and filters, in upstream's order: the
/// admin policy for other projects, the dates, then the exact matches.
/// `None` when nothing can match.
fn list_filter(context: &RequestContext, query: &QueryParams) -> Result<Option<ListFilter>> {
    let other_project = query
        .get("project_id")
        .filter(|project_id| *project_id != context.project_id);
    // Presence counts, whatever the value: `?all_tenants=0` lists all.
    let all_tenants = query.contains("all_tenants");
    if all_tenants || other_project.is_some() {
        policy::enforce(context, "share_network:get_all_share_networks")?;
    }
    let project_id = match other_project {
        Some(project_id) => Some(project_id.to_string()),
        None if all_tenants => None,
        None => Some(context.project_id.clone()),
    };
    let mut filter = ListFilter {
        project_id,
        created_since: date_param(query, "created_since")?,
        created_before: date_param(query, "created_before")?,
        equals: Vec::new(),
    };
    // No network here has a security service.
    let mut matchable = !query.contains("security_service_id");
    for (key, value) in query.latest() {
        if LIST_CONTROLS.contains(&key) {
            continue;
        }
        if let Some(column) = integer_filter(key) {
            let number =
                parse_integer(value).ok_or_else(|| Error::Invalid(format!("{key} param must be an integer")))?;
            filter.equals.push(Equals::Integer(column, number));
        } else if let Some(column) = text_filter(key) {
            filter.equals.push(Equals::Text(column, value.to_string()));
        } else {
            // Upstream compared the text with the network's attribute:
            // never equal for integer columns other than these two, for
            // timestamps and for keys a network does not have.
            matchable = false;
        }
    }
    Ok(matchable.then_some(filter))
}

/// Upstream converts these two with `int()` before comparing.
fn integer_filter(key: &str) -> Option<IntegerColumn> {
    match key {
        "segmentation_id" => Some(IntegerColumn::SegmentationId),
        "ip_version" => Some(IntegerColumn::IpVersion),
        _ => None,
    }
}

fn text_filter(key: &str) -> Option<TextColumn> {
    Some(match key {
        "id" => TextColumn::Id,
        "project_id" => TextColumn::ProjectId,
        "user_id" => TextColumn::UserId,
        "name" => TextColumn::Name,
        "description" => TextColumn::Description,
        "neutron_net_id" => TextColumn::NeutronNetId,
        "neutron_subnet_id" => TextColumn::NeutronSubnetId,
        "network_type" => TextColumn::NetworkType,
        "cidr" => TextColumn::Cidr,
        "gateway" => TextColumn::Gateway,
        _ => return None,
    })
}

/// Midnight of the `yyyy-mm-dd` day in `key`, if given.
fn date_param(query: &QueryParams, key: &str) -> Result<Option<NaiveDateTime>> {
    query
        .get(key)
        .map(|text| parse_day(text).ok_or_else(|| Error::Invalid(format!("{text} is not in yyyy-mm-dd format."))))
        .transpose()
}

/// Python's `strptime(text, "%Y-%m-%d")`: a four-digit year, a month of one
/// or two digits, a day of one or two digits (or a space and one digit),
/// and a date that exists.
fn parse_day(text: &str) -> Option<NaiveDateTime> {
    let mut parts = text.splitn(3, '-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |part: &str, lengths: std::ops::RangeInclusive<usize>| {
        lengths.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit())
    };
    let day = day.strip_prefix(' ').filter(|d| d.len() == 1).unwrap_or(day);
    if !digits(year, 4..=4) || !digits(month, 1..=2) || !digits(day, 1..=2) {
        return None;
    }
    let year: i32 = year.parse().ok().filter(|year| *year >= 1)?;
    NaiveDate::from_ymd_opt(year, month.parse().ok()?, day.parse().ok()?).and_then(|date| date.and_hms_opt(0, 0, 0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message(err: Error) -> String {
        err.to_string()
    }

    #[test]
    fn days_parse_as_python_strptime_does() {
        let midnight = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(0, 0, 0).unwrap();
        assert_eq!(parse_day("2015-09-16"), Some(midnight(2015, 9, 16)));
        assert_eq!(parse_day("2015-9-6"), Some(midnight(2015, 9, 6)));
        assert_eq!(parse_day("2015-09- 6"), Some(midnight(2015, 9, 6)));
        assert_eq!(parse_day("2016-02-29"), Some(midnight(2016, 2, 29)));
        for text in [
            "",
            "2015",
            "2015-09",
            "15-09-16",
            "02015-09-16",
            "2015-13-01",
            "2015-00-10",
            "2015-09-31",
            "2015-02-29",
            "2015-09-016",
            "2015-09-16 ",
            "2015-09-  6",
            " 2015-09-16",
            "0000-01-01",
            "2015/09/16",
            "2015-09-16T00:00:00",
            "+015-09-16",
        ] {
            assert_eq!(parse_day(text), None, "{text:?}");
        }
    }

    #[test]
    fn the_wrapper_follows_pythons_rules() {
        for falsy in [json!(null), json!({}), json!([]), json!(""), json!(0), json!(false)] {
            assert!(matches!(wrapped_values(&falsy), Err(Error::Unprocessable)), "{falsy}");
        }
        for missing in [json!({"x": 1}), json!(["x"]), json!("share")] {
            assert!(
                matches!(wrapped_values(&missing), Err(Error::Unprocessable)),
                "{missing}"
            );
        }
        for not_indexable in [
            json!(1),
            json!(true),
            json!(["share_network"]),
            json!("a share_network"),
        ] {
            assert_eq!(
                message(wrapped_values(&not_indexable).unwrap_err()),
                texts::BAD_REQUEST,
                "{not_indexable}"
            );
        }
        let body = json!({"share_network": {"name": "n"}});
        assert_eq!(wrapped_values(&body).unwrap(), &json!({"name": "n"}));
    }

    #[test]
    fn fields_must_fit_their_columns() {
        let fields = |value: Value| client_fields(value.as_object().unwrap()).map_err(|err| err.to_string());
        let refused = Err(DATABASE_REFUSED.to_string());
        assert_eq!(fields(json!({"name": "n".repeat(256)})), refused);
        assert_eq!(fields(json!({"name": 5})), refused);
        assert_eq!(fields(json!({"description": ["d"]})), refused);
        assert_eq!(fields(json!({"cidr": "1".repeat(65)})), refused);
        assert_eq!(fields(json!({"neutron_net_id": "x".repeat(37)})), refused);
        assert_eq!(fields(json!({"network_type": "v".repeat(33)})), refused);
        assert_eq!(fields(json!({"gateway": "nul\u{0}"})), refused);
        assert_eq!(fields(json!({"mtu": 1.5})), refused);
        assert_eq!(fields(json!({"mtu": "abc"})), refused);
        assert_eq!(fields(json!({"segmentation_id": true})), refused);
        assert_eq!(fields(json!({"ip_version": 4_294_967_296i64})), refused);

        let accepted = fields(json!({
            "name": "é".repeat(255),
            "description": null,
            "segmentation_id": " 1000 ",
            "mtu": 1500,
            "unknown": {"ignored": true},
            "id": "chosen-by-client",
        }))
        .unwrap();
        assert_eq!(
            accepted,
            NetworkFields {
                name: Some(Some("é".repeat(255))),
                description: Some(None),
                segmentation_id: Some(Some(1000)),
                mtu: Some(Some(1500)),
                ..NetworkFields::default()
            }
        );
    }
}
