//! [`KubernetesDeployer`]: the [`AppDeployer`] of a Kubernetes namespace.
//!
//! * Apply: each app is rendered ([`render_app`]) and its Service, then its Deployment or
//!   StatefulSet, are server-side applied with the field manager `dataflow-server`, stamped
//!   with the release version. An existing object of the same name without our managed-by
//!   label is an error and is left alone. Conflicts with other field managers are forced: these
//!   objects are ours and the release is their truth (e.g. a `kubectl scale` is undone).
//! * Delete: by label selector, always `managed-by=dataflow` and `part-of=<stream>`, so only
//!   our objects are ever listed or deleted.
//! * Status: from reflectors (watch caches) over our Deployments, StatefulSets and Pods, each
//!   watch selecting by the managed-by label; no API call per request.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::{self, Debug};
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use dataflow_core::deployment::AppDeploymentRequest;
use futures::{FutureExt, StreamExt};
use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod, Service};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::{
    DeleteParams, ListParams, LogParams, PartialObjectMeta, Patch, PatchParams, PropagationPolicy,
};
use kube::client::ClientBuilder;
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::runtime::reflector::{self, ObjectRef, Store};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, Client, Config, Resource, ResourceExt};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::registry::Registry;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::task::JoinHandle;

use super::render::{
    APP_ID, APPLICATION_NAME, COMPONENT, MANAGED_BY, MANAGED_BY_VALUE, PART_OF, RELEASE_VERSION,
};
use super::status::{instance_attributes, instance_state};
use super::{AppObjects, KubernetesPlatform, NoSecrets, SecretSource, Workload, render_app};
use crate::platform::{
    AppDeployer, AppStatus, DeleteScope, InstanceStatus, StreamRelease, StreamStatus, UNVERSIONED,
};
use crate::{Error, Result};

/// The field manager of every apply.
pub const FIELD_MANAGER: &str = "dataflow-server";

/// Our managed-by selector: every watch and every delete starts from it.
fn managed_selector() -> String {
    format!("{MANAGED_BY}={MANAGED_BY_VALUE}")
}

/// Our objects of one stream.
fn stream_selector(stream: &str) -> String {
    format!("{},{PART_OF}={stream}", managed_selector())
}

/// A [`SecretSource`] the deployer can share between tasks.
pub type SharedSecrets = Arc<dyn SecretSource + Send + Sync>;

/// The most bytes of one pod's log that [`AppDeployer::logs`] returns (the end of the log).
pub const MAX_LOG_BYTES_PER_POD: i64 = 1024 * 1024;

/// The labels of [`KubernetesMetrics::api_requests`].
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ApiRequestLabels {
    /// The HTTP method (`GET`, `PATCH`, `DELETE`, ...).
    pub method: String,
}

/// What the deployer's Kubernetes client does, for Prometheus.
#[derive(Debug, Clone, Default)]
pub struct KubernetesMetrics {
    /// Requests sent to the Kubernetes API (watches count once, when they start), by method.
    pub api_requests: Family<ApiRequestLabels, Counter>,
}

impl KubernetesMetrics {
    /// Registers the metrics in `registry` (as `kubernetes_api_requests_total` under the
    /// registry's prefix).
    pub fn register(&self, registry: &mut Registry) {
        registry.register(
            "kubernetes_api_requests",
            "Requests the server sent to the Kubernetes API, by HTTP method",
            self.api_requests.clone(),
        );
    }

    /// The requests counted so far, all methods together.
    pub fn total_api_requests(&self) -> u64 {
        ["GET", "POST", "PUT", "PATCH", "DELETE"]
            .into_iter()
            .map(|method| {
                self.api_requests
                    .get_or_create(&ApiRequestLabels {
                        method: method.to_owned(),
                    })
                    .get()
            })
            .sum()
    }
}

/// Which kind an applied object is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AppliedKind {
    Service,
    Deployment,
    StatefulSet,
}

