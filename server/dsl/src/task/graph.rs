//! The graph form of a task definition, as SCDF's tools endpoints and its dashboard (Flo)
//! exchange it, and the two endpoint payloads.
//!
//! JSON shapes (SCDF's `graph.Graph`, `graph.Node`, `graph.Link`):
//! - graph: `{"nodes": [...], "links": [...]}` — both always present;
//! - node: `{"id": "1", "name": "timestamp", "properties": {"format": "yyyy"},
//!   "metadata": {"label": "t1"}}` — as with SCDF's `@JsonInclude(NON_EMPTY)`, a missing, null
//!   or empty map and an empty string are left out;
//! - link: `{"from": "0", "to": "1", "properties": {"transitionName": "FAILED"}}`, same rule.
//!
//! Unknown fields are ignored when reading, as SCDF does. Node properties keep their order
//! ([`Properties`]): SCDF reads them into an insertion-ordered map and prints them in that
//! order, and the graphs it builds list arguments in the iteration order of a Java `HashMap`,
//! which [`task_to_graph`] reproduces.
//!
//! Control nodes are named `START`, `END` and `SYNC` (where a split follows a split);
//! transitions to `$END`/`$FAIL` go to nodes of that name. See [`task_to_graph`] for the
//! numbering and [`graph_to_dsl`] for the way back.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::DslError;

use super::ast::TaskDefinition;

pub use super::from_graph::graph_to_dsl;
pub use super::to_graph::task_to_graph;

/// Name of the node every graph starts from.
pub const START_NODE: &str = "START";
/// Name of the node every graph ends at.
pub const END_NODE: &str = "END";
/// Name of the node that joins the flows of a split before another split.
pub const SYNC_NODE: &str = "SYNC";
/// Name SCDF's graph reader also accepts for a failure end (printed as `$FAIL`).
pub const FAIL_NODE: &str = "FAIL";
/// The metadata key of a node's label.
pub const LABEL_KEY: &str = "label";
/// The property key of a link's transition (the exit code or status that takes it).
pub const TRANSITION_NAME_KEY: &str = "transitionName";

/// A task definition as nodes and links.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Graph {
    /// The nodes, in creation order.
    #[serde(default)]
    pub nodes: Vec<Node>,
    /// The links, in creation order.
    #[serde(default)]
    pub links: Vec<Link>,
}

/// A node: a control node (`START`, `END`, `SYNC`), `$END`/`$FAIL`, or a task app.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Node {
    /// Unique id within the graph (SCDF numbers them `"0"`, `"1"`, …).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// The app name or control node name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// The app's arguments.
    #[serde(default, skip_serializing_if = "Properties::is_none_or_empty")]
    pub properties: Option<Properties>,
    /// Other information; SCDF only uses `label`.
    #[serde(default, skip_serializing_if = "is_none_or_empty")]
    pub metadata: Option<BTreeMap<String, String>>,
}

/// A link between two nodes, taken on a transition when it has a `transitionName`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Link {
    /// Id of the source node.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub from: String,
    /// Id of the target node.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub to: String,
    /// SCDF only uses `transitionName`.
    #[serde(default, skip_serializing_if = "is_none_or_empty")]
    pub properties: Option<BTreeMap<String, String>>,
}

fn is_none_or_empty(map: &Option<BTreeMap<String, String>>) -> bool {
    map.as_ref().is_none_or(BTreeMap::is_empty)
}

impl Node {
    /// A node with an id and a name only.
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            properties: None,
            metadata: None,
        }
    }

    /// The label (`metadata.label`), if any.
    pub fn label(&self) -> Option<&str> {
        self.metadata.as_ref()?.get(LABEL_KEY).map(String::as_str)
    }

    /// Sets the label.
    pub fn set_label(&mut self, label: impl Into<String>) {
        self.metadata
            .get_or_insert_with(BTreeMap::new)
            .insert(LABEL_KEY.to_owned(), label.into());
    }
}

impl Link {
    /// A plain link.
    pub fn new(from: impl Into<String>, to: impl Into<String>) -> Self {
        Self {
            from: from.into(),
            to: to.into(),
            properties: None,
        }
    }

