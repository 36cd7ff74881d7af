//! Tests against a real Kubernetes API server: they prove that the test cluster of
//! `scripts/lib/kube-cluster.sh` (the real apiserver, controllers and scheduler, with kwok as the
//! kubelet) does what the deployer will rely on, and they pass on a real cluster too.
//!
//! `#[ignore]`d: they need the cluster named by the kubeconfig file in `DATAFLOW_TEST_KUBECONFIG`.
//! `scripts/test.sh` starts the test cluster and runs them; `scripts/cluster-tests.sh` runs them
//! against the current kubeconfig (kind, minikube, ...):
//!
//! ```text
//! DATAFLOW_TEST_KUBECONFIG=<kubeconfig> cargo test -p dataflow-deployer --test cluster -- --ignored cluster_
//! ```
//!
//! Each test works in a namespace of its own (`dataflow-test-<what>-<random>`), deleted when the
//! test passes. The pods' commands do on a real cluster what their `dataflow.test/outcome`
//! marker makes kwok do on the test cluster (see `scripts/lib/kwok/stages.yaml`): exit 0, exit 1,
//! or exit 1 under `restartPolicy: Always` for a crash loop.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::future::Future;
use std::time::Duration;

use dataflow_core::deployment::AppDeploymentRequest;
use dataflow_core::status::DeploymentState;
use dataflow_deployer::kubernetes::KubernetesDeployer;
use dataflow_deployer::{AppDeployer, DeleteScope, StreamRelease, StreamStatus};

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{Namespace, PersistentVolumeClaim, Pod, Service, ServiceAccount};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::runtime::wait::{Condition, await_condition, conditions};
use kube::{Api, Client, Config, Resource, ResourceExt};
use serde::de::DeserializeOwned;
use serde_json::json;

/// The variable naming the kubeconfig file of the cluster to test against.
const KUBECONFIG_VAR: &str = "DATAFLOW_TEST_KUBECONFIG";

/// The field manager the server applies its objects with.
const FIELD_MANAGER: &str = "dataflow-server";

/// The marker that tells kwok's stages what a pod does.
const OUTCOME: &str = "dataflow.test/outcome";

/// How long a pod or controller may take for one step: generous, a loaded CI machine is slow.
const STEP_TIMEOUT: Duration = Duration::from_secs(180);

/// A small image whose shell commands do, on a real cluster, what the markers fake on kwok.
const IMAGE: &str = "busybox:1.37";

/// A client for the cluster named by [`KUBECONFIG_VAR`].
///
/// # Panics
/// When the variable is not set or the file is not a usable kubeconfig: a cluster test that cannot
/// reach its cluster must fail, not pass.
async fn client() -> Client {
    #[expect(
        clippy::disallowed_methods,
        reason = "test harness, not server configuration"
    )]
    let Ok(path) = std::env::var(KUBECONFIG_VAR) else {
        panic!(
            "{KUBECONFIG_VAR} is not set: run the cluster tests through scripts/test.sh (which \
             starts a test cluster) or scripts/cluster-tests.sh (current kubeconfig)"
        );
    };
    let kubeconfig = Kubeconfig::read_from(&path)
        .unwrap_or_else(|e| panic!("cannot read the kubeconfig {path}: {e}"));
    let config = Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
        .await
        .unwrap_or_else(|e| panic!("unusable kubeconfig {path}: {e}"));
    Client::try_from(config).expect("Kubernetes client")
}

/// A fresh namespace for one test, deleted by [`TestNamespace::delete`].
struct TestNamespace {
    client: Client,
    name: String,
}

impl Debug for TestNamespace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestNamespace")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl TestNamespace {
    /// Creates `dataflow-test-<what>-<random>` and waits for its `default` ServiceAccount, without
    /// which the apiserver refuses pods.
    async fn create(what: &str) -> Self {
        let client = client().await;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!("dataflow-test-{what}-{:x}", nanos ^ std::process::id());
        let namespace: Namespace = object(json!({ "metadata": { "name": name } }));
        Api::<Namespace>::all(client.clone())
            .create(&PostParams::default(), &namespace)
            .await
            .unwrap_or_else(|e| panic!("create namespace {name}: {e}"));
        let accounts = Api::<ServiceAccount>::namespaced(client.clone(), &name);
        wait_for(
            &accounts,
            "default",
            "the namespace's default ServiceAccount to exist",
            conditions::is_created(),
        )
        .await;
        Self { client, name }
    }

    fn api<K>(&self) -> Api<K>
    where
        K: Resource<Scope = k8s_openapi::NamespaceResourceScope>,
        <K as Resource>::DynamicType: Default,
    {
        Api::namespaced(self.client.clone(), &self.name)
    }

    /// Deletes the namespace (and so everything in it); does not wait for it to go.
    async fn delete(self) {
        Api::<Namespace>::all(self.client)
            .delete(&self.name, &DeleteParams::default())
            .await
            .unwrap_or_else(|e| panic!("delete namespace {}: {e}", self.name));
    }
}