/// One object as the API server returned it from our apply.
#[derive(Debug)]
struct AppliedObject {
    kind: AppliedKind,
    name: String,
    generation: Option<i64>,
}

/// What this process last applied for a stream: the release (as a fingerprint) and its
/// objects, to tell from the watch caches whether anything changed since.
#[derive(Debug)]
struct Applied {
    version: u32,
    fingerprint: u64,
    objects: Vec<AppliedObject>,
}

/// A hash of everything a release asks the platform for. Not cryptographic: it only tells
/// whether the release changed since it was applied by this process.
fn fingerprint(release: &StreamRelease) -> u64 {
    let mut hasher = DefaultHasher::new();
    release.hash(&mut hasher);
    hasher.finish()
}

/// Runs stream apps in one Kubernetes namespace. See the module documentation.
///
/// Its watches run as tasks on the Tokio runtime it is created on; they stop when it is
/// dropped.
pub struct KubernetesDeployer {
    client: Client,
    namespace: String,
    platform: KubernetesPlatform,
    secrets: SharedSecrets,
    deployments: Store<PartialObjectMeta<Deployment>>,
    stateful_sets: Store<PartialObjectMeta<StatefulSet>>,
    pods: Store<Pod>,
    services: Store<PartialObjectMeta<Service>>,
    watches: Vec<JoinHandle<()>>,
    applied: Mutex<HashMap<String, Applied>>,
    metrics: KubernetesMetrics,
    cluster_url: Option<String>,
    epoch: Arc<AtomicU64>,
    index: Mutex<Option<Arc<Index>>>,
}

impl Debug for KubernetesDeployer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KubernetesDeployer")
            .field("namespace", &self.namespace)
            .field("platform", &self.platform)
            .finish_non_exhaustive()
    }
}

impl Drop for KubernetesDeployer {
    fn drop(&mut self) {
        for watch in &self.watches {
            watch.abort();
        }
    }
}

/// Starts a reflector over our objects of kind `K` in `api`, feeding the returned store. Each
/// object is cut down by `keep_only` before it is cached (the caches hold only what status and
/// drift read), and every change counts one more in `epoch`.
fn reflect<K>(
    api: Api<K>,
    keep_only: fn(&mut K),
    epoch: Arc<AtomicU64>,
) -> (Store<K>, JoinHandle<()>)
where
    K: Resource<DynamicType = ()> + Clone + Debug + DeserializeOwned + Send + Sync + 'static,
{
    let (reader, writer) = reflector::store();
    let config = watcher::Config::default().labels(&managed_selector());
    let stream = watcher(api, config)
        .default_backoff()
        .modify(move |object| {
            // Managed fields are large and never read here.
            object.managed_fields_mut().clear();
            keep_only(object);
        })
        .reflect(writer)
        .for_each(move |event| {
            match event {
                Ok(_) => {
                    epoch.fetch_add(1, Ordering::Release);
                }
                Err(error) => {
                    tracing::warn!(%error, kind = %K::kind(&()), "watch failed; retrying");
                }
            }
            futures::future::ready(())
        });
    (reader, tokio::spawn(stream))
}

/// Metadata-only watches (workloads, Services) keep what they get.
fn keep_metadata<K>(_: &mut PartialObjectMeta<K>) {}

/// What instance status reads of a pod: its metadata, status, and each container's name,
/// liveness probe and whether it is the app's (by the GUID variable, its value dropped).
/// Arguments and environment values, which may hold secrets, are not kept.
fn pod_status_fields_only(pod: &mut Pod) {
    if let Some(spec) = pod.spec.take() {
        let containers = spec
            .containers
            .into_iter()
            .map(|container| k8s_openapi::api::core::v1::Container {
                env: container.env.map(|env| {
                    env.into_iter()
                        .filter(|var| var.name == super::render::GUID_ENV)
                        .map(|var| k8s_openapi::api::core::v1::EnvVar {
                            name: var.name,
                            ..Default::default()
                        })
                        .collect()
                }),
                liveness_probe: container.liveness_probe,
                name: container.name,
                ..Default::default()
            })
            .collect();
        pod.spec = Some(k8s_openapi::api::core::v1::PodSpec {
            containers,
            ..Default::default()
        });
    }
    pod.metadata.annotations = None;
    if let Some(status) = pod.status.as_mut() {
        status.conditions = None;
    }
}

