//! Canonical DSL text for a parsed task definition.
//!
//! The layout is SCDF's (`TaskNode.toDSL`): sequences on separate lines, `a && b`,
//! `<a || b>`, `label: app --k=v 'FAILED'->other 1->:label`. Unlike SCDF, values are quoted
//! where needed, so the text always parses back to the same definition: a value that the
//! argument-value lexer would read back as written stays as it is (`--expression='hi'+payload`),
//! anything else is put in single quotes with inner single quotes doubled
//! (`--x='a b'`, `--x='it''s'`, `--x=''`). Exit statuses are always single-quoted that way.

use std::fmt::Write as _;

use super::ast::{
    Flow, FlowNode, Split, TaskApp, TaskDefinition, TransitionStatus, TransitionTarget,
};
use super::lexer::value_reading;

/// Prints `definition` as DSL that [`super::parse_task`] reads back to the same definition
/// (spans aside).
pub fn print_task(definition: &TaskDefinition) -> String {
    let mut out = String::new();
    for (index, sequence) in definition.sequences.iter().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        print_flow(sequence, &mut out);
    }
    out
}

fn print_flow(flow: &Flow, out: &mut String) {
    for (index, node) in flow.nodes.iter().enumerate() {
        if index > 0 {
            out.push_str(" && ");
        }
        match node {
            FlowNode::App(app) => print_app(app, out),
            FlowNode::Split(split) => print_split(split, out),
        }
    }
}

fn print_split(split: &Split, out: &mut String) {
    if let Some(label) = &split.label {
        let _ = write!(out, "{}: ", label.name);
    }
    out.push('<');
    for (index, flow) in split.flows.iter().enumerate() {
        if index > 0 {
            out.push_str(" || ");
        }
        print_flow(flow, out);
    }
    close_split(out);
}

/// Appends `>`, after a space when the text ends with `-` (an identifier ending in `-` right
/// before `>` would lex as `->`).
pub(crate) fn close_split(out: &mut String) {
    if out.ends_with('-') {
        out.push(' ');
    }
    out.push('>');
}

fn print_app(app: &TaskApp, out: &mut String) {
    print_app_head(app, out);
    for transition in &app.transitions {
        out.push(' ');
        match &transition.status {
            TransitionStatus::ExitCode(code) => out.push_str(code),
            TransitionStatus::AnyExitCode => out.push('*'),
            TransitionStatus::ExitStatus(status) => out.push_str(&quote(status)),
        }
        out.push_str("->");
        match &transition.target {
            TransitionTarget::Label(label) => {
                out.push(':');
                out.push_str(&label.name);
            }
            TransitionTarget::App(target) => print_app_head(target, out),
        }
    }
}

/// `label: name --k=v …`
fn print_app_head(app: &TaskApp, out: &mut String) {
    if let Some(label) = &app.label {
        let _ = write!(out, "{}: ", label.name);
    }
    out.push_str(&app.name);
    for arg in &app.args {
        let _ = write!(out, " --{}={}", arg.name, value_text(&arg.value));
    }
}

/// An argument value as DSL text that reads back as `value`.
pub(crate) fn value_text(value: &str) -> String {
    match value_reading(value) {
        Some(false) => value.to_owned(),
        Some(true) | None => quote(value),
    }
}

/// `value` in single quotes, inner single quotes doubled.
pub(crate) fn quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}
