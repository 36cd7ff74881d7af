//! A task definition as a graph, drawn the way SCDF's `GraphGeneratorVisitor` draws it, so the
//! ids, the order of nodes and links, and the control nodes are the ones SCDF's tools endpoint
//! returns.
//!
//! The walk is SCDF's visit: sequence by sequence, depth first, one counter for ids.
//! - Each sequence gets a `START` node first and an `END` node last (its id taken after
//!   everything in the sequence); only the primary sequence ends up in the graph.
//! - An app gets the next id and a link from whatever is open before it (the `START` node or
//!   split start for a first app, else the previous app, or every open end of a split).
//! - A split links its start to the first app of each flow; after the split, its flows' ends are
//!   open. A split right after a split gets a `SYNC` node joining the open ends first.
//! - A transition links the app to its target with the status as `transitionName` (the exit
//!   code, `*`, or the unquoted exit status). A target app is a new node (ids in transition
//!   order, after the app) that also runs to the end of the enclosing flow; `$END`/`$FAIL`
//!   are one node each per flow and lead nowhere. A transition to a label already seen in the
//!   same flow links back to that node; a forward one is linked when the label shows up later
//!   in the flow.
//! - Transitions to a secondary sequence's label are resolved at the end: the sequence's nodes
//!   are copied into the primary graph with fresh ids (labels dropped, as SCDF does), linked
//!   from the transitions, and their ends linked where the transition's flow continues.
//!
//! Deliberate differences, all where SCDF produces a broken graph or no answer: copied links
//! carry no `transitionName` where SCDF attaches a `null` one (which breaks its own conversion
//! back to text); labels inside a copied sequence point at the copies (SCDF maps them through
//! the wrong key and links to nothing); a transition to a label SCDF cannot place is
//! [`GraphError::OutOfFlowTransition`] (SCDF throws the same message, a 500) and one to the
//! primary sequence's own label is [`GraphError::TransitionToPrimarySequence`] (SCDF loops
//! forever). A graph that would have more than [`MAX_GRAPH_SIZE`] nodes and links, which only
//! copying secondary sequences many times over can make from a definition short enough to
//! parse, is [`GraphError::TooComplex`] (SCDF draws it, slowly and at length).

use std::collections::HashMap;

use super::ast::{Flow, FlowNode, Split, TaskApp, TaskDefinition, Transition, TransitionTarget};
use super::graph::{END_NODE, Graph, GraphError, Link, Node, Properties, START_NODE, SYNC_NODE};
use super::java_map::hash_map_order;
use crate::limits::MAX_GRAPH_SIZE;

/// How many rounds of copying secondary sequences SCDF allows before giving up.
const MAX_INLINING_ROUNDS: usize = 50;

/// The graph of a definition, numbered as SCDF numbers it: node ids `"0"`, `"1"`, … in visiting
/// order, arguments as node `properties` in Java `HashMap` order (none when an app has no
/// arguments), labels as node `metadata.label`, statuses as link `transitionName`s.
pub fn task_to_graph(definition: &TaskDefinition) -> Result<Graph, GraphError> {
    let mut generator = Generator::default();
    for sequence in &definition.sequences {
        generator.sequence(sequence)?;
    }
    generator.resolve_secondary_sequences()?;
    Ok(match generator.sequences.into_iter().next() {
        Some(primary) => Graph {
            nodes: primary.nodes,
            links: primary.links,
        },
        None => Graph {
            nodes: vec![Node::new("0", START_NODE), Node::new("1", END_NODE)],
            links: vec![Link::new("0", "1")],
        },
    })
}

/// The node arguments: SCDF's `HashMap` of the arguments (last value wins), in its order.
fn properties(app: &TaskApp) -> Option<Properties> {
    if app.args.is_empty() {
        return None;
    }
    let names: Vec<&str> = app.args.iter().map(|a| a.name.as_str()).collect();
    let values: HashMap<&str, &str> = app.argument_map().into_iter().collect();
    let properties: Properties = hash_map_order(&names)
        .into_iter()
        .filter_map(|index| values.get_key_value(names[index]))
        .map(|(name, value)| (*name, *value))
        .collect();
    Some(properties)
}