/// A Deployment or StatefulSet of ours, as cached.
#[derive(Debug, Clone)]
enum CachedWorkload {
    Deployment(Arc<PartialObjectMeta<Deployment>>),
    StatefulSet(Arc<PartialObjectMeta<StatefulSet>>),
}

impl CachedWorkload {
    fn metadata(&self) -> &ObjectMeta {
        match self {
            Self::Deployment(d) => &d.metadata,
            Self::StatefulSet(s) => &s.metadata,
        }
    }
}

/// The caches indexed by stream and by app, rebuilt when a watch saw a change since: status
/// requests then cost the size of their stream, not of the namespace.
#[derive(Debug, Default)]
struct Index {
    epoch: u64,
    workloads: HashMap<String, Vec<CachedWorkload>>,
    pods: HashMap<String, Vec<Arc<Pod>>>,
}

impl KubernetesDeployer {
    /// A deployer for the platform's namespace (or, without one, the client's default
    /// namespace), watching it at once. Must be called within a Tokio runtime.
    pub fn new(client: Client, platform: KubernetesPlatform) -> Self {
        Self::with_metrics(client, platform, KubernetesMetrics::default())
    }

    fn with_metrics(
        client: Client,
        platform: KubernetesPlatform,
        metrics: KubernetesMetrics,
    ) -> Self {
        let namespace = platform
            .namespace()
            .unwrap_or_else(|| client.default_namespace())
            .to_owned();
        let epoch = Arc::new(AtomicU64::new(0));
        // Only the metadata of workloads: status and drift read nothing else of them.
        let (deployments, deployments_watch) = reflect(
            Api::<PartialObjectMeta<Deployment>>::namespaced(client.clone(), &namespace),
            keep_metadata,
            epoch.clone(),
        );
        let (stateful_sets, stateful_sets_watch) = reflect(
            Api::<PartialObjectMeta<StatefulSet>>::namespaced(client.clone(), &namespace),
            keep_metadata,
            epoch.clone(),
        );
        let (pods, pods_watch) = reflect(
            Api::<Pod>::namespaced(client.clone(), &namespace),
            pod_status_fields_only,
            epoch.clone(),
        );
        // Only the metadata of Services: whether they exist and whose they are.
        let (services, services_watch) = reflect(
            Api::<PartialObjectMeta<Service>>::namespaced(client.clone(), &namespace),
            keep_metadata,
            epoch.clone(),
        );
        Self {
            client,
            namespace,
            platform,
            secrets: Arc::new(NoSecrets),
            deployments,
            stateful_sets,
            pods,
            services,
            watches: vec![
                deployments_watch,
                stateful_sets_watch,
                pods_watch,
                services_watch,
            ],
            applied: Mutex::new(HashMap::new()),
            metrics,
            cluster_url: None,
            epoch,
            index: Mutex::new(None),
        }
    }

    /// A deployer for the cluster and namespace of a kubeconfig file (its current context).
    ///
    /// # Errors
    ///
    /// [`Error::KubeConfig`] when the file cannot be read or used.
    pub async fn from_kubeconfig(path: &Path, platform: KubernetesPlatform) -> Result<Self> {
        let shown = path.display();
        let kubeconfig = Kubeconfig::read_from(path).map_err(|e| Error::KubeConfig {
            message: format!("cannot read the kubeconfig {shown}: {e}"),
        })?;
        let config = Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
            .await
            .map_err(|e| Error::KubeConfig {
                message: format!("unusable kubeconfig {shown}: {e}"),
            })?;
        Self::from_config(config, platform)
    }