/// A typed Kubernetes object from JSON (k8s-openapi adds `apiVersion` and `kind` when sending).
fn object<K: DeserializeOwned>(value: serde_json::Value) -> K {
    serde_json::from_value(value).expect("a valid object")
}

/// Watches the object `name` until `condition` holds, failing after [`STEP_TIMEOUT`].
async fn wait_for<K>(api: &Api<K>, name: &str, what: &str, condition: impl Condition<K>) -> K
where
    K: Clone + Debug + Send + DeserializeOwned + Resource + 'static,
{
    match tokio::time::timeout(STEP_TIMEOUT, await_condition(api.clone(), name, condition)).await {
        Ok(Ok(Some(object))) => object,
        Ok(Ok(None)) => panic!("{name} was deleted while waiting for {what}"),
        Ok(Err(e)) => panic!("watching {name} for {what} failed: {e}"),
        Err(_) => {
            let last = api.get_opt(name).await.ok().flatten();
            panic!(
                "timed out after {STEP_TIMEOUT:?} waiting for {what} ({name}); last seen: {last:#?}"
            )
        }
    }
}

/// Polls `probe` once a second until it returns `Ok`, failing after [`STEP_TIMEOUT`] with the
/// last `Err` it returned (what it saw).
async fn poll<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, String>>,
{
    let deadline = tokio::time::Instant::now() + STEP_TIMEOUT;
    loop {
        let last = match probe().await {
            Ok(value) => return value,
            Err(last) => last,
        };
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out after {STEP_TIMEOUT:?} waiting for {what}; last: {last}"
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// The pods matching a label selector.
async fn pods(namespace: &TestNamespace, selector: &str) -> Vec<Pod> {
    namespace
        .api::<Pod>()
        .list(&ListParams::default().labels(selector))
        .await
        .expect("list pods")
        .items
}

fn pod_is_running_and_ready(pod: &Pod) -> bool {
    let Some(status) = &pod.status else {
        return false;
    };
    status.phase.as_deref() == Some("Running")
        && status
            .conditions
            .iter()
            .flatten()
            .any(|c| c.type_ == "Ready" && c.status == "True")
}

/// The exit codes of the terminated containers of a pod.
fn exit_codes(pod: &Pod) -> Vec<i32> {
    pod.status
        .iter()
        .flat_map(|s| s.container_statuses.iter().flatten())
        .filter_map(|c| c.state.as_ref()?.terminated.as_ref())
        .map(|t| t.exit_code)
        .collect()
}

fn job_condition(job: Option<&Job>, kind: &str) -> bool {
    job.and_then(|j| j.status.as_ref())
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == kind && c.status == "True"))
}

/// A Job with one container running `script`, never retried, its pod template labelled
/// `labels`.
fn job(name: &str, script: &str, labels: &serde_json::Value) -> Job {
    object(json!({
        "metadata": { "name": name },
        "spec": {
            "backoffLimit": 0,
            "template": {
                "metadata": { "labels": labels },
                "spec": {
                    "restartPolicy": "Never",
                    "containers": [{ "name": "task", "image": IMAGE, "command": ["sh", "-c", script] }]
                }
            }
        }
    }))
}

#[tokio::test]
#[ignore = "needs a Kubernetes cluster: DATAFLOW_TEST_KUBECONFIG (scripts/test.sh starts one)"]
async fn cluster_server_side_applied_deployment_gets_running_ready_pods() {
    let ns = TestNamespace::create("deploy").await;
    let deployments = ns.api::<Deployment>();
    let deployment: Deployment = object(json!({
        "metadata": { "name": "web", "labels": { "app": "web" } },
        "spec": {
            "replicas": 2,
            "selector": { "matchLabels": { "app": "web" } },
            "template": {
                "metadata": { "labels": { "app": "web" } },
                "spec": {
                    "containers": [{ "name": "web", "image": IMAGE, "command": ["sleep", "3600"] }]
                }
            }
        }
    }));
    let params = PatchParams::apply(FIELD_MANAGER).force();
    let applied = deployments
        .patch("web", &params, &Patch::Apply(&deployment))
        .await
        .expect("server-side apply of the Deployment");
    let managers: Vec<_> = applied
        .metadata
        .managed_fields
        .iter()
        .flatten()
        .filter(|m| m.operation.as_deref() == Some("Apply"))
        .filter_map(|m| m.manager.as_deref())
        .collect();
    assert_eq!(managers, [FIELD_MANAGER], "the apply's field manager");

    wait_for(
        &deployments,
        "web",
        "the Deployment to complete its rollout",
        |d: Option<&Deployment>| {
            conditions::is_deployment_completed().matches_object(d)
                && d.and_then(|d| d.status.as_ref())
                    .is_some_and(|s| s.ready_replicas == Some(2))
        },
    )
    .await;
    let pods = pods(&ns, "app=web").await;
    assert_eq!(pods.len(), 2, "two pods: {pods:#?}");
    assert!(
        pods.iter().all(pod_is_running_and_ready),
        "all pods Running and Ready: {pods:#?}"
    );

    // Applying again with one more replica is a change the Deployment controller acts on.
    let mut scaled = deployment.clone();
    scaled.spec.as_mut().expect("spec").replicas = Some(3);
    deployments
        .patch("web", &params, &Patch::Apply(&scaled))
        .await
        .expect("server-side apply of the scaled Deployment");
    wait_for(
        &deployments,
        "web",
        "the Deployment to have 3 ready replicas",
        |d: Option<&Deployment>| {
            d.and_then(|d| d.status.as_ref())
                .is_some_and(|s| s.ready_replicas == Some(3))
        },
    )
    .await;
    ns.delete().await;
}

