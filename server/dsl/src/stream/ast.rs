//! The parsed form of a stream definition: what SCDF's `StreamNode` holds, as plain data.
//!
//! Every span is a pair of 0-based character offsets into the parsed DSL (end exclusive), the
//! same positions SCDF reports. Two definitions that differ only in spacing compare equal after
//! [`StreamDefinition::without_spans`].

use serde::{Deserialize, Serialize};

pub use crate::span::Span;

/// A parsed stream definition, e.g. `ticktock = time --fixed-delay=5 | log`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamDefinition {
    /// The name given by a `name =` prefix in the DSL, if any.
    pub name: Option<String>,
    /// Where that name is.
    pub name_span: Option<Span>,
    /// `:dest >` before the apps: the stream reads from this named destination (or taps another
    /// stream with `:stream.label`).
    pub source_destination: Option<Destination>,
    /// `> :dest` after the apps: the stream writes to this named destination.
    pub sink_destination: Option<Destination>,
    /// The apps, in order. Never empty: `:a > :b` holds the implicit app `bridge`.
    pub apps: Vec<App>,
}

/// One app of a stream: `[label: ]name [--arg=value]…`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct App {
    /// The registered app name, e.g. `log`.
    pub name: String,
    /// The label, only when one is written (`out: log`).
    pub label: Option<String>,
    /// Where the name is. For the implicit `bridge` app of `:a > :b`, the `>` between the two
    /// destinations (SCDF uses that token's position too).
    pub name_span: Span,
    /// Where the label is (without its colon).
    pub label_span: Option<Span>,
    /// From the start of the label (or name) to the end of the last argument (or name).
    pub span: Span,
    /// The arguments, in order (a name may repeat; SCDF keeps the last when it builds
    /// properties).
    pub args: Vec<Arg>,
    /// SCDF's "unbound stream app": an app of a `||` list, or a lone app without pipes or
    /// destinations (`time`). Such apps are of kind [`AppKind::App`] and get no bindings.
    pub unbound: bool,
}

impl App {
    /// The label if one is written, else the name: what must be unique within a stream, and
    /// what names the app's output destination (`<stream>.<label or name>`).
    pub fn label_or_name(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }
}

/// An argument: `--name=value`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arg {
    /// The name, dotted components joined, e.g. `spring.cloud.stream.bindings.input.group`.
    pub name: String,
    /// The value with the DSL's quoting removed: `'it''s'` gives `it's`; a value that is not
    /// exactly one quoted literal (`'hi'+payload`) is kept as written.
    pub value: String,
    /// From the `--` to the end of the value.
    pub span: Span,
    /// Where the value is, quotes included.
    pub value_span: Span,
}

/// A named destination: `:orders`, a tap `:mystream.http`, or patterns like `:foo.*`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Destination {
    /// The name without its leading `:`.
    pub name: String,
    /// Where the name is (without the `:`).
    pub span: Span,
    /// Arguments written after the name, e.g. `:orders --group=audit > log`.
    pub args: Vec<Arg>,
}

/// The type SCDF infers for an app from its place in the stream; the app registry is looked up
/// by (name, kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AppKind {
    /// Produces messages: the first app, unless a source destination precedes it.
    Source,
    /// Consumes and produces: a middle app, or an end app next to a destination.
    Processor,
    /// Consumes messages: the last app, unless a sink destination follows it.
    Sink,
    /// An unbound app (`||` list or a lone app): no bindings, any registered type `app`.
    App,
}

impl StreamDefinition {
    /// The kind SCDF infers for the app at `index` (`None` if there is no such app).
    pub fn app_kind(&self, index: usize) -> Option<AppKind> {
        let app = self.apps.get(index)?;
        let last = self.apps.len() - 1;
        let kind = if app.unbound {
            AppKind::App
        } else if index == 0 {
            match (&self.source_destination, &self.sink_destination) {
                (None, _) => AppKind::Source,
                (Some(_), None) if self.apps.len() == 1 => AppKind::Sink,
                (Some(_), _) => AppKind::Processor,
            }
        } else if index < last || self.sink_destination.is_some() {
            AppKind::Processor
        } else {
            AppKind::Sink
        };
        Some(kind)
    }

    /// The kind of every app, in order (see [`Self::app_kind`]).
    pub fn app_kinds(&self) -> Vec<AppKind> {
        (0..self.apps.len())
            .filter_map(|index| self.app_kind(index))
            .collect()
    }

    /// A copy with every span zeroed, for comparing definitions regardless of layout.
    #[must_use]
    pub fn without_spans(&self) -> Self {
        let zero = Span::default();
        let args = |args: &[Arg]| -> Vec<Arg> {
            args.iter()
                .map(|arg| Arg {
                    span: zero,
                    value_span: zero,
                    ..arg.clone()
                })
                .collect()
        };
        let destination = |d: &Destination| Destination {
            name: d.name.clone(),
            span: zero,
            args: args(&d.args),
        };
        Self {
            name: self.name.clone(),
            name_span: self.name_span.map(|_| zero),
            source_destination: self.source_destination.as_ref().map(destination),
            sink_destination: self.sink_destination.as_ref().map(destination),
            apps: self
                .apps
                .iter()
                .map(|app| App {
                    name: app.name.clone(),
                    label: app.label.clone(),
                    name_span: zero,
                    label_span: app.label_span.map(|_| zero),
                    span: zero,
                    args: args(&app.args),
                    unbound: app.unbound,
                })
                .collect(),
        }
    }
}
