//! A stream definition as the server sees it: every app with the type inferred from its place
//! in the pipeline, its label, and the properties the definition gives it, binding properties
//! included (reference §3.2–3.3).
//!
//! For `S = a | b | c` the messages flow through the destinations `S.a` and `S.b`, and every
//! consumer reads in the consumer group `S`:
//!
//! | app | properties added here |
//! |---|---|
//! | `a` (source) | `output.destination=S.a`, `output.producer.requiredGroups=S` |
//! | `b` (processor) | `input.destination=S.a`, `input.group=S`, `output.destination=S.b`, `output.producer.requiredGroups=S` |
//! | `c` (sink) | `input.destination=S.b`, `input.group=S` |
//!
//! (each key under `spring.cloud.stream.bindings.`). A source destination `:d --group=g > …`
//! feeds the first app from `d` in group `g` (default `S`); a sink destination `… > :d` makes
//! the last app write to `d`. Apps of an `||` group and a lone app get no bindings.

use std::collections::BTreeMap;

use dataflow_dsl::stream::{AppKind, StreamDefinition};

use crate::app::AppType;
use crate::completion::KnownDestination;

/// `spring.cloud.stream.bindings.input.destination`
pub const INPUT_DESTINATION: &str = "spring.cloud.stream.bindings.input.destination";
/// `spring.cloud.stream.bindings.input.group`
pub const INPUT_GROUP: &str = "spring.cloud.stream.bindings.input.group";
/// `spring.cloud.stream.bindings.output.destination`
pub const OUTPUT_DESTINATION: &str = "spring.cloud.stream.bindings.output.destination";
/// `spring.cloud.stream.bindings.output.producer.requiredGroups`
pub const OUTPUT_REQUIRED_GROUPS: &str =
    "spring.cloud.stream.bindings.output.producer.requiredGroups";
/// `spring.cloud.stream.bindings.input.contentType`, what a DSL `--inputType=` sets.
pub const INPUT_CONTENT_TYPE: &str = "spring.cloud.stream.bindings.input.contentType";
/// `spring.cloud.stream.bindings.output.contentType`, what a DSL `--outputType=` sets.
pub const OUTPUT_CONTENT_TYPE: &str = "spring.cloud.stream.bindings.output.contentType";

/// How an empty DSL value (`--x=''`) is stored: SCDF keeps the four characters `\"\"` so the
/// property survives (an empty property would be dropped when the app is launched).
pub const EMPTY_VALUE: &str = r#"\"\""#;

/// One app of a stream, ready for the registry and for deployment planning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamApp {
    /// The registered app name written in the DSL, e.g. `log`.
    pub name: String,
    /// The label, or the name when no label is written; unique within the stream.
    pub label: String,
    /// The type inferred from the app's place (§3.2); the registry is searched by name and type.
    pub app_type: AppType,
    /// The DSL arguments as properties (the last of a repeated name wins; `inputType` and
    /// `outputType` expanded to content-type keys), then the binding properties above, which
    /// win over arguments of the same key.
    pub properties: BTreeMap<String, String>,
}

/// The apps of the stream named `stream_name`, in pipeline order.
pub fn stream_apps(stream_name: &str, definition: &StreamDefinition) -> Vec<StreamApp> {
    let kinds = definition.app_kinds();
    let last = definition.apps.len().saturating_sub(1);
    definition
        .apps
        .iter()
        .zip(kinds)
        .enumerate()
        .map(|(index, (app, kind))| {
            let mut properties = BTreeMap::new();
            for arg in &app.args {
                let key = if arg.name.eq_ignore_ascii_case("inputType") {
                    INPUT_CONTENT_TYPE.to_owned()
                } else if arg.name.eq_ignore_ascii_case("outputType") {
                    OUTPUT_CONTENT_TYPE.to_owned()
                } else {
                    arg.name.clone()
                };
                let value = if arg.value.is_empty() {
                    EMPTY_VALUE.to_owned()
                } else {
                    arg.value.clone()
                };
                properties.insert(key, value);
            }
            if kind != AppKind::App {
                add_bindings(stream_name, definition, index, last, &mut properties);
            }
            StreamApp {
                name: app.name.clone(),
                label: app.label_or_name().to_owned(),
                app_type: app_type(kind),
                properties,
            }
        })
        .collect()
}

