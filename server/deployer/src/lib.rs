//! Platforms that run dataflow's apps. Today: rendering stream apps as Kubernetes objects
//! ([`kubernetes`]).
#![warn(missing_docs)]

mod error;
pub mod kubernetes;

pub use error::{Error, Result};
