//! `POST /tools/parseStream`: a stream definition parsed for editors (the dashboard's graph, the
//! shell's highlighting). The shape is a fixed contract; parse errors never change the status.

use serde::{Deserialize, Serialize};

/// The request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseStreamRequest {
    /// The DSL text.
    pub dsl: String,
    /// A stream name to validate as well (as the `name` parameter of stream creation).
    #[serde(default)]
    pub name: Option<String>,
}

/// The response body: the AST, or the errors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseStreamResponse {
    /// The parsed stream; `null` when there are errors.
    pub ast: Option<StreamAst>,
    /// What is wrong; empty when the definition is valid.
    pub errors: Vec<DslErrorDescriptor>,
}

/// A parsed stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StreamAst {
    /// The name written in the DSL's `name =` prefix.
    pub name: Option<String>,
    /// `:dest >` before the first app.
    pub source_destination: Option<DestinationAst>,
    /// `> :dest` after the last app.
    pub sink_destination: Option<DestinationAst>,
    /// The apps, in order.
    pub apps: Vec<AppAst>,
}

/// One app of a stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppAst {
    /// Registered app name.
    pub name: String,
    /// The label, when one is written.
    pub label: Option<String>,
    /// True for apps of an `||` group or a lone app (SCDF's `isUnboundStreamApp`).
    pub unbound: bool,
    /// 0-based character offset where the app (its label, if any) starts.
    pub start: usize,
    /// 0-based character offset where the app ends (exclusive).
    pub end: usize,
    /// `--name=value` arguments, values unquoted.
    pub args: Vec<ArgAst>,
}

/// A named destination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DestinationAst {
    /// The name, without its leading `:`.
    pub name: String,
    /// Where the name starts (after the `:`).
    pub start: usize,
    /// Where the name ends (exclusive).
    pub end: usize,
    /// Arguments of a source destination.
    pub args: Vec<ArgAst>,
}

/// One argument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArgAst {
    /// Dotted name.
    pub name: String,
    /// Unquoted value.
    pub value: String,
}

/// One DSL error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DslErrorDescriptor {
    /// SCDF's code with its kind letter, e.g. `105E`.
    pub code: String,
    /// 0-based character position.
    pub position: usize,
    /// The full formatted message (header, DSL line, caret line).
    pub message: String,
}