    /// A deployer from the environment: the in-cluster service account when running in a pod,
    /// else the local kubeconfig (`KUBECONFIG`, `~/.kube/config`).
    ///
    /// # Errors
    ///
    /// [`Error::KubeConfig`] when neither is usable.
    pub async fn infer(platform: KubernetesPlatform) -> Result<Self> {
        let config = Config::infer().await.map_err(|e| Error::KubeConfig {
            message: e.to_string(),
        })?;
        Self::from_config(config, platform)
    }

    /// A deployer whose client counts its requests in [`KubernetesDeployer::metrics`].
    fn from_config(config: Config, platform: KubernetesPlatform) -> Result<Self> {
        let metrics = KubernetesMetrics::default();
        let counted = metrics.api_requests.clone();
        let count =
            tower::util::MapRequestLayer::new(move |request: http::Request<kube::client::Body>| {
                counted
                    .get_or_create(&ApiRequestLabels {
                        method: request.method().as_str().to_owned(),
                    })
                    .inc();
                request
            });
        let cluster_url = config.cluster_url.to_string();
        let client = ClientBuilder::try_from(config)
            .map_err(|e| Error::KubeConfig {
                message: e.to_string(),
            })?
            .with_layer(&count)
            .build();
        let mut deployer = Self::with_metrics(client, platform, metrics);
        deployer.cluster_url = Some(cluster_url);
        Ok(deployer)
    }

    /// The client's metrics (requests are counted only for deployers made from a kubeconfig
    /// or the environment, whose client this crate builds).
    pub fn metrics(&self) -> &KubernetesMetrics {
        &self.metrics
    }

    /// Where the renderer reads probe credentials Secrets (none by default).
    #[must_use]
    pub fn with_secrets(mut self, secrets: SharedSecrets) -> Self {
        self.secrets = secrets;
        self
    }

    /// The API server's URL, when the deployer was made from a kubeconfig or the environment.
    pub fn cluster_url(&self) -> Option<&str> {
        self.cluster_url.as_deref()
    }

    /// The namespace the deployer works in.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// Waits until every watch cache has loaded (the first full list).
    ///
    /// # Errors
    ///
    /// [`Error::NotSynced`] if a watch stopped before that.
    pub async fn wait_until_synced(&self) -> Result<()> {
        let (deployments, stateful_sets, pods, services) = tokio::join!(
            self.deployments.wait_until_ready(),
            self.stateful_sets.wait_until_ready(),
            self.pods.wait_until_ready(),
            self.services.wait_until_ready(),
        );
        deployments
            .and(stateful_sets)
            .and(pods)
            .and(services)
            .map_err(|_| Error::NotSynced)
    }

    fn is_synced(&self) -> bool {
        let ready = |future: Option<Result<(), _>>| matches!(future, Some(Ok(())));
        ready(self.deployments.wait_until_ready().now_or_never())
            && ready(self.stateful_sets.wait_until_ready().now_or_never())
            && ready(self.pods.wait_until_ready().now_or_never())
            && ready(self.services.wait_until_ready().now_or_never())
    }

    fn check_synced(&self) -> Result<()> {
        if self.is_synced() {
            Ok(())
        } else {
            Err(Error::NotSynced)
        }
    }

    fn reference<K: Resource<DynamicType = ()>>(&self, name: &str) -> ObjectRef<K> {
        ObjectRef::new(name).within(&self.namespace)
    }

    /// Whether an object we applied is missing from the caches, carries another release, or
    /// was changed by someone else since (a higher generation than our apply returned).
    fn object_drifted(&self, object: &AppliedObject, version: u32) -> bool {
        let current = |metadata: &ObjectMeta| {
            let labelled = release_of(metadata) == Some(version);
            let unchanged = match (metadata.generation, object.generation) {
                (Some(now), Some(applied)) => now <= applied,
                _ => true,
            };
            labelled && unchanged
        };
        let fine = match object.kind {
            AppliedKind::Service => self
                .services
                .get(&self.reference(&object.name))
                .is_some_and(|s| release_of(&s.metadata) == Some(version)),
            AppliedKind::Deployment => self
                .deployments
                .get(&self.reference(&object.name))
                .is_some_and(|d| current(&d.metadata)),
            AppliedKind::StatefulSet => self
                .stateful_sets
                .get(&self.reference(&object.name))
                .is_some_and(|s| current(&s.metadata)),
        };
        !fine
    }