    /// A link taken on a transition.
    pub fn transition(
        from: impl Into<String>,
        to: impl Into<String>,
        transition_name: impl Into<String>,
    ) -> Self {
        let mut properties = BTreeMap::new();
        properties.insert(TRANSITION_NAME_KEY.to_owned(), transition_name.into());
        Self {
            from: from.into(),
            to: to.into(),
            properties: Some(properties),
        }
    }

    /// The transition name, if the link is a transition.
    pub fn transition_name(&self) -> Option<&str> {
        self.properties
            .as_ref()?
            .get(TRANSITION_NAME_KEY)
            .map(String::as_str)
    }

    /// Whether the link carries any property (SCDF follows a link to `END` only then).
    pub(crate) fn has_properties(&self) -> bool {
        !is_none_or_empty(&self.properties)
    }
}

/// String properties that keep their order: a JSON object read in document order, a repeated
/// key keeping its first position and its last value (like Java's `LinkedHashMap`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Properties(Vec<(String, String)>);

impl Properties {
    /// No properties.
    pub const fn new() -> Self {
        Self(Vec::new())
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Sets `key` to `value`, in place when the key exists; returns the previous value. This
    /// looks through the entries; to build properties from many entries, collect them
    /// ([`FromIterator`]), which takes one lookup per entry.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<String>) -> Option<String> {
        let key = key.into();
        let value = value.into();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => Some(std::mem::replace(&mut entry.1, value)),
            None => {
                self.0.push((key, value));
                None
            }
        }
    }

    /// The entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The entries in order, values mutable (to mask them, say).
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&str, &mut String)> {
        self.0.iter_mut().map(|(k, v)| (k.as_str(), v))
    }

    /// How many entries.
    pub const fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no entries.
    pub const fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn is_none_or_empty(properties: &Option<Self>) -> bool {
        properties.as_ref().is_none_or(Self::is_empty)
    }
}

/// Builds [`Properties`] entry by entry as [`Properties::insert`] does, finding repeated keys
/// through a hash index rather than by looking through the entries (linear, not quadratic, in
/// the number of entries).
#[derive(Default)]
struct PropertiesBuilder {
    entries: Vec<(String, String)>,
    index: HashMap<String, usize>,
}

impl PropertiesBuilder {
    fn insert(&mut self, key: String, value: String) {
        match self.index.get(&key) {
            Some(&at) => self.entries[at].1 = value,
            None => {
                self.index.insert(key.clone(), self.entries.len());
                self.entries.push((key, value));
            }
        }
    }

    fn build(self) -> Properties {
        Properties(self.entries)
    }
}

/// A repeated key keeps its first position and its last value, as with [`Properties::insert`].
impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Properties {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut builder = PropertiesBuilder::default();
        for (key, value) in iter {
            builder.insert(key.into(), value.into());
        }
        builder.build()
    }
}

impl Serialize for Properties {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Properties {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PropertiesVisitor;

        impl<'de> Visitor<'de> for PropertiesVisitor {
            type Value = Properties;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("an object of string values")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Properties, A::Error> {
                let mut builder = PropertiesBuilder::default();
                while let Some((key, value)) = access.next_entry::<String, String>()? {
                    builder.insert(key, value);
                }
                Ok(builder.build())
            }
        }

        deserializer.deserialize_map(PropertiesVisitor)
    }
}

/// Why a definition cannot become a graph, or a graph cannot become DSL text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    /// The graph has no `START` or no `END` node (SCDF's message).
    #[error("Graph is malformed - problems finding START and END nodes")]
    MissingStartOrEnd,
    /// A link names a node id that no node has.
    #[error(
        "Graph is malformed - the link from '{from}' to '{to}' names a node that does not exist"
    )]
    UnknownNode {
        /// The link's `from`.
        from: String,
        /// The link's `to`.
        to: String,
    },
    /// The links leaving a node never meet again (SCDF's message).
    #[error("Unable to find end of split")]
    EndOfSplitNotFound,
    /// A transition to a label that is neither in its own flow nor a secondary sequence's
    /// label, which SCDF cannot draw either (its message: the transition as
    /// `from-node-id:status->label`).
    #[error("Out of flow transition? {0}")]
    OutOfFlowTransition(String),
    /// A transition to the primary sequence's own label from where the label is not visible;
    /// SCDF loops forever on it.
    #[error("Transition to the label of the primary sequence cannot be drawn: {0}")]
    TransitionToPrimarySequence(String),
    /// Splits nest deeper than the converter follows.
    #[error("Graph is too deeply nested to convert (more than {0} levels)")]
    TooDeep(usize),
    /// The graph needs too much work to analyse (a safety limit for untrusted input).
    #[error("Graph is too large or too tangled to convert")]
    TooComplex,
    /// The text made from the graph is not a valid task definition (or is longer than
    /// [`crate::MAX_DSL_CHARS`] characters: error 180).
    #[error("the DSL made from the graph does not parse: {}", .0.header())]
    Unparsable(Box<DslError>),
}