fn add_bindings(
    stream_name: &str,
    definition: &StreamDefinition,
    index: usize,
    last: usize,
    properties: &mut BTreeMap<String, String>,
) {
    let mut set = |key: &str, value: String| {
        properties.insert(key.to_owned(), value);
    };
    // Input: from the source destination for the first app, else from the app before.
    if index == 0 {
        if let Some(source) = &definition.source_destination {
            let group = source
                .args
                .iter()
                .rev()
                .find(|arg| arg.name == "group")
                .map_or(stream_name, |arg| arg.value.as_str());
            set(INPUT_DESTINATION, source.name.clone());
            set(INPUT_GROUP, group.to_owned());
        }
    } else {
        let upstream = definition.apps[index - 1].label_or_name();
        set(INPUT_DESTINATION, format!("{stream_name}.{upstream}"));
        set(INPUT_GROUP, stream_name.to_owned());
    }
    // Output: to the sink destination for the last app, else to the app after.
    if index == last {
        if let Some(sink) = &definition.sink_destination {
            set(OUTPUT_DESTINATION, sink.name.clone());
        }
    } else {
        let label = definition.apps[index].label_or_name();
        set(OUTPUT_DESTINATION, format!("{stream_name}.{label}"));
        set(OUTPUT_REQUIRED_GROUPS, stream_name.to_owned());
    }
}

const fn app_type(kind: AppKind) -> AppType {
    match kind {
        AppKind::Source => AppType::Source,
        AppKind::Processor => AppType::Processor,
        AppKind::Sink => AppType::Sink,
        AppKind::App => AppType::App,
    }
}

/// The stream a source destination taps, if it names another stream's internal destination:
/// `:mystream.http` taps `mystream` (at its app labelled `http`). Plain destinations (`:orders`)
/// tap nothing.
pub fn tapped_stream(definition: &StreamDefinition) -> Option<&str> {
    let source = definition.source_destination.as_ref()?;
    source.name.split_once('.').map(|(stream, _)| stream)
}

/// SCDF's message for apps the registry lacks: one line per app, `Application name 'x' with
/// type 'source' does not exist in the app registry.`, each app once, in the order given.
pub fn missing_apps_message<'a>(missing: impl IntoIterator<Item = &'a StreamApp>) -> String {
    let mut lines: Vec<String> = Vec::new();
    for app in missing {
        let line = format!(
            "Application name '{}' with type '{}' does not exist in the app registry.",
            app.name, app.app_type
        );
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    lines.join("\n")
}

/// What a `:` may be completed with, from the stored streams: a tap of each app of each stream
/// (`<stream>.<label>`), and every named destination a stream reads or writes. Sorted by name,
/// each name once.
pub fn known_destinations<'a>(
    streams: impl IntoIterator<Item = (&'a str, &'a StreamDefinition)>,
) -> Vec<KnownDestination> {
    let mut known: Vec<KnownDestination> = Vec::new();
    for (stream, definition) in streams {
        for app in &definition.apps {
            let label = app.label_or_name();
            known.push(KnownDestination {
                name: format!("{stream}.{label}"),
                explanation: format!("tap of stream {stream} at app {label}"),
            });
        }
        let (source, sink) = (&definition.source_destination, &definition.sink_destination);
        for (destination, verb) in [(source, "reads"), (sink, "writes")] {
            if let Some(destination) = destination {
                known.push(KnownDestination {
                    name: destination.name.clone(),
                    explanation: format!("destination stream {stream} {verb}"),
                });
            }
        }
    }
    known.sort_by(|a, b| a.name.cmp(&b.name));
    known.dedup_by(|a, b| a.name == b.name);
    known
}

#[cfg(test)]
mod tests {
    use dataflow_dsl::stream::parse_stream;

    use super::*;

    fn apps(dsl: &str) -> Vec<StreamApp> {
        let definition = parse_stream(dsl).expect("valid DSL");
        stream_apps("S", &definition)
    }

