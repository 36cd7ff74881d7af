//! Whole streams, from DSL to Kubernetes objects: each definition is parsed, planned by
//! `dataflow-core` against a registry and deployment properties exactly as the server plans it,
//! and every app rendered. The YAML is pinned with insta and, like every snapshot of this
//! crate, validated against the Kubernetes schema by `tests/schema.rs`.
//!
//! Checklist items of the reference (scdf-kubernetes.md §7) these streams exercise end to end:
//! 1 (ids `<stream>-<label>-v1`, lowercased), 2–5 (StatefulSet for indexed consumers with the
//! index-provider init container and claim template), 7 (Service port 8080), 10 (the group's
//! env var), 31 (exec entry point: properties as sorted `--key=value` args).

mod support;

use std::collections::BTreeMap;

use dataflow_core::app::{AppName, AppRegistration, AppType};
use dataflow_core::planning::{PlanInput, plan_stream};
use dataflow_core::stream::stream_apps;
use dataflow_deployer::kubernetes::{KubernetesPlatform, render_app, to_multi_doc_yaml};
use dataflow_dsl::stream::parse_stream;
use support::{EVERY_APP_SETTING, EVERY_SERVER_SETTING, platform, probe_secrets};

/// The workshop's definition, exactly as the workshop writes it.
const WORKSHOP: &str = "truck-performance = trucks --spring.cloud.stream.function.bindings.generateTruck-out-0=output | brake-temperature --spring.cloud.stream.function.bindings.processBrakeTemperature-in-0=input --spring.cloud.stream.function.bindings.processBrakeTemperature-out-0=output | brake-log --spring.cloud.stream.function.bindings.log-in-0=input";

fn registration(app_type: AppType, name: &str, uri: &str) -> AppRegistration {
    let version = uri.rsplit(':').next().unwrap_or_default().to_owned();
    AppRegistration {
        name: AppName::new(name).unwrap(),
        app_type,
        version,
        uri: uri.to_owned(),
        metadata_uri: None,
        default_version: true,
    }
}

/// The workshop's apps (its bulk registration lines) and a few of SCDF's stock apps.
fn registry() -> Vec<AppRegistration> {
    use AppType::{App, Processor, Sink, Source};
    let stock = |app_type, name: &str| {
        registration(
            app_type,
            name,
            &format!("docker:springcloudstream/{name}-{app_type}-kafka:5.0.0"),
        )
    };
    vec![
        registration(Source, "trucks", "docker:sabby/trucks:0.0.1-SNAPSHOT"),
        registration(
            Processor,
            "brake-temperature",
            "docker:sabby/brake-temperature:0.0.1-SNAPSHOT",
        ),
        registration(Sink, "brake-log", "docker:sabby/brake-logs:0.0.1-SNAPSHOT"),
        stock(Source, "time"),
        stock(Source, "http"),
        stock(Processor, "transform"),
        stock(Processor, "filter"),
        stock(Sink, "log"),
        stock(Sink, "router"),
        stock(App, "server"),
        stock(App, "worker"),
    ]
}

/// Kafka settings every stream app receives, as an operator configures them
/// (`--stream-app-property`).
fn server_app_properties() -> BTreeMap<String, String> {
    BTreeMap::from([(
        "spring.cloud.stream.kafka.binder.brokers".to_owned(),
        "kafka.kafka.svc:9092".to_owned(),
    )])
}