/// SCDF's key for reusing a transition target node within a flow: label, name, arguments.
fn reuse_key(app: &TaskApp) -> String {
    let mut key = String::new();
    if let Some(label) = &app.label {
        key.push_str(&label.name);
        key.push('>');
    }
    key.push_str(&app.name);
    for (name, value) in app.argument_map() {
        key.push(':');
        key.push_str(name);
        key.push('=');
        key.push_str(value);
    }
    key
}

/// The links of the primary sequence from one node, kept up to date while links are added, and
/// the size limit of the graph ([`MAX_GRAPH_SIZE`]) enforced on every addition.
struct LinksFrom {
    from: String,
    /// Indices of the links from `from`, in order.
    indices: Vec<usize>,
    nodes: usize,
}

impl LinksFrom {
    fn new(links: &[Link], from: String, nodes: usize) -> Self {
        let indices = links
            .iter()
            .enumerate()
            .filter(|(_, link)| link.from == from)
            .map(|(index, _)| index)
            .collect();
        Self {
            from,
            indices,
            nodes,
        }
    }

    /// The links from the node now (a copy: adding links does not change it).
    fn indices(&self) -> Vec<usize> {
        self.indices.clone()
    }

    fn push(&mut self, links: &mut Vec<Link>, link: Link) -> Result<(), GraphError> {
        if self.nodes + links.len() >= MAX_GRAPH_SIZE {
            return Err(GraphError::TooComplex);
        }
        if link.from == self.from {
            self.indices.push(links.len());
        }
        links.push(link);
        Ok(())
    }
}

/// A transition to a label not (yet) seen where it was made.
#[derive(Debug, Clone)]
struct Pending {
    node_id: String,
    status: String,
    label: String,
    /// The first open node at the end of the flow the transition was made in.
    last_node_id: Option<String>,
    /// That flow.
    flow: Option<usize>,
}

impl Pending {
    fn describe(&self) -> String {
        format!("{}:{}->{}", self.node_id, self.status, self.label)
    }
}

/// What SCDF tracks per flow or split being visited.
#[derive(Debug, Default)]
struct Context {
    is_flow: bool,
    start_node_id: String,
    /// Nodes whose successors are not known yet.
    open: Vec<String>,
    /// Transition targets that also run on to the end of this flow.
    other_exits: Vec<String>,
    /// Transitions to labels not seen yet in this flow, in the order they were made; `None`
    /// once the label showed up.
    pending: Vec<Option<Pending>>,
    /// Where in `pending` the transitions to each label are.
    pending_by_label: HashMap<String, Vec<usize>>,
    labelled: HashMap<String, String>,
    /// Transition target nodes of this flow, by [`reuse_key`].
    targets: HashMap<String, String>,
}

impl Context {
    fn new(is_flow: bool, start_node_id: String) -> Self {
        Self {
            is_flow,
            start_node_id,
            ..Self::default()
        }
    }
}

/// A sequence as drawn on its own.
#[derive(Debug, Default)]
struct Sequence {
    label: Option<String>,
    nodes: Vec<Node>,
    links: Vec<Link>,
    pending: Vec<Pending>,
    /// Labelled node ids of each flow (flows numbered in visiting order).
    labelled_by_flow: HashMap<usize, HashMap<String, String>>,
    /// The last flow visited in the sequence (SCDF's `primaryFlow`).
    last_flow: Option<usize>,
}

#[derive(Debug, Default)]
struct Generator {
    next_id: usize,
    next_flow: usize,
    contexts: Vec<Context>,
    sequences: Vec<Sequence>,
    current_app_id: String,
    /// Target nodes by key when the current context is not a flow (never, for parsed input).
    loose_targets: HashMap<String, String>,
}

impl Generator {
    fn next_id(&mut self) -> String {
        let id = self.next_id.to_string();
        self.next_id += 1;
        id
    }

    fn sequence_mut(&mut self) -> Result<&mut Sequence, GraphError> {
        self.sequences.last_mut().ok_or(GraphError::TooComplex)
    }

    fn context(&mut self) -> Result<&mut Context, GraphError> {
        self.contexts.last_mut().ok_or(GraphError::TooComplex)
    }

    fn add_node(&mut self, node: Node) -> Result<(), GraphError> {
        self.sequence_mut()?.nodes.push(node);
        Ok(())
    }

    fn add_link(&mut self, link: Link) -> Result<(), GraphError> {
        self.sequence_mut()?.links.push(link);
        Ok(())
    }

