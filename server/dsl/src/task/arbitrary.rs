//! Strategies that generate task definitions for the property tests.
//!
//! [`definition`] generates anything the parser can produce (spans zeroed): identifiers with
//! `-` and `$`, dotted argument names, values and exit statuses made of the characters that
//! matter to the lexer (quotes, doubled quotes, spaces, `|`, `;`, `>`, line breaks, `->`,
//! non-ASCII), exit codes with leading zeros, labels, splits nested a few levels, transitions
//! to labels, apps, `$END` and `$FAIL`, secondary sequences.
//!
//! [`drawable_definition`] generates what SCDF's graph can represent: one sequence, no
//! transitions to labels, app names and labels unique (as validation demands).

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

use super::ast::{
    Argument, END_APP, FAIL_APP, Flow, FlowNode, Label, Span, Split, TaskApp, TaskDefinition,
    Transition, TransitionStatus, TransitionTarget,
};

/// Pieces of text that exercise quoting and lexing.
const TRICKY: &[&str] = &[
    "a", "Z", "0", "9", " ", "  ", "'", "''", "\"", "\"\"", "-", "->", "--", ">", "<", "|", "||",
    ";", "&", "&&", "\n", "\r", "\t", "=", "*", "(", ")", ":", ".", "$", "\\", "é", "😀", "#",
];

/// A task identifier: `[A-Za-z0-9_$][A-Za-z0-9_$-]*` without `->`.
pub(crate) fn identifier() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_$][A-Za-z0-9_$-]{0,5}"
        .prop_filter("an identifier stops before ->", |s| !s.contains("->"))
}

/// Any text without NUL, biased towards [`TRICKY`] pieces.
pub(crate) fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => vec(select(TRICKY), 0..8).prop_map(|pieces| pieces.concat()),
        1 => "[^\u{0}]{0,8}",
    ]
}

fn label() -> impl Strategy<Value = Option<Label>> {
    prop::option::weighted(
        0.3,
        identifier().prop_map(|name| Label {
            name,
            span: Span::default(),
        }),
    )
}

fn args(max: usize) -> impl Strategy<Value = Vec<Argument>> {
    let name = vec(identifier(), 1..3).prop_map(|parts| parts.join("."));
    vec(
        (name, text()).prop_map(|(name, value)| Argument {
            name,
            value,
            span: Span::default(),
        }),
        0..=max,
    )
}

fn status() -> impl Strategy<Value = TransitionStatus> {
    let code = (0..=i32::MAX, 0..3usize).prop_map(|(code, zeros)| {
        TransitionStatus::ExitCode(format!("{}{code}", "0".repeat(zeros)))
    });
    prop_oneof![
        2 => code,
        1 => Just(TransitionStatus::AnyExitCode),
        3 => text().prop_map(TransitionStatus::ExitStatus),
    ]
}

fn plain_app(label: Option<Label>, name: String, args: Vec<Argument>) -> TaskApp {
    TaskApp {
        label,
        name,
        args,
        transitions: Vec::new(),
        span: Span::default(),
    }
}

fn target(with_labels: bool) -> impl Strategy<Value = TransitionTarget> {
    let app = (label(), identifier(), args(2))
        .prop_map(|(label, name, args)| TransitionTarget::App(plain_app(label, name, args)));
    let special = (label(), prop::bool::ANY).prop_map(|(label, end)| {
        let name = if end { END_APP } else { FAIL_APP };
        TransitionTarget::App(plain_app(label, name.to_owned(), Vec::new()))
    });
    let reference = identifier().prop_map(|name| {
        TransitionTarget::Label(Label {
            name,
            span: Span::default(),
        })
    });
    let weight = u32::from(with_labels);
    prop_oneof![4 => app, 1 => special, weight => reference]
}

fn task_app(with_labels: bool, transitions: usize) -> impl Strategy<Value = TaskApp> {
    let transition = (status(), target(with_labels)).prop_map(|(status, target)| Transition {
        status,
        target,
        span: Span::default(),
    });
    (
        label(),
        identifier(),
        args(3),
        vec(transition, 0..=transitions),
    )
        .prop_map(|(label, name, args, transitions)| TaskApp {
            transitions,
            ..plain_app(label, name, args)
        })
}

