//! From DSL to YAML: the workshop's stream and a 20-app stream parsed, planned and rendered as
//! the manifest export does (the registry already in memory). Run with
//! `cargo bench -p dataflow-deployer --bench render`.

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use dataflow_core::app::{AppName, AppRegistration, AppType};
use dataflow_core::planning::{PlanInput, plan_stream};
use dataflow_core::stream::stream_apps;
use dataflow_deployer::kubernetes::{KubernetesPlatform, NoSecrets, render_app, to_multi_doc_yaml};
use dataflow_dsl::stream::parse_stream;

const WORKSHOP: &str = "truck-performance = trucks \
    --spring.cloud.stream.function.bindings.generateTruck-out-0=output | brake-temperature \
    --spring.cloud.stream.function.bindings.processBrakeTemperature-in-0=input \
    --spring.cloud.stream.function.bindings.processBrakeTemperature-out-0=output | brake-log \
    --spring.cloud.stream.function.bindings.log-in-0=input";

fn registration(app_type: AppType, name: &str) -> AppRegistration {
    AppRegistration {
        name: AppName::new(name).expect("valid name"),
        app_type,
        version: "1.0.0".to_owned(),
        uri: format!("docker:example/{name}:1.0.0"),
        metadata_uri: None,
        default_version: true,
    }
}

fn registry() -> Vec<AppRegistration> {
    let mut apps = vec![
        registration(AppType::Source, "trucks"),
        registration(AppType::Processor, "brake-temperature"),
        registration(AppType::Sink, "brake-log"),
        registration(AppType::Source, "p0"),
        registration(AppType::Sink, "p19"),
    ];
    apps.extend((1..19).map(|i| registration(AppType::Processor, &format!("p{i}"))));
    apps
}

/// Parse, plan, render, serialize: what one manifest export costs besides the database.
fn export(dsl: &str, registrations: &[AppRegistration], platform: &KubernetesPlatform) -> String {
    let definition = parse_stream(dsl).expect("valid DSL");
    let name = definition.name.clone().expect("named");
    let apps = stream_apps(&name, &definition);
    let properties = BTreeMap::from([("deployer.*.count".to_owned(), "2".to_owned())]);
    let requests = plan_stream(&PlanInput {
        stream: &name,
        apps: &apps,
        registrations,
        properties: &properties,
        server_app_properties: &BTreeMap::new(),
        release: 1,
    })
    .expect("plans");
    let objects: Vec<_> = requests
        .iter()
        .map(|r| render_app(r, platform, &NoSecrets).expect("renders"))
        .collect();
    to_multi_doc_yaml(&objects).expect("serializes")
}

fn bench(c: &mut Criterion) {
    let registrations = registry();
    let platform = KubernetesPlatform::default();
    let twenty = format!(
        "long = {}",
        (0..20)
            .map(|i| format!("p{i} --expression=payload{i}"))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    assert_eq!(
        export(&twenty, &registrations, &platform)
            .matches("kind: Deployment")
            .count(),
        20
    );
    c.bench_function("export workshop stream", |b| {
        b.iter(|| export(black_box(WORKSHOP), &registrations, &platform));
    });
    c.bench_function("export 20-app stream", |b| {
        b.iter(|| export(black_box(&twenty), &registrations, &platform));
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