    fn sequence(&mut self, sequence: &Flow) -> Result<(), GraphError> {
        let start = self.next_id();
        let label = sequence.label().map(|l| l.name.clone());
        self.sequences.push(Sequence {
            label,
            nodes: vec![Node::new(start.clone(), START_NODE)],
            ..Sequence::default()
        });
        self.contexts.push(Context::new(true, start));
        self.flow(sequence)?;
        let end = self.next_id();
        let open = std::mem::take(&mut self.context()?.open);
        for id in open {
            self.add_link(Link::new(id, end.clone()))?;
        }
        self.add_node(Node::new(end, END_NODE))?;
        self.contexts.pop();
        Ok(())
    }

    // `flow` and `split` recurse once per level of nesting, so they only walk; the work is in
    // the helpers around them.

    fn flow(&mut self, flow: &Flow) -> Result<(), GraphError> {
        let flow_id = self.enter_flow()?;
        for node in &flow.nodes {
            match node {
                FlowNode::App(app) => self.app(app)?,
                FlowNode::Split(split) => self.split(split)?,
            }
        }
        self.leave_flow(flow_id)
    }

    fn split(&mut self, split: &Split) -> Result<(), GraphError> {
        self.enter_split()?;
        for flow in &split.flows {
            self.flow(flow)?;
        }
        self.leave_split()
    }

    #[inline(never)]
    fn enter_flow(&mut self) -> Result<usize, GraphError> {
        let flow_id = self.next_flow;
        self.next_flow += 1;
        let start = self.context()?.start_node_id.clone();
        self.contexts.push(Context::new(true, start));
        self.sequence_mut()?.last_flow = Some(flow_id);
        Ok(flow_id)
    }

    /// Pending transitions remember the flow and its first open node; the flow's open nodes
    /// and the targets of its transitions stay open in the enclosing context.
    #[inline(never)]
    fn leave_flow(&mut self, flow_id: usize) -> Result<(), GraphError> {
        let mut finished = self.contexts.pop().ok_or(GraphError::TooComplex)?;
        let last = finished.open.first().cloned();
        let mut pending: Vec<Pending> = finished.pending.into_iter().flatten().collect();
        for pending in &mut pending {
            pending.last_node_id.clone_from(&last);
            pending.flow = Some(flow_id);
        }
        let sequence = self.sequence_mut()?;
        sequence.pending.append(&mut pending);
        sequence.labelled_by_flow.insert(flow_id, finished.labelled);
        let parent = self.context()?;
        parent.open.append(&mut finished.open);
        parent.open.append(&mut finished.other_exits);
        Ok(())
    }

    /// A split starts from the open node, or from a `SYNC` node joining several.
    #[inline(never)]
    fn enter_split(&mut self) -> Result<(), GraphError> {
        let open = self.context()?.open.clone();
        let mut start = match open.first() {
            Some(first) => first.clone(),
            None => self.context()?.start_node_id.clone(),
        };
        if open.len() > 1 {
            let sync = self.next_id();
            self.add_node(Node::new(sync.clone(), SYNC_NODE))?;
            for id in open {
                self.add_link(Link::new(id, sync.clone()))?;
            }
            start = sync;
        }
        self.contexts.push(Context::new(false, start));
        Ok(())
    }

    /// After a split, the ends of its flows are what is open.
    #[inline(never)]
    fn leave_split(&mut self) -> Result<(), GraphError> {
        let finished = self.contexts.pop().ok_or(GraphError::TooComplex)?;
        self.context()?.open = finished.open;
        Ok(())
    }

    #[inline(never)]
    fn app(&mut self, app: &TaskApp) -> Result<(), GraphError> {
        let id = self.next_id();
        self.current_app_id.clone_from(&id);
        let mut node = Node::new(id.clone(), app.name.clone());
        node.properties = properties(app);
        if let Some(label) = &app.label {
            node.set_label(label.name.clone());
        }
        self.add_node(node)?;
        let mut links = Vec::new();
        let context = self.context()?;
        if let Some(label) = &app.label {
            context.labelled.insert(label.name.clone(), id.clone());
        }
        if context.is_flow {
            if let Some(label) = &app.label {
                // Forward transitions in this flow to this label end here.
                let hits = context
                    .pending_by_label
                    .remove(&label.name)
                    .unwrap_or_default();
                for hit in hits {
                    if let Some(p) = context.pending.get_mut(hit).and_then(Option::take) {
                        links.push(Link::transition(p.node_id, id.clone(), p.status));
                    }
                }
            }
            if context.open.is_empty() {
                links.push(Link::new(context.start_node_id.clone(), id.clone()));
            } else {
                links.extend(
                    context
                        .open
                        .iter()
                        .map(|open| Link::new(open.clone(), id.clone())),
                );
            }
            context.open = vec![id];
        } else {
            links.push(Link::new(context.start_node_id.clone(), id.clone()));
            context.open.push(id);
            self.loose_targets.clear();
        }
        for link in links {
            self.add_link(link)?;
        }
        for transition in &app.transitions {
            self.transition(transition)?;
        }
        Ok(())
    }