    fn props(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_pipeline_chains_destinations_named_after_upstream_labels() {
        let apps = apps("a | x: b | c");
        let types: Vec<_> = apps.iter().map(|a| a.app_type).collect();
        assert_eq!(types, [AppType::Source, AppType::Processor, AppType::Sink]);
        assert_eq!(
            apps[0].properties,
            props(&[(OUTPUT_DESTINATION, "S.a"), (OUTPUT_REQUIRED_GROUPS, "S")])
        );
        assert_eq!(apps[1].label, "x");
        assert_eq!(
            apps[1].properties,
            props(&[
                (INPUT_DESTINATION, "S.a"),
                (INPUT_GROUP, "S"),
                (OUTPUT_DESTINATION, "S.x"),
                (OUTPUT_REQUIRED_GROUPS, "S"),
            ])
        );
        assert_eq!(
            apps[2].properties,
            props(&[(INPUT_DESTINATION, "S.x"), (INPUT_GROUP, "S")])
        );
    }

    #[test]
    fn named_destinations_feed_and_drain_the_ends() {
        let apps = apps(":orders --group=audit > filter > :kept");
        assert_eq!(apps[0].app_type, AppType::Processor);
        assert_eq!(
            apps[0].properties,
            props(&[
                (INPUT_DESTINATION, "orders"),
                (INPUT_GROUP, "audit"),
                (OUTPUT_DESTINATION, "kept"),
            ])
        );
        let sink = self::apps(":orders > log");
        assert_eq!(sink[0].app_type, AppType::Sink);
        assert_eq!(
            sink[0].properties,
            props(&[(INPUT_DESTINATION, "orders"), (INPUT_GROUP, "S")])
        );
    }

    #[test]
    fn the_implicit_bridge_is_a_processor_between_two_destinations() {
        let apps = apps(":a > :b");
        assert_eq!(apps.len(), 1);
        assert_eq!(
            (apps[0].name.as_str(), apps[0].app_type),
            ("bridge", AppType::Processor)
        );
        assert_eq!(
            apps[0].properties,
            props(&[
                (INPUT_DESTINATION, "a"),
                (INPUT_GROUP, "S"),
                (OUTPUT_DESTINATION, "b")
            ])
        );
    }

    #[test]
    fn unbound_apps_get_no_bindings() {
        for dsl in ["time", "a || b --x=1"] {
            for app in apps(dsl) {
                assert_eq!(app.app_type, AppType::App, "{dsl}");
                assert!(
                    !app.properties
                        .keys()
                        .any(|k| k.starts_with("spring.cloud.stream")),
                    "{dsl}: {:?}",
                    app.properties
                );
            }
        }
    }

    #[test]
    fn arguments_become_properties_with_scdf_special_cases() {
        let apps = apps("a --inputType=x --OUTPUTTYPE=y --e='' --k=1 --k=2 | b");
        let p = &apps[0].properties;
        assert_eq!(p[INPUT_CONTENT_TYPE], "x");
        assert_eq!(p[OUTPUT_CONTENT_TYPE], "y");
        assert_eq!(p["e"], EMPTY_VALUE);
        assert_eq!(EMPTY_VALUE.len(), 4);
        assert_eq!(p["k"], "2");
    }

    #[test]
    fn server_bindings_win_over_arguments_of_the_same_key() {
        let apps = apps("a --spring.cloud.stream.bindings.output.destination=mine | b");
        assert_eq!(apps[0].properties[OUTPUT_DESTINATION], "S.a");
    }

    #[test]
    fn known_destinations_are_taps_and_named_destinations() {
        let a = parse_stream("http | x: transform | log").expect("valid");
        let b = parse_stream(":orders > log > :audit").expect("valid");
        let names: Vec<String> = known_destinations([("a", &a), ("b", &b)])
            .into_iter()
            .map(|d| d.name)
            .collect();
        assert_eq!(
            names,
            ["a.http", "a.log", "a.x", "audit", "b.log", "orders"]
        );
    }

    #[test]
    fn taps_name_the_tapped_stream() {
        let tap = parse_stream(":mystream.http > log").expect("valid");
        assert_eq!(tapped_stream(&tap), Some("mystream"));
        let plain = parse_stream(":orders > log").expect("valid");
        assert_eq!(tapped_stream(&plain), None);
    }
}
