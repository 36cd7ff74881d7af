//! Properties over generated definitions and arbitrary text. The number of cases comes from
//! `PROPTEST_CASES` (default 2000).
//!
//! - Printing is the inverse of parsing: `parse(print(d)) == d` (spans aside), and spans point
//!   at what they describe.
//! - Text → graph → text → parse keeps the structure, up to what SCDF's graph cannot tell
//!   apart (see [`as_drawn`]).
//! - Nothing panics or overflows on any input, and errors always render.

use proptest::prelude::*;

use super::arbitrary::{definition, drawable_definition, text};
use super::ast::{
    Flow, FlowNode, Split, TaskApp, TaskDefinition, TransitionStatus, TransitionTarget,
};
use super::*;

use crate::proptest_config as config;

/// Text over the task DSL's alphabet, where interesting parses and errors happen.
fn dsl_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "a",
            "bc",
            "x-y",
            "$END",
            "1",
            "0",
            " ",
            "\n",
            "\t",
            "&&",
            "&",
            "||",
            "|",
            "<",
            ">",
            "(",
            ")",
            ":",
            ";",
            ".",
            "*",
            "->",
            "-",
            "--",
            "=",
            "'",
            "\"",
            "''",
            "\\",
            "é",
            "\0",
            "--k=",
            "l: ",
            " 'FAILED'->",
            " 0->",
            "->:",
            " && ",
            "<a || b>",
        ]),
        0..24,
    )
    .prop_map(|pieces| pieces.concat())
}

/// What a definition looks like after a trip through SCDF's graph: splits without labels and
/// with their flows in a canonical order (they run in parallel; SCDF prints nested splits
/// first), a split of one flow merged into its flow, a flow that is just a split merged into
/// the enclosing split; arguments as a map (the last value of a name, in name order) with values
/// as the graph printer writes and the lexer reads them back; `*` as `'*'` and numeric
/// statuses as exit codes (a graph only has status strings); `$END`/`$FAIL` without label
/// or arguments. Values and statuses are re-read only on the side that has not been through
/// the graph.
fn as_drawn(definition: &TaskDefinition, reread_values: bool) -> TaskDefinition {
    let mut definition = definition.without_spans();
    for flow in &mut definition.sequences {
        drawn_flow(flow, reread_values);
    }
    definition
}

fn drawn_flow(flow: &mut Flow, reread_values: bool) {
    let mut nodes = Vec::new();
    for node in std::mem::take(&mut flow.nodes) {
        match node {
            FlowNode::App(mut app) => {
                drawn_app(&mut app, reread_values);
                nodes.push(FlowNode::App(app));
            }
            FlowNode::Split(split) => {
                let mut flows = Vec::new();
                for mut inner in split.flows {
                    drawn_flow(&mut inner, reread_values);
                    match inner.nodes.as_mut_slice() {
                        [FlowNode::Split(only)] => flows.append(&mut only.flows),
                        _ => flows.push(inner),
                    }
                }
                // Branches run in parallel; SCDF prints nested splits first.
                flows.sort_by_cached_key(|flow| format!("{flow:?}"));
                if flows.len() == 1 {
                    nodes.append(&mut flows[0].nodes);
                } else {
                    nodes.push(FlowNode::Split(Split {
                        label: None,
                        flows,
                        span: split.span,
                    }));
                }
            }
        }
    }
    flow.nodes = nodes;
}

fn drawn_app(app: &mut TaskApp, reread_values: bool) {
    let mut args: Vec<_> = app
        .argument_map()
        .into_iter()
        .map(|(name, value)| {
            let value = if reread_values {
                read_back(value)
            } else {
                value.to_owned()
            };
            (name.to_owned(), value)
        })
        .collect();
    args.sort();
    app.args = args
        .into_iter()
        .map(|(name, value)| Argument {
            name,
            value,
            span: Span::default(),
        })
        .collect();
    for transition in &mut app.transitions {
        transition.status = match &transition.status {
            TransitionStatus::AnyExitCode => TransitionStatus::ExitStatus("*".to_owned()),
            TransitionStatus::ExitStatus(status) if reread_values => {
                let printed = super::from_graph::status_text(status);
                match parse_task(&format!("x {printed}->y")).map(|d| d.sequences) {
                    Ok(sequences) => match &sequences[0].nodes[0] {
                        FlowNode::App(x) => x.transitions[0].status.clone(),
                        FlowNode::Split(_) => unreachable!(),
                    },
                    Err(_) => transition.status.clone(),
                }
            }
            TransitionStatus::ExitStatus(_) | TransitionStatus::ExitCode(_) => {
                transition.status.clone()
            }
        };
        if let TransitionTarget::App(target) = &mut transition.target {
            if target.is_end() || target.is_fail() {
                target.label = None;
                target.args.clear();
            } else {
                drawn_app(target, reread_values);
            }
        }
    }
}

