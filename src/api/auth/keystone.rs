//! `auth_strategy = keystone`: the caller's `X-Auth-Token` is validated by
//! Keystone v3 (`GET /v3/auth/tokens` with our service token), as
//! keystonemiddleware's `auth_token` does, and the caller is who the token
//! says: nothing the client sends besides the token counts (`X-Roles`,
//! `X-Project-Id` and the like are never read).
//!
//! Missing or invalid token: 401 `Authentication required` with
//! `WWW-Authenticate: Keystone uri='<www_authenticate_uri>'`. Keystone
//! unreachable, failing TLS verification, or refusing our service
//! credentials: 503, never a pass.
//!
//! An https `auth_url` is verified as keystonemiddleware verifies it:
//! chain and host name, against the system's trust store plus `cafile`,
//! unless `insecure`.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::http::header::{HeaderValue, CONTENT_TYPE, WWW_AUTHENTICATE};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use awc::error::{ConnectError, SendRequestError};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

use super::token_cache::{TokenCache, Verdict};
use crate::config::KeystoneConfig;
use crate::error::Error;
use crate::tls;

/// Who a validated token speaks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenOwner {
    pub user_id: String,
    pub project_id: String,
    pub roles: Vec<String>,
}

/// Largest Keystone answer read (a token without its catalog is ~1 KiB).
const MAX_ANSWER_BYTES: usize = 256 * 1024;

pub struct Keystone {
    config: KeystoneConfig,
    tokens_url: String,
    tokens: TokenCache<TokenOwner>,
    service_token: Mutex<Option<ServiceToken>>,
    /// How Keystone is spoken to over https; `None` for an http `auth_url`.
    tls: Option<Arc<rustls::ClientConfig>>,
}

#[derive(Clone)]
struct ServiceToken {
    token: String,
    renew_at: Instant,
}

impl Keystone {
    /// Fails when the TLS files of an https `auth_url` cannot be read.
    pub fn new(config: KeystoneConfig) -> Result<Keystone, String> {
        let base = config.auth_url.trim_end_matches('/');
        let base = base.strip_suffix("/v3").unwrap_or(base);
        let tls = match config.auth_url.get(..8) {
            Some(scheme) if scheme.eq_ignore_ascii_case("https://") => Some(
                tls::client_config(tls::ClientSettings {
                    cafile: config.cafile.as_deref(),
                    identity: config
                        .client_identity
                        .as_ref()
                        .map(|(cert, key)| (cert.as_path(), key.as_path())),
                    insecure: config.insecure,
                })
                .map_err(|err| format!("[keystone_authtoken] TLS: {err}"))?,
            ),
            _ => None,
        };
        Ok(Keystone {
            tokens_url: format!("{base}/v3/auth/tokens?nocatalog"),
            tokens: TokenCache::new(config.token_cache_time, config.token_cache_size),
            service_token: Mutex::new(None),
            tls,
            config,
        })
    }

    /// The token's owner; `Ok(None)` when the caller is not authenticated.
    pub async fn identify(&self, req: &HttpRequest) -> Result<Option<TokenOwner>, Error> {
        let Some(token) = ["x-auth-token", "x-storage-token"]
            .iter()
            .find_map(|name| req.headers().get(*name))
            .and_then(|value| value.to_str().ok())
            .map(str::trim)
            .filter(|token| !token.is_empty())
        else {
            return Ok(None);
        };
        if let Some(verdict) = self.tokens.get(token, Instant::now()) {
            return Ok(match verdict {
                Verdict::Valid(owner) => Some(owner),
                Verdict::Invalid => None,
            });
        }
        let (verdict, expires_in) = self.validate(token).await?;
        self.tokens.put(token, verdict.clone(), expires_in, Instant::now());
        Ok(match verdict {
            Verdict::Valid(owner) => Some(owner),
            Verdict::Invalid => None,
        })
    }

    /// keystonemiddleware's refusal (its CG-era text and header form).
    pub fn reject(&self) -> HttpResponse {
        let challenge = format!("Keystone uri='{}'", self.config.www_authenticate_uri);
        let mut response = HttpResponse::Unauthorized();
        response.insert_header((CONTENT_TYPE, HeaderValue::from_static("text/html; charset=UTF-8")));
        if let Ok(value) = HeaderValue::from_str(&challenge) {
            response.insert_header((WWW_AUTHENTICATE, value));
        }
        response.body("Authentication required")
    }

