//! Bulk import of 10,000 app lines through the REST router (form parsing, validation, one
//! transaction), into an empty registry each time, on SQLite and on MariaDB.
//!
//! Run with `scripts/bench.sh`, which starts a throwaway MariaDB with durable commits and sets
//! `DATAFLOW_TEST_MARIADB_URL`; without it only SQLite is measured.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use criterion::{Criterion, criterion_group, criterion_main};
use dataflow_server::state::AppState;
use dataflow_store::testing::{self, MARIADB_URL_VAR, TestStore};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

const LINES: usize = 10_000;

fn app_list() -> String {
    let types = ["source", "processor", "sink", "task"];
    (0..LINES)
        .map(|i| {
            let t = types[i % types.len()];
            format!(
                "{t}.app{i}=docker:registry.example.com:5000/team/app{i}:1.{}.0\n",
                i % 10
            )
        })
        .collect()
}

/// Imports the list into a fresh store made by `fresh`; returns the time of the import alone.
async fn import_once(db: TestStore, body: String) -> Duration {
    let state = AppState::new(db.store.clone(), 64 * 1024 * 1024, Duration::from_secs(5)).unwrap();
    let router = dataflow_server::http::router(state);
    let request = Request::post("/apps")
        .header(header::HOST, "localhost:9393")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let started = Instant::now();
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let elapsed = started.elapsed();
    assert_eq!(
        status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    elapsed
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("apps", &app_list())
        .finish();
    #[expect(
        clippy::disallowed_methods,
        reason = "benchmark harness, not server configuration"
    )]
    let mariadb = std::env::var(MARIADB_URL_VAR).is_ok();

    let mut group = c.benchmark_group("bulk_import_10k_lines");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("sqlite", |b| {
        b.to_async(&runtime).iter_custom(|iters| {
            let body = body.clone();
            async move {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    total += import_once(testing::sqlite().await, body.clone()).await;
                }
                total
            }
        });
    });
    if mariadb {
        group.bench_function("mariadb", |b| {
            b.to_async(&runtime).iter_custom(|iters| {
                let body = body.clone();
                async move {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        total += import_once(testing::mariadb().await, body.clone()).await;
                    }
                    total
                }
            });
        });
    } else {
        eprintln!("MariaDB not measured: {MARIADB_URL_VAR} is not set (scripts/bench.sh sets it)");
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
