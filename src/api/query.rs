//! The query string as a handler argument: every pair in order, parsed by
//! actix's form decoding into [`QueryParams`].

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};

use crate::error::Error;
use crate::listing::{QueryParams, View};

impl FromRequest for QueryParams {
    type Error = Error;
    type Future = Ready<Result<QueryParams, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            web::Query::<Vec<(String, String)>>::from_query(req.query_string())
                .map(|query| QueryParams::new(query.into_inner()))
                .map_err(|err| Error::Invalid(err.to_string())),
        )
    }
}

/// Which list a request asked for, from the route it matched: the one
/// ending in `/detail` (with or without `.json`) is the detail list.
impl FromRequest for View {
    type Error = Error;
    type Future = Ready<Result<View, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(view_of(req)))
    }
}

/// The [`View`] of the route `req` matched.
pub fn view_of(req: &HttpRequest) -> View {
    let pattern = req.match_pattern().unwrap_or_default();
    if pattern.trim_end_matches(".json").ends_with("/detail") {
        View::Detail
    } else {
        View::Summary
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_key_is_present_with_an_empty_value() {
        let query = web::Query::<Vec<(String, String)>>::from_query("all_tenants&x=1")
            .map(|query| QueryParams::new(query.into_inner()))
            .unwrap();
        assert!(query.contains("all_tenants"));
        assert_eq!(query.get("all_tenants"), Some(""));
    }
}