    /// The caches by stream and by app, as of the last change the watches saw.
    fn index(&self) -> Arc<Index> {
        let epoch = self.epoch.load(Ordering::Acquire);
        if let Some(index) = self
            .index
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            && index.epoch == epoch
        {
            return index.clone();
        }
        let mut built = Index {
            epoch,
            ..Index::default()
        };
        let workloads = self
            .deployments
            .state()
            .into_iter()
            .map(CachedWorkload::Deployment)
            .chain(
                self.stateful_sets
                    .state()
                    .into_iter()
                    .map(CachedWorkload::StatefulSet),
            );
        for workload in workloads {
            if let Some(stream) = stream_of(workload.metadata()) {
                built
                    .workloads
                    .entry(stream.to_owned())
                    .or_default()
                    .push(workload);
            }
        }
        for pod in self.pods.state() {
            if let Some(app) = pod.labels().get(APP_ID) {
                built.pods.entry(app.clone()).or_default().push(pod);
            }
        }
        let built = Arc::new(built);
        *self.index.lock().unwrap_or_else(PoisonError::into_inner) = Some(built.clone());
        built
    }

    fn remember(&self, stream: &str, applied: Applied) {
        self.applied
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(stream.to_owned(), applied);
    }

    fn forget(&self, stream: &str) {
        self.applied
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(stream);
    }

    fn api<K>(&self) -> Api<K>
    where
        K: Resource<Scope = NamespaceResourceScope, DynamicType = ()>,
    {
        Api::namespaced(self.client.clone(), &self.namespace)
    }

    /// Fails with [`Error::NotOurs`] if an object of this kind and name exists without our
    /// managed-by label.
    async fn check_ours<K>(&self, name: &str) -> Result<()>
    where
        K: Resource<Scope = NamespaceResourceScope, DynamicType = ()>
            + Clone
            + Debug
            + DeserializeOwned,
    {
        let kind = kind_of::<K>();
        let existing = self
            .api::<K>()
            .get_metadata_opt(name)
            .await
            .map_err(|e| Error::Kube {
                action: format!("read {kind} `{name}` in `{}`", self.namespace),
                source: Box::new(e),
            })?;
        match existing {
            Some(existing) if !is_ours(&existing.metadata) => Err(Error::NotOurs {
                kind,
                name: name.to_owned(),
                namespace: self.namespace.clone(),
            }),
            _ => Ok(()),
        }
    }

    /// Server-side applies one object, stamped with the release version; returns the
    /// object's generation as the API server stored it.
    async fn apply_object<K>(&self, mut object: K, version: u32) -> Result<Option<i64>>
    where
        K: Resource<Scope = NamespaceResourceScope, DynamicType = ()>
            + Clone
            + Debug
            + Serialize
            + DeserializeOwned,
    {
        let kind = kind_of::<K>();
        let name = object.name_any();
        object
            .meta_mut()
            .labels
            .get_or_insert_with(BTreeMap::new)
            .insert(RELEASE_VERSION.to_owned(), version.to_string());
        object.meta_mut().namespace = Some(self.namespace.clone());
        let params = PatchParams::apply(FIELD_MANAGER).force();
        let stored = self
            .api::<K>()
            .patch(&name, &params, &Patch::Apply(&object))
            .await
            .map_err(|e| Error::Kube {
                action: format!("apply {kind} `{name}` in `{}`", self.namespace),
                source: Box::new(e),
            })?;
        Ok(stored.meta().generation)
    }

