//! The stream DSL through the crate's public API, as the server uses it.

use dataflow_dsl::stream::{
    AppKind, StreamDefinition, is_valid_stream_name, parse_stream, parse_stream_named, print_stream,
};

const WORKSHOP: &str = "truck-performance = trucks \
    --spring.cloud.stream.function.bindings.generateTruck-out-0=output | brake-temperature \
    --spring.cloud.stream.function.bindings.processBrakeTemperature-in-0=input \
    --spring.cloud.stream.function.bindings.processBrakeTemperature-out-0=output | brake-log \
    --spring.cloud.stream.function.bindings.log-in-0=input";

#[test]
fn stream_workshop_definition_parses_to_three_apps() {
    let def = parse_stream(WORKSHOP).unwrap();
    assert_eq!(def.name.as_deref(), Some("truck-performance"));
    let names: Vec<&str> = def.apps.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["trucks", "brake-temperature", "brake-log"]);
    let counts: Vec<usize> = def.apps.iter().map(|a| a.args.len()).collect();
    assert_eq!(counts, [1, 2, 1]);
    let args = |i: usize| -> Vec<(&str, &str)> {
        def.apps[i]
            .args
            .iter()
            .map(|a| (a.name.as_str(), a.value.as_str()))
            .collect()
    };
    assert_eq!(
        args(0),
        [(
            "spring.cloud.stream.function.bindings.generateTruck-out-0",
            "output"
        )]
    );
    assert_eq!(
        args(1),
        [
            (
                "spring.cloud.stream.function.bindings.processBrakeTemperature-in-0",
                "input"
            ),
            (
                "spring.cloud.stream.function.bindings.processBrakeTemperature-out-0",
                "output"
            ),
        ]
    );
    assert_eq!(
        args(2),
        [("spring.cloud.stream.function.bindings.log-in-0", "input")]
    );
    assert_eq!(
        def.app_kinds(),
        [AppKind::Source, AppKind::Processor, AppKind::Sink]
    );
    assert_eq!(
        def.apps
            .iter()
            .map(|a| a.label_or_name())
            .collect::<Vec<_>>(),
        names
    );
}

#[test]
fn stream_definitions_serialize_and_print() {
    let def = parse_stream(WORKSHOP).unwrap();
    let json = serde_json::to_string(&def).unwrap();
    let back: StreamDefinition = serde_json::from_str(&json).unwrap();
    assert_eq!(back, def);
    let printed = print_stream(&def);
    assert_eq!(printed, WORKSHOP);
    assert_eq!(parse_stream(&printed).unwrap(), def);
}

#[test]
fn stream_errors_render_like_scdf() {
    let e = parse_stream("foo > bar").unwrap_err();
    assert_eq!(e.code_with_kind(), "133E");
    assert!(e.formatted().starts_with(
        "133E:(pos 6): Expected destination prefix but found 'bar'\nfoo > bar\n   *  ^\n"
    ));
    let e = parse_stream_named("time | log", Some("0bad")).unwrap_err();
    assert_eq!(e.formatted(), e.to_string());
    assert!(
        e.formatted()
            .starts_with("122E:(pos 0): illegal name for a stream '0bad'\n0bad\n^\n")
    );
    assert!(is_valid_stream_name("truck-performance"));
    assert!(!is_valid_stream_name("0bad"));
}