/// The value the lexer reads from what the graph printer writes for `value`.
fn read_back(value: &str) -> String {
    let printed = super::from_graph::value_text(value);
    match parse_task(&format!("x --k={printed}")) {
        Ok(definition) => match &definition.sequences[0].nodes[0] {
            FlowNode::App(x) => x.args[0].value.clone(),
            FlowNode::Split(_) => value.to_owned(),
        },
        Err(_) => value.to_owned(),
    }
}

fn check_spans(definition: &TaskDefinition, text: &str) -> Result<(), TestCaseError> {
    let chars: Vec<char> = text.chars().collect();
    let slice = |span: Span| chars[span.start..span.end].iter().collect::<String>();
    for app in definition.apps() {
        let name_end = app.span.start + app.name.chars().count();
        prop_assert_eq!(slice(Span::new(app.span.start, name_end)), app.name.clone());
        if let Some(label) = &app.label {
            prop_assert_eq!(slice(label.span), label.name.clone());
        }
        for arg in &app.args {
            let written = slice(arg.span);
            prop_assert!(
                written.starts_with(&format!("--{}=", arg.name)),
                "{}",
                written
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn task_print_then_parse_is_identity(definition in definition()) {
        let printed = print_task(&definition);
        let parsed = parse_task(&printed)
            .map_err(|e| TestCaseError::fail(format!("{printed:?}\n{}", e.formatted())))?;
        prop_assert_eq!(parsed.without_spans(), definition.without_spans(), "{:?}", printed);
        prop_assert_eq!(print_task(&parsed), printed);
        check_spans(&parsed, &print_task(&parsed))?;
    }

    #[test]
    fn task_text_graph_text_keeps_the_structure(definition in drawable_definition()) {
        let text = print_task(&definition);
        let parsed = parse_task(&text).map_err(|e| TestCaseError::fail(e.formatted()))?;
        let graph = task_to_graph(&parsed)
            .map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
        let fail = |e: serde_json::Error| TestCaseError::fail(e.to_string());
        let json = serde_json::to_string(&graph).map_err(fail)?;
        let read: Graph = serde_json::from_str(&json).map_err(fail)?;
        prop_assert_eq!(&read, &graph);
        match graph_to_dsl(&graph) {
            Ok(back) => {
                let reparsed = parse_task(&back).map_err(|e| {
                    TestCaseError::fail(format!("{text:?} -> {back:?}\n{}", e.formatted()))
                })?;
                prop_assert_eq!(
                    as_drawn(&reparsed, false),
                    as_drawn(&definition, true),
                    "{:?} -> {:?}",
                    text,
                    back
                );
            }
            Err(e) => return Err(TestCaseError::fail(format!("{text:?}: {e}"))),
        }
    }

    #[test]
    fn task_never_panics_on_dsl_like_text(text in dsl_text()) {
        everything(&text);
    }

    #[test]
    fn task_never_panics_on_any_text(text in text()) {
        everything(&text);
    }
}

/// Runs every entry point on `text`; any result is fine, a panic is not.
fn everything(text: &str) {
    match parse_and_validate_task(text, Some("t")) {
        Ok(definition) => {
            let printed = print_task(&definition);
            assert_eq!(
                parse_task(&printed).map(|d| d.without_spans()),
                Ok(definition.without_spans()),
                "{printed:?}"
            );
            if let Ok(graph) = task_to_graph(&definition) {
                let _ = graph_to_dsl(&graph);
            }
        }
        Err(errors) => {
            for error in &errors {
                let _ = error.formatted();
            }
            if let Ok(definition) = parse_task(text) {
                let _ = print_task(&definition);
                if let Ok(graph) = task_to_graph(&definition) {
                    let _ = graph_to_dsl(&graph);
                }
            }
        }
    }
    let _ = parse_task_text_to_graph(text, text);
}
