//! Configuration: an INI file with manila.conf's sections and key names,
//! every key overridable from the environment. `config/manila-cg-api.conf.sample`
//! documents each key once; this module only reads them.
//!
//! Precedence, lowest first: built-in default, the file, the environment
//! variable `MANILA_CG__<SECTION>__<KEY>` (for example
//! `MANILA_CG__DEFAULT__AUTH_STRATEGY=noauth2`), and for the database
//! connection alone, `DATABASE_URL`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Prefix of the environment variables that override file keys.
const ENV_PREFIX: &str = "MANILA_CG__";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: expected `[section]` or `key = value`")]
    Syntax { path: PathBuf, line: usize },
    #[error("[{section}] {key} = {value:?}: {reason}")]
    Value {
        section: String,
        key: String,
        value: String,
        reason: String,
    },
}

/// How callers are identified (DESIGN.md section 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthStrategy {
    /// Upstream Manila's: token `user:project`, everyone is admin.
    NoAuth,
    /// Nova's convention: the same token, admin only for user `admin`.
    NoAuth2,
}

impl FromStr for AuthStrategy {
    type Err = String;
    fn from_str(value: &str) -> Result<Self, String> {
        match value {
            "noauth" => Ok(AuthStrategy::NoAuth),
            "noauth2" => Ok(AuthStrategy::NoAuth2),
            other => Err(format!("unknown auth strategy {other:?} (noauth, noauth2)")),
        }
    }
}

#[derive(Clone, Debug)]
pub struct DatabaseConfig {
    /// `postgres://...` or `sqlite://<path>`; never empty once loaded.
    pub connection: String,
    pub max_pool_size: u32,
    pub pool_timeout_secs: u64,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub listen: String,
    pub port: u16,
    /// Zero means one worker per core.
    pub workers: usize,
    pub auth_strategy: AuthStrategy,
    /// Replaces scheme and authority of links when set (`osapi_share_base_URL`).
    pub base_url: Option<String>,
    pub max_limit: i64,
    pub max_request_body_size: usize,
    /// Name of the share type used when a request names none
    /// (`default_share_type`); `None` when unset or empty.
    pub default_share_type: Option<String>,
    pub database: DatabaseConfig,
}

impl Config {
    /// Reads the file (if any), then the process environment.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let mut values = match path {
            Some(path) => parse_file(path)?,
            None => Values::default(),
        };
        values.apply_env(std::env::vars());
        Config::from_values(&values)
    }

    fn from_values(values: &Values) -> Result<Config, ConfigError> {
        let state_path = values.get("DEFAULT", "state_path").unwrap_or(".");
        let connection = match std::env::var("DATABASE_URL") {
            Ok(url) if !url.is_empty() => url,
            _ => match values.get("database", "connection") {
                Some(url) if !url.is_empty() => url.to_string(),
                _ => format!(
                    "sqlite://{}",
                    Path::new(state_path).join("manila-cg-api.sqlite").display()
                ),
            },
        };
        Ok(Config {
            listen: values
                .get("DEFAULT", "osapi_share_listen")
                .unwrap_or("127.0.0.1")
                .to_string(),
            port: values.parse("DEFAULT", "osapi_share_listen_port", 8786)?,
            workers: values.parse("DEFAULT", "osapi_share_workers", 0)?,
            auth_strategy: values.parse("DEFAULT", "auth_strategy", AuthStrategy::NoAuth)?,
            base_url: values
                .get("DEFAULT", "osapi_share_base_URL")
                .filter(|url| !url.is_empty())
                .map(|url| url.trim_end_matches('/').to_string()),
            max_limit: values.parse("DEFAULT", "osapi_max_limit", 1000)?,
            max_request_body_size: values.parse(
                "oslo_middleware",
                "max_request_body_size",
                114_688,
            )?,
            default_share_type: values
                .get("DEFAULT", "default_share_type")
                .filter(|name| !name.is_empty())
                .map(str::to_string),
            database: DatabaseConfig {
                connection,
                max_pool_size: values.parse("database", "max_pool_size", 10)?,
                pool_timeout_secs: values.parse("database", "pool_timeout", 30)?,
            },
        })
    }
}

/// Raw `section -> key -> value` strings. Section and key names compare
/// case-insensitively, as environment variable names are upper case.
#[derive(Default, Debug)]
struct Values(HashMap<(String, String), String>);

impl Values {
    fn insert(&mut self, section: &str, key: &str, value: &str) {
        self.0.insert(
            (section.to_ascii_lowercase(), key.to_ascii_lowercase()),
            value.to_string(),
        );
    }

