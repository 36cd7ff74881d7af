//! Services: the server's use cases, written against the store and the domain, free of HTTP.

pub mod cpu;
pub mod deployments;
pub mod platforms;
pub mod reconcile;
pub mod registry;
pub mod releases;
pub mod streams;

use dataflow_core::Code;

use crate::error::{AppError, AppResult};

/// Refuses DSL text longer than the parsers accept, naming the length and the limit (the
/// parsers' own error quotes the whole text, which is too much to send back or log).
pub fn check_dsl_length(text: &str) -> AppResult<()> {
    if dataflow_dsl::check_length(text).is_ok() {
        return Ok(());
    }
    Err(AppError::new(
        Code::DefinitionTooLong,
        format!(
            "The definition is {} characters long; the limit is {}",
            text.chars().count(),
            dataflow_dsl::MAX_DSL_CHARS
        ),
    ))
}
