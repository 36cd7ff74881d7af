//! Rendered YAML of representative apps, reviewed by eye and pinned with insta. The schema test
//! (`tests/schema.rs`) validates every snapshot against the Kubernetes API schema.

mod support;

use dataflow_deployer::kubernetes::{render_app, to_multi_doc_yaml};
use support::*;

/// The app properties dataflow's planner adds to every stream app.
fn planned(request: Request, stream: &str, label: &str, app_type: &str) -> Request {
    request
        .app_property("spring.cloud.dataflow.stream.name", stream)
        .app_property("spring.cloud.dataflow.stream.app.label", label)
        .app_property("spring.cloud.dataflow.stream.app.type", app_type)
}

#[test]
fn plain_source_app() {
    let request = stream_app(
        "ticktock",
        "time",
        "time",
        "docker:springcloudstream/time-source-kafka:5.0.0",
    )
    .app_property(
        "spring.cloud.stream.bindings.output.destination",
        "ticktock.time",
    );
    let objects = planned(request, "ticktock", "time", "source").render();
    insta::assert_snapshot!("plain_source_app", objects.to_yaml().unwrap());
}

#[test]
fn indexed_app_with_count_3() {
    let request = stream_app(
        "ticktock",
        "log",
        "log",
        "docker:springcloudstream/log-sink-kafka:5.0.0",
    )
    .count(3)
    .indexed()
    .app_property(
        "spring.cloud.stream.bindings.input.destination",
        "ticktock.time",
    )
    .app_property(
        "spring.cloud.stream.bindings.input.consumer.partitioned",
        "true",
    )
    .app_property("spring.cloud.stream.instanceCount", "3");
    let objects = planned(request, "ticktock", "log", "sink").render();
    insta::assert_snapshot!("indexed_app_with_count_3", objects.to_yaml().unwrap());
}

/// Every property of the deployer table that applies to stream apps, set at server level, per
/// app, or both (where both apply, to show how they combine). HTTP probes; TCP and COMMAND
/// probes have their own snapshots below.
#[test]
fn every_property() {
    let server = platform(EVERY_SERVER_SETTING);
    let request = stream_app(
        "orders",
        "router",
        "router",
        "docker:springcloudstream/router-sink-kafka:5.0.0",
    )
    .count(2)
    .indexed()
    .app_property("server.port", "9000")
    .app_property("router.expression", "headers['type']")
    .arg("--logging.level.root=info");
    let request = EVERY_APP_SETTING
        .iter()
        .fold(request, |request, (key, value)| request.kube(key, value));
    let request = planned(request, "orders", "router", "sink");
    let objects = render_app(&request.0, &server, &probe_secrets()).unwrap();
    insta::assert_snapshot!("every_property", objects.to_yaml().unwrap());
}

#[test]
fn tcp_probes() {
    let objects = stream_app(
        "orders",
        "audit",
        "log",
        "docker:springcloudstream/log-sink-kafka:5.0.0",
    )
    .kube("probeType", "TCP")
    .kube("livenessTcpProbePort", "8080")
    .kube("livenessTcpProbeDelay", "15")
    .kube("livenessTcpProbePeriod", "20")
    .kube("livenessTcpProbeTimeout", "2")
    .kube("livenessTcpProbeFailure", "4")
    .kube("livenessTcpProbeSuccess", "1")
    .kube("readinessTcpProbePort", "8081")
    .kube("startupTcpProbePort", "8081")
    .render();
    insta::assert_snapshot!("tcp_probes", objects.to_yaml().unwrap());
}

#[test]
fn command_probes() {
    let server = platform(&[
        ("probeType", "COMMAND"),
        ("livenessCommandProbeCommand", "sh -c 'test -f /tmp/alive'"),
        ("readinessCommandProbeCommand", "cat /tmp/ready"),
        ("startupCommandProbeCommand", "cat /tmp/started"),
        ("startupCommandProbeFailure", "30"),
    ]);
    let objects = stream_app(
        "orders",
        "audit",
        "log",
        "docker:springcloudstream/log-sink-kafka:5.0.0",
    )
    .kube("readinessCommandProbePeriod", "5")
    .kube("livenessCommandProbeTimeout", "3")
    .render_on(&server);
    insta::assert_snapshot!("command_probes", objects.to_yaml().unwrap());
}

#[test]
fn whole_stream_as_one_yaml() {
    let time = stream_app(
        "ticktock",
        "time",
        "time",
        "docker:springcloudstream/time-source-kafka:5.0.0",
    )
    .render();
    let log = stream_app(
        "ticktock",
        "log",
        "log",
        "docker:springcloudstream/log-sink-kafka:5.0.0",
    )
    .render();
    let yaml = to_multi_doc_yaml(&[time, log]).unwrap();
    assert_eq!(yaml.matches("---\n").count(), 4);
    let kinds: Vec<&str> = yaml
        .lines()
        .filter(|line| line.starts_with("kind: "))
        .collect();
    assert_eq!(
        kinds,
        [
            "kind: Service",
            "kind: Deployment",
            "kind: Service",
            "kind: Deployment"
        ]
    );
}
