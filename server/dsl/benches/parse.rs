//! Parse throughput: the workshop's stream, a 50-app stream, and a deeply composed task; and,
//! in the `limits` group, the largest inputs a parse accepts (definitions at the length cap,
//! a task with 4,000 arguments, a task full of duplicate names), where any cost that grows
//! faster than the input shows. Run with `cargo bench -p dataflow-dsl` (or
//! `scripts/bench.sh`); `cargo bench -p dataflow-dsl --bench parse -- limits` for the latter.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dataflow_dsl::MAX_DSL_CHARS as CAP;
use dataflow_dsl::stream::parse_stream;
use dataflow_dsl::task::{parse_and_validate_task, parse_task_text_to_graph};

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

/// `pieces` joined by `separator`, as many as fit in `limit` characters (all ASCII).
fn fill(limit: usize, separator: &str, piece: impl Fn(usize) -> String) -> String {
    let mut dsl = piece(0);
    for i in 1.. {
        let next = piece(i);
        if dsl.len() + separator.len() + next.len() > limit {
            break;
        }
        dsl.push_str(separator);
        dsl.push_str(&next);
    }
    dsl
}

/// `t --a0=1 --a1=1 …`: one task app with `count` arguments.
fn task_with_args(count: usize) -> String {
    let mut dsl = String::from("t");
    for i in 0..count {
        dsl.push_str(&format!(" --a{i}=1"));
    }
    dsl
}

fn limits(c: &mut Criterion) {
    let args_4000 = task_with_args(4000);
    let args_at_cap = fill(CAP, " ", |i| {
        if i == 0 {
            "t".to_owned()
        } else {
            format!("--a{i}=1")
        }
    });
    let duplicates = vec!["a"; 12_000].join(" && ");
    let stream_at_cap = fill(CAP, " | ", |i| {
        format!("app{i} --server.port.value={i} --expression='payload + \" {i}\"'")
    });
    assert!(parse_task_text_to_graph(None, &args_4000).errors.is_empty());
    assert!(
        parse_task_text_to_graph(None, &args_at_cap)
            .errors
            .is_empty()
    );
    assert!(
        !parse_task_text_to_graph(None, &duplicates)
            .errors
            .is_empty()
    );
    assert!(parse_stream(&stream_at_cap).is_ok());

    let mut group = c.benchmark_group("limits");
    group.sample_size(20);
    group.throughput(Throughput::Elements(1));
    group.bench_function("task_4000_args_parse_and_validate", |b| {
        b.iter(|| parse_and_validate_task(black_box(&args_4000), None))
    });
    group.bench_function("task_4000_args_to_graph", |b| {
        b.iter(|| parse_task_text_to_graph(None, black_box(&args_4000)))
    });
    group.bench_function("task_args_at_cap_to_graph", |b| {
        b.iter(|| parse_task_text_to_graph(None, black_box(&args_at_cap)))
    });
    group.bench_function("task_12000_duplicate_names_to_graph", |b| {
        b.iter(|| parse_task_text_to_graph(None, black_box(&duplicates)))
    });
    group.bench_function("stream_at_cap", |b| {
        b.iter(|| parse_stream(black_box(&stream_at_cap)))
    });
    group.finish();
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

criterion_group!(benches, bench, limits);
criterion_main!(benches);