/// Converts a graph to a parsed definition: [`graph_to_dsl`], then the task parser.
pub fn graph_to_task(graph: &Graph) -> Result<TaskDefinition, GraphError> {
    let dsl = graph_to_dsl(graph)?;
    super::parse_task(&dsl).map_err(|error| GraphError::Unparsable(Box::new(error)))
}

/// One error in a tools response: SCDF's `{"message": "<header>", "position": N}`
/// (`position` is -1 for errors that have none, like graph errors).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDescriptor {
    /// The first line of the error: `123E:(pos 0): illegal name for a task 'a.b'`.
    pub message: String,
    /// 0-based character position, or -1.
    pub position: i64,
}

impl From<&DslError> for ErrorDescriptor {
    fn from(error: &DslError) -> Self {
        let position = error
            .position
            .and_then(|p| i64::try_from(p).ok())
            .unwrap_or(-1);
        Self {
            message: error.header(),
            position,
        }
    }
}

impl From<&GraphError> for ErrorDescriptor {
    fn from(error: &GraphError) -> Self {
        match error {
            GraphError::Unparsable(dsl_error) => dsl_error.as_ref().into(),
            other => Self {
                message: other.to_string(),
                position: -1,
            },
        }
    }
}

/// Body of `POST /tools/parseTaskTextToGraph`: the graph, or `null` and the errors (one parse
/// error, or every validation problem).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseTaskResponse {
    /// The graph, when the definition parsed and validated.
    pub graph: Option<Graph>,
    /// The errors, empty on success.
    pub errors: Vec<ErrorDescriptor>,
}

/// Body of `POST /tools/convertTaskGraphToText`: the DSL, or `null` and the error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConvertTaskResponse {
    /// The DSL text, when the graph could be converted.
    pub dsl: Option<String>,
    /// The errors, empty on success.
    pub errors: Vec<ErrorDescriptor>,
}

/// The tools endpoint that parses: SCDF parses with the task `name` (123 if illegal; a
/// `&str` or an `Option<&str>`, where `None` skips the check — SCDF requires a name),
/// validates, and draws the graph. Failures are reported in `errors`, never as an HTTP error.
/// (Where SCDF fails with a 500 because its graph drawing throws, the error is here instead.)
/// A definition longer than [`crate::MAX_DSL_CHARS`] characters is refused first (180), and
/// at most [`crate::MAX_ERRORS`] validation problems are listed.
pub fn parse_task_text_to_graph<'a>(
    name: impl Into<Option<&'a str>>,
    dsl: &str,
) -> ParseTaskResponse {
    match super::parse_and_validate_task(dsl, name.into()) {
        Ok(definition) => match task_to_graph(&definition) {
            Ok(graph) => ParseTaskResponse {
                graph: Some(graph),
                errors: Vec::new(),
            },
            Err(error) => ParseTaskResponse {
                graph: None,
                errors: vec![(&error).into()],
            },
        },
        Err(errors) => ParseTaskResponse {
            graph: None,
            errors: errors.iter().map(Into::into).collect(),
        },
    }
}

/// The tools endpoint that converts a graph to DSL text. Failures are reported in `errors`
/// (SCDF answers those with a 500), among them text longer than [`crate::MAX_DSL_CHARS`]
/// characters (180, see [`graph_to_dsl`]).
pub fn convert_task_graph_to_text(graph: &Graph) -> ConvertTaskResponse {
    match graph_to_dsl(graph) {
        Ok(dsl) => ConvertTaskResponse {
            dsl: Some(dsl),
            errors: Vec::new(),
        },
        Err(error) => ConvertTaskResponse {
            dsl: None,
            errors: vec![(&error).into()],
        },
    }
}
