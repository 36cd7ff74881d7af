//! The error type of the server's services: a domain error with a stable code, a store error,
//! or something unexpected. The HTTP edge (`http::error`) turns it into a response.

use dataflow_core::{Code, ErrorClass};

/// Why a service call failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A rule of the domain was broken; the message is for the user.
    #[error(transparent)]
    Domain(#[from] dataflow_core::Error),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] dataflow_store::Error),
}

impl AppError {
    /// A domain error with `code` and `message`.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self::Domain(dataflow_core::Error::new(code, message))
    }

    /// The stable code.
    pub fn code(&self) -> Code {
        match self {
            Self::Domain(e) => e.code(),
            Self::Store(e) => e.code(),
        }
    }

    /// The message a user may see; internal failures get a generic one (the details are logged).
    pub fn public_message(&self) -> String {
        match (self.code().class(), self) {
            (ErrorClass::Internal, _) => {
                "The server failed to handle this request; the details are in its log.".to_owned()
            }
            (ErrorClass::Unavailable, _) => {
                "The database is not reachable right now; try again later.".to_owned()
            }
            (_, Self::Domain(e)) => e.message().to_owned(),
            (_, Self::Store(e)) => e.to_string(),
        }
    }
}

/// The result type of services.
pub type AppResult<T> = Result<T, AppError>;