    fn transition(&mut self, transition: &Transition) -> Result<(), GraphError> {
        let from = self.current_app_id.clone();
        let status = transition.status.as_scdf_status().to_owned();
        match &transition.target {
            TransitionTarget::App(target) if target.is_fail() || target.is_end() => {
                let name = if target.is_fail() {
                    super::ast::FAIL_APP
                } else {
                    super::ast::END_APP
                };
                let (id, created) = self.target_node(name.to_owned(), || Node::new("", name))?;
                if let Some(node) = created {
                    self.add_node(node)?;
                }
                self.add_link(Link::transition(from, id, status))?;
            }
            TransitionTarget::App(target) => {
                let (id, created) = self.target_node(reuse_key(target), || {
                    let mut node = Node::new("", target.name.clone());
                    node.properties = properties(target);
                    if let Some(label) = &target.label {
                        node.set_label(label.name.clone());
                    }
                    node
                })?;
                let is_new = created.is_some();
                if let Some(node) = created {
                    self.add_node(node)?;
                }
                self.add_link(Link::transition(from, id.clone(), status))?;
                if is_new {
                    let context = self.context()?;
                    if context.is_flow {
                        context.other_exits.push(id);
                    } else {
                        context.open.push(id);
                    }
                }
            }
            TransitionTarget::Label(label) => {
                let context = self.context()?;
                match context.labelled.get(&label.name) {
                    Some(id) => {
                        let link = Link::transition(from, id.clone(), status);
                        self.add_link(link)?;
                    }
                    None => {
                        context
                            .pending_by_label
                            .entry(label.name.clone())
                            .or_default()
                            .push(context.pending.len());
                        context.pending.push(Some(Pending {
                            node_id: from,
                            status,
                            label: label.name.clone(),
                            last_node_id: None,
                            flow: None,
                        }));
                    }
                }
            }
        }
        Ok(())
    }

    /// The id of the flow's target node for `key`, creating the node (returned, with its new
    /// id) when there is none yet.
    fn target_node(
        &mut self,
        key: String,
        make: impl FnOnce() -> Node,
    ) -> Result<(String, Option<Node>), GraphError> {
        let in_flow = self.context()?.is_flow;
        let existing = if in_flow {
            self.context()?.targets.get(&key).cloned()
        } else {
            self.loose_targets.get(&key).cloned()
        };
        if let Some(id) = existing {
            return Ok((id, None));
        }
        let id = self.next_id();
        let mut node = make();
        node.id.clone_from(&id);
        if in_flow {
            self.context()?.targets.insert(key, id.clone());
        } else {
            self.loose_targets.insert(key, id.clone());
        }
        Ok((id, Some(node)))
    }

    /// Copies secondary sequences into the primary one for the transitions to their labels,
    /// round by round, as SCDF does.
    fn resolve_secondary_sequences(&mut self) -> Result<(), GraphError> {
        let mut rounds = 0;
        loop {
            let Some(primary) = self.sequences.first_mut() else {
                return Ok(());
            };
            if primary.pending.is_empty() || rounds >= MAX_INLINING_ROUNDS {
                return Ok(());
            }
            // The first pending transition and any others from the same flow to the same label.
            let first = primary.pending[0].clone();
            let (batch, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut primary.pending)
                .into_iter()
                .partition(|p| p.flow == first.flow && p.label == first.label);
            primary.pending = rest;
            let target = self
                .sequences
                .iter()
                .position(|s| s.label.as_deref() == Some(&first.label));
            match target {
                None => return Err(GraphError::OutOfFlowTransition(first.describe())),
                Some(0) => return Err(GraphError::TransitionToPrimarySequence(first.describe())),
                Some(index) => self.inline(index, &batch)?,
            }
            // Transitions that the copied labels now satisfy.
            let Some(primary) = self.sequences.first_mut() else {
                return Ok(());
            };
            let pending = std::mem::take(&mut primary.pending);
            for transition in pending {
                let target = transition
                    .flow
                    .and_then(|flow| primary.labelled_by_flow.get(&flow))
                    .and_then(|labels| labels.get(&transition.label))
                    .cloned();
                match target {
                    Some(id) => primary.links.push(Link::transition(
                        transition.node_id,
                        id,
                        transition.status,
                    )),
                    None => primary.pending.push(transition),
                }
            }
            rounds += 1;
        }
    }

