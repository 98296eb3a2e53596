//! The one error type. Every variant has a stable `code`; `web::error` maps it to an HTTP status.

use serde::Serialize;

/// Errors that handlers, the store and the CLI return.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input failed validation; `field` names the offending field.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// Ids that do not exist, listed (422 because the request itself was well formed).
    #[error("{message}")]
    UnknownIds { field: String, message: String },
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// No credentials on an API route.
    #[error("authentication required: send Authorization: Bearer <token>")]
    Unauthorized,
    /// No session on an admin route: answered with a redirect to the sign-in form.
    #[error("sign-in required")]
    SignInRequired,
    /// No access to a customer page: answered with a redirect to this sign-in path.
    #[error("sign-in required")]
    PageSignInRequired(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("CSRF token missing or wrong; reload the form and try again")]
    Csrf,
    #[error("too many attempts; wait a minute and try again")]
    RateLimited,
    #[error("request body too large (limit {0} bytes)")]
    PayloadTooLarge(usize),
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The data file is held by another process.
    #[error("{0}")]
    Locked(String),
    #[error("{0}")]
    Storage(String),
    #[error("{0}")]
    Internal(String),
}

impl AppError {
    /// A validation error for one named field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: field.to_string(),
            message: message.into(),
        }
    }

    /// Stable machine-readable code used in JSON error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid { .. } => "invalid",
            AppError::UnknownIds { .. } => "unknown_ids",
            AppError::NotFound(_) => "not_found",
            AppError::Conflict(_) => "conflict",
            AppError::Unauthorized | AppError::SignInRequired | AppError::PageSignInRequired(_) => {
                "unauthorized"
            }
            AppError::Forbidden(_) => "forbidden",
            AppError::Csrf => "csrf",
            AppError::RateLimited => "rate_limited",
            AppError::PayloadTooLarge(_) => "payload_too_large",
            AppError::UnsupportedMediaType(_) => "unsupported_media_type",
            AppError::Locked(_) => "locked",
            AppError::Storage(_) => "storage",
            AppError::Internal(_) => "internal",
        }
    }

    /// The JSON body of this error's answer.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message: self.to_string(),
                field: self.field().map(str::to_string),
            },
        }
    }

    /// What a person reads beside the field: the message without the field's key.
    pub fn words(&self) -> String {
        match self {
            AppError::Invalid { message, .. } | AppError::UnknownIds { message, .. } => {
                message.clone()
            }
            other => other.to_string(),
        }
    }

    /// The field a validation error is about, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { field, .. } | AppError::UnknownIds { field, .. } => Some(field),
            _ => None,
        }
    }
}

impl From<redb::Error> for AppError {
    fn from(e: redb::Error) -> Self {
        AppError::Storage(format!("data file: {e}"))
    }
}

macro_rules! storage_from {
    ($($t:ty),*) => {$(
        impl From<$t> for AppError {
            fn from(e: $t) -> Self { AppError::from(redb::Error::from(e)) }
        }
    )*};
}
storage_from!(
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
    redb::SetDurabilityError
);

impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> Self {
        AppError::Internal(format!("background task failed: {e}"))
    }
}

/// Result alias used across statusd.
pub type AppResult<T> = Result<T, AppError>;

/// `{"error": {"code", "message", "field"?}}`: the body of every JSON error answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(example = json!({"error": {"code": "invalid", "message": "severity: unknown severity \"huge\"; expected none, minor, major or critical", "field": "severity"}}))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong, for programs (`code`) and for people (`message`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable: invalid, unknown_ids, not_found, conflict, unauthorized, forbidden,
    /// rate_limited, payload_too_large, unsupported_media_type, storage, internal.
    pub code: &'static str,
    /// Says what is wrong and what to do.
    pub message: String,
    /// The request field at fault (codes `invalid` and `unknown_ids`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}
