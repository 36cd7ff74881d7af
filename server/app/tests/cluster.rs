//! The real `dataflow-server` binary against a real Kubernetes API server: the workshop stream
//! deployed, scaled, updated, rolled back (by hand and automatically), undeployed, the server
//! killed mid-deploy, objects deleted by hand, and objects of others left alone.
//!
//! Ignored by default; `scripts/test.sh` runs them (`--ignored cluster_`) against the test
//! control plane it starts, and `scripts/cluster-tests.sh` against the current kubeconfig. Each
//! test works in a namespace of its own, deleted at the end. Pods are run by kwok on the test
//! cluster: Running and Ready, or crash-looping when their template carries the annotation
//! `dataflow.test/outcome: crashloop`.

use std::collections::BTreeSet;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::batch::v1::CronJob;
use k8s_openapi::api::core::v1::{Namespace, Pod, Service, ServiceAccount};
use kube::api::{DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Api, Client, Config, ResourceExt};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_dataflow-server");
const KUBECONFIG_VAR: &str = "DATAFLOW_TEST_KUBECONFIG";
const OURS: &str = "app.kubernetes.io/managed-by=dataflow";
const RELEASE_VERSION: &str = "dataflow/release-version";
const TIMEOUT: Duration = Duration::from_secs(120);

/// The workshop's apps, plus a second version of the sink.
const APPS: &str = "\
source.trucks=docker:dev.local/trucks:0.0.1-SNAPSHOT
processor.brake-temperature=docker:dev.local/brake-temperature:0.0.1-SNAPSHOT
sink.brake-log=docker:dev.local/brake-logs:0.0.1-SNAPSHOT
sink.brake-log=docker:dev.local/brake-logs:0.0.2
";
const STREAM: &str = "trucks | brake-temperature | brake-log";
const NAME: &str = "truck-performance";

fn kubeconfig_path() -> PathBuf {
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
    PathBuf::from(path)
}

async fn client() -> Client {
    let path = kubeconfig_path();
    let kubeconfig = Kubeconfig::read_from(&path).expect("kubeconfig");
    let config = Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
        .await
        .expect("usable kubeconfig");
    Client::try_from(config).expect("Kubernetes client")
}

/// A namespace of the test's own, deleted when the test ends.
struct TestNamespace {
    client: Client,
    name: String,
}

impl TestNamespace {
    async fn create(what: &str) -> Self {
        let client = client().await;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!("dataflow-e2e-{what}-{:x}", nanos ^ std::process::id());
        let namespace: Namespace =
            serde_json::from_value(json!({ "metadata": { "name": name } })).unwrap();
        Api::<Namespace>::all(client.clone())
            .create(&PostParams::default(), &namespace)
            .await
            .unwrap();
        let accounts = Api::<ServiceAccount>::namespaced(client.clone(), &name);
        eventually("the default ServiceAccount", || async {
            accounts.get_opt("default").await.ok().flatten().is_some()
        })
        .await;
        Self { client, name }
    }

    fn api<K>(&self) -> Api<K>
    where
        K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope>,
        <K as kube::Resource>::DynamicType: Default,
    {
        Api::namespaced(self.client.clone(), &self.name)
    }

    /// Our Deployments: name → release-version label.
    async fn deployments(&self) -> std::collections::BTreeMap<String, String> {
        self.api::<Deployment>()
            .list(&ListParams::default().labels(OURS))
            .await
            .unwrap()
            .items
            .iter()
            .map(|d| {
                (
                    d.name_any(),
                    d.labels().get(RELEASE_VERSION).cloned().unwrap_or_default(),
                )
            })
            .collect()
    }

    async fn count<K>(&self) -> usize
    where
        K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope>
            + Clone
            + serde::de::DeserializeOwned
            + std::fmt::Debug,
        <K as kube::Resource>::DynamicType: Default,
    {
        self.api::<K>()
            .list(&ListParams::default().labels(OURS))
            .await
            .unwrap()
            .items
            .len()
    }
}

impl Drop for TestNamespace {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Best effort, on a runtime and client of their own: the test's client runs on the
        // test's runtime, which this drop blocks.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let _ = Api::<Namespace>::all(client().await)
                    .delete(&name, &DeleteParams::default())
                    .await;
            });
        })
        .join();
    }
}