#[tokio::test]
#[ignore = "needs a Kubernetes cluster: DATAFLOW_TEST_KUBECONFIG (scripts/test.sh starts one)"]
async fn cluster_job_completes() {
    let ns = TestNamespace::create("job-ok").await;
    let jobs = ns.api::<Job>();
    jobs.create(
        &PostParams::default(),
        &job("task", "exit 0", &json!({ "task": "ok" })),
    )
    .await
    .expect("create Job");
    let done = wait_for(
        &jobs,
        "task",
        "the Job to complete",
        conditions::is_job_completed(),
    )
    .await;
    assert_eq!(done.status.and_then(|s| s.succeeded), Some(1));
    let pods = pods(&ns, "task=ok").await;
    assert_eq!(pods.len(), 1, "one pod: {pods:#?}");
    assert_eq!(
        pods[0].status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Succeeded")
    );
    assert_eq!(exit_codes(&pods[0]), [0]);
    ns.delete().await;
}

#[tokio::test]
#[ignore = "needs a Kubernetes cluster: DATAFLOW_TEST_KUBECONFIG (scripts/test.sh starts one)"]
async fn cluster_job_with_fail_marker_fails() {
    let ns = TestNamespace::create("job-fail").await;
    let jobs = ns.api::<Job>();
    jobs.create(
        &PostParams::default(),
        &job(
            "task",
            "exit 1",
            &json!({ "task": "fail", OUTCOME: "fail" }),
        ),
    )
    .await
    .expect("create Job");
    let failed = wait_for(&jobs, "task", "the Job to fail", |j: Option<&Job>| {
        job_condition(j, "Failed")
    })
    .await;
    assert!(
        !job_condition(Some(&failed), "Complete"),
        "a failed Job is not complete: {failed:#?}"
    );
    assert_eq!(failed.status.and_then(|s| s.failed), Some(1));
    let pods = pods(&ns, "task=fail").await;
    assert_eq!(pods.len(), 1, "one pod, never retried: {pods:#?}");
    assert_eq!(
        pods[0].status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Failed")
    );
    assert_eq!(exit_codes(&pods[0]), [1]);
    ns.delete().await;
}

