//! Platforms that run dataflow's apps: what the server needs from one ([`AppDeployer`], in
//! [`platform`], free of any platform's types) and the Kubernetes platform ([`kubernetes`]:
//! rendering stream apps as objects, and [`kubernetes::KubernetesDeployer`], which applies,
//! deletes and watches them).
#![warn(missing_docs)]

mod error;
pub mod kubernetes;
pub mod platform;

pub use error::{Error, Result};
pub use platform::{
    AppDeployer, AppStatus, DeleteScope, InstanceStatus, StreamRelease, StreamStatus, UNVERSIONED,
    app_state,
};
