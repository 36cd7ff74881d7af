//! The one place where errors become HTTP responses: the status comes from the code's class,
//! the body is SCDF's `VndErrors`. 5xx bodies are generic; the full error is logged here.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dataflow_api::error::VndErrors;
use dataflow_core::{Code, ErrorClass};

use crate::error::AppError;

/// An error on its way to the client.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        Self(e.into())
    }
}

impl ApiError {
    /// A domain error with `code` and `message`.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self(AppError::new(code, message))
    }
}

/// The HTTP status of an error class.
pub fn status_of(class: ErrorClass) -> StatusCode {
    match class {
        ErrorClass::InvalidRequest => StatusCode::BAD_REQUEST,
        ErrorClass::NotFound => StatusCode::NOT_FOUND,
        ErrorClass::Conflict => StatusCode::CONFLICT,
        ErrorClass::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorClass::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorClass::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        ErrorClass::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorClass::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = self.0.code();
        let status = status_of(code.class());
        // Messages may quote what the client sent (a list line, a URI): secrets in it are
        // masked before the message reaches the log.
        let (logged, _) = dataflow_core::sanitize::mask_assignments(&self.0.to_string());
        if status.is_server_error() {
            tracing::error!(error = %logged, ?code, "Request failed.");
        } else {
            tracing::debug!(error = %logged, ?code, "Request refused.");
        }
        let body = VndErrors::single(code.logref(), self.0.public_message());
        (status, hal_json(), Json(body)).into_response()
    }
}

/// `Content-Type: application/hal+json`, as SCDF answers.
pub fn hal_json() -> [(axum::http::HeaderName, &'static str); 1] {
    [(axum::http::header::CONTENT_TYPE, "application/hal+json")]
}
