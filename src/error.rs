//! The one error type of the service. It names what went wrong in the
//! terms Manila uses; `api::fault` alone decides how each is put on the wire.

use crate::version::ApiVersion;

#[derive(Clone, Debug, thiserror::Error)]
pub enum Error {
    /// Input that Manila rejects with 400 (its `Invalid` family and the
    /// controllers' own `HTTPBadRequest`s). The text is the client's message.
    #[error("{0}")]
    Invalid(String),

    /// A body without the resource's key, where Manila's controllers raise
    /// a bare `HTTPUnprocessableEntity` (422, `computeFault`).
    #[error("Unable to process the contained instructions")]
    Unprocessable,

    /// A body that is not JSON, or an action body of the wrong shape.
    #[error("Malformed request body")]
    MalformedBody,

    /// The `{project_id}` in the URL is not the caller's project.
    #[error("Malformed request url")]
    ProjectMismatch,

    /// A version header that does not parse as `MAJOR.MINOR`.
    #[error("API Version String {0} is of invalid format. Must be of format MajorNum.MinorNum.")]
    MalformedVersion(String),

    /// A well-formed version outside the range this server speaks.
    #[error("Version {requested} is not supported by the API. Minimum is {min} and maximum is {max}.")]
    VersionNotSupported {
        requested: String,
        min: ApiVersion,
        max: ApiVersion,
    },

    /// Policy said no.
    #[error("{0}")]
    Forbidden(String),

    /// A resource that does not exist or is not the caller's to see.
    #[error("{0}")]
    NotFound(String),

    /// The route exists but not at this microversion or without the
    /// experimental opt-in; Manila makes it indistinguishable from absence.
    #[error("{}", texts::NOT_FOUND)]
    RouteNotFound,

    /// The path exists but does not answer this method.
    #[error("The method {0} is not allowed for this resource.")]
    MethodNotAllowed(String),

    /// The request conflicts with the resource's current state.
    #[error("{0}")]
    Conflict(String),

    /// The request body is larger than `max_request_body_size`.
    #[error("Request is too large.")]
    BodyTooLarge,

    /// A quota would be exceeded: Cinder's 413 `overLimit`, whose text
    /// starts with the exception's class name (`GroupLimitExceeded: ...`).
    #[error("{0}")]
    OverLimit(String),

    /// A body whose content type the volume API does not read.
    #[error("Unsupported Content-Type")]
    UnsupportedMediaType,

    /// The database (or its pool) cannot be reached right now.
    #[error("{0}")]
    Unavailable(String),

    /// Anything unexpected: a bug, a panic, a failed query.
    #[error("{0}")]
    Internal(String),
}

/// The texts WebOb uses when Manila raises a bare HTTP error.
pub mod texts {
    pub const BAD_REQUEST: &str =
        "The server could not comply with the request since it is either malformed or otherwise incorrect.";
    pub const FORBIDDEN: &str = "Access was denied to this resource.";
    pub const NOT_FOUND: &str = "The resource could not be found.";
    pub const INTERNAL: &str = "The server has either erred or is incapable of performing the requested operation.";
}

impl From<diesel::result::Error> for Error {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error as Diesel};
        match err {
            Diesel::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                Error::Unavailable(format!("database connection lost: {}", info.message()))
            }
            other => Error::Internal(format!("database error: {other}")),
        }
    }
}

impl From<diesel::r2d2::PoolError> for Error {
    fn from(err: diesel::r2d2::PoolError) -> Self {
        Error::Unavailable(format!("database unavailable: {err}"))
    }
}

impl From<actix_web::error::BlockingError> for Error {
    fn from(_: actix_web::error::BlockingError) -> Self {
        Error::Internal("a database task panicked or was cancelled".into())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
