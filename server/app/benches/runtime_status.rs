//! Runtime status at scale, on a real Kubernetes API server: the release server binary deploys
//! N (default 1,000) three-app streams to a namespace of the cluster in
//! `DATAFLOW_BENCH_KUBECONFIG`, waits until every app is `deployed`, then measures
//!
//! * the latency of `GET /runtime/streams` (a default page of 20 streams, and one page of all
//!   N) and of `GET /streams/definitions` (20 streams with their state), served from the watch
//!   caches: p50, p99 and max over sequential requests;
//! * the server's resident memory with all of it cached;
//! * the Kubernetes API requests the server made: per deployed stream, and while idle for a
//!   minute with every stream deployed (the reconcile loop reads its caches, not the API).
//!
//! Not a test: it asserts nothing about the figures, it prints them. `scripts/bench.sh
//! --cluster` starts the test control plane and runs it; `DATAFLOW_BENCH_STREAMS` changes N.

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::{Namespace, ServiceAccount};
use kube::api::{DeleteParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Api, Client, Config};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_dataflow-server");

const APPS: &str = "\
source.trucks=docker:dev.local/trucks:0.0.1-SNAPSHOT
processor.brake-temperature=docker:dev.local/brake-temperature:0.0.1-SNAPSHOT
sink.brake-log=docker:dev.local/brake-logs:0.0.1-SNAPSHOT
";

fn setting(name: &str) -> Option<String> {
    #[expect(
        clippy::disallowed_methods,
        reason = "benchmark harness, not server configuration"
    )]
    std::env::var(name).ok()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kib: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    kib / 1024.0
}

struct Http {
    client: reqwest::Client,
    base: String,
}

