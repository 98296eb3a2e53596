//! How an `AppError` answers over HTTP: a status per variant and a JSON error body.

use crate::error::AppError;
use actix_web::{HttpResponse, ResponseError, http::StatusCode};

/// The message of an error response, kept for rendering it as HTML outside the API.
#[derive(Debug, Clone)]
pub struct ErrorMessage(pub String);

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::Invalid { .. } => StatusCode::BAD_REQUEST,
            AppError::UnknownIds { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::SignInRequired | AppError::PageSignInRequired(_) => StatusCode::SEE_OTHER,
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
        if let AppError::PageSignInRequired(to) = self {
            return HttpResponse::SeeOther()
                .insert_header(("Location", to.as_str()))
                .finish();
        }
        let status = self.status_code();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let mut resp = HttpResponse::build(status).json(self.body());
        // Lets the HTML error middleware show browsers the same message as a page.
        resp.extensions_mut().insert(ErrorMessage(self.to_string()));
        resp
    }
}