/// A flow; apps in splits get at most `nested_transitions` transitions each.
fn flow(with_labels: bool, nested_transitions: usize) -> impl Strategy<Value = Flow> {
    let leaf = task_app(with_labels, nested_transitions).prop_map(FlowNode::App);
    let node = leaf.prop_recursive(3, 24, 4, move |inner| {
        let flow = vec(inner, 1..4).prop_map(|nodes| Flow { nodes });
        (label(), vec(flow, 1..4)).prop_map(|(label, flows)| {
            FlowNode::Split(Split {
                label,
                flows,
                span: Span::default(),
            })
        })
    });
    let top = prop_oneof![
        3 => task_app(with_labels, 2).prop_map(FlowNode::App),
        1 => node,
    ];
    vec(top, 1..4).prop_map(|nodes| Flow { nodes })
}

/// Any definition the parser can produce.
pub(crate) fn definition() -> impl Strategy<Value = TaskDefinition> {
    (flow(true, 2), vec(flow(true, 2), 0..3)).prop_map(|(primary, secondary)| {
        let mut sequences = vec![primary];
        sequences.extend(secondary);
        TaskDefinition { sequences }
    })
}

/// A valid one-sequence definition in the shapes SCDF's graph conversion handles: a flow of
/// apps (with transitions to apps, `$END`, `$FAIL`) and splits; splits of two or more flows
/// of apps without transitions and nested splits, where a nested split is always followed by
/// an app in its flow (otherwise SCDF's conversion may print the `SYNC` node as an app, or
/// repeat branches). Outside these
/// shapes SCDF's conversion loses structure; the unit tests pin what it does there.
pub(crate) fn drawable_definition() -> impl Strategy<Value = TaskDefinition> {
    let top = prop_oneof![
        3 => task_app(false, 2).prop_map(FlowNode::App),
        1 => drawable_split(),
    ];
    vec(top, 1..4).prop_map(|nodes| {
        let mut flow = Flow { nodes };
        let mut counter = 0;
        separate_nested_splits(&mut flow, false, &mut counter);
        make_unique(&mut flow, &mut counter);
        TaskDefinition {
            sequences: vec![flow],
        }
    })
}

fn drawable_split() -> impl Strategy<Value = FlowNode> {
    let leaf = task_app(false, 0).prop_map(FlowNode::App);
    let node = leaf.prop_recursive(1, 8, 3, split_of);
    split_of(node.boxed())
}

fn split_of(node: BoxedStrategy<FlowNode>) -> impl Strategy<Value = FlowNode> {
    vec(vec(node, 1..3).prop_map(|nodes| Flow { nodes }), 2..4).prop_map(|flows| {
        FlowNode::Split(Split {
            label: None,
            flows,
            span: Span::default(),
        })
    })
}

/// Puts an app between two splits in a row inside a split, and after a split that ends a
/// flow inside a split.
fn separate_nested_splits(flow: &mut Flow, nested: bool, counter: &mut usize) {
    let mut nodes = Vec::new();
    for mut node in std::mem::take(&mut flow.nodes) {
        if let FlowNode::Split(split) = &mut node {
            for inner in &mut split.flows {
                separate_nested_splits(inner, true, counter);
            }
            if nested && matches!(nodes.last(), Some(FlowNode::Split(_))) {
                *counter += 1;
                nodes.push(FlowNode::App(plain_app(
                    None,
                    format!("sync{counter}"),
                    Vec::new(),
                )));
            }
        }
        nodes.push(node);
    }
    if nested && matches!(nodes.last(), Some(FlowNode::Split(_))) {
        *counter += 1;
        nodes.push(FlowNode::App(plain_app(
            None,
            format!("join{counter}"),
            Vec::new(),
        )));
    }
    flow.nodes = nodes;
}

/// Suffixes every app name (`_n`) and label (`$Ln`) so none repeats and none equals another.
fn make_unique(flow: &mut Flow, counter: &mut usize) {
    for node in &mut flow.nodes {
        match node {
            FlowNode::App(app) => {
                unique_app(app, counter);
                for transition in &mut app.transitions {
                    if let TransitionTarget::App(target) = &mut transition.target {
                        unique_app(target, counter);
                    }
                }
            }
            FlowNode::Split(split) => {
                unique_label(split.label.as_mut(), counter);
                for flow in &mut split.flows {
                    make_unique(flow, counter);
                }
            }
        }
    }
}

fn unique_app(app: &mut TaskApp, counter: &mut usize) {
    *counter += 1;
    if !app.is_end() && !app.is_fail() {
        app.name = format!("{}_{counter}", app.name);
    }
    unique_label(app.label.as_mut(), counter);
}

fn unique_label(label: Option<&mut Label>, counter: &mut usize) {
    if let Some(label) = label {
        *counter += 1;
        label.name = format!("{}$L{counter}", label.name);
    }
}
