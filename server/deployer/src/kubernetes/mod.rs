//! Rendering stream apps as Kubernetes objects, the way Spring Cloud Data Flow's Kubernetes
//! deployer does: a Service, then a Deployment (or, for indexed apps, a StatefulSet).
//!
//! Rendering is pure: [`render_app`] turns an [`AppDeploymentRequest`] and the
//! [`KubernetesPlatform`]'s server settings into k8s-openapi objects, with no IO. The only
//! outside data it may need, a probe credentials Secret, comes through [`SecretSource`].
//!
//! The request's typed fields decide the names (group, app name), the replicas (instances)
//! and the workload kind (indexed apps run as StatefulSets); its deployment properties carry
//! the per-app `spring.cloud.deployer.kubernetes.*` settings, parsed here.
//!
//! Properties follow SCDF's deployer property table (keys, formats, defaults and the way
//! per-app values override, merge with or add to server values). Where SCDF silently ignores
//! a bad or unknown property, we return an [`Error`](crate::Error) naming it.
//!
//! ```
//! use std::collections::BTreeMap;
//! use dataflow_core::app::AppType;
//! use dataflow_core::deployment::AppDeploymentRequest;
//! use dataflow_deployer::kubernetes::{KubernetesPlatform, NoSecrets, render_app};
//!
//! let request = AppDeploymentRequest {
//!     stream: "ticktock".to_owned(),
//!     label: "log".to_owned(),
//!     registered_name: "log".to_owned(),
//!     app_type: AppType::Sink,
//!     definition_name: "log-v1".to_owned(),
//!     resource: "docker:springcloudstream/log-sink-kafka:5.0.0".to_owned(),
//!     version: "5.0.0".to_owned(),
//!     group: Some("ticktock".to_owned()),
//!     app_name: Some("log".to_owned()),
//!     instances: 2,
//!     indexed: false,
//!     app_properties: BTreeMap::new(),
//!     deployment_properties: BTreeMap::from([(
//!         "spring.cloud.deployer.kubernetes.limits.cpu".to_owned(),
//!         "500m".to_owned(),
//!     )]),
//!     command_line_args: Vec::new(),
//! };
//! let platform = KubernetesPlatform::from_properties(&BTreeMap::from([
//!     ("namespace".to_owned(), "streams".to_owned()),
//!     ("limits.memory".to_owned(), "1Gi".to_owned()),
//! ]))?;
//! let objects = render_app(&request, &platform, &NoSecrets)?;
//! assert_eq!(objects.workload.name(), "ticktock-log-v1");
//! let yaml = objects.to_yaml()?;
//! assert!(yaml.contains("namespace: streams") && yaml.contains("replicas: 2"));
//! # Ok::<(), dataflow_deployer::Error>(())
//! ```
//!
//! Module map: `settings` (how a property is declared, and the parsed values), `properties`
//! (the declarations), `keys` (the catalogue of keys, relaxed names), `formats` and
//! `structured` (value parsing), `platform` (server settings), `context` (one app's inputs
//! and names), `names` (naming rules), `render` (the objects: the pod spec every workload
//! shares, labels, the Service, the Deployment or StatefulSet), `mask` (hiding secrets in
//! rendered objects) and `yaml` (output).

mod context;
mod deployer;
mod formats;
mod keys;
mod mask;
mod names;
mod platform;
mod properties;
mod render;
mod settings;
mod status;
mod structured;
mod yaml;

use std::collections::BTreeMap;

use dataflow_core::deployment::AppDeploymentRequest;
use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::Service;

pub use deployer::{
    ApiRequestLabels, FIELD_MANAGER, KubernetesDeployer, KubernetesMetrics, MAX_LOG_BYTES_PER_POD,
    SharedSecrets,
};
pub use mask::mask_objects;
pub use names::check_stream_names;
pub use platform::KubernetesPlatform;

use crate::Result;

/// Where the renderer reads the one Secret value it may need: the `credentials` of the Secret
/// named by `probeCredentialsSecret`, used as the probes' HTTP Basic credentials.
pub trait SecretSource {
    /// The value of the `credentials` key of the Secret's `data`, as stored (base64, which is
    /// what the `Authorization: Basic` header expects), or `None` if the Secret does not exist,
    /// has no such key, or cannot be read.
    fn probe_credentials(&self, secret_name: &str) -> Option<String>;
}

/// A [`SecretSource`] that has no Secrets: apps using `probeCredentialsSecret` fail to render
/// with an error naming the property.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSecrets;

impl SecretSource for NoSecrets {
    fn probe_credentials(&self, _secret_name: &str) -> Option<String> {
        None
    }
}

/// Fixed Secrets, by name: each value is the Secret's `credentials` value.
impl SecretSource for BTreeMap<String, String> {
    fn probe_credentials(&self, secret_name: &str) -> Option<String> {
        self.get(secret_name).cloned()
    }
}

/// The objects of one app: its Service and its workload.
#[derive(Debug, Clone, PartialEq)]
pub struct AppObjects {
    /// The app's Service, created first.
    pub service: Service,
    /// The app's Deployment or StatefulSet.
    pub workload: Workload,
}

/// How an app runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Workload {
    /// Apps without an instance index.
    Deployment(Deployment),
    /// Indexed apps ([`AppDeploymentRequest::indexed`]): each pod knows its index.
    StatefulSet(StatefulSet),
}

impl Workload {
    /// The workload's name (SCDF's deployment id, e.g. `mystream-log-v1`).
    pub fn name(&self) -> &str {
        let metadata = match self {
            Self::Deployment(deployment) => &deployment.metadata,
            Self::StatefulSet(stateful_set) => &stateful_set.metadata,
        };
        metadata.name.as_deref().unwrap_or_default()
    }
}

impl AppObjects {
    /// Multi-document YAML: the Service, then the workload, each starting with `---`.
    ///
    /// # Errors
    ///
    /// [`crate::Error::Serialize`] if an object cannot be serialized (not expected).
    pub fn to_yaml(&self) -> Result<String> {
        let mut out = yaml::document(&self.service)?;
        out.push_str(&match &self.workload {
            Workload::Deployment(deployment) => yaml::document(deployment)?,
            Workload::StatefulSet(stateful_set) => yaml::document(stateful_set)?,
        });
        Ok(out)
    }
}

/// The objects of several apps (e.g. a whole stream) as one multi-document YAML text.
///
/// # Errors
///
/// As [`AppObjects::to_yaml`].
pub fn to_multi_doc_yaml(apps: &[AppObjects]) -> Result<String> {
    apps.iter().map(AppObjects::to_yaml).collect()
}

/// Renders one stream app: its Service and its Deployment or StatefulSet.
///
/// # Errors
///
/// [`crate::Error`] naming the property at fault when a per-app property is unknown or
/// invalid, when properties conflict, when a required property is missing (TCP probe ports,
/// COMMAND probe commands), when a derived name breaks Kubernetes' rules, when the resource is
/// not a `docker:` image, or when the probe credentials Secret cannot be read.
pub fn render_app(
    request: &AppDeploymentRequest,
    platform: &KubernetesPlatform,
    secrets: &dyn SecretSource,
) -> Result<AppObjects> {
    let context = context::Context::new(request, &platform.settings, secrets)?;
    let labels = render::Labels::new(&context)?;
    let probes = render::probes(&context)?;
    let main = render::main_container(&context, &probes)?;
    let service = render::service(&context, &labels)?;
    let workload = render::workload(&context, &labels, main)?;
    Ok(AppObjects { service, workload })
}
