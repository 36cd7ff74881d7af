//! Platforms that run dataflow's apps. Today: rendering stream apps as Kubernetes objects
//! ([`kubernetes`]).
#![warn(missing_docs)]

mod error;
pub mod kubernetes;
pub mod platform;

pub use error::{Error, Result};
pub use platform::{
    AppDeployer, AppStatus, DeleteScope, InstanceStatus, StreamRelease, StreamStatus, app_state,
};
