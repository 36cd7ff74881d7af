//! The error type of the server's services: any crate's error that knows its stable code
//! ([`ErrorCode`]). The HTTP edge (`http::error`) turns it into a response.

use std::fmt;

use dataflow_core::{Code, ErrorClass, ErrorCode};

/// Why a service call failed.
pub struct AppError(Box<dyn ErrorCode>);

impl<E: ErrorCode> From<E> for AppError {
    fn from(error: E) -> Self {
        Self(Box::new(error))
    }
}

impl fmt::Debug for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for AppError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl AppError {
    /// A domain error with `code` and `message`.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        dataflow_core::Error::new(code, message).into()
    }

    /// The stable code.
    pub fn code(&self) -> Code {
        self.0.code()
    }

    /// The message a user may see; internal failures get a generic one (the details are logged).
    pub fn public_message(&self) -> String {
        match self.code().class() {
            ErrorClass::Internal => {
                "The server failed to handle this request; the details are in its log.".to_owned()
            }
            ErrorClass::Unavailable if self.code() == Code::StoreUnavailable => {
                "The database is not reachable right now; try again later.".to_owned()
            }
            ErrorClass::Unavailable => {
                "The deployment platform cannot answer right now; try again later.".to_owned()
            }
            _ => self.0.public_message(),
        }
    }
}

/// The result type of services.
pub type AppResult<T> = Result<T, AppError>;