    /// Asks Keystone; a stale service token is renewed once.
    async fn validate(&self, token: &str) -> Result<(Verdict<TokenOwner>, Option<Duration>), Error> {
        for attempt in 0..2 {
            let service = self.service_token(attempt > 0).await?;
            let client = self.client();
            let mut answer = client
                .get(&self.tokens_url)
                .insert_header(("X-Auth-Token", service.as_str()))
                .insert_header(("X-Subject-Token", token))
                .send()
                .await
                .map_err(|err| self.unreachable(&err))?;
            match answer.status() {
                StatusCode::OK => {
                    let body = answer
                        .body()
                        .limit(MAX_ANSWER_BYTES)
                        .await
                        .map_err(|err| unavailable(format!("unreadable token validation answer: {err}")))?;
                    return Ok(owner_of(&body, Utc::now()));
                }
                // Unknown, expired or revoked token (and Keystone's 400 for
                // one it cannot even parse).
                StatusCode::NOT_FOUND | StatusCode::BAD_REQUEST => return Ok((Verdict::Invalid, None)),
                // Our own token went stale: renew it and ask again.
                StatusCode::UNAUTHORIZED if attempt == 0 => continue,
                status => {
                    return Err(unavailable(format!(
                        "Keystone answered {status} to token validation; check the service user's roles"
                    )))
                }
            }
        }
        Err(unavailable("Keystone keeps refusing the service token".to_string()))
    }

    /// Our own token for talking to Keystone, fetched with the service
    /// credentials and reused until shortly before it expires.
    async fn service_token(&self, renew: bool) -> Result<String, Error> {
        if !renew {
            let cached = self.service_token.lock().unwrap_or_else(|p| p.into_inner()).clone();
            if let Some(cached) = cached.filter(|cached| cached.renew_at > Instant::now()) {
                return Ok(cached.token);
            }
        }
        let config = &self.config;
        let request = json!({"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": config.username,
                "domain": {"name": config.user_domain_name},
                "password": config.password,
            }}},
            "scope": {"project": {"name": config.project_name, "domain": {"name": config.project_domain_name}}},
        }});
        let mut answer = self
            .client()
            .post(&self.tokens_url)
            .send_json(&request)
            .await
            .map_err(|err| self.unreachable(&err))?;
        if answer.status() != StatusCode::CREATED {
            return Err(unavailable(format!(
                "Keystone refused the service credentials of user {:?} ({})",
                config.username,
                answer.status()
            )));
        }
        let token = answer
            .headers()
            .get("x-subject-token")
            .and_then(|value| value.to_str().ok())
            .map(str::to_string)
            .ok_or_else(|| unavailable("Keystone issued a token without X-Subject-Token".to_string()))?;
        let body = answer
            .body()
            .limit(MAX_ANSWER_BYTES)
            .await
            .map_err(|err| unavailable(format!("unreadable service token: {err}")))?;
        let life = serde_json::from_slice::<TokenBody>(&body)
            .ok()
            .and_then(|body| remaining_life(&body.token.expires_at, Utc::now()))
            .unwrap_or_default();
        // Renew a minute early (or half-way through a shorter life).
        let margin = Duration::from_secs(60).min(life / 2);
        let renew_at = Instant::now() + (life - margin);
        *self.service_token.lock().unwrap_or_else(|p| p.into_inner()) = Some(ServiceToken {
            token: token.clone(),
            renew_at,
        });
        Ok(token)
    }

    fn client(&self) -> awc::Client {
        let builder = awc::Client::builder().timeout(self.config.http_timeout);
        match &self.tls {
            Some(tls) => builder
                .connector(awc::Connector::new().rustls_0_23(tls.clone()))
                .finish(),
            None => builder.finish(),
        }
    }

    /// Why a request did not reach Keystone, naming a TLS failure's cause
    /// (an unknown issuer, a name mismatch, ...) as such.
    fn unreachable(&self, err: &SendRequestError) -> Error {
        if let SendRequestError::Connect(ConnectError::Io(io)) = err {
            if let Some(cause) = io.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()) {
                return unavailable(format!("TLS with {} failed: {cause}", self.config.auth_url));
            }
        }
        unavailable(format!("cannot reach Keystone at {}: {err}", self.tokens_url))
    }
}

