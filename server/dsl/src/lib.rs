//! The stream and task DSLs of dataflow, compatible with Spring Cloud Data Flow (SCDF): the same
//! definitions parse to the same structure, and bad ones fail with SCDF's error codes at SCDF's
//! positions, rendered in SCDF's format. No IO, no async.
//!
//! Unlike SCDF, a parse refuses a definition longer than [`MAX_DSL_CHARS`] characters, with
//! error 180 (ours, not in SCDF's table), and a validation reports at most [`MAX_ERRORS`]
//! problems; see [`limits`].
#![warn(missing_docs)]

pub mod error;
mod java_ident;
pub mod limits;
mod span;
pub mod stream;
pub mod task;

pub use error::{DslError, DslMessage, ErrorStyle};
pub use limits::{MAX_DSL_CHARS, MAX_ERRORS, MAX_GRAPH_SIZE, check_length};
pub use span::Span;

/// The proptest settings of both DSLs' property tests: `PROPTEST_CASES` cases (2000 by default)
/// and no failure files written into the source tree.
#[cfg(test)]
pub(crate) fn proptest_config() -> proptest::prelude::ProptestConfig {
    #[expect(
        clippy::disallowed_methods,
        reason = "proptest reads PROPTEST_CASES itself; only the default differs here"
    )]
    let from_env = std::env::var("PROPTEST_CASES").ok();
    proptest::prelude::ProptestConfig {
        cases: from_env.and_then(|v| v.parse().ok()).unwrap_or(2000),
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    }
}