/// Parses, plans and renders `dsl` (named by its `name =` prefix) with `properties` on
/// `platform`; the multi-document YAML of the whole stream.
fn render_stream(dsl: &str, properties: &[(&str, &str)], platform: &KubernetesPlatform) -> String {
    let definition = parse_stream(dsl).unwrap_or_else(|e| panic!("{}", e.formatted()));
    let name = definition
        .name
        .clone()
        .expect("the test DSL names its stream");
    let apps = stream_apps(&name, &definition);
    let properties: BTreeMap<String, String> = properties
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let registrations = registry();
    let requests = plan_stream(&PlanInput {
        stream: &name,
        apps: &apps,
        registrations: &registrations,
        properties: &properties,
        server_app_properties: &server_app_properties(),
        release: 1,
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let objects: Vec<_> = requests
        .iter()
        .map(|request| {
            render_app(request, platform, &probe_secrets()).unwrap_or_else(|e| panic!("{e}"))
        })
        .collect();
    to_multi_doc_yaml(&objects).unwrap()
}

fn kinds_and_names(yaml: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut kind = "";
    let mut in_metadata = false;
    for line in yaml.lines() {
        if let Some(k) = line.strip_prefix("kind: ") {
            kind = k;
        }
        if line == "metadata:" {
            in_metadata = true;
        } else if in_metadata && let Some(name) = line.strip_prefix("  name: ") {
            out.push(format!("{kind}/{name}"));
            in_metadata = false;
        }
    }
    out
}

#[test]
fn workshop_truck_performance() {
    let yaml = render_stream(WORKSHOP, &[], &KubernetesPlatform::default());
    assert_eq!(
        kinds_and_names(&yaml),
        [
            "Service/truck-performance-trucks",
            "Deployment/truck-performance-trucks-v1",
            "Service/truck-performance-brake-temperature",
            "Deployment/truck-performance-brake-temperature-v1",
            "Service/truck-performance-brake-log",
            "Deployment/truck-performance-brake-log-v1",
        ]
    );
    // The images run unchanged: their own function bindings, bound to SCDF's destinations.
    for needle in [
        "image: sabby/brake-logs:0.0.1-SNAPSHOT",
        "'--spring.cloud.stream.function.bindings.processBrakeTemperature-in-0=input'",
        "'--spring.cloud.stream.bindings.input.destination=truck-performance.brake-temperature'",
        "'--spring.cloud.stream.kafka.binder.brokers=kafka.kafka.svc:9092'",
    ] {
        assert!(yaml.contains(needle), "missing {needle}");
    }
    insta::assert_snapshot!("stream_workshop_truck_performance", yaml);
}

#[test]
fn time_log_with_three_log_instances() {
    let yaml = render_stream(
        "ticktock = time | log",
        &[("deployer.log.count", "3")],
        &KubernetesPlatform::default(),
    );
    assert!(yaml.contains("  replicas: 3\n"));
    assert!(yaml.contains("'--spring.cloud.stream.instanceCount=3'"));
    // Not partitioned: three competing consumers of one Deployment.
    assert!(!yaml.contains("kind: StatefulSet"));
    insta::assert_snapshot!("stream_time_log_count_3", yaml);
}

/// Item 2–5: a partitioned consumer runs as a StatefulSet, each pod learning its index.
#[test]
fn partitioned_stream() {
    let yaml = render_stream(
        "orders = http | transform --expression=payload.toUpperCase() | log",
        &[
            (
                "app.http.producer.partitionKeyExpression",
                "headers['customer']",
            ),
            ("deployer.transform.count", "2"),
        ],
        &KubernetesPlatform::default(),
    );
    assert_eq!(
        kinds_and_names(&yaml),
        [
            "Service/orders-http",
            "Deployment/orders-http-v1",
            "Service/orders-transform",
            "StatefulSet/orders-transform-v1",
            "Service/orders-log",
            "Deployment/orders-log-v1",
        ]
    );
    assert!(yaml.contains("'--spring.cloud.stream.bindings.output.producer.partitionCount=2'"));
    assert!(yaml.contains("'--spring.cloud.stream.bindings.input.consumer.partitioned=true'"));
    insta::assert_snapshot!("stream_partitioned", yaml);
}

#[test]
fn source_and_sink_destinations() {
    let yaml = render_stream(
        "kept-orders = :orders --group=auditors > filter --expression='payload.total > 100' > :kept",
        &[],
        &KubernetesPlatform::default(),
    );
    for needle in [
        "'--spring.cloud.stream.bindings.input.destination=orders'",
        "'--spring.cloud.stream.bindings.input.group=auditors'",
        "'--spring.cloud.stream.bindings.output.destination=kept'",
        "'--spring.cloud.dataflow.stream.app.type=processor'",
    ] {
        assert!(yaml.contains(needle), "missing {needle}");
    }
    assert!(!yaml.contains("requiredGroups"));
    insta::assert_snapshot!("stream_destinations", yaml);
}

#[test]
fn tap_of_another_stream() {
    let yaml = render_stream(
        "brake-tap = :truck-performance.brake-temperature > log",
        &[],
        &KubernetesPlatform::default(),
    );
    assert!(yaml.contains(
        "'--spring.cloud.stream.bindings.input.destination=truck-performance.brake-temperature'"
    ));
    assert!(yaml.contains("'--spring.cloud.stream.bindings.input.group=brake-tap'"));
    insta::assert_snapshot!("stream_tap", yaml);
}

#[test]
fn app_group() {
    let yaml = render_stream(
        "backend = server --server.port=9000 || worker",
        &[("deployer.worker.count", "2")],
        &KubernetesPlatform::default(),
    );
    assert!(!yaml.contains("spring.cloud.stream.bindings"));
    assert!(yaml.contains("'--spring.cloud.dataflow.stream.app.type=app'"));
    assert!(yaml.contains("  - name: port-9000\n    port: 9000\n"));
    insta::assert_snapshot!("stream_app_group", yaml);
}

/// Every deployer property of the table that applies to stream apps, given the way users give
/// them: server settings, and `deployer.<label>.kubernetes.*` deployment properties.
#[test]
fn every_property_through_deployment_properties() {
    let mut properties: Vec<(String, String)> = EVERY_APP_SETTING
        .iter()
        .map(|(key, value)| {
            (
                format!("deployer.router.kubernetes.{key}"),
                (*value).to_owned(),
            )
        })
        .collect();
    properties.extend(
        [
            ("deployer.router.count", "2"),
            (
                "app.http.producer.partitionKeyExpression",
                "headers['type']",
            ),
            ("app.router.server.port", "9000"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned())),
    );
    let borrowed: Vec<(&str, &str)> = properties
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let yaml = render_stream(
        "orders = http | router --router.expression=headers['type']",
        &borrowed,
        &platform(EVERY_SERVER_SETTING),
    );
    assert!(yaml.contains("kind: StatefulSet"));
    assert!(yaml.contains("namespace: streams"));
    insta::assert_snapshot!("stream_every_property", yaml);
}