fn unavailable(detail: String) -> Error {
    Error::Unavailable(format!("keystone: {detail}"))
}

#[derive(Deserialize)]
struct TokenBody {
    token: TokenData,
}

#[derive(Deserialize)]
struct TokenData {
    expires_at: String,
    user: Named,
    project: Option<Named>,
    #[serde(default)]
    roles: Vec<Named>,
}

#[derive(Deserialize)]
struct Named {
    id: String,
    #[serde(default)]
    name: String,
}

/// Reads a validation answer. A token Keystone vouches for but that names
/// no project (unscoped, domain- or system-scoped) cannot act on
/// project-scoped resources, so it is refused like an invalid one.
fn owner_of(body: &[u8], now: DateTime<Utc>) -> (Verdict<TokenOwner>, Option<Duration>) {
    let Ok(TokenBody { token }) = serde_json::from_slice::<TokenBody>(body) else {
        return (Verdict::Invalid, None);
    };
    let expires_in = remaining_life(&token.expires_at, now);
    let (Some(project), Some(left)) = (token.project, expires_in) else {
        return (Verdict::Invalid, expires_in);
    };
    let owner = TokenOwner {
        user_id: token.user.id,
        project_id: project.id,
        roles: token.roles.into_iter().map(|role| role.name).collect(),
    };
    (Verdict::Valid(owner), Some(left))
}

/// Time left before `expires_at`; `None` once it has passed (or when it
/// cannot be read).
fn remaining_life(expires_at: &str, now: DateTime<Utc>) -> Option<Duration> {
    let expires_at = DateTime::parse_from_rfc3339(expires_at).ok()?.with_timezone(&Utc);
    (expires_at - now).to_std().ok().filter(|left| !left.is_zero())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(expires_at: &str, project: bool) -> Vec<u8> {
        let mut token = json!({
            "expires_at": expires_at,
            "user": {"id": "u1", "name": "alice", "domain": {"id": "default"}},
            "roles": [{"id": "r1", "name": "member"}, {"id": "r2", "name": "Storage-Operator"}],
        });
        if project {
            token["project"] = json!({"id": "p1", "name": "demo"});
        }
        serde_json::to_vec(&json!({ "token": token })).unwrap()
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_project_token_names_user_project_and_role_names() {
        let (verdict, left) = owner_of(&answer("2026-01-01T12:00:00.000000Z", true), at("2026-01-01T11:00:00Z"));
        assert_eq!(
            verdict,
            Verdict::Valid(TokenOwner {
                user_id: "u1".into(),
                project_id: "p1".into(),
                roles: vec!["member".into(), "Storage-Operator".into()],
            })
        );
        assert_eq!(left, Some(Duration::from_secs(3600)));
    }

    #[test]
    fn unscoped_expired_and_garbled_answers_are_refusals() {
        let now = at("2026-01-01T11:00:00Z");
        assert_eq!(
            owner_of(&answer("2026-01-01T12:00:00Z", false), now).0,
            Verdict::Invalid
        );
        assert_eq!(
            owner_of(&answer("2026-01-01T10:00:00Z", true), now),
            (Verdict::Invalid, None)
        );
        assert_eq!(owner_of(&answer("not a time", true), now).0, Verdict::Invalid);
        assert_eq!(owner_of(b"{\"token\": 1}", now).0, Verdict::Invalid);
        assert_eq!(owner_of(b"<html>", now).0, Verdict::Invalid);
    }

    #[test]
    fn the_tokens_url_takes_auth_url_with_or_without_v3() {
        for auth_url in [
            "http://ks:5000",
            "http://ks:5000/",
            "http://ks:5000/v3",
            "http://ks:5000/v3/",
        ] {
            let keystone = Keystone::new(KeystoneConfig {
                auth_url: auth_url.into(),
                ..KeystoneConfig::default()
            })
            .unwrap();
            assert_eq!(
                keystone.tokens_url, "http://ks:5000/v3/auth/tokens?nocatalog",
                "{auth_url}"
            );
        }
    }
}
