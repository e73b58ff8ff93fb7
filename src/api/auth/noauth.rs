//! The token-free strategies for development and tests: the token is
//! `user:project`, and a request without one gets a "login" answer that
//! hands it out (Manila's `NoAuthMiddleware`).

use std::sync::Arc;

use actix_web::http::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse};

use super::Identity;
use crate::api::links::request_url;
use crate::policy::Enforcer;
use crate::policy::RequestContext;

/// Who counts as an administrator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admins {
    /// `noauth`: Manila makes every caller admin (and gives it the role).
    Everyone,
    /// `noauth2`: Nova's convention, the user called `admin` has the roles
    /// `admin`, `member` and `reader`, every other user `member` and
    /// `reader`; then `context_is_admin` decides, as for Keystone callers.
    UserNamedAdmin,
}

pub fn identify(req: &HttpRequest, request_id: String, admins: Admins, policy: Arc<Enforcer>) -> Identity {
    let Some(token) = header(req, "x-auth-token") else {
        return Identity::Answer(login(req));
    };
    let (user_id, project_id) = split_token(&token);
    // Keystone's implied roles: admin implies member, member implies reader.
    let roles: Vec<String> = match admins {
        Admins::Everyone => vec!["admin".into()],
        Admins::UserNamedAdmin if user_id == "admin" => vec!["admin".into(), "member".into(), "reader".into()],
        Admins::UserNamedAdmin => vec!["member".into(), "reader".into()],
    };
    let is_admin = match admins {
        Admins::Everyone => true,
        Admins::UserNamedAdmin => policy.is_admin(&roles),
    };
    Identity::Caller(RequestContext {
        request_id,
        user_id,
        project_id,
        roles,
        is_admin,
        policy,
    })
}

/// `user:project`; without a colon (or with nothing after it) the user
/// doubles as the project.
fn split_token(token: &str) -> (String, String) {
    let (user, project) = token.split_once(':').unwrap_or((token, ""));
    let project = if project.is_empty() { user } else { project };
    (user.to_string(), project.to_string())
}

/// 204 with the token to use and the URL to use it at.
fn login(req: &HttpRequest) -> HttpResponse {
    let user = header(req, "x-auth-user").unwrap_or_else(|| "admin".to_string());
    let project = header(req, "x-auth-project-id").unwrap_or_else(|| "admin".to_string());
    let url = request_url(req);
    let management_url = if url.ends_with('/') {
        format!("{url}{project}")
    } else {
        format!("{url}/{project}")
    };
    let mut response = HttpResponse::NoContent();
    response.insert_header((CONTENT_TYPE, HeaderValue::from_static("text/plain")));
    for (name, value) in [
        ("x-auth-token", format!("{user}:{project}")),
        ("x-server-management-url", management_url),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.insert_header((HeaderName::from_static(name), value));
        }
    }
    response.finish()
}

fn header(req: &HttpRequest, name: &str) -> Option<String> {
    req.headers()
        .get(name)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_splits_at_the_first_colon() {
        assert_eq!(split_token("alice:proj"), ("alice".into(), "proj".into()));
        assert_eq!(split_token("alice:proj:x"), ("alice".into(), "proj:x".into()));
        assert_eq!(split_token("alice"), ("alice".into(), "alice".into()));
        assert_eq!(split_token("alice:"), ("alice".into(), "alice".into()));
    }
}