impl Http {
    async fn get(&self, path: &str) -> (u16, String) {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> u16 {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        self.client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    async fn api_requests(&self) -> u64 {
        let (_, metrics) = self.get("/metrics").await;
        metrics
            .lines()
            .filter(|line| line.starts_with("dataflow_kubernetes_api_requests_total{"))
            .filter_map(|line| line.rsplit(' ').next()?.parse::<u64>().ok())
            .sum()
    }

    /// How many apps `/runtime/streams` shows `deployed`, over all streams.
    async fn deployed_apps(&self, streams: usize) -> usize {
        let (_, body) = self
            .get(&format!("/runtime/streams?page=0&size={streams}"))
            .await;
        let json: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
        json["_embedded"]["streamStatusResourceList"]
            .as_array()
            .map_or(0, |streams| {
                streams
                    .iter()
                    .flat_map(|s| {
                        s["applications"]["_embedded"]["appStatusResourceList"]
                            .as_array()
                            .cloned()
                            .unwrap_or_default()
                    })
                    .filter(|a| a["state"] == "deployed")
                    .count()
            })
    }

    /// p50, p99 and max of `rounds` sequential GETs of `path`, in milliseconds.
    async fn latency(&self, path: &str, rounds: usize) -> (f64, f64, f64) {
        let mut times = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            let started = Instant::now();
            let (status, _) = self.get(path).await;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            assert_eq!(status, 200, "{path}");
        }
        times.sort_by(f64::total_cmp);
        let at =
            |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
        (at(0.50), at(0.99), times[times.len() - 1])
    }
}

#[tokio::main]
async fn main() {
    let Some(kubeconfig) = setting("DATAFLOW_BENCH_KUBECONFIG") else {
        eprintln!(
            "runtime_status: DATAFLOW_BENCH_KUBECONFIG is not set; run it with \
             scripts/bench.sh --cluster (which starts a test control plane)"
        );
        return;
    };
    let streams: usize = setting("DATAFLOW_BENCH_STREAMS").map_or(1000, |n| {
        n.parse().expect("DATAFLOW_BENCH_STREAMS: a number")
    });

    let config = Config::from_custom_kubeconfig(
        Kubeconfig::read_from(&kubeconfig).unwrap(),
        &KubeConfigOptions::default(),
    )
    .await
    .unwrap();
    let client = Client::try_from(config).unwrap();
    let namespace = format!("dataflow-bench-{}", std::process::id());
    let ns: Namespace =
        serde_json::from_value(json!({ "metadata": { "name": namespace } })).unwrap();
    Api::<Namespace>::all(client.clone())
        .create(&PostParams::default(), &ns)
        .await
        .unwrap();
    let accounts = Api::<ServiceAccount>::namespaced(client.clone(), &namespace);
    while accounts.get_opt("default").await.unwrap().is_none() {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    // DATAFLOW_BENCH_WRAPPER runs the server under a tool (e.g. `heaptrack -o /tmp/server`).
    let mut command = match setting("DATAFLOW_BENCH_WRAPPER") {
        Some(wrapper) => {
            let mut words = wrapper.split_whitespace();
            let mut command = Command::new(words.next().expect("a wrapper command"));
            command.args(words).arg(BIN);
            command
        }
        None => Command::new(BIN),
    };
    let mut server = command
        .args(["--port", &port.to_string(), "--data-dir"])
        .arg(data.path())
        .arg("--kubernetes-account")
        .arg(format!("default={kubeconfig}"))
        .args(["--kubernetes-setting", &format!("namespace={namespace}")])
        .args(["--log-level", "warn"])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let http = Http {
        client: reqwest::Client::new(),
        base: format!("http://127.0.0.1:{port}"),
    };
    while http
        .client
        .get(format!("{}/about", http.base))
        .send()
        .await
        .is_err()
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(http.post_form("/apps", &[("apps", APPS)]).await, 201);

    let started = Instant::now();
    let before = http.api_requests().await;
    for i in 0..streams {
        let name = format!("s{i:04}");
        let status = http
            .post_form(
                "/streams/definitions",
                &[
                    ("name", name.as_str()),
                    ("definition", "trucks | brake-temperature | brake-log"),
                    ("deploy", "true"),
                ],
            )
            .await;
        assert_eq!(status, 201, "{name}");
    }
    println!(
        "runtime_status: {streams} streams created and deploy requested in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let apps = streams * 3;
    loop {
        let deployed = http.deployed_apps(streams).await;
        if deployed == apps {
            break;
        }
        println!(
            "runtime_status: {deployed} of {apps} apps deployed after {:.0} s",
            started.elapsed().as_secs_f64()
        );
        tokio::time::sleep(Duration::from_secs(15)).await;
    }
    let deploy_requests = http.api_requests().await - before;
    println!(
        "runtime_status: all {apps} apps deployed after {:.0} s; the server made {deploy_requests} \
         Kubernetes API requests ({:.1} per stream)",
        started.elapsed().as_secs_f64(),
        deploy_requests as f64 / streams as f64
    );

    let idle: u64 = setting("DATAFLOW_BENCH_IDLE_SECONDS").map_or(60, |n| {
        n.parse().expect("DATAFLOW_BENCH_IDLE_SECONDS: a number")
    });
    let idle_before = http.api_requests().await;
    tokio::time::sleep(Duration::from_secs(idle)).await;
    println!(
        "runtime_status: API requests while idle for {idle} s with {streams} streams deployed: {}",
        http.api_requests().await - idle_before
    );

    println!(
        "runtime_status: server RSS with {streams} streams ({apps} Deployments, {apps} Pods, \
         {apps} Services) cached, before the requests below: {:.1} MiB",
        rss_mib(server.id())
    );
    for (path, rounds) in [
        ("/runtime/streams".to_owned(), 500),
        (format!("/runtime/streams?page=0&size={streams}"), 50),
        ("/streams/definitions".to_owned(), 500),
        (
            format!("/runtime/apps/s{:04}-brake-log-v1", streams / 2),
            500,
        ),
    ] {
        let (p50, p99, max) = http.latency(&path, rounds).await;
        println!(
            "runtime_status: GET {path}: p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms \
             ({rounds} sequential requests)"
        );
    }
    println!(
        "runtime_status: server RSS after the requests (the one-page answers of all {streams} \
         streams are several MiB of JSON): {:.1} MiB",
        rss_mib(server.id())
    );

    let _ = server.kill();
    let _ = server.wait();
    let _ = Api::<Namespace>::all(client)
        .delete(&namespace, &DeleteParams::default())
        .await;
}
