//! The parsed form of a task definition.
//!
//! A definition is a list of sequences. The first is the primary one, the one that runs;
//! secondary ones are only reachable through a transition to their label (`a 1->:two` and, on
//! another line or after `;`, `two: b && c`). A sequence is a [`Flow`]: nodes that run one
//! after the other (`&&`), each a [`TaskApp`] or a [`Split`] of flows that run in parallel
//! (`<a || b && c>`). An app may carry arguments (`--k=v`) and transitions that pick what runs
//! next from its exit code or exit status (`'FAILED'->cleanup`, `1->:label`, `*->$END`).
//!
//! Parentheses only group (`(a && b)` is the flow `a && b`), so they leave no trace here. As in
//! SCDF, `$END` and `$FAIL` are app names that mean "stop" and "fail"; see
//! [`TaskApp::is_end`] and [`TaskApp::is_fail`].
//!
//! Spans are 0-based character offsets into the parsed text; two definitions with the same
//! structure compare equal after [`TaskDefinition::without_spans`].

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use serde::{Deserialize, Serialize};

pub use crate::span::Span;

/// A parsed task definition: the primary sequence, then any secondary sequences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskDefinition {
    /// The sequences; the parser always produces at least one.
    pub sequences: Vec<Flow>,
}

/// Nodes run one after the other (`a && b && <c || d>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flow {
    /// The nodes; the parser always produces at least one.
    pub nodes: Vec<FlowNode>,
}

/// One step of a flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowNode {
    /// A task app.
    App(TaskApp),
    /// Flows run in parallel.
    Split(Split),
}

/// Flows run in parallel, joined before the next node (`<a || b && c>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Split {
    /// The label before `<`, if any.
    pub label: Option<Label>,
    /// The parallel flows; the parser always produces at least one.
    pub flows: Vec<Flow>,
    /// From `<` to `>` inclusive.
    pub span: Span,
}

/// A task app (or, in a transition, the app the transition goes to).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskApp {
    /// The label before the name, if any (`label: app`).
    pub label: Option<Label>,
    /// The app name (an identifier; `$END` and `$FAIL` are special, see [`Self::is_end`]).
    pub name: String,
    /// The arguments in order; a name may repeat (the last value wins where a map is needed).
    pub args: Vec<Argument>,
    /// The transitions in order. Always empty for the target app of a transition.
    pub transitions: Vec<Transition>,
    /// SCDF's extent of the app: from the name (not the label) to the end of its last
    /// transition, or else of its last argument, or else of the name.
    pub span: Span,
}

/// A label: `name:` before an app or a split, or `:name` as a transition target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    /// The label text.
    pub name: String,
    /// Where the label name is.
    pub span: Span,
}

/// An argument `--name=value`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Argument {
    /// The (possibly dotted) name.
    pub name: String,
    /// The value, unquoted when it was one quoted string, else as written.
    pub value: String,
    /// From `--` to the end of the value.
    pub span: Span,
}

/// A transition `status->target`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    /// What the previous app's outcome must be.
    pub status: TransitionStatus,
    /// Where to go.
    pub target: TransitionTarget,
    /// From the status to the end of the target.
    pub span: Span,
}

/// The condition of a transition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransitionStatus {
    /// An unquoted exit code, as written: ASCII digits whose value fits an `i32` (`007` stays
    /// `007`, as SCDF keeps it).
    ExitCode(String),
    /// `*`: any exit code.
    AnyExitCode,
    /// A quoted exit status (`'FAILED'`, `"COMPLETED"`, `'*'`), without its quotes.
    ExitStatus(String),
}

impl TransitionStatus {
    /// The status as SCDF reports it (`getStatusToCheck`): the exit code, `*`, or the
    /// unquoted exit status. The graph uses this as a link's transition name.
    pub fn as_scdf_status(&self) -> &str {
        match self {
            Self::ExitCode(code) => code,
            Self::AnyExitCode => "*",
            Self::ExitStatus(status) => status,
        }
    }

    /// The exit code, for an [`Self::ExitCode`].
    pub fn exit_code(&self) -> Option<i32> {
        match self {
            Self::ExitCode(code) => code.parse().ok(),
            Self::AnyExitCode | Self::ExitStatus(_) => None,
        }
    }
}

/// The target of a transition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransitionTarget {
    /// `:label`: the app or sequence with that label.
    Label(Label),
    /// An app, possibly labelled and with arguments (never with transitions); `$END` and
    /// `$FAIL` are apps here too.
    App(TaskApp),
}

/// The special app name that ends the composed task successfully.
pub const END_APP: &str = "$END";
/// The special app name that ends the composed task with a failure.
pub const FAIL_APP: &str = "$FAIL";

impl TaskDefinition {
    /// The primary sequence, the one that runs.
    pub fn primary(&self) -> Option<&Flow> {
        self.sequences.first()
    }

    /// The sequence whose label (the label of its first node) is `label`.
    pub fn sequence_with_label(&self, label: &str) -> Option<&Flow> {
        self.sequences
            .iter()
            .find(|s| s.label().is_some_and(|l| l.name == label))
    }

