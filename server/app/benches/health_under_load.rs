//! Latency of `GET /management/health` while two clients keep the server parsing the largest
//! task definitions it accepts (the review's finding: parsing on the async workers delayed
//! health by seconds), against the same latency on an idle server. The runtime has two workers,
//! as the project's 2-core machines do.
//!
//! Run with `scripts/bench.sh` (or `cargo bench -p dataflow-server --bench health_under_load`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use criterion::{Criterion, criterion_group, criterion_main};
use dataflow_server::state::AppState;
use dataflow_store::testing;
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

/// `t --a0=1 --a1=1 …`, as long as the parser accepts.
fn largest_task() -> String {
    let mut dsl = String::from("t");
    for i in 0.. {
        let arg = format!(" --a{i}=1");
        if dsl.len() + arg.len() > dataflow_dsl::MAX_DSL_CHARS {
            break;
        }
        dsl.push_str(&arg);
    }
    serde_json::json!({ "dsl": dsl }).to_string()
}

async fn send(router: &Router, request: Request<Body>) -> StatusCode {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    response.into_body().collect().await.unwrap();
    status
}

fn health() -> Request<Body> {
    Request::get("/management/health")
        .header(header::HOST, "localhost:9393")
        .body(Body::empty())
        .unwrap()
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let db = runtime.block_on(testing::sqlite());
    let state = AppState::new(db.store.clone(), 16 * 1024 * 1024, Duration::from_secs(5)).unwrap();
    let router = dataflow_server::http::router(state);

    let mut group = c.benchmark_group("health");
    group.bench_function("idle", |b| {
        b.to_async(&runtime)
            .iter(|| async { assert_eq!(send(&router, health()).await, StatusCode::OK) });
    });

    let stop = Arc::new(AtomicBool::new(false));
    let parsed = Arc::new(AtomicU64::new(0));
    let body = largest_task();
    let load: Vec<_> = (0..2)
        .map(|_| {
            let (router, stop, parsed, body) =
                (router.clone(), stop.clone(), parsed.clone(), body.clone());
            runtime.spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let request = Request::post("/tools/parseTaskTextToGraph")
                        .header(header::HOST, "localhost:9393")
                        .header(header::CONTENT_TYPE, "application/json")
                        .body(Body::from(body.clone()))
                        .unwrap();
                    assert_eq!(send(&router, request).await, StatusCode::OK);
                    parsed.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    group.bench_function("while_two_clients_parse_the_largest_task", |b| {
        b.to_async(&runtime)
            .iter(|| async { assert_eq!(send(&router, health()).await, StatusCode::OK) });
    });
    stop.store(true, Ordering::Relaxed);
    for task in load {
        runtime.block_on(task).unwrap();
    }
    println!(
        "largest task definitions parsed during the run: {}",
        parsed.load(Ordering::Relaxed)
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
