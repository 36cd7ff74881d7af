//! Rendering: from an app's [`Context`](super::context::Context) (its request and settings) to
//! k8s-openapi objects, with no IO.
//!
//! The pod spec ([`pod_spec`](pod::pod_spec), with the containers it holds: the app's own
//! container with its probes and resources, the init and additional containers) is shared by
//! every object that runs the app's pods: today a stream app's Deployment or StatefulSet
//! (`workload`), next a task's Pod, Job and CronJob. What differs between those objects is
//! passed in [`PodOptions`](pod::PodOptions): the restart policies their controller accepts and
//! what they add to the pod. Labels and selectors (`metadata`) and the app's Service
//! (`service`) complete a stream app's objects.

mod container;
mod init;
mod metadata;
mod pod;
mod probes;
mod resources;
mod service;
mod workload;

pub(crate) use container::{GUID_ENV, main_container};
pub(crate) use metadata::{
    APP_ID, APPLICATION_NAME, COMPONENT, DEPLOYMENT_ID, GROUP_ID, Labels, MANAGED_BY,
    MANAGED_BY_VALUE, PART_OF, RELEASE_VERSION, is_reserved_label,
};
pub(crate) use probes::probes;
pub(crate) use service::service;
pub(crate) use workload::workload;
