use std::collections::BTreeMap;

use dataflow_dsl::stream::parse_stream;
use proptest::prelude::*;

use super::*;
use crate::app::AppName;

use crate::stream::stream_apps;

fn registration(app_type: AppType, name: &str, version: &str, default: bool) -> AppRegistration {
    AppRegistration {
        name: AppName::new(name).expect("valid name"),
        app_type,
        version: version.to_owned(),
        uri: format!("docker:springcloudstream/{name}-{app_type}-kafka:{version}"),
        metadata_uri: None,
        default_version: default,
    }
}

fn registry() -> Vec<AppRegistration> {
    vec![
        registration(AppType::Source, "time", "3.2.1", true),
        registration(AppType::Source, "time", "4.0.0", false),
        registration(AppType::Source, "http", "3.2.1", true),
        registration(AppType::Processor, "transform", "3.2.1", true),
        registration(AppType::Sink, "log", "3.2.1", true),
        registration(AppType::App, "time", "3.2.1", true),
        registration(AppType::App, "log", "3.2.1", true),
    ]
}

fn props(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn plan_with(
    dsl: &str,
    properties: &BTreeMap<String, String>,
    server: &BTreeMap<String, String>,
) -> Result<Vec<AppDeploymentRequest>> {
    let definition = parse_stream(dsl).expect("valid DSL");
    let apps = stream_apps("S", &definition);
    let registrations = registry();
    plan_stream(&PlanInput {
        stream: "S",
        apps: &apps,
        registrations: &registrations,
        properties,
        server_app_properties: server,
        release: 1,
    })
}

fn plan(dsl: &str, properties: &[(&str, &str)]) -> Result<Vec<AppDeploymentRequest>> {
    plan_with(dsl, &props(properties), &BTreeMap::new())
}

fn error(dsl: &str, properties: &[(&str, &str)]) -> Error {
    plan(dsl, properties).expect_err("planning must fail")
}

#[test]
fn each_app_gets_the_keys_the_server_always_sets() {
    let requests = plan("time | log", &[]).expect("plans");
    assert_eq!(requests.len(), 2);
    let time = &requests[0];
    assert_eq!(time.definition_name, "time-v1");
    assert_eq!(
        time.resource,
        "docker:springcloudstream/time-source-kafka:3.2.1"
    );
    assert_eq!(time.version, "3.2.1");
    assert_eq!(time.app_properties[STREAM_NAME], "S");
    assert_eq!(time.app_properties[STREAM_APP_LABEL], "time");
    assert_eq!(time.app_properties[STREAM_APP_TYPE], "source");
    assert_eq!(
        time.app_properties["spring.cloud.stream.bindings.output.destination"],
        "S.time"
    );
    assert_eq!(time.group.as_deref(), Some("S"));
    assert_eq!(time.app_name.as_deref(), Some("time"));
    assert_eq!(time.instances, 1);
    assert!(!time.indexed);
    assert!(time.deployment_properties.is_empty());
    assert!(!time.app_properties.contains_key(INSTANCE_COUNT));
    for (key, value) in COMMON_APP_PROPERTIES {
        assert_eq!(time.app_properties[key], value, "{key}");
    }
}

#[test]
fn label_specific_properties_win_over_wildcards() {
    let requests = plan(
        "time | log",
        &[
            ("app.*.level", "INFO"),
            ("app.log.level", "DEBUG"),
            ("deployer.*.count", "2"),
            ("deployer.log.count", "3"),
            ("deployer.*.kubernetes.limits.memory", "512Mi"),
        ],
    )
    .expect("plans");
    assert_eq!(requests[0].app_properties["level"], "INFO");
    assert_eq!(requests[1].app_properties["level"], "DEBUG");
    assert_eq!(requests[0].instances, 2);
    assert_eq!(requests[1].instances, 3);
    assert_eq!(requests[1].app_properties[INSTANCE_COUNT], "3");
    assert_eq!(
        requests[1].deployment_properties["spring.cloud.deployer.kubernetes.limits.memory"],
        "512Mi"
    );
}

#[test]
fn precedence_runs_from_server_to_definition_to_deployment_to_fixed_keys() {
    let server = props(&[
        ("spring.cloud.stream.kafka.binder.brokers", "kafka:9092"),
        ("level", "WARN"),
        ("management.metrics.tags.application", "mine"),
        (STREAM_NAME, "not-this"),
    ]);
    let requests = plan_with(
        "time --level=INFO | log",
        &props(&[("app.log.level", "DEBUG")]),
        &server,
    )
    .expect("plans");
    let [time, log] = &requests[..] else {
        panic!("two apps")
    };
    assert_eq!(
        time.app_properties["spring.cloud.stream.kafka.binder.brokers"],
        "kafka:9092"
    );
    assert_eq!(time.app_properties["level"], "INFO");
    assert_eq!(log.app_properties["level"], "DEBUG");
    // Defaults fill only what nothing else set; the server's fixed keys always win.
    assert_eq!(
        time.app_properties["management.metrics.tags.application"],
        "mine"
    );
    assert_eq!(time.app_properties[STREAM_NAME], "S");
}

#[test]
fn producer_and_consumer_are_short_for_binding_properties() {
    let requests = plan(
        "time | log",
        &[
            ("app.time.producer.headerMode", "none"),
            ("app.log.consumer.maxAttempts", "5"),
        ],
    )
    .expect("plans");
    assert_eq!(
        requests[0].app_properties["spring.cloud.stream.bindings.output.producer.headerMode"],
        "none"
    );
    assert_eq!(
        requests[1].app_properties["spring.cloud.stream.bindings.input.consumer.maxAttempts"],
        "5"
    );
}

#[test]
fn a_partition_key_partitions_the_next_app_and_sizes_the_producer() {
    let requests = plan(
        "http | transform | log",
        &[
            ("app.http.producer.partitionKeyExpression", "headers['id']"),
            ("deployer.transform.count", "3"),
        ],
    )
    .expect("plans");
    let [http, transform, log] = &requests[..] else {
        panic!("three apps")
    };
    assert_eq!(http.app_properties[PARTITION_COUNT], "3");
    assert_eq!(
        http.app_properties[PARTITION_KEY_EXPRESSION],
        "headers['id']"
    );
    assert_eq!(transform.app_properties[CONSUMER_PARTITIONED], "true");
    assert!(transform.indexed);
    assert_eq!(transform.app_properties[INSTANCE_COUNT], "3");
    assert!(!transform.app_properties.contains_key(PARTITION_COUNT));
    assert!(!log.app_properties.contains_key(CONSUMER_PARTITIONED));
    assert!(!log.indexed);
}

#[test]
fn an_explicitly_partitioned_consumer_gets_a_payload_key_upstream() {
    let requests = plan("time | log", &[("app.log.consumer.partitioned", "true")]).expect("plans");
    assert_eq!(
        requests[0].app_properties[PARTITION_KEY_EXPRESSION],
        "payload"
    );
    assert_eq!(requests[0].app_properties[PARTITION_COUNT], "1");
    assert!(requests[1].indexed);
}

#[test]
fn a_registered_version_can_be_chosen_per_app() {
    let requests = plan("time | log", &[("version.time", "4.0.0")]).expect("plans");
    assert_eq!(requests[0].version, "4.0.0");
    assert!(requests[0].resource.ends_with(":4.0.0"));
    let missing = error("time | log", &[("version.time", "9.9")]);
    assert_eq!(missing.code(), Code::InvalidDeploymentProperties);
    assert!(
        missing
            .message()
            .contains("The source:time:9.9 app is not registered!"),
        "{}",
        missing.message()
    );
}

#[test]
fn unknown_keys_and_labels_are_all_reported_at_once() {
    let error = error(
        "time | log",
        &[
            ("foo.bar", "1"),
            ("app.nope.x", "1"),
            ("deployer.log", "1"),
            ("nodots", "1"),
        ],
    );
    assert_eq!(error.code(), Code::InvalidDeploymentProperties);
    let lines: Vec<&str> = error.message().lines().collect();
    assert_eq!(lines.len(), 4, "{}", error.message());
    assert!(
        lines
            .iter()
            .any(|l| l.contains("'app.nope.x' names app 'nope'")
                && l.contains("its apps: time, log"))
    );
    assert!(lines.iter().any(|l| l.contains("'foo.bar'")));
    assert!(lines.iter().any(|l| l.contains("'nodots'")));
    assert!(
        lines
            .iter()
            .any(|l| l.contains("'deployer.log' must name an app and a property"))
    );
}

#[test]
fn the_platform_is_named_default_and_skipper_package_keys_are_accepted() {
    plan(
        "time | log",
        &[
            (PLATFORM_NAME, "default"),
            ("spring.cloud.dataflow.skipper.packageVersion", "1.0.0"),
        ],
    )
    .expect("plans");
    let error = error("time | log", &[(PLATFORM_NAME, "k8s-prod")]);
    assert!(
        error.message().contains("No platform named 'k8s-prod'"),
        "{}",
        error.message()
    );
}

#[test]
fn counts_must_be_numbers() {
    let error = error("time | log", &[("deployer.log.count", "three")]);
    assert!(
        error.message().contains("'deployer.log.count'"),
        "{}",
        error.message()
    );
}

#[test]
fn generic_keys_become_typed_fields_and_leave_the_platform_properties() {
    let requests = plan(
        "time | transform | log",
        &[
            ("deployer.*.Indexed", "TRUE"),
            ("deployer.time.indexed", "false"),
            // An empty value unsets the key for its app, the wildcard's value included.
            ("deployer.transform.in-dexed", ""),
            ("deployer.log.kubernetes.limits.cpu", "1"),
            ("deployer.log.memory", "1g"),
        ],
    )
    .expect("plans");
    let indexed: Vec<bool> = requests.iter().map(|r| r.indexed).collect();
    assert_eq!(indexed, [false, false, true]);
    assert_eq!(
        requests[2].deployment_properties,
        props(&[
            ("spring.cloud.deployer.kubernetes.limits.cpu", "1"),
            ("spring.cloud.deployer.memory", "1g"),
        ])
    );
    assert!(requests[0].deployment_properties.is_empty());
}

#[test]
fn generic_keys_are_checked_naming_the_key_as_written() {
    let failure = error("time | log", &[("deployer.*.COUNT", "many")]);
    assert_eq!(
        failure.message(),
        "Deployment property 'deployer.*.COUNT' must be a whole number of instances, got 'many'."
    );
    let failure = error("time | log", &[("deployer.log.indexed", "yes")]);
    assert_eq!(failure.code(), Code::InvalidDeploymentProperties);
    assert_eq!(
        failure.message(),
        "Deployment property 'deployer.log.indexed' must be 'true' or 'false', got 'yes'."
    );
    let failure = error(
        "time | log",
        &[("deployer.log.GROUP", "h"), ("deployer.*.app-name", "x")],
    );
    assert_eq!(
        failure.message(),
        "Deployment property 'deployer.*.app-name' cannot be set: the app name of a stream's app \
         is its label.\n\
         Deployment property 'deployer.log.GROUP' cannot be set: the group of a stream's apps is \
         the stream's name."
    );
}

#[test]
fn an_app_missing_from_the_registry_is_named() {
    let error = error("time | nosuch", &[]);
    assert_eq!(error.code(), Code::InvalidStreamDefinition);
    assert_eq!(
        error.message(),
        "Application name 'nosuch' with type 'sink' does not exist in the app registry."
    );
}

#[test]
fn relaxed_spellings_of_count_are_read_as_platforms_read_them() {
    let requests = plan(
        "http | log",
        &[
            ("deployer.log.COUNT", "3"),
            ("app.http.producer.partitionKeyExpression", "payload"),
        ],
    )
    .expect("plans");
    assert_eq!(requests[1].instances, 3);
    assert_eq!(requests[1].app_properties[INSTANCE_COUNT], "3");
    assert_eq!(requests[0].app_properties[PARTITION_COUNT], "3");
}

#[test]
fn apps_of_a_group_are_never_partitioned() {
    let requests = plan(
        "time || log",
        &[
            ("app.time.producer.partitionKeyExpression", "payload"),
            ("app.log.consumer.partitioned", "true"),
        ],
    )
    .expect("plans");
    assert!(!requests[1].indexed);
    assert!(!requests[0].app_properties.contains_key(PARTITION_COUNT));
}

#[test]
fn comma_string_errors_do_not_repeat_values() {
    let error = parse_comma_properties("password=hunter2").expect_err("unknown prefix");
    assert!(
        error.message().contains("'password'"),
        "{}",
        error.message()
    );
    assert!(!error.message().contains("hunter2"), "{}", error.message());
}

#[test]
fn unbound_apps_use_registrations_of_type_app() {
    let requests = plan("time || log", &[]).expect("plans");
    assert_eq!(requests[0].app_type, AppType::App);
    assert_eq!(requests[0].app_properties[STREAM_APP_TYPE], "app");
    assert!(
        !requests[0]
            .app_properties
            .contains_key("spring.cloud.stream.bindings.output.destination")
    );
}

#[test]
fn comma_strings_keep_commas_that_belong_to_values() {
    let parsed = parse_comma_properties(
        "app.time.trigger.cron=0,15,30 * * * * *,deployer.time.count=2, app.log.expression=a,b",
    )
    .expect("parses");
    assert_eq!(
        parsed,
        props(&[
            ("app.time.trigger.cron", "0,15,30 * * * * *"),
            ("deployer.time.count", "2"),
            ("app.log.expression", "a,b"),
        ])
    );
    assert_eq!(parse_comma_properties("").expect("empty"), BTreeMap::new());
    let error = parse_comma_properties("count,deployer.x.count=1").expect_err("no key");
    assert!(error.message().contains("'count'"), "{}", error.message());
}

fn value() -> impl Strategy<Value = String> {
    // Values with commas, equals signs and spaces: what comma strings must not split wrongly.
    "[a-z0-9 =,*']{1,12}".prop_filter("no leading or trailing blanks", |v| {
        v.trim() == v && !v.starts_with(',') && !v.ends_with(',')
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, ..ProptestConfig::default() })]

    /// Whatever order and mix of wildcard and label keys, the label's value wins for its app
    /// and the wildcard's value reaches the others.
    #[test]
    fn wildcards_never_beat_labels(all in "[a-z]{1,5}", specific in "[A-Z]{1,5}", on_log in any::<bool>()) {
        let label = if on_log { "log" } else { "time" };
        let other = if on_log { 0 } else { 1 };
        let mine = if on_log { 1 } else { 0 };
        let key = format!("app.{label}.x");
        let requests = plan("time | log", &[("app.*.x", &all), (&key, &specific)]).expect("plans");
        prop_assert_eq!(&requests[mine].app_properties["x"], &specific);
        prop_assert_eq!(&requests[other].app_properties["x"], &all);
        let key = format!("deployer.{label}.kubernetes.cpu");
        let requests = plan("time | log", &[("deployer.*.kubernetes.cpu", &all), (&key, &specific)]).expect("plans");
        prop_assert_eq!(&requests[mine].deployment_properties["spring.cloud.deployer.kubernetes.cpu"], &specific);
        prop_assert_eq!(&requests[other].deployment_properties["spring.cloud.deployer.kubernetes.cpu"], &all);
    }

    /// Values holding commas survive the comma-string form when written after a known key.
    #[test]
    fn comma_strings_round_trip(values in proptest::collection::vec(value(), 1..5)) {
        let pairs: Vec<(String, String)> = values
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("app.a{i}.p"), v.clone()))
            .collect();
        let text = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",");
        let parsed = parse_comma_properties(&text).expect("parses");
        prop_assert_eq!(parsed, pairs.into_iter().collect::<BTreeMap<_, _>>());
    }
}