    /// Whether this is a composed task: anything but one app without transitions
    /// (SCDF's `TaskNode.isComposed`).
    pub fn is_composed(&self) -> bool {
        match self.single_app() {
            Some(app) => !app.transitions.is_empty(),
            None => true,
        }
    }

    /// The app of a definition that is just one app (with or without transitions).
    fn single_app(&self) -> Option<&TaskApp> {
        match self.sequences.as_slice() {
            [flow] => match flow.nodes.as_slice() {
                [FlowNode::App(app)] => Some(app),
                _ => None,
            },
            _ => None,
        }
    }

    /// The app of a definition that is not composed (SCDF's `TaskNode.getTaskApp`).
    pub fn task_app(&self) -> Option<&TaskApp> {
        self.single_app().filter(|app| app.transitions.is_empty())
    }

    /// Every app in SCDF's visiting order: sequence by sequence, depth first, each app
    /// followed by the target apps of its transitions (`$END`/`$FAIL` included).
    pub fn apps(&self) -> Vec<&TaskApp> {
        let mut apps = Vec::new();
        for flow in &self.sequences {
            flow.collect_apps(&mut apps);
        }
        apps
    }

    /// The same definition with every span zeroed, to compare structure only.
    #[must_use]
    pub fn without_spans(&self) -> Self {
        let mut copy = self.clone();
        for flow in &mut copy.sequences {
            flow.clear_spans();
        }
        copy
    }
}

impl Flow {
    /// The label of the flow: the label of its first node.
    pub fn label(&self) -> Option<&Label> {
        match self.nodes.first()? {
            FlowNode::App(app) => app.label.as_ref(),
            FlowNode::Split(split) => split.label.as_ref(),
        }
    }

    /// Where the flow starts: its first app's name or its first split's `<`.
    pub fn start(&self) -> usize {
        self.nodes.first().map_or(0, FlowNode::start)
    }

    fn collect_apps<'a>(&'a self, apps: &mut Vec<&'a TaskApp>) {
        for node in &self.nodes {
            match node {
                FlowNode::App(app) => {
                    apps.push(app);
                    for transition in &app.transitions {
                        if let TransitionTarget::App(target) = &transition.target {
                            apps.push(target);
                        }
                    }
                }
                FlowNode::Split(split) => {
                    for flow in &split.flows {
                        flow.collect_apps(apps);
                    }
                }
            }
        }
    }

    fn clear_spans(&mut self) {
        for node in &mut self.nodes {
            match node {
                FlowNode::App(app) => app.clear_spans(),
                FlowNode::Split(split) => {
                    split.span = Span::default();
                    if let Some(label) = &mut split.label {
                        label.span = Span::default();
                    }
                    for flow in &mut split.flows {
                        flow.clear_spans();
                    }
                }
            }
        }
    }
}

impl FlowNode {
    /// The label of the node.
    pub fn label(&self) -> Option<&Label> {
        match self {
            Self::App(app) => app.label.as_ref(),
            Self::Split(split) => split.label.as_ref(),
        }
    }

    /// SCDF's start of the node: the app name (not its label), or the split's `<`.
    pub fn start(&self) -> usize {
        match self {
            Self::App(app) => app.span.start,
            Self::Split(split) => split.span.start,
        }
    }
}

impl TaskApp {
    /// An app with just a name (no label, arguments, transitions; empty span).
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            label: None,
            name: name.into(),
            args: Vec::new(),
            transitions: Vec::new(),
            span: Span::default(),
        }
    }

    /// Whether this is `$END` (stop successfully), which only means that as a transition target.
    pub fn is_end(&self) -> bool {
        self.name == END_APP
    }

    /// Whether this is `$FAIL` (stop with a failure), which only means that as a transition
    /// target.
    pub fn is_fail(&self) -> bool {
        self.name == FAIL_APP
    }

    /// The label text, if any.
    pub fn label_name(&self) -> Option<&str> {
        self.label.as_ref().map(|l| l.name.as_str())
    }

    /// The arguments as name/value pairs where a repeated name keeps its first position and
    /// its last value (SCDF's `getArgumentsAsMap`).
    pub fn argument_map(&self) -> Vec<(&str, &str)> {
        let mut map: Vec<(&str, &str)> = Vec::with_capacity(self.args.len());
        // Where each name is in `map`: one lookup per argument, however many there are.
        let mut index: HashMap<&str, usize> = HashMap::with_capacity(self.args.len());
        for arg in &self.args {
            match index.entry(&arg.name) {
                Entry::Occupied(at) => map[*at.get()].1 = &arg.value,
                Entry::Vacant(at) => {
                    at.insert(map.len());
                    map.push((&arg.name, &arg.value));
                }
            }
        }
        map
    }

    fn clear_spans(&mut self) {
        self.span = Span::default();
        if let Some(label) = &mut self.label {
            label.span = Span::default();
        }
        for arg in &mut self.args {
            arg.span = Span::default();
        }
        for transition in &mut self.transitions {
            transition.span = Span::default();
            match &mut transition.target {
                TransitionTarget::Label(label) => label.span = Span::default(),
                TransitionTarget::App(app) => app.clear_spans(),
            }
        }
    }
}