    /// Deletes our objects of kind `K` matching `selector` (listed by that selector only).
    async fn delete_matching<K>(&self, selector: &str) -> Result<()>
    where
        K: Resource<Scope = NamespaceResourceScope, DynamicType = ()>
            + Clone
            + Debug
            + DeserializeOwned,
    {
        let api = self.api::<K>();
        let kind = kind_of::<K>();
        let names = self.names::<K>(selector).await?;
        let params = DeleteParams {
            propagation_policy: Some(PropagationPolicy::Background),
            ..DeleteParams::default()
        };
        for name in names {
            match api.delete(&name, &params).await {
                Ok(_) => tracing::debug!(%kind, %name, "deleted"),
                // Gone already (e.g. collected with its owner): that is what we wanted.
                Err(kube::Error::Api(status)) if status.code == 404 => {}
                Err(e) => {
                    return Err(Error::Kube {
                        action: format!("delete {kind} `{name}` in `{}`", self.namespace),
                        source: Box::new(e),
                    });
                }
            }
        }
        Ok(())
    }

    /// The names of our Deployments and StatefulSets matching `selector`, asked of the API
    /// (not the caches, which may lag just after an apply).
    async fn workload_names(&self, selector: &str) -> Result<Vec<String>> {
        let mut names = self.names::<Deployment>(selector).await?;
        names.extend(self.names::<StatefulSet>(selector).await?);
        Ok(names)
    }

    /// The names of our objects of kind `K` matching `selector`.
    async fn names<K>(&self, selector: &str) -> Result<Vec<String>>
    where
        K: Resource<Scope = NamespaceResourceScope, DynamicType = ()>
            + Clone
            + Debug
            + DeserializeOwned,
    {
        let listed = self
            .api::<K>()
            .list_metadata(&ListParams::default().labels(selector))
            .await
            .map_err(|e| Error::Kube {
                action: format!(
                    "list {}s `{selector}` in `{}`",
                    kind_of::<K>(),
                    self.namespace
                ),
                source: Box::new(e),
            })?;
        Ok(listed.items.iter().map(ResourceExt::name_any).collect())
    }

    fn app_status(&self, index: &Index, workload: &ObjectMeta, stream: &str) -> AppStatus {
        let deployment_id = workload.name.clone().unwrap_or_default();
        let label = |key: &str| workload.labels.as_ref().and_then(|l| l.get(key)).cloned();
        let release_version: Option<u32> = label(RELEASE_VERSION).and_then(|v| v.parse().ok());
        let mut instances: Vec<InstanceStatus> = index
            .pods
            .get(&deployment_id)
            .into_iter()
            .flatten()
            .filter(|pod| {
                pod.metadata.namespace.as_deref() == Some(self.namespace.as_str())
                    && pod.labels().get(PART_OF).map(String::as_str) == Some(stream)
            })
            .map(|pod| {
                let mut attributes = instance_attributes(pod);
                // What Skipper adds: the app's un-versioned name and its release.
                if let Some(app_name) = label(APPLICATION_NAME) {
                    attributes.insert("skipper.application.name".to_owned(), app_name);
                }
                attributes.insert("skipper.release.name".to_owned(), stream.to_owned());
                if let Some(version) = release_version {
                    attributes.insert("skipper.release.version".to_owned(), version.to_string());
                }
                InstanceStatus {
                    id: pod.name_any(),
                    state: instance_state(pod),
                    attributes,
                }
            })
            .collect();
        instances.sort_by(|a, b| a.id.cmp(&b.id));
        AppStatus {
            deployment_id,
            label: label(COMPONENT),
            release_version,
            instances,
        }
    }
}

fn kind_of<K: Resource<DynamicType = ()>>() -> String {
    K::kind(&()).into_owned()
}

/// The release version an object carries, if any.
fn release_of(metadata: &ObjectMeta) -> Option<u32> {
    metadata
        .labels
        .as_ref()
        .and_then(|labels| labels.get(RELEASE_VERSION))
        .and_then(|version| version.parse().ok())
}