/// Polls `check` until it holds, failing the test after [`TIMEOUT`].
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + TIMEOUT;
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The server binary over a data directory, deploying to one namespace.
struct Server {
    child: Child,
    base: String,
    http: reqwest::Client,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    async fn start(data: &Path, namespace: &str, upgrade_timeout_seconds: u64) -> Self {
        let port = free_port();
        let mut command = Command::new(BIN);
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("DATAFLOW_") {
                command.env_remove(key);
            }
        }
        let child = command
            .args(["--port", &port.to_string(), "--data-dir"])
            .arg(data)
            .arg("--kubernetes-account")
            .arg(format!("default={}", kubeconfig_path().display()))
            .args(["--kubernetes-setting", &format!("namespace={namespace}")])
            .args(["--reconcile-interval-seconds", "1"])
            .args(["--log-level", "warn,dataflow_server=info"])
            .args([
                "--upgrade-timeout-seconds",
                &upgrade_timeout_seconds.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let server = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
                .build()
                .unwrap(),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while server
            .http
            .get(format!("{}/about", server.base))
            .send()
            .await
            .is_err()
        {
            assert!(Instant::now() < deadline, "the server did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        server
    }

    fn kill(mut self) {
        // SIGKILL: no graceful shutdown, as when a node dies.
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> (u16, Value) {
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.send(self.http.get(format!("{}{path}", self.base)))
            .await
    }

    async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        self.send(
            self.http
                .post(format!("{}{path}", self.base))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body),
        )
        .await
    }

    async fn post_json(&self, path: &str, body: &Value) -> (u16, Value) {
        self.send(self.http.post(format!("{}{path}", self.base)).json(body))
            .await
    }

    async fn delete(&self, path: &str) -> (u16, Value) {
        self.send(self.http.delete(format!("{}{path}", self.base)))
            .await
    }

    async fn status(&self) -> String {
        let (_, body) = self.get(&format!("/streams/deployments/{NAME}")).await;
        body["status"].as_str().unwrap_or_default().to_owned()
    }

    async fn wait_for_status(&self, expected: &str) {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let status = self.status().await;
            if status == expected {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for status {expected}; it is {status}"
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// The Kubernetes API requests the server has sent, from `/metrics`.
    async fn api_requests(&self) -> u64 {
        let (_, metrics) = self.get("/metrics").await;
        metrics
            .as_str()
            .unwrap_or_default()
            .lines()
            .filter(|line| line.starts_with("dataflow_kubernetes_api_requests_total{"))
            .filter_map(|line| line.rsplit(' ').next()?.parse::<u64>().ok())
            .sum()
    }

    /// Registers the apps and creates the stream.
    async fn create_stream(&self) {
        let (status, body) = self.post_form("/apps", &[("apps", APPS)]).await;
        assert_eq!(status, 201, "{body}");
        let (status, body) = self
            .post_form(
                "/streams/definitions",
                &[("name", NAME), ("definition", STREAM)],
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }

    async fn deploy(&self, properties: &Value) {
        let (status, body) = self
            .post_json(&format!("/streams/deployments/{NAME}"), properties)
            .await;
        assert_eq!(status, 201, "{body}");
    }

    /// (version, status code, description) of each release, newest first.
    async fn history(&self) -> Vec<(u64, String, String)> {
        let (status, body) = self
            .get(&format!("/streams/deployments/history/{NAME}"))
            .await;
        assert_eq!(status, 200, "{body}");
        body.as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["version"].as_u64().unwrap(),
                    r["info"]["status"]["statusCode"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                    r["info"]["description"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }

    /// The deployed apps' ids and their instance counts, from `/runtime/streams`.
    async fn runtime_apps(&self) -> Vec<(String, String, usize)> {
        let (status, body) = self.get(&format!("/runtime/streams/{NAME}")).await;
        assert_eq!(status, 200, "{body}");
        let apps = &body["_embedded"]["streamStatusResourceList"][0]["applications"]["_embedded"]["appStatusResourceList"];
        apps.as_array()
            .map(|apps| {
                apps.iter()
                    .map(|a| {
                        (
                            a["deploymentId"].as_str().unwrap().to_owned(),
                            a["state"].as_str().unwrap().to_owned(),
                            a["instances"]["_embedded"]["appInstanceStatusResourceList"]
                                .as_array()
                                .map_or(0, Vec::len),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn names(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[tokio::test]
#[ignore = "needs a Kubernetes cluster (DATAFLOW_TEST_KUBECONFIG)"]
async fn cluster_workshop_stream_deploys_scales_heals_and_undeploys() {
    let ns = TestNamespace::create("workshop").await;
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &ns.name, 300).await;

    let (status, platforms) = server.get("/streams/deployments/platform/list").await;
    assert_eq!(status, 200);
    assert_eq!(platforms[0]["name"], "default");
    assert_eq!(platforms[0]["type"], "kubernetes");
    assert!(
        platforms[0]["description"]
            .as_str()
            .unwrap()
            .contains(&format!("namespace = [{}]", ns.name)),
        "{platforms}"
    );

    server.create_stream().await;
    assert_eq!(server.status().await, "undeployed");
    let calls_before = server.api_requests().await;
    server
        .deploy(&json!({ "app.brake-log.spring.datasource.password": "hunter2" }))
        .await;
    let (status, again) = server
        .post_json(&format!("/streams/deployments/{NAME}"), &json!({}))
        .await;
    assert_eq!(
        status, 409,
        "a deployed stream is not deployed twice: {again}"
    );
    server.wait_for_status("deployed").await;
    // A measurement for the README (not a limit): the Kubernetes API requests the deploy
    // made, counted by the server's client.
    eprintln!(
        "API requests of the workshop stream's deploy: {}",
        server.api_requests().await - calls_before
    );

    let expected = names(&[
        "truck-performance-brake-log-v1",
        "truck-performance-brake-temperature-v1",
        "truck-performance-trucks-v1",
    ]);
    let deployments = ns.deployments().await;
    assert_eq!(
        deployments.keys().cloned().collect::<BTreeSet<_>>(),
        expected
    );
    assert_eq!(ns.count::<Service>().await, 3);
    let apps = server.runtime_apps().await;
    assert_eq!(apps.len(), 3, "{apps:?}");
    assert!(
        apps.iter()
            .all(|(_, state, instances)| state == "deployed" && *instances == 1)
    );
    let (_, listed) = server.get("/streams/definitions").await;
    assert_eq!(
        listed["_embedded"]["streamDefinitionResourceList"][0]["status"],
        "deployed"
    );
    let (status, app) = server
        .get("/runtime/apps/truck-performance-brake-log-v1")
        .await;
    assert_eq!(status, 200, "{app}");
    let instance = &app["instances"]["_embedded"]["appInstanceStatusResourceList"][0];
    assert_eq!(instance["attributes"]["skipper.release.version"], "1");
    let (status, _) = server.get("/runtime/apps/nope-v1").await;
    assert_eq!(status, 404);
    assert_eq!(
        server.history().await,
        [(1, "DEPLOYED".to_owned(), "Install complete".to_owned())]
    );
    let (status, manifest) = server
        .get(&format!("/streams/deployments/manifest/{NAME}/1"))
        .await;
    assert_eq!(status, 200);
    assert!(
        manifest
            .as_str()
            .unwrap()
            .contains("SpringCloudDeployerApplication"),
        "{manifest}"
    );
    let (status, logs) = server.get(&format!("/streams/logs/{NAME}/brake-log")).await;
    assert_eq!(status, 200, "{logs}");
    assert!(
        logs["logs"]["truck-performance-brake-log-v1"]
            .as_str()
            .unwrap()
            .contains("dataflow-test-log"),
        "logs come from the pods through the API server: {logs}"
    );

    // Scale 1 → 3 → 1, in place (no new release).
    for count in [3, 1] {
        let (status, body) = server
            .post_json(
                &format!("/streams/deployments/scale/{NAME}/brake-log/instances/{count}"),
                &json!({}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        eventually(&format!("{count} brake-log instances"), || async {
            server
                .runtime_apps()
                .await
                .iter()
                .any(|(id, state, instances)| {
                    id == "truck-performance-brake-log-v1"
                        && state == "deployed"
                        && *instances == count
                })
        })
        .await;
    }
    assert_eq!(server.history().await.len(), 1);

    // A Deployment deleted by hand comes back.
    ns.api::<Deployment>()
        .delete("truck-performance-trucks-v1", &DeleteParams::default())
        .await
        .unwrap();
    eventually("the deleted Deployment to come back", || async {
        ns.deployments().await.len() == 3
    })
    .await;
    server.wait_for_status("deployed").await;

    // A Deployment scaled by hand (`kubectl scale`) is set back to what the release says.
    ns.api::<Deployment>()
        .patch(
            "truck-performance-brake-log-v1",
            &PatchParams::default(),
            &Patch::Merge(json!({ "spec": { "replicas": 5 } })),
        )
        .await
        .unwrap();
    eventually("the hand-made scale to be undone", || async {
        let sink = ns
            .api::<Deployment>()
            .get("truck-performance-brake-log-v1")
            .await
            .unwrap();
        sink.spec.and_then(|spec| spec.replicas) == Some(1)
    })
    .await;

    // What the loop did, for Prometheus.
    let (_, metrics) = server.get("/metrics").await;
    let metrics = metrics.as_str().unwrap().to_owned();
    for expected in [
        "dataflow_deployer_operations_total{operation=\"apply\",outcome=\"success\"}",
        "dataflow_deployer_apply_duration_seconds_count",
        "dataflow_streams{state=\"deployed\"} 1",
        "dataflow_kubernetes_api_requests_total{account=\"default\",method=\"PATCH\"}",
    ] {
        assert!(metrics.contains(expected), "{expected} in\n{metrics}");
    }

    let (status, _) = server.delete(&format!("/streams/deployments/{NAME}")).await;
    assert_eq!(status, 200);
    eventually("nothing of ours left", || async {
        ns.count::<Deployment>().await == 0
            && ns.count::<Service>().await == 0
            && ns.count::<Pod>().await == 0
    })
    .await;
    assert_eq!(server.status().await, "undeployed");
    assert_eq!(server.history().await[0].1, "DELETED");
}

#[tokio::test]
#[ignore = "needs a Kubernetes cluster (DATAFLOW_TEST_KUBECONFIG)"]
async fn cluster_crash_looping_app_makes_the_stream_partial() {
    let ns = TestNamespace::create("partial").await;
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &ns.name, 300).await;
    server.create_stream().await;
    server
        .deploy(&json!({
            "deployer.brake-log.kubernetes.podAnnotations": "dataflow.test/outcome:crashloop"
        }))
        .await;
    // `partial` also shows for a moment while the apps are still coming up (one deployed,
    // one without pods yet), and the sink is `deploying` until it has restarted often enough
    // to count as failed (reference §5.1): wait for the settled picture.
    eventually("the sink failed and the others deployed", || async {
        let apps = server.runtime_apps().await;
        apps.len() == 3
            && apps.iter().all(|(id, state, instances)| {
                *instances == 1
                    && if id == "truck-performance-brake-log-v1" {
                        state == "failed"
                    } else {
                        state == "deployed"
                    }
            })
    })
    .await;
    let apps = server.runtime_apps().await;
    assert_eq!(server.status().await, "partial", "{apps:?}");

    // Destroying a deployed stream undeploys it first.
    let (status, body) = server.delete(&format!("/streams/definitions/{NAME}")).await;
    assert_eq!(status, 200, "{body}");
    eventually("nothing of ours left", || async {
        ns.count::<Deployment>().await == 0 && ns.count::<Service>().await == 0
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Kubernetes cluster (DATAFLOW_TEST_KUBECONFIG)"]
async fn cluster_update_replaces_only_the_changed_app_and_rollback_restores_it() {
    let ns = TestNamespace::create("update").await;
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &ns.name, 300).await;
    server.create_stream().await;
    server.deploy(&json!({})).await;
    server.wait_for_status("deployed").await;

    let (status, body) = server
        .post_json(
            &format!("/streams/deployments/update/{NAME}"),
            &json!({
                "releaseName": NAME,
                "packageIdentifier": { "packageName": NAME },
                "updateProperties": { "version.brake-log": "0.0.2" },
                "force": false,
                "appNames": []
            }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    eventually("release 2 to be deployed", || async {
        server.history().await.first().map(|r| (r.0, r.1.clone()))
            == Some((2, "DEPLOYED".to_owned()))
    })
    .await;
    eventually("the old brake-log to be gone", || async {
        ns.deployments().await
            == [
                ("truck-performance-brake-log-v2".to_owned(), "2".to_owned()),
                (
                    "truck-performance-brake-temperature-v1".to_owned(),
                    "2".to_owned(),
                ),
                ("truck-performance-trucks-v1".to_owned(), "2".to_owned()),
            ]
            .into_iter()
            .collect()
    })
    .await;
    let history = server.history().await;
    assert_eq!(history[0].2, "Upgrade complete");
    assert_eq!(history[1].1, "DELETED", "{history:?}");
    let image = |d: &Deployment| {
        d.spec
            .as_ref()
            .unwrap()
            .template
            .spec
            .as_ref()
            .unwrap()
            .containers[0]
            .image
            .clone()
            .unwrap()
    };
    let sink = ns
        .api::<Deployment>()
        .get("truck-performance-brake-log-v2")
        .await
        .unwrap();
    assert_eq!(image(&sink), "dev.local/brake-logs:0.0.2");

    // Rolling back to release 1 is release 3; only the sink changes again.
    let (status, body) = server
        .post_json(
            &format!("/streams/deployments/rollback/{NAME}/1"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    eventually("release 3 to be deployed", || async {
        server
            .history()
            .await
            .first()
            .map(|r| (r.0, r.1.clone(), r.2.clone()))
            == Some((3, "DEPLOYED".to_owned(), "Rollback complete".to_owned()))
    })
    .await;
    eventually("only the rolled back objects", || async {
        ns.deployments()
            .await
            .keys()
            .cloned()
            .collect::<BTreeSet<_>>()
            == names(&[
                "truck-performance-brake-log-v3",
                "truck-performance-brake-temperature-v1",
                "truck-performance-trucks-v1",
            ])
    })
    .await;
    let sink = ns
        .api::<Deployment>()
        .get("truck-performance-brake-log-v3")
        .await
        .unwrap();
    assert_eq!(image(&sink), "dev.local/brake-logs:0.0.1-SNAPSHOT");
    server.wait_for_status("deployed").await;
}

#[tokio::test]
#[ignore = "needs a Kubernetes cluster (DATAFLOW_TEST_KUBECONFIG)"]
async fn cluster_update_that_never_becomes_ready_is_rolled_back() {
    let ns = TestNamespace::create("rollback").await;
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &ns.name, 6).await;
    server.create_stream().await;
    server.deploy(&json!({})).await;
    server.wait_for_status("deployed").await;

    let (status, body) = server
        .post_json(
            &format!("/streams/deployments/update/{NAME}"),
            &json!({
                "updateProperties": {
                    "deployer.brake-log.kubernetes.podAnnotations": "dataflow.test/outcome:crashloop"
                }
            }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    eventually("release 2 to fail", || async {
        server.history().await.first().map(|r| (r.0, r.1.clone())) == Some((2, "FAILED".to_owned()))
    })
    .await;
    let history = server.history().await;
    assert!(history[0].2.starts_with("Upgrade failed"), "{history:?}");
    assert_eq!(
        history[1].1, "DEPLOYED",
        "release 1 keeps running: {history:?}"
    );
    eventually("release 1's objects only", || async {
        ns.deployments().await
            == [
                ("truck-performance-brake-log-v1".to_owned(), "1".to_owned()),
                (
                    "truck-performance-brake-temperature-v1".to_owned(),
                    "1".to_owned(),
                ),
                ("truck-performance-trucks-v1".to_owned(), "1".to_owned()),
            ]
            .into_iter()
            .collect()
    })
    .await;
    server.wait_for_status("deployed").await;
}

#[tokio::test]
#[ignore = "needs a Kubernetes cluster (DATAFLOW_TEST_KUBECONFIG)"]
async fn cluster_server_killed_mid_deploy_converges_after_restart() {
    let ns = TestNamespace::create("killed").await;
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &ns.name, 300).await;
    server.create_stream().await;
    server.deploy(&json!({})).await;
    // Killed as soon as the first object shows up: the rest is not applied yet.
    eventually("the first object", || async {
        ns.count::<Service>().await + ns.count::<Deployment>().await > 0
    })
    .await;
    server.kill();
    let half = ns.count::<Deployment>().await;

    let server = Server::start(data.path(), &ns.name, 300).await;
    server.wait_for_status("deployed").await;
    let deployments = ns.deployments().await;
    assert_eq!(
        deployments.keys().cloned().collect::<BTreeSet<_>>(),
        names(&[
            "truck-performance-brake-log-v1",
            "truck-performance-brake-temperature-v1",
            "truck-performance-trucks-v1",
        ]),
        "nothing duplicated or orphaned (killed with {half} Deployment(s) applied)"
    );
    assert_eq!(ns.count::<Service>().await, 3);
    assert_eq!(server.history().await.len(), 1);

    // Killed again after an undeploy was recorded: the restarted server finishes it.
    let (status, _) = server.delete(&format!("/streams/deployments/{NAME}")).await;
    assert_eq!(status, 200);
    server.kill();
    let server = Server::start(data.path(), &ns.name, 300).await;
    eventually("nothing of ours left after the restart", || async {
        ns.count::<Deployment>().await == 0 && ns.count::<Service>().await == 0
    })
    .await;
    assert_eq!(server.status().await, "undeployed");
}

#[tokio::test]
#[ignore = "needs a Kubernetes cluster (DATAFLOW_TEST_KUBECONFIG)"]
async fn cluster_foreign_objects_are_neither_listed_nor_touched() {
    let ns = TestNamespace::create("foreign").await;
    let foreign: Deployment = serde_json::from_value(json!({
        "metadata": { "name": "someone-elses", "labels": { "app.kubernetes.io/part-of": NAME } },
        "spec": {
            "selector": { "matchLabels": { "app": "someone-elses" } },
            "template": {
                "metadata": { "labels": { "app": "someone-elses" } },
                "spec": { "containers": [{ "name": "main", "image": "busybox:1.37" }] }
            }
        }
    }))
    .unwrap();
    let foreign = ns
        .api::<Deployment>()
        .create(&PostParams::default(), &foreign)
        .await
        .unwrap();
    let cron: CronJob = serde_json::from_value(json!({
        "metadata": { "name": "someone-elses-job" },
        "spec": {
            "schedule": "0 0 1 1 *",
            "jobTemplate": { "spec": { "template": { "spec": {
                "restartPolicy": "Never",
                "containers": [{ "name": "main", "image": "busybox:1.37" }]
            } } } }
        }
    }))
    .unwrap();
    let cron = ns
        .api::<CronJob>()
        .create(&PostParams::default(), &cron)
        .await
        .unwrap();

    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &ns.name, 300).await;
    let (status, body) = server.post_form("/apps", &[("apps", APPS)]).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = server
        .post_form(
            "/streams/definitions",
            &[("name", NAME), ("definition", STREAM), ("deploy", "true")],
        )
        .await;
    assert_eq!(status, 201, "created and deployed at once: {body}");
    server.wait_for_status("deployed").await;
    let (_, apps) = server.get("/runtime/apps").await;
    let listed: Vec<&str> = apps["_embedded"]["appStatusResourceList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["deploymentId"].as_str().unwrap())
        .collect();
    assert_eq!(listed.len(), 3, "{listed:?}");
    assert!(!listed.contains(&"someone-elses"), "{listed:?}");
    let (status, _) = server.get("/runtime/apps/someone-elses").await;
    assert_eq!(
        status, 404,
        "a Deployment that is not ours is not an app of ours"
    );

    let (status, _) = server.delete(&format!("/streams/deployments/{NAME}")).await;
    assert_eq!(status, 200);
    eventually("our objects gone", || async {
        ns.count::<Deployment>().await == 0
    })
    .await;
    // A few more passes of the loop, then the foreign objects are as they were: same spec
    // generation, and no field ever written by the server's field manager.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let untouched = |meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta| {
        meta.managed_fields
            .iter()
            .flatten()
            .all(|field| field.manager.as_deref() != Some("dataflow-server"))
    };
    let after = ns.api::<Deployment>().get("someone-elses").await.unwrap();
    assert_eq!(after.metadata.generation, foreign.metadata.generation);
    assert_eq!(after.metadata.labels, foreign.metadata.labels);
    assert!(
        untouched(&after.metadata),
        "{:?}",
        after.metadata.managed_fields
    );
    let cron_after = ns.api::<CronJob>().get("someone-elses-job").await.unwrap();
    assert_eq!(cron_after.metadata.generation, cron.metadata.generation);
    assert!(untouched(&cron_after.metadata));
}