    /// Copies sequence `index` into the primary one for `batch` (transitions from one flow to
    /// its label).
    fn inline(&mut self, index: usize, batch: &[Pending]) -> Result<(), GraphError> {
        let Some(first) = batch.first() else {
            return Ok(());
        };
        let secondary = self.sequences.get(index).ok_or(GraphError::TooComplex)?;
        let (Some(start), Some(end)) = (secondary.nodes.first(), secondary.nodes.last()) else {
            return Ok(());
        };
        let (start, end) = (start.id.clone(), end.id.clone());
        let inner: Vec<Node> = secondary.nodes[1..secondary.nodes.len() - 1].to_vec();
        let links = secondary.links.clone();
        let secondary_pending = secondary.pending.clone();
        let secondary_labels = secondary.labelled_by_flow.clone();
        let secondary_last_flow = secondary.last_flow;

        let mut new_ids: HashMap<String, String> = HashMap::new();
        let mut copies = Vec::new();
        for node in inner {
            let id = self.next_id();
            new_ids.insert(node.id.clone(), id.clone());
            copies.push(Node {
                id,
                name: node.name,
                properties: node.properties,
                metadata: None,
            });
        }
        let new_id = |old: &str| new_ids.get(old).cloned().unwrap_or_default();
        let primary = self.sequences.first_mut().ok_or(GraphError::TooComplex)?;
        primary.nodes.extend(copies);
        // At least a link from each transition to each first node of the copy: when those alone
        // are too many, fail before making any.
        let into_copy = links.iter().filter(|link| link.from == start).count();
        let at_least = into_copy.saturating_mul(batch.len());
        if (primary.nodes.len() + primary.links.len()).saturating_add(at_least) > MAX_GRAPH_SIZE {
            return Err(GraphError::TooComplex);
        }
        // The copy's ends continue wherever the transition's flow continues: with copies of the
        // links from that flow's last node, which are kept track of here rather than searched
        // for among all links at each end.
        let last = first.last_node_id.clone().unwrap_or_default();
        let mut links_out = LinksFrom::new(&primary.links, last, primary.nodes.len());
        for link in &links {
            let name = link.transition_name().map(str::to_owned);
            if link.from == start {
                for pending in batch {
                    links_out.push(
                        &mut primary.links,
                        Link::transition(
                            pending.node_id.clone(),
                            new_id(&link.to),
                            pending.status.clone(),
                        ),
                    )?;
                }
            } else if link.to == end {
                let from = new_id(&link.from);
                for index in links_out.indices() {
                    let mut copy = primary.links[index].clone();
                    copy.from.clone_from(&from);
                    links_out.push(&mut primary.links, copy)?;
                }
            } else {
                let mut copy = match name {
                    Some(name) => Link::transition("", "", name),
                    None => Link::new("", ""),
                };
                copy.from = new_id(&link.from);
                copy.to = new_id(&link.to);
                links_out.push(&mut primary.links, copy)?;
            }
        }
        for pending in secondary_pending {
            primary.pending.push(Pending {
                node_id: new_id(&pending.node_id),
                status: pending.status,
                label: pending.label,
                last_node_id: first.last_node_id.clone(),
                flow: first.flow,
            });
        }
        for (flow, labels) in secondary_labels {
            let remapped: HashMap<String, String> = labels
                .into_iter()
                .map(|(label, old)| (label, new_id(&old)))
                .collect();
            if Some(flow) == secondary_last_flow {
                let into = first.flow.unwrap_or(usize::MAX);
                primary
                    .labelled_by_flow
                    .entry(into)
                    .or_default()
                    .extend(remapped);
            } else {
                primary.labelled_by_flow.insert(flow, remapped);
            }
        }
        Ok(())
    }
}