/// The stream an object belongs to.
fn stream_of(metadata: &ObjectMeta) -> Option<&str> {
    metadata
        .labels
        .as_ref()
        .and_then(|labels| labels.get(PART_OF))
        .map(String::as_str)
}

fn is_ours(metadata: &ObjectMeta) -> bool {
    metadata
        .labels
        .as_ref()
        .and_then(|labels| labels.get(MANAGED_BY))
        .is_some_and(|value| value == MANAGED_BY_VALUE)
}

#[async_trait]
impl AppDeployer for KubernetesDeployer {
    #[tracing::instrument(skip_all, fields(stream = %release.stream, version = release.version))]
    async fn apply(&self, release: &StreamRelease) -> Result<()> {
        let rendered: Vec<AppObjects> = release
            .apps
            .iter()
            .map(|app| render_app(app, &self.platform, self.secrets.as_ref()))
            .collect::<Result<_>>()?;
        // Nothing is applied if any object would take over one that is not ours.
        for objects in &rendered {
            self.check_ours::<Service>(&objects.service.name_any())
                .await?;
            match &objects.workload {
                Workload::Deployment(d) => self.check_ours::<Deployment>(&d.name_any()).await?,
                Workload::StatefulSet(s) => self.check_ours::<StatefulSet>(&s.name_any()).await?,
            }
        }
        // Forgotten first: if an apply fails half-way, the next check sees drift.
        self.forget(&release.stream);
        let mut applied = Vec::with_capacity(rendered.len() * 2);
        for objects in rendered {
            let name = objects.service.name_any();
            let generation = self.apply_object(objects.service, release.version).await?;
            applied.push(AppliedObject {
                kind: AppliedKind::Service,
                name,
                generation,
            });
            let (kind, name, generation) = match objects.workload {
                Workload::Deployment(deployment) => {
                    let name = deployment.name_any();
                    let generation = self.apply_object(deployment, release.version).await?;
                    (AppliedKind::Deployment, name, generation)
                }
                Workload::StatefulSet(stateful_set) => {
                    let name = stateful_set.name_any();
                    let generation = self.apply_object(stateful_set, release.version).await?;
                    (AppliedKind::StatefulSet, name, generation)
                }
            };
            applied.push(AppliedObject {
                kind,
                name,
                generation,
            });
        }
        self.remember(
            &release.stream,
            Applied {
                version: release.version,
                fingerprint: fingerprint(release),
                objects: applied,
            },
        );
        Ok(())
    }

    fn deployment_id(&self, app: &AppDeploymentRequest) -> String {
        super::names::deployment_id(app.group.as_deref(), &app.definition_name)
    }

    #[tracing::instrument(skip(self))]
    async fn delete(&self, stream: &str, scope: DeleteScope) -> Result<()> {
        let stream_selector = stream_selector(stream);
        if scope == DeleteScope::All {
            self.forget(stream);
        }
        match scope {
            DeleteScope::All => {
                self.delete_matching::<Deployment>(&stream_selector).await?;
                self.delete_matching::<StatefulSet>(&stream_selector)
                    .await?;
                self.delete_matching::<Service>(&stream_selector).await?;
                // Pods go with their workloads; these are stragglers. Volume claims of
                // StatefulSets are never collected by Kubernetes.
                self.delete_matching::<Pod>(&stream_selector).await?;
                self.delete_matching::<PersistentVolumeClaim>(&stream_selector)
                    .await?;
            }
            DeleteScope::AllButRelease(version) => {
                // Objects without the label are ours too (`!=` matches them): replaced.
                let selector = format!("{stream_selector},{RELEASE_VERSION}!={version}");
                self.delete_matching::<Deployment>(&selector).await?;
                self.delete_matching::<StatefulSet>(&selector).await?;
                self.delete_matching::<Service>(&selector).await?;
                // Volume claims carry no release label (a StatefulSet's claim templates cannot
                // change): those of apps the release does not run go.
                let kept = self
                    .workload_names(&format!("{stream_selector},{RELEASE_VERSION}={version}"))
                    .await?;
                let claims = if kept.is_empty() {
                    stream_selector
                } else {
                    format!("{stream_selector},{APP_ID} notin ({})", kept.join(","))
                };
                self.delete_matching::<PersistentVolumeClaim>(&claims)
                    .await?;
            }
        }
        Ok(())
    }

