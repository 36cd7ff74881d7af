//! Parse throughput: the workshop's stream, a 50-app stream, and a deeply composed task.
//! Run with `cargo bench -p dataflow-dsl` (or `scripts/bench.sh`).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dataflow_dsl::stream::parse_stream;
use dataflow_dsl::task::parse_and_validate_task;

const WORKSHOP: &str = "truck-performance = trucks \
    --spring.cloud.stream.function.bindings.generateTruck-out-0=output | brake-temperature \
    --spring.cloud.stream.function.bindings.processBrakeTemperature-in-0=input \
    --spring.cloud.stream.function.bindings.processBrakeTemperature-out-0=output | brake-log \
    --spring.cloud.stream.function.bindings.log-in-0=input";

/// `app0 --a.b=0 --c='v 0' | app1 … | app49`: 50 apps with two arguments each.
fn fifty_apps() -> String {
    (0..50)
        .map(|i| format!("app{i} --server.port.value={i} --expression='payload + \" {i}\"'"))
        .collect::<Vec<_>>()
        .join(" | ")
}

/// Splits nested `depth` deep, each level a flow with a transition and a sequence.
fn deep_composed_task(depth: usize) -> String {
    let mut dsl = String::from("leaf --x=1");
    for i in 0..depth {
        dsl = format!(
            "<s{i}a: step{i} 'FAILED' -> fix{i}: cleanup --level={i} && {dsl} || s{i}b: other{i}> \
             && after{i}"
        );
    }
    dsl
}

fn bench(c: &mut Criterion) {
    let fifty = fifty_apps();
    let deep = deep_composed_task(30);
    assert!(parse_stream(WORKSHOP).is_ok());
    assert_eq!(parse_stream(&fifty).map(|s| s.apps.len()).ok(), Some(50));
    assert!(
        parse_and_validate_task(&deep, None).is_ok(),
        "the deep task is valid"
    );

    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Elements(1));
    group.bench_function("workshop_stream", |b| {
        b.iter(|| parse_stream(black_box(WORKSHOP)))
    });
    group.bench_function("stream_50_apps", |b| {
        b.iter(|| parse_stream(black_box(&fifty)))
    });
    group.bench_function("composed_task_depth_30", |b| {
        b.iter(|| parse_and_validate_task(black_box(&deep), None))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
