//! The domain of the dataflow control plane, free of IO: app types and names, artifact URIs,
//! the bulk registration format, paging, streams and their deployment requests, releases (the
//! desired state of deployed streams), the character and length rules of text fields, and the
//! stable error codes every layer maps from.
#![warn(missing_docs)]

pub mod app;
pub mod bulk;
pub mod completion;
pub mod deployment;
pub mod error;
pub mod page;
pub mod planning;
pub mod release;
pub mod sanitize;
pub mod status;
pub mod stream;
pub mod stream_definition;
pub mod text;
pub mod uri;

pub use error::{Code, Error, ErrorClass, ErrorCode, Result};