#[tokio::test]
#[ignore = "needs a Kubernetes cluster: DATAFLOW_TEST_KUBECONFIG (scripts/test.sh starts one)"]
async fn cluster_crash_loop_marker_shows_crash_loop_back_off() {
    let ns = TestNamespace::create("crashloop").await;
    let pods = ns.api::<Pod>();
    let pod: Pod = object(json!({
        "metadata": { "name": "crasher", "labels": { OUTCOME: "crashloop" } },
        "spec": {
            "restartPolicy": "Always",
            "containers": [{ "name": "app", "image": IMAGE, "command": ["sh", "-c", "exit 1"] }]
        }
    }));
    pods.create(&PostParams::default(), &pod)
        .await
        .expect("create Pod");
    // Seen in back-off with two different restart counts: a loop, not one crash.
    let deadline = tokio::time::Instant::now() + STEP_TIMEOUT;
    let mut restarts_seen: Vec<i32> = Vec::new();
    while restarts_seen.len() < 2 {
        let pod = pods.get("crasher").await.expect("get Pod");
        let container = pod
            .status
            .as_ref()
            .and_then(|s| s.container_statuses.as_ref())
            .and_then(|c| c.first());
        if let Some(c) = container
            && c.state
                .as_ref()
                .and_then(|s| s.waiting.as_ref())
                .and_then(|w| w.reason.as_deref())
                == Some("CrashLoopBackOff")
            && !c.ready
            && c.restart_count >= 1
            && restarts_seen.last() != Some(&c.restart_count)
        {
            restarts_seen.push(c.restart_count);
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out after {STEP_TIMEOUT:?} waiting for the container to loop in \
             CrashLoopBackOff; restart counts seen in back-off: {restarts_seen:?}; pod: {:#?}",
            pod.status
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let pod = pods.get("crasher").await.expect("get Pod");
    let status = pod.status.expect("status");
    assert_eq!(status.phase.as_deref(), Some("Running"), "{status:#?}");
    let container = &status.container_statuses.expect("container statuses")[0];
    let last = container
        .last_state
        .as_ref()
        .and_then(|s| s.terminated.as_ref())
        .expect("the last state is the crash");
    assert_eq!(last.exit_code, 1);
    ns.delete().await;
}

#[tokio::test]
#[ignore = "needs a Kubernetes cluster: DATAFLOW_TEST_KUBECONFIG (scripts/test.sh starts one)"]
async fn cluster_stateful_set_gets_ready_replicas_and_endpoints() {
    let ns = TestNamespace::create("sts").await;
    let service: Service = object(json!({
        "metadata": { "name": "db" },
        "spec": {
            "clusterIP": "None",
            "selector": { "app": "db" },
            "ports": [{ "name": "db", "port": 5432 }]
        }
    }));
    ns.api::<Service>()
        .create(&PostParams::default(), &service)
        .await
        .expect("create headless Service");
    let set: StatefulSet = object(json!({
        "metadata": { "name": "db" },
        "spec": {
            "serviceName": "db",
            "replicas": 2,
            "selector": { "matchLabels": { "app": "db" } },
            "template": {
                "metadata": { "labels": { "app": "db" } },
                "spec": {
                    "containers": [{
                        "name": "db", "image": IMAGE, "command": ["sleep", "3600"],
                        "ports": [{ "name": "db", "containerPort": 5432 }]
                    }]
                }
            }
        }
    }));
    let sets = ns.api::<StatefulSet>();
    sets.create(&PostParams::default(), &set)
        .await
        .expect("create StatefulSet");
    wait_for(
        &sets,
        "db",
        "the StatefulSet to have 2 ready replicas",
        |s: Option<&StatefulSet>| {
            s.and_then(|s| s.status.as_ref())
                .is_some_and(|s| s.ready_replicas == Some(2))
        },
    )
    .await;
    let mut names: Vec<_> = pods(&ns, "app=db")
        .await
        .into_iter()
        .filter_map(|p| p.metadata.name)
        .collect();
    names.sort();
    assert_eq!(names, ["db-0", "db-1"], "ordinal pod names");

    // The EndpointSlice controller publishes both pods' addresses as ready endpoints.
    let slices = ns.api::<EndpointSlice>();
    poll(
        "the Service's EndpointSlice to list 2 ready endpoints",
        || {
            let slices = slices.clone();
            async move {
                let list = slices
                    .list(&ListParams::default().labels("kubernetes.io/service-name=db"))
                    .await
                    .map_err(|e| e.to_string())?;
                let ready = list
                    .items
                    .iter()
                    .flat_map(|s| s.endpoints.iter())
                    .filter(|e| e.conditions.as_ref().and_then(|c| c.ready) == Some(true))
                    .filter(|e| !e.addresses.is_empty())
                    .count();
                if ready == 2 {
                    Ok(())
                } else {
                    Err(format!("{ready} ready endpoints in {:#?}", list.items))
                }
            }
        },
    )
    .await;
    ns.delete().await;
}

#[tokio::test]
#[ignore = "needs a Kubernetes cluster: DATAFLOW_TEST_KUBECONFIG (scripts/test.sh starts one)"]
async fn cluster_cron_job_creates_a_job_that_completes() {
    let ns = TestNamespace::create("cron").await;
    let cron: CronJob = object(json!({
        "metadata": { "name": "tick" },
        "spec": {
            "schedule": "* * * * *",
            "concurrencyPolicy": "Forbid",
            "jobTemplate": {
                "spec": {
                    "backoffLimit": 0,
                    "template": {
                        "metadata": { "labels": { "cron": "tick" } },
                        "spec": {
                            "restartPolicy": "Never",
                            "containers": [{ "name": "task", "image": IMAGE, "command": ["sh", "-c", "exit 0"] }]
                        }
                    }
                }
            }
        }
    }));
    ns.api::<CronJob>()
        .create(&PostParams::default(), &cron)
        .await
        .expect("create CronJob");
    // The schedule fires at the next full minute: at most ~60 s plus the controller's delay.
    let jobs = ns.api::<Job>();
    let name = poll("the CronJob controller to create a Job", || {
        let jobs = jobs.clone();
        async move {
            let list = jobs
                .list(&ListParams::default())
                .await
                .map_err(|e| e.to_string())?;
            list.items
                .iter()
                .find(|j| {
                    j.metadata
                        .owner_references
                        .iter()
                        .flatten()
                        .any(|o| o.kind == "CronJob" && o.name == "tick")
                })
                .and_then(|j| j.metadata.name.clone())
                .ok_or_else(|| {
                    format!(
                        "jobs: {:?}",
                        list.items
                            .iter()
                            .map(|j| &j.metadata.name)
                            .collect::<Vec<_>>()
                    )
                })
        }
    })
    .await;
    wait_for(
        &jobs,
        &name,
        "the CronJob's Job to complete",
        conditions::is_job_completed(),
    )
    .await;
    ns.delete().await;
}

// --- The Kubernetes deployer: stream releases on the cluster ---

/// Our managed-by label, as a selector.
const MANAGED: &str = "app.kubernetes.io/managed-by=dataflow";

/// The label the deployer stamps with the release version.
const RELEASE_LABEL: &str = "dataflow/release-version";

/// A deployer for the test namespace, its caches loaded.
async fn deployer(ns: &TestNamespace) -> KubernetesDeployer {
    let platform = support::platform(&[("namespace", &ns.name)]);
    let deployer = KubernetesDeployer::new(ns.client.clone(), platform);
    tokio::time::timeout(STEP_TIMEOUT, deployer.wait_until_synced())
        .await
        .expect("the watch caches to load in time")
        .expect("the watch caches to load");
    assert_eq!(deployer.namespace(), ns.name);
    deployer
}

/// The `ticktock` stream's app `label` in release `version` (`ticktock-<label>-v<version>`).
fn ticktock_app(label: &str, version: u32) -> support::Request {
    let resource = format!("docker:springcloudstream/{label}-kafka:5.0.0");
    let mut request = support::stream_app("ticktock", label, label, &resource);
    request.0.definition_name = format!("{label}-v{version}");
    request
}

fn release(version: u32, apps: Vec<support::Request>) -> StreamRelease {
    StreamRelease {
        stream: "ticktock".to_owned(),
        version,
        apps: apps
            .into_iter()
            .map(|r| r.0)
            .collect::<Vec<AppDeploymentRequest>>(),
    }
}

/// Polls the deployer's cached status until `accept` says it is the one waited for.
async fn status_until(
    deployer: &KubernetesDeployer,
    what: &str,
    accept: impl Fn(&StreamStatus) -> bool,
) -> StreamStatus {
    poll(what, || async {
        let status = deployer
            .status("ticktock")
            .await
            .map_err(|e| e.to_string())?;
        if accept(&status) {
            Ok(status)
        } else {
            Err(format!("{status:#?}"))
        }
    })
    .await
}

fn app_ids(status: &StreamStatus) -> Vec<&str> {
    status
        .apps
        .iter()
        .map(|a| a.deployment_id.as_str())
        .collect()
}

/// A Deployment we did not create, with the stream's part-of label but not our managed-by.
fn foreign_deployment(name: &str) -> Deployment {
    object(json!({
        "metadata": {
            "name": name,
            "labels": { "app": name, "app.kubernetes.io/part-of": "ticktock" }
        },
        "spec": {
            "replicas": 1,
            "selector": { "matchLabels": { "app": name } },
            "template": {
                "metadata": { "labels": { "app": name, "app.kubernetes.io/part-of": "ticktock" } },
                "spec": {
                    "containers": [{ "name": "c", "image": IMAGE, "command": ["sleep", "3600"] }]
                }
            }
        }
    }))
}

/// What a write other than a controller's status update would change: the generation (spec),
/// the labels, and each field manager with the time of its last write. (`resourceVersion`
/// also moves with the Deployment controller's status updates, so it cannot tell.)
fn written_by_anyone(
    deployment: &Deployment,
) -> (Option<i64>, Option<BTreeMap<String, String>>, Vec<String>) {
    let managers = deployment
        .metadata
        .managed_fields
        .iter()
        .flatten()
        .filter(|m| m.subresource.as_deref() != Some("status"))
        .map(|m| format!("{:?} {:?} {:?}", m.manager, m.operation, m.time))
        .collect();
    (
        deployment.metadata.generation,
        deployment.metadata.labels.clone(),
        managers,
    )
}

/// The names of objects of kind `K` in the namespace carrying our managed-by label.
async fn ours<K>(ns: &TestNamespace) -> Vec<String>
where
    K: Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>
        + Clone
        + Debug
        + DeserializeOwned,
{
    ns.api::<K>()
        .list_metadata(&ListParams::default().labels(MANAGED))
        .await
        .expect("list our objects")
        .items
        .into_iter()
        .filter_map(|o| o.metadata.name)
        .collect()
}

#[tokio::test]
#[ignore = "needs a Kubernetes cluster: DATAFLOW_TEST_KUBECONFIG (scripts/test.sh starts one)"]
async fn cluster_stream_deploys_reports_deployed_and_deletes_only_ours() {
    let ns = TestNamespace::create("stream").await;
    let deployments = ns.api::<Deployment>();
    let foreign = deployments
        .create(&PostParams::default(), &foreign_deployment("foreign"))
        .await
        .expect("create the foreign Deployment");
    wait_for(
        &deployments,
        "foreign",
        "the foreign Deployment to be ready",
        |d: Option<&Deployment>| {
            d.and_then(|d| d.status.as_ref())
                .is_some_and(|s| s.ready_replicas == Some(1))
        },
    )
    .await;
    let foreign_before = written_by_anyone(
        &deployments
            .get("foreign")
            .await
            .expect("get the foreign Deployment"),
    );

    let deployer = deployer(&ns).await;
    assert_eq!(
        deployer.status("ticktock").await.expect("status").state(),
        DeploymentState::Undeployed,
        "nothing of ours yet; the foreign Deployment is not seen"
    );
    let apps = || {
        vec![
            ticktock_app("time", 1),
            ticktock_app("transform", 1).count(2),
            ticktock_app("log", 1),
        ]
    };
    deployer
        .apply(&release(1, apps()))
        .await
        .expect("apply release 1");

    let status = status_until(&deployer, "the stream to be deployed", |s| {
        s.state() == DeploymentState::Deployed
    })
    .await;
    assert_eq!(
        app_ids(&status),
        [
            "ticktock-log-v1",
            "ticktock-time-v1",
            "ticktock-transform-v1"
        ],
        "our three apps, not the foreign Deployment"
    );
    let transform = status.app("ticktock-transform-v1").expect("transform");
    assert_eq!(transform.label.as_deref(), Some("transform"));
    assert_eq!(transform.release_version, Some(1));
    assert_eq!(transform.instances.len(), 2, "{transform:#?}");
    for instance in &transform.instances {
        assert_eq!(instance.state, DeploymentState::Deployed);
        let attributes = &instance.attributes;
        assert_eq!(attributes["pod.name"], instance.id);
        assert_eq!(attributes["phase"], "Running");
        assert_eq!(attributes["spring.app.id"], "ticktock-transform-v1");
        assert_eq!(attributes["service.name"], "ticktock-transform");
        assert_eq!(attributes["skipper.application.name"], "transform");
        assert_eq!(attributes["skipper.release.name"], "ticktock");
        assert_eq!(attributes["skipper.release.version"], "1");
        assert_eq!(attributes["container.restartCount"], "0");
        assert!(attributes.contains_key("pod.ip"), "{attributes:#?}");
        assert!(attributes.contains_key("guid"), "{attributes:#?}");
    }

    // The objects are there, applied by our field manager, marked with the release.
    let mut services = ours::<Service>(&ns).await;
    services.sort();
    assert_eq!(
        services,
        ["ticktock-log", "ticktock-time", "ticktock-transform"]
    );
    let log = deployments.get("ticktock-log-v1").await.expect("get log");
    assert_eq!(
        log.labels().get(RELEASE_LABEL).map(String::as_str),
        Some("1")
    );
    let template_labels = log
        .spec
        .as_ref()
        .and_then(|s| s.template.metadata.as_ref())
        .and_then(|m| m.labels.as_ref())
        .expect("template labels");
    assert!(
        !template_labels.contains_key(RELEASE_LABEL),
        "the release is not on the pods: {template_labels:?}"
    );
    let appliers: Vec<_> = log
        .metadata
        .managed_fields
        .iter()
        .flatten()
        .filter(|m| m.operation.as_deref() == Some("Apply"))
        .filter_map(|m| m.manager.as_deref())
        .collect();
    assert_eq!(appliers, [FIELD_MANAGER]);

    // Applying the same release again changes nothing.
    deployer
        .apply(&release(1, apps()))
        .await
        .expect("apply release 1 again");
    let again = deployments.get("ticktock-log-v1").await.expect("get log");
    assert_eq!(
        written_by_anyone(&again),
        written_by_anyone(&log),
        "an idempotent apply"
    );

    // An app whose Deployment name is taken by a foreign object is refused, and nothing of its
    // release is applied.
    let mut taken = ticktock_app("foreign", 1);
    taken.0.definition_name = "foreign".to_owned();
    taken.0.group = None;
    let error = deployer
        .apply(&release(2, vec![ticktock_app("extra", 2), taken]))
        .await
        .expect_err("a foreign Deployment of the same name");
    assert!(
        error.to_string().contains("Deployment `foreign`")
            && error.to_string().contains("not created by dataflow"),
        "{error}"
    );
    assert!(
        deployments
            .get_opt("ticktock-extra-v2")
            .await
            .expect("get")
            .is_none(),
        "nothing of the refused release was applied"
    );

    // Delete removes everything of ours (pods and ReplicaSets with their Deployments) and
    // nothing else.
    deployer
        .delete("ticktock", DeleteScope::All)
        .await
        .expect("delete the stream");
    poll("every object of ours to be gone", || async {
        let left = [
            ours::<Deployment>(&ns).await,
            ours::<ReplicaSet>(&ns).await,
            ours::<Service>(&ns).await,
            ours::<Pod>(&ns).await,
        ]
        .concat();
        if left.is_empty() {
            Ok(())
        } else {
            Err(format!("left: {left:?}"))
        }
    })
    .await;
    status_until(&deployer, "the cache to see the stream gone", |s| {
        s.apps.is_empty() && s.state() == DeploymentState::Undeployed
    })
    .await;
    let foreign_after = deployments
        .get("foreign")
        .await
        .expect("the foreign Deployment stays");
    assert_eq!(
        written_by_anyone(&foreign_after),
        foreign_before,
        "the foreign Deployment is untouched"
    );
    assert_eq!(foreign.metadata.uid, foreign_after.metadata.uid);
    assert_eq!(pods(&ns, "app=foreign").await.len(), 1, "its pod stays");
    // Deleting again is not an error.
    deployer
        .delete("ticktock", DeleteScope::All)
        .await
        .expect("delete again");
    ns.delete().await;
}

#[tokio::test]
#[ignore = "needs a Kubernetes cluster: DATAFLOW_TEST_KUBECONFIG (scripts/test.sh starts one)"]
async fn cluster_crash_looping_app_is_failed_and_the_stream_partial() {
    let ns = TestNamespace::create("crashing").await;
    let deployer = deployer(&ns).await;
    let crashing = ticktock_app("log", 1).kube("podAnnotations", &format!("{OUTCOME}:crashloop"));
    deployer
        .apply(&release(
            1,
            vec![
                ticktock_app("time", 1),
                ticktock_app("transform", 1),
                crashing,
            ],
        ))
        .await
        .expect("apply");

    // kwok restarts the container every ~2 s: deploying at first, failed after 3 restarts.
    let status = status_until(&deployer, "the crashing app to be failed", |s| {
        s.app("ticktock-log-v1").map(|a| a.state()) == Some(DeploymentState::Failed)
            && s.app("ticktock-time-v1").map(|a| a.state()) == Some(DeploymentState::Deployed)
            && s.app("ticktock-transform-v1").map(|a| a.state()) == Some(DeploymentState::Deployed)
    })
    .await;
    assert_eq!(
        status.state(),
        DeploymentState::Partial,
        "deployed + failed"
    );
    let log = status.app("ticktock-log-v1").expect("log");
    assert_eq!(log.instances.len(), 1);
    let attributes = &log.instances[0].attributes;
    let restarts: i32 = attributes["container.restartCount"]
        .parse()
        .expect("a count");
    assert!(restarts > 2, "{attributes:#?}");
    assert_eq!(attributes["container.lastState.terminated.exitCode"], "1");
    assert_eq!(attributes["container.lastState.terminated.reason"], "Error");
    assert_eq!(attributes["phase"], "Running");

    // With only the crashing app left, the stream is failed.
    deployer
        .apply(&release(
            2,
            vec![ticktock_app("log", 1).kube("podAnnotations", &format!("{OUTCOME}:crashloop"))],
        ))
        .await
        .expect("apply release 2");
    deployer
        .delete("ticktock", DeleteScope::AllButRelease(2))
        .await
        .expect("delete what release 2 did not apply");
    let status = status_until(&deployer, "only the crashing app to be left", |s| {
        app_ids(s) == ["ticktock-log-v1"]
    })
    .await;
    assert_eq!(status.state(), DeploymentState::Failed);
    ns.delete().await;
}

#[tokio::test]
#[ignore = "needs a Kubernetes cluster: DATAFLOW_TEST_KUBECONFIG (scripts/test.sh starts one)"]
async fn cluster_upgrade_keeps_carried_over_apps_and_replaces_changed_ones() {
    let ns = TestNamespace::create("upgrade").await;
    let deployer = deployer(&ns).await;
    deployer
        .apply(&release(
            1,
            vec![ticktock_app("time", 1), ticktock_app("log", 1)],
        ))
        .await
        .expect("apply release 1");
    status_until(&deployer, "release 1 to be deployed", |s| {
        s.state() == DeploymentState::Deployed && s.apps.len() == 2
    })
    .await;
    let time_pods: BTreeSet<_> = pods(&ns, "spring-app-id=ticktock-time-v1")
        .await
        .into_iter()
        .filter_map(|p| p.metadata.uid)
        .collect();
    assert_eq!(time_pods.len(), 1);

    // Release 2 changes log (log-v2) and carries time over (still time-v1).
    let upgraded = || {
        vec![
            ticktock_app("time", 1),
            ticktock_app("log", 2).app_property("log.level", "DEBUG"),
        ]
    };
    deployer
        .apply(&release(2, upgraded()))
        .await
        .expect("apply release 2");
    let status = status_until(&deployer, "both log versions, deployed", |s| {
        s.state() == DeploymentState::Deployed && s.apps.len() == 3
    })
    .await;
    assert_eq!(
        app_ids(&status),
        ["ticktock-log-v1", "ticktock-log-v2", "ticktock-time-v1"]
    );
    assert_eq!(
        status
            .app("ticktock-log-v1")
            .and_then(|a| a.release_version),
        Some(1)
    );
    assert_eq!(
        status
            .app("ticktock-time-v1")
            .and_then(|a| a.release_version),
        Some(2)
    );

    deployer
        .delete("ticktock", DeleteScope::AllButRelease(2))
        .await
        .expect("delete the replaced apps");
    let status = status_until(&deployer, "the replaced log-v1 to be gone", |s| {
        app_ids(s) == ["ticktock-log-v2", "ticktock-time-v1"]
    })
    .await;
    assert_eq!(status.state(), DeploymentState::Deployed);
    let mut services = ours::<Service>(&ns).await;
    services.sort();
    assert_eq!(
        services,
        ["ticktock-log", "ticktock-time"],
        "the un-versioned Services stay, owned by release 2"
    );
    poll("log-v1's pods to be gone", || async {
        let left = pods(&ns, "spring-app-id=ticktock-log-v1").await.len();
        if left == 0 {
            Ok(())
        } else {
            Err(format!("{left} pods"))
        }
    })
    .await;
    let time_pods_after: BTreeSet<_> = pods(&ns, "spring-app-id=ticktock-time-v1")
        .await
        .into_iter()
        .filter_map(|p| p.metadata.uid)
        .collect();
    assert_eq!(
        time_pods_after, time_pods,
        "the carried-over app was not restarted"
    );
    ns.delete().await;
}

#[tokio::test]
#[ignore = "needs a Kubernetes cluster: DATAFLOW_TEST_KUBECONFIG (scripts/test.sh starts one)"]
async fn cluster_indexed_app_runs_as_a_stateful_set_whose_claims_go_with_it() {
    let ns = TestNamespace::create("indexed").await;
    let deployer = deployer(&ns).await;
    let indexed = || ticktock_app("log", 1).indexed().count(2);
    deployer
        .apply(&release(1, vec![ticktock_app("time", 1), indexed()]))
        .await
        .expect("apply release 1");
    // The test cluster has no volume provisioner: the claims stay Pending, so do the pods,
    // without container statuses: SCDF's `unknown` (reference checklist 66).
    let status = status_until(&deployer, "the StatefulSet's two pods", |s| {
        s.app("ticktock-log-v1").map(|a| a.instances.len()) == Some(2)
            && s.app("ticktock-time-v1").map(|a| a.state()) == Some(DeploymentState::Deployed)
    })
    .await;
    let log = status.app("ticktock-log-v1").expect("log");
    assert_eq!(log.state(), DeploymentState::Unknown, "{log:#?}");
    assert_eq!(
        status.state(),
        DeploymentState::Partial,
        "deployed + unknown"
    );
    poll("the StatefulSet's two claims", || async {
        let claims = ours::<PersistentVolumeClaim>(&ns).await;
        if claims.len() == 2 {
            Ok(())
        } else {
            Err(format!("{claims:?}"))
        }
    })
    .await;

    // Release 2 drops the indexed app: it goes, with its claims; time stays.
    deployer
        .apply(&release(2, vec![ticktock_app("time", 1)]))
        .await
        .expect("apply release 2");
    deployer
        .delete("ticktock", DeleteScope::AllButRelease(2))
        .await
        .expect("delete what release 2 did not apply");
    poll(
        "the StatefulSet, its pods and its claims to be gone",
        || async {
            let left = [
                ours::<StatefulSet>(&ns).await,
                ours::<PersistentVolumeClaim>(&ns).await,
                pods(&ns, "spring-app-id=ticktock-log-v1")
                    .await
                    .into_iter()
                    .filter_map(|p| p.metadata.name)
                    .collect(),
            ]
            .concat();
            if left.is_empty() {
                Ok(())
            } else {
                Err(format!("left: {left:?}"))
            }
        },
    )
    .await;
    let status = status_until(&deployer, "only time to be left", |s| {
        app_ids(s) == ["ticktock-time-v1"]
    })
    .await;
    assert_eq!(status.state(), DeploymentState::Deployed);
    assert_eq!(ours::<Deployment>(&ns).await, ["ticktock-time-v1"]);
    ns.delete().await;
}