    async fn status(&self, stream: &str) -> Result<StreamStatus> {
        self.check_synced()?;
        let of_stream = |metadata: &ObjectMeta| {
            metadata.namespace.as_deref() == Some(self.namespace.as_str())
                && metadata
                    .labels
                    .as_ref()
                    .and_then(|l| l.get(PART_OF))
                    .map(String::as_str)
                    == Some(stream)
        };
        let index = self.index();
        let mut apps: Vec<AppStatus> = index
            .workloads
            .get(stream)
            .into_iter()
            .flatten()
            .map(CachedWorkload::metadata)
            .filter(|metadata| of_stream(metadata))
            .map(|metadata| self.app_status(&index, metadata, stream))
            .collect();
        apps.sort_by(|a, b| a.deployment_id.cmp(&b.deployment_id));
        Ok(StreamStatus {
            stream: stream.to_owned(),
            apps,
        })
    }

    async fn app(&self, deployment_id: &str) -> Result<Option<(String, AppStatus)>> {
        self.check_synced()?;
        let metadata = self
            .deployments
            .get(&self.reference(deployment_id))
            .map(|d| d.metadata.clone())
            .or_else(|| {
                self.stateful_sets
                    .get(&self.reference(deployment_id))
                    .map(|s| s.metadata.clone())
            });
        let index = self.index();
        Ok(metadata.and_then(|metadata| {
            let stream = stream_of(&metadata)?.to_owned();
            let status = self.app_status(&index, &metadata, &stream);
            Some((stream, status))
        }))
    }

    async fn drifted(&self, release: &StreamRelease) -> Result<bool> {
        self.check_synced()?;
        let applied = self.applied.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(last) = applied.get(&release.stream) else {
            return Ok(true);
        };
        if last.version != release.version || last.fingerprint != fingerprint(release) {
            return Ok(true);
        }
        Ok(last
            .objects
            .iter()
            .any(|object| self.object_drifted(object, release.version)))
    }

    async fn observed(&self) -> Result<BTreeMap<String, BTreeSet<u32>>> {
        self.check_synced()?;
        let mut streams: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
        let mut note = |metadata: &ObjectMeta| {
            if let Some(stream) = stream_of(metadata) {
                streams
                    .entry(stream.to_owned())
                    .or_default()
                    .insert(release_of(metadata).unwrap_or(UNVERSIONED));
            }
        };
        for deployment in self.deployments.state() {
            note(&deployment.metadata);
        }
        for stateful_set in self.stateful_sets.state() {
            note(&stateful_set.metadata);
        }
        for service in self.services.state() {
            note(&service.metadata);
        }
        Ok(streams)
    }

    async fn logs(&self, stream: &str, app: Option<&str>) -> Result<BTreeMap<String, String>> {
        let status = self.status(stream).await?;
        let api = self.api::<Pod>();
        let params = LogParams {
            limit_bytes: Some(MAX_LOG_BYTES_PER_POD),
            ..LogParams::default()
        };
        let mut logs = BTreeMap::new();
        let wanted = status.apps.iter().filter(|candidate| {
            app.is_none_or(|app| {
                candidate.deployment_id == app || candidate.label.as_deref() == Some(app)
            })
        });
        for found in wanted {
            let mut text = String::new();
            for instance in &found.instances {
                let log = api
                    .logs(&instance.id, &params)
                    .await
                    .map_err(|e| Error::Kube {
                        action: format!(
                            "read the log of Pod `{}` in `{}`",
                            instance.id, self.namespace
                        ),
                        source: Box::new(e),
                    })?;
                text.push_str(&log);
            }
            logs.insert(found.deployment_id.clone(), text);
        }
        Ok(logs)
    }
}