    fn get(&self, section: &str, key: &str) -> Option<&str> {
        self.0
            .get(&(section.to_ascii_lowercase(), key.to_ascii_lowercase()))
            .map(String::as_str)
    }

    fn parse<T: FromStr>(&self, section: &str, key: &str, default: T) -> Result<T, ConfigError>
    where
        T::Err: std::fmt::Display,
    {
        match self.get(section, key) {
            None => Ok(default),
            Some(raw) => raw.parse().map_err(|err: T::Err| ConfigError::Value {
                section: section.to_string(),
                key: key.to_string(),
                value: raw.to_string(),
                reason: err.to_string(),
            }),
        }
    }

    fn apply_env(&mut self, vars: impl Iterator<Item = (String, String)>) {
        for (name, value) in vars {
            let Some(rest) = name.strip_prefix(ENV_PREFIX) else {
                continue;
            };
            if let Some((section, key)) = rest.split_once("__") {
                self.insert(section, key, &value);
            }
        }
    }
}

/// oslo.config's INI dialect: `[section]`, `key = value` (or `key: value`),
/// `#` and `;` comment lines. Values are taken verbatim, without unquoting.
fn parse_file(path: &Path) -> Result<Values, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse_ini(&text).map_err(|line| ConfigError::Syntax {
        path: path.to_path_buf(),
        line,
    })
}

/// Returns the 1-based number of the first line it cannot read.
fn parse_ini(text: &str) -> Result<Values, usize> {
    let mut values = Values::default();
    let mut section: Option<String> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = Some(name.trim().to_string());
            continue;
        }
        let separator = line.find(['=', ':']).ok_or(index + 1)?;
        let current = section.as_deref().ok_or(index + 1)?;
        let (key, value) = line.split_at(separator);
        values.insert(current, key.trim(), value[1..].trim());
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sections_keys_and_comments() {
        let values = parse_ini(
            "# comment\n[DEFAULT]\nosapi_share_listen_port = 9000\n; other\n[database]\nconnection: postgres://u@h/db\n",
        )
        .unwrap();
        assert_eq!(
            values.get("DEFAULT", "osapi_share_listen_port"),
            Some("9000")
        );
        assert_eq!(
            values.get("database", "connection"),
            Some("postgres://u@h/db")
        );
    }

    #[test]
    fn rejects_keys_outside_a_section_and_lines_without_separator() {
        assert_eq!(parse_ini("key = value\n").unwrap_err(), 1);
        assert_eq!(parse_ini("[DEFAULT]\n\njunk\n").unwrap_err(), 3);
    }

    #[test]
    fn environment_overrides_file_values_case_insensitively() {
        let mut values = parse_ini("[DEFAULT]\nauth_strategy = noauth\n").unwrap();
        values.apply_env(
            vec![
                (
                    "MANILA_CG__DEFAULT__AUTH_STRATEGY".to_string(),
                    "noauth2".to_string(),
                ),
                ("UNRELATED".to_string(), "x".to_string()),
            ]
            .into_iter(),
        );
        assert_eq!(values.get("DEFAULT", "auth_strategy"), Some("noauth2"));
    }

    #[test]
    fn bad_values_name_their_key() {
        let values = parse_ini("[DEFAULT]\nosapi_share_listen_port = eighty\n").unwrap();
        let err = Config::from_values(&values).unwrap_err().to_string();
        assert!(
            err.starts_with("[DEFAULT] osapi_share_listen_port = \"eighty\""),
            "{err}"
        );
    }

    #[test]
    fn defaults_match_manila() {
        let config = Config::from_values(&Values::default()).unwrap();
        assert_eq!(config.port, 8786);
        assert_eq!(config.max_limit, 1000);
        assert_eq!(config.max_request_body_size, 114_688);
        assert_eq!(config.auth_strategy, AuthStrategy::NoAuth);
        assert_eq!(config.default_share_type, None);
    }

    #[test]
    fn an_empty_default_share_type_means_none() {
        let named = parse_ini("[DEFAULT]\ndefault_share_type = gold\n").unwrap();
        assert_eq!(
            Config::from_values(&named).unwrap().default_share_type,
            Some("gold".to_string())
        );
        let empty = parse_ini("[DEFAULT]\ndefault_share_type =\n").unwrap();
        assert_eq!(
            Config::from_values(&empty).unwrap().default_share_type,
            None
        );
    }
}
