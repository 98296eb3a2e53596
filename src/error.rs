//! The one error type. Every variant maps to an HTTP status and a stable `code`.

use actix_web::{HttpResponse, ResponseError, http::StatusCode};
use serde_json::json;

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
            AppError::Unauthorized | AppError::SignInRequired => "unauthorized",
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

    /// The field a validation error is about, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { field, .. } | AppError::UnknownIds { field, .. } => Some(field),
            _ => None,
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::Invalid { .. } => StatusCode::BAD_REQUEST,
            AppError::UnknownIds { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::SignInRequired => StatusCode::SEE_OTHER,
            AppError::Forbidden(_) | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Locked(_) | AppError::Storage(_) | AppError::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::SignInRequired = self {
            return HttpResponse::SeeOther()
                .insert_header(("Location", "/admin/login"))
                .finish();
        }
        let status = self.status_code();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let mut error = json!({"code": self.code(), "message": self.to_string()});
        if let Some(field) = self.field() {
            error["field"] = json!(field);
        }
        let mut resp = HttpResponse::build(status).json(json!({ "error": error }));
        // Lets the HTML error middleware show browsers the same message as a page.
        resp.extensions_mut().insert(ErrorMessage(self.to_string()));
        resp
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

/// The message of an error response, kept for rendering it as HTML outside the API.
#[derive(Debug, Clone)]
pub struct ErrorMessage(pub String);

/// Result alias used across statusd.
pub type AppResult<T> = Result<T, AppError>;
