//! The stream and task DSLs of dataflow, compatible with Spring Cloud Data Flow (SCDF): the same
//! definitions parse to the same structure, and bad ones fail with SCDF's error codes at SCDF's
//! positions, rendered in SCDF's format. No IO, no async.
#![warn(missing_docs)]

pub mod error;
pub mod stream;
pub mod task;

pub use error::{DslError, DslMessage, ErrorStyle};
