//! Proptest strategies producing valid stream definitions (test only), for the round-trip
//! property `parse(print(ast)) == ast` (spans aside) and for fuzzing.
//!
//! "Valid" means: what the parser can produce. Names follow the lexer's identifier rule, labels
//! (or names, when unlabeled) are unique, `unbound` follows the shape (a `||` list or a lone app
//! without destinations), `||` never meets a destination, and `:a > :b` holds the implicit
//! `bridge`. Values are any text without NUL, which SCDF's DSL cannot express (see `print.rs`),
//! weighted towards the characters that matter to the lexer.

use std::collections::HashSet;

use proptest::prelude::*;

use super::ast::{App, Arg, Destination, Span, StreamDefinition};
use super::lexer::lex_as_value;

/// An identifier as the lexer reads one (app names, labels, name components).
fn identifier() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_][A-Za-z0-9_$-]{0,8}"
}

/// A legal stream name (an identifier that is also a Java-like name).
fn stream_name() -> impl Strategy<Value = String> {
    "[A-Za-z_][A-Za-z0-9_$-]{0,10}"
}

/// A dotted argument name.
fn arg_name() -> impl Strategy<Value = String> {
    prop::collection::vec(identifier(), 1..4).prop_map(|parts| parts.join("."))
}

/// Argument values: plain words, any text, and text made of the lexer's special characters.
fn value() -> impl Strategy<Value = String> {
    let nasty = prop::collection::vec(
        prop::sample::select(vec![
            " ", "\t", "\r", "\n", "'", "''", "\"", "\"\"", "|", "||", ";", ">", "<", "=", "--",
            "-", ":", ".", "\\", "#", "*", "/", "@", "&", "a", "Z", "0", "é", "😀", "\u{a0}",
            "\u{7f}", "$", "{", "}", "(", ")",
        ]),
        0..12,
    )
    .prop_map(|parts| parts.concat());
    prop_oneof![
        2 => "[A-Za-z0-9_.:/+-]{1,12}",
        3 => nasty,
        2 => any::<String>(),
        1 => Just(String::new()),
    ]
    .prop_map(|v| v.replace('\0', ""))
}

fn arg() -> impl Strategy<Value = Arg> {
    (arg_name(), value()).prop_map(|(name, value)| Arg {
        name,
        value,
        span: Span::default(),
        value_span: Span::default(),
    })
}

fn args() -> impl Strategy<Value = Vec<Arg>> {
    prop::collection::vec(arg(), 0..4)
}

/// A destination name: components (identifiers, `*`, `/`, `#`) with dots between, a tap
/// `stream.label` being the common case.
fn destination_name() -> impl Strategy<Value = String> {
    let component = prop_oneof![
        4 => identifier(),
        1 => Just("*".to_owned()),
        1 => Just("/".to_owned()),
        1 => Just("#".to_owned()),
    ];
    let segment = prop::collection::vec(component, 1..4).prop_map(|parts| parts.concat());
    let separator = prop_oneof![4 => Just("."), 1 => Just("..")];
    (
        segment.clone(),
        prop::collection::vec((separator, segment), 0..3),
    )
        .prop_map(|(first, rest)| {
            rest.into_iter()
                .fold(first, |name, (dot, segment)| name + dot + &segment)
        })
}

fn destination() -> impl Strategy<Value = Destination> {
    (destination_name(), args()).prop_map(|(name, args)| Destination {
        name,
        span: Span::default(),
        args,
    })
}

fn app() -> impl Strategy<Value = App> {
    (
        identifier(),
        prop::option::weighted(0.3, identifier()),
        args(),
    )
        .prop_map(|(name, label, args)| App {
            name,
            label,
            name_span: Span::default(),
            label_span: None,
            span: Span::default(),
            args,
            unbound: false,
        })
}

/// How the apps are connected.
#[derive(Debug, Clone, Copy)]
enum Shape {
    /// `a | b …` (or a lone unbound app).
    Pipes,
    /// `a || b …`.
    DoublePipes,
    /// `:src > a | …`.
    Source,
    /// `a | … > :sink`.
    Sink,
    /// `:src > a | … > :sink`.
    Both,
    /// `:src > :sink`.
    Bridge,
}

/// A valid stream definition (spans zeroed: compare with `without_spans`).
pub(crate) fn arb_stream_definition() -> impl Strategy<Value = StreamDefinition> {
    let shape = prop_oneof![
        3 => Just(Shape::Pipes),
        2 => Just(Shape::DoublePipes),
        2 => Just(Shape::Source),
        2 => Just(Shape::Sink),
        2 => Just(Shape::Both),
        1 => Just(Shape::Bridge),
    ];
    (
        prop::option::of(stream_name()),
        shape,
        prop::collection::vec(app(), 1..=8),
        destination(),
        destination(),
        prop::option::weighted(0.2, value_lexed_name()),
    )
        .prop_map(|(name, shape, apps, source, sink, odd_name)| {
            let mut definition = build(name, shape, apps, source, sink);
            // After `name=` (no space) the first app's name is lexed as an argument value.
            if let (Some(odd), Some(_), None) =
                (odd_name, &definition.name, &definition.source_destination)
            {
                let taken = definition
                    .apps
                    .iter()
                    .skip(1)
                    .any(|a| a.label_or_name() == odd);
                if let Some(first) = definition.apps.first_mut().filter(|a| a.label.is_none())
                    && !taken
                {
                    first.name = odd;
                }
            }
            definition
        })
}

/// A first-app name only reachable as `name=value`: text the value lexer reads as one
/// unquoted value.
fn value_lexed_name() -> impl Strategy<Value = String> {
    // A name whose quote is still open at its end could only be followed by more DSL through a
    // NUL, which the lexer refuses; such names cannot occur in parsed definitions.
    value().prop_filter("lexes as one unquoted value, quotes closed", |v| {
        lex_as_value(v) == Some(false)
    })
}

fn build(
    name: Option<String>,
    shape: Shape,
    mut apps: Vec<App>,
    source: Destination,
    sink: Destination,
) -> StreamDefinition {
    let (source, sink) = match shape {
        Shape::Pipes | Shape::DoublePipes => (None, None),
        Shape::Source => (Some(source), None),
        Shape::Sink => (None, Some(sink)),
        Shape::Both | Shape::Bridge => (Some(source), Some(sink)),
    };
    if matches!(shape, Shape::Bridge) {
        apps = vec![App {
            name: "bridge".to_owned(),
            label: None,
            name_span: Span::default(),
            label_span: None,
            span: Span::default(),
            args: Vec::new(),
            unbound: false,
        }];
    }
    let unbound = match shape {
        Shape::Pipes => apps.len() == 1,
        Shape::DoublePipes => true,
        _ => false,
    };
    let all_names: HashSet<String> = apps
        .iter()
        .flat_map(|a| [Some(a.name.clone()), a.label.clone()])
        .flatten()
        .collect();
    let mut seen = HashSet::new();
    for (index, app) in apps.iter_mut().enumerate() {
        app.unbound = unbound;
        app.label_span = app.label.as_ref().map(|_| Span::default());
        if !seen.insert(app.label_or_name().to_owned()) {
            let fresh = (0..)
                .map(|n| format!("l{index}x{n}"))
                .find(|l| !all_names.contains(l) && !seen.contains(l))
                .unwrap_or_default();
            seen.insert(fresh.clone());
            app.label = Some(fresh);
            app.label_span = Some(Span::default());
        }
    }
    StreamDefinition {
        name_span: name.as_ref().map(|_| Span::default()),
        name,
        source_destination: source,
        sink_destination: sink,
        apps,
    }
}
