//! API versions as numbers: `MAJOR.MINOR`, ordered numerically, and the
//! range of Manila's API this server speaks. Negotiating a request's version
//! is the HTTP layer's job (`api::microversion`); errors and views only need
//! the numbers, so they live here, below every layer that names them.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApiVersion {
    pub major: u32,
    pub minor: u32,
}

impl ApiVersion {
    pub const fn new(major: u32, minor: u32) -> ApiVersion {
        ApiVersion { major, minor }
    }

    /// Manila's format, `^([1-9]\d*)\.([1-9]\d*|0)$`: no sign, no spaces,
    /// no leading zeros. `None` for anything else, including numbers too
    /// large to be a version.
    pub fn parse(text: &str) -> Option<ApiVersion> {
        let (major, minor) = text.split_once('.')?;
        let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        if !digits(major) || !digits(minor) || major.starts_with('0') {
            return None;
        }
        if minor.len() > 1 && minor.starts_with('0') {
            return None;
        }
        Some(ApiVersion::new(major.parse().ok()?, minor.parse().ok()?))
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// `/v1`, which is pinned to 1.0.
pub const V1: ApiVersion = ApiVersion::new(1, 0);
pub const MIN_VERSION: ApiVersion = ApiVersion::new(2, 0);
pub const MAX_VERSION: ApiVersion = ApiVersion::new(2, 30);
/// Without a version header a request is served at the minimum.
pub const DEFAULT_VERSION: ApiVersion = MIN_VERSION;

/// The range of Cinder's `/v3` this server speaks: Cinder 29.0.0's. A
/// request without a version is served at the minimum.
pub const VOLUME_MIN_VERSION: ApiVersion = ApiVersion::new(3, 0);
pub const VOLUME_MAX_VERSION: ApiVersion = ApiVersion::new(3, 71);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_valid_forms() {
        for (text, major, minor) in [("2.0", 2, 0), ("2.4", 2, 4), ("2.30", 2, 30), ("12.5", 12, 5)] {
            assert_eq!(ApiVersion::parse(text), Some(ApiVersion::new(major, minor)), "{text}");
        }
    }

    #[test]
    fn rejects_the_invalid_forms() {
        for text in [
            "2",
            "2.1.4",
            "5.03",
            "02.1",
            "2.001",
            "5 .3",
            "5. 3",
            "",
            " 2.1",
            "2.1 ",
            "latest",
            "-2.1",
            "+2.1",
            "2.",
            ".1",
            "0.1",
            "2.a",
            "99999999999.0",
        ] {
            assert_eq!(ApiVersion::parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn orders_numerically_not_textually() {
        assert!(ApiVersion::new(2, 4) < ApiVersion::new(2, 30));
        assert!(ApiVersion::new(2, 30) < ApiVersion::new(3, 0));
    }
}
