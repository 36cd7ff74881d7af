//! A graph back to DSL text, the way SCDF's `Graph.toDSLText` does it (the dashboard's
//! "convert graph to text", and SCDF's masking of task definitions, which parses, masks the
//! graph's values and prints the graph).
//!
//! SCDF walks the graph from `START`: one link onward is `&&`; several links are a split whose
//! end is the first node on the first branch that every other branch reaches; more than two
//! links may hide nested splits, found by which branches meet before the end and printed
//! innermost first. A node whose links are all transitions but one, and whose branches meet
//! again before `END`, is printed as a one-flow split (`<a 'x'->b> && c`). Transitions print as
//! ` status->target` (a numeric status as is, anything else quoted), the target with its label
//! and arguments. Plain links into `END` are not followed. Nodes left unvisited at the end are
//! appended as further flows. The result is heuristic, as SCDF's: graphs SCDF drew from text
//! come back as that text (`*` becomes `'*'`), others may not.
//!
//! Differences from SCDF, all where SCDF fails or prints text that does not parse:
//! - values and statuses are quoted where SCDF's quoting would break the text (SCDF wraps a value
//!   with a space in quotes unless it starts with one, and leaves everything else alone; here
//!   such output is kept when it reads back as one value, else the value is single-quoted with
//!   inner quotes doubled; a status is kept when it is an exit code or already a complete
//!   quoted literal, else quoted that way);
//! - a `>` after a name ending in `-` gets a space;
//! - links naming unknown nodes are an error up front (SCDF fails on them somewhere);
//! - cycles, which SCDF follows forever, are detected; very deep or very tangled graphs are an
//!   error ([`GraphError::TooDeep`], [`GraphError::TooComplex`]) instead of exhausting the stack
//!   or the CPU;
//! - a transition with a `null` name is not representable ([`Link`] properties are strings).
//!
//! One SCDF quirk is not reproduced: when looking for the head of an unvisited part, SCDF
//! compares ids by reference, which only works for graphs it built itself; here ids are
//! compared by value, which is what SCDF does for its own graphs (masking).

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};

use super::graph::{END_NODE, FAIL_NODE, Graph, GraphError, START_NODE, SYNC_NODE};
use super::lexer::{is_single_literal, value_reading};
use super::print::{close_split, quote};

/// How deep the walk may recurse (nested split branches).
const MAX_DEPTH: usize = 2 * super::parser::MAX_NESTING + 64;
/// How many node visits the analysis may make in total.
const WORK_BUDGET: u64 = 20_000_000;
/// SCDF's guard on the number of unvisited heads it prints.
const MAX_HEADS: usize = 10_000;

/// The DSL text of a graph, as SCDF's `Graph.toDSLText` prints it.
///
/// Text longer than [`crate::MAX_DSL_CHARS`] characters, which no parse would accept, is
/// [`GraphError::Unparsable`] with error 180.
pub fn graph_to_dsl(graph: &Graph) -> Result<String, GraphError> {
    let mut writer = Writer::new(graph)?;
    writer.write()?;
    crate::limits::check_length(&writer.text)
        .map_err(|error| GraphError::Unparsable(Box::new(error)))?;
    Ok(writer.text)
}

struct Writer<'g> {
    graph: &'g Graph,
    /// Node index of each link's target (the first node with the target's id).
    link_target: Vec<usize>,
    /// Node index of each link's source (the first node with the source's id).
    link_source: Vec<usize>,
    /// Link indices by source, in link order: indexed by the first node with the source's id.
    links_by_source: Vec<Vec<usize>>,
    /// For each node, the first node with its id (nodes may share an id).
    first_of_node: Vec<usize>,
    text: String,
    /// Nodes not printed yet, and links not followed yet (ordered sets: SCDF's lists, in their
    /// order, from which items are removed without a search through them).
    unvisited: BTreeSet<usize>,
    unfollowed: BTreeSet<usize>,
    depth: usize,
    budget: u64,
    /// Nodes seen by the current [`Writer::found_in_chain`] search: those marked with its
    /// number (a number per search rather than a fresh vector, which would cost a pass over all
    /// nodes each time).
    seen: Vec<u32>,
    search: u32,
    /// The text may not grow past this: a graph with a cycle would print forever.
    max_text: usize,
}

impl<'g> Writer<'g> {
    fn new(graph: &'g Graph) -> Result<Self, GraphError> {
        let mut node_of_id = HashMap::new();
        for (index, node) in graph.nodes.iter().enumerate() {
            node_of_id.entry(node.id.as_str()).or_insert(index);
        }
        let first_of_node: Vec<usize> = graph
            .nodes
            .iter()
            .enumerate()
            .map(|(index, node)| node_of_id.get(node.id.as_str()).copied().unwrap_or(index))
            .collect();
        let mut link_target = Vec::with_capacity(graph.links.len());
        let mut link_source = Vec::with_capacity(graph.links.len());
        let mut links_by_source: Vec<Vec<usize>> = vec![Vec::new(); graph.nodes.len()];
        for (index, link) in graph.links.iter().enumerate() {
            match (
                node_of_id.get(link.from.as_str()),
                node_of_id.get(link.to.as_str()),
            ) {
                (Some(&from), Some(&to)) => {
                    link_target.push(to);
                    link_source.push(from);
                    links_by_source[from].push(index);
                }
                _ => {
                    return Err(GraphError::UnknownNode {
                        from: link.from.clone(),
                        to: link.to.clone(),
                    });
                }
            }
        }
        Ok(Self {
            graph,
            link_target,
            link_source,
            links_by_source,
            first_of_node,
            text: String::new(),
            unvisited: (0..graph.nodes.len()).collect(),
            unfollowed: (0..graph.links.len()).collect(),
            depth: 0,
            budget: WORK_BUDGET,
            seen: vec![0; graph.nodes.len()],
            search: 0,
            max_text: text_limit(graph),
        })
    }

    fn write(&mut self) -> Result<(), GraphError> {
        let start = self.node_named(START_NODE);
        self.unvisit(start);
        let end = self.node_named(END_NODE);
        self.unvisit(end);
        let fail = self.node_named(FAIL_NODE);
        self.unvisit(fail);
        let (Some(start), Some(_)) = (start, end) else {
            return Err(GraphError::MissingStartOrEnd);
        };
        let mut to_follow = self.links_from(start, false);
        self.follow_links(&mut to_follow, None, false)?;
        let mut heads = 0;
        while heads < MAX_HEADS
            && let Some(head) = self.find_a_head()
        {
            self.unvisit(Some(head));
            let mut to_follow = self.links_from(head, false);
            if !to_follow.is_empty() {
                self.text.push_str(" && ");
                self.print_node(head);
                self.follow_links(&mut to_follow, None, false)?;
            }
            heads += 1;
        }
        self.check_budget()
    }

    // ---- the walk -----------------------------------------------------------------------

    /// SCDF's `followLinks`: `to_follow` is changed in place as SCDF changes the caller's list.
    fn follow_links(
        &mut self,
        to_follow: &mut Vec<usize>,
        terminate: Option<usize>,
        in_nested_split: bool,
    ) -> Result<(), GraphError> {
        if self.depth >= MAX_DEPTH {
            return Err(GraphError::TooDeep(MAX_DEPTH));
        }
        self.depth += 1;
        let result = self.follow_links_from(to_follow, terminate, in_nested_split);
        self.depth -= 1;
        result
    }

    fn follow_links_from(
        &mut self,
        initial: &mut Vec<usize>,
        terminate: Option<usize>,
        in_nested_split: bool,
    ) -> Result<(), GraphError> {
        let mut in_nested_split = in_nested_split;
        // After the first round the list is this walk's own (SCDF reassigns its parameter).
        let mut own: Option<Vec<usize>> = None;
        loop {
            self.check_budget()?;
            let to_follow = match own.as_mut() {
                Some(list) => list,
                None => &mut *initial,
            };
            match to_follow.len() {
                0 => return Ok(()),
                1 => {
                    // A flow: `followLink`, whose `followNode` ends in `followLinks` on the
                    // node's links — done here as a loop rather than by recursion.
                    let link = to_follow[0];
                    let target = self.link_target[link];
                    if Some(target) == terminate {
                        return Ok(());
                    }
                    if !self.text.is_empty() {
                        self.text.push_str(" && ");
                    }
                    self.unfollow(link);
                    own = Some(self.print_node_and_transitions(target, terminate)?);
                    in_nested_split = false;
                }
                _ => {
                    let Some(next) = self.split(to_follow, terminate, in_nested_split)? else {
                        return Ok(());
                    };
                    own = Some(next);
                }
            }
        }
    }

    /// One split of `followLinks`: its branches, its end, and the links to follow after it
    /// (`None` when the walk stops there). This recurses, so the work is in helpers.
    fn split(
        &mut self,
        to_follow: &mut Vec<usize>,
        terminate: Option<usize>,
        in_nested_split: bool,
    ) -> Result<Option<Vec<usize>>, GraphError> {
        let end = self.open_split(to_follow, in_nested_split)?;
        if to_follow.len() > 2 {
            let nested = self.find_nested_splits(to_follow, end)?;
            let count = nested.len();
            for (index, (nested_end, mut links)) in nested.into_iter().enumerate() {
                self.follow_links(&mut links, Some(nested_end), true)?;
                to_follow.retain(|link| !links.contains(link));
                self.text.push_str(" && ");
                self.follow_node(nested_end, end)?;
                self.text
                    .push_str(if index + 1 < count { " || " } else { "" });
            }
            if !to_follow.is_empty() && count > 0 {
                self.text.push_str(" || ");
            }
        }
        for (index, &link) in to_follow.iter().enumerate() {
            self.text.push_str(if index > 0 { " || " } else { "" });
            self.unfollow(link);
            self.follow_node(self.link_target[link], end)?;
        }
        Ok(self.finish_split(end, terminate))
    }

    /// `<` (after ` && ` unless first), and the end of the split.
    #[inline(never)]
    fn open_split(
        &mut self,
        to_follow: &[usize],
        in_nested_split: bool,
    ) -> Result<Option<usize>, GraphError> {
        if !in_nested_split && !self.text.is_empty() {
            self.text.push_str(" && ");
        }
        self.text.push('<');
        self.find_end_of_split(to_follow, 0)
    }

    /// `>`, then the end node unless it is `END`, where the walk stops, or a `SYNC` node; the
    /// links to follow from there.
    #[inline(never)]
    fn finish_split(&mut self, end: Option<usize>, terminate: Option<usize>) -> Option<Vec<usize>> {
        close_split(&mut self.text);
        let end = end?;
        if self.name(end) == END_NODE || Some(end) == terminate {
            return None;
        }
        self.unvisit(Some(end));
        if self.name(end) != SYNC_NODE {
            self.text.push_str(" && ");
            self.print_node(end);
            let mut transitions = self.links_from(end, false);
            self.print_transitions(&mut transitions, None);
        }
        Some(self.links_from_without_transitions(end))
    }

    /// SCDF's `followNode`: the node, its transitions, then onward.
    fn follow_node(&mut self, node: usize, finish: Option<usize>) -> Result<(), GraphError> {
        let mut to_follow = self.print_node_and_transitions(node, finish)?;
        self.follow_links(&mut to_follow, finish, false)
    }

    /// The first part of `followNode`: prints the node and its transitions (as a one-flow split
    /// when its branches meet again before `END`) and returns the links left to follow.
    #[inline(never)]
    fn print_node_and_transitions(
        &mut self,
        node: usize,
        finish: Option<usize>,
    ) -> Result<Vec<usize>, GraphError> {
        let mut to_follow = self.links_from(node, false);
        let mut common_target = None;
        let mut single_split = false;
        let plain = to_follow
            .iter()
            .filter(|&&l| !self.is_transition(l))
            .count();
        if to_follow.len() > 1 && plain == 1 {
            // Transitions first, then the plain link (SCDF's `sortNotTransitionLinkFirst`).
            let mut sorted = Vec::with_capacity(to_follow.len());
            for &link in &to_follow {
                if self.is_transition(link) {
                    sorted.insert(0, link);
                } else {
                    sorted.push(link);
                }
            }
            match self.find_end_of_split(&sorted, 0) {
                Ok(target) => {
                    common_target = target;
                    single_split = target.is_some_and(|t| self.name(t) != END_NODE)
                        && (finish.is_none() || finish != target);
                }
                Err(GraphError::EndOfSplitNotFound) => {}
                Err(other) => return Err(other),
            }
        }
        if single_split {
            self.text.push('<');
            self.print_node(node);
            self.print_transitions(&mut to_follow, common_target);
            close_split(&mut self.text);
        } else {
            self.print_node(node);
            self.print_transitions(&mut to_follow, finish);
        }
        Ok(to_follow)
    }

    /// Prints the transitions among `links` and removes them from it.
    fn print_transitions(&mut self, links: &mut Vec<usize>, finish: Option<usize>) {
        let graph = self.graph;
        let mut index = 0;
        while index < links.len() {
            let link = links[index];
            let Some(name) = graph.links[link].transition_name() else {
                index += 1;
                continue;
            };
            let target = self.link_target[link];
            let target_node = &graph.nodes[target];
            self.text.push(' ');
            self.text.push_str(&status_text(name));
            self.text.push_str("->");
            match target_node.name.as_str() {
                FAIL_NODE => self.text.push_str(super::ast::FAIL_APP),
                END_NODE => self.text.push_str(super::ast::END_APP),
                name => {
                    if let Some(label) = target_node.label() {
                        self.text.push_str(label);
                        self.text.push_str(": ");
                    }
                    self.text.push_str(name);
                }
            }
            self.print_properties(target);
            self.unfollow(link);
            // Visited only if it goes nowhere after this (or only to where this ends).
            let onward = self.links_from(target, false);
            let all_to_finish = finish.is_some_and(|finish| {
                let finish_id = graph.nodes[finish].id.as_str();
                onward.iter().all(|&l| graph.links[l].to == finish_id)
            });
            if onward.is_empty() || all_to_finish {
                self.unvisit(Some(target));
            }
            links.remove(index);
        }
    }

    fn print_node(&mut self, node: usize) {
        self.unvisit(Some(node));
        let graph_node = &self.graph.nodes[node];
        if let Some(label) = graph_node.label() {
            self.text.push_str(label);
            self.text.push_str(": ");
        }
        self.text.push_str(&graph_node.name);
        self.print_properties(node);
    }

    fn print_properties(&mut self, node: usize) {
        if let Some(properties) = &self.graph.nodes[node].properties {
            for (key, value) in properties.iter() {
                self.text.push_str(" --");
                self.text.push_str(key);
                self.text.push('=');
                self.text.push_str(&value_text(value));
            }
        }
    }

    /// SCDF's `findAHead`: from the first unvisited node (none: `None`), back along unfollowed
    /// links to a node nothing unfollowed leads to. Each pass over the links costs the budget
    /// as many units as it looks at; with the budget spent, the candidate so far is the head.
    fn find_a_head(&mut self) -> Option<usize> {
        let mut candidate = self.unvisited.first().copied()?;
        let mut passes = 0;
        let mut changed = true;
        while changed && passes <= self.unfollowed.len() {
            let cost = u64::try_from(self.unfollowed.len()).unwrap_or(u64::MAX);
            if self.budget < cost {
                self.budget = 0;
                break;
            }
            self.budget -= cost;
            changed = false;
            passes += 1;
            for &link in &self.unfollowed {
                // Ids compared by their first node: `link.to == candidate's id`.
                if self.link_target[link] == self.first_of_node[candidate] {
                    changed = true;
                    candidate = self.link_source[link];
                }
            }
        }
        Some(candidate)
    }

    // ---- finding where branches meet ----------------------------------------------------

    /// SCDF's `findEndOfSplit`: the first node along the first link's chain that every other
    /// link's chain reaches.
    fn find_end_of_split(
        &mut self,
        links: &[usize],
        depth: usize,
    ) -> Result<Option<usize>, GraphError> {
        if depth >= MAX_DEPTH {
            return Err(GraphError::TooDeep(MAX_DEPTH));
        }
        let Some(&first) = links.first() else {
            return Ok(None);
        };
        if links.len() == 1 {
            return Ok(Some(self.link_target[first]));
        }
        let mut candidate = Some(self.link_target[first]);
        let mut steps = 0;
        while let Some(node) = candidate {
            steps += 1;
            if steps > self.graph.nodes.len() + 1 {
                break; // the first chain runs in a cycle
            }
            self.check_budget()?;
            if links[1..].iter().all(|&l| self.found_in_chain(l, node)) {
                return Ok(Some(node));
            }
            candidate = self.successor(node, depth)?;
        }
        Err(GraphError::EndOfSplitNotFound)
    }

    /// Where SCDF's split searches go after `node`: nowhere, its only successor, the first one
    /// when at most one of its links is plain, else past the split it starts.
    fn successor(&mut self, node: usize, depth: usize) -> Result<Option<usize>, GraphError> {
        let mut links = self.links_from(node, true);
        match links.len() {
            0 => Ok(None),
            1 => Ok(Some(self.link_target[links[0]])),
            _ if self.plain_count(&links) <= 1 => Ok(Some(self.link_target[links[0]])),
            _ => {
                let mut next = node;
                let mut rounds = 0;
                while self.plain_count(&links) > 1 {
                    rounds += 1;
                    if rounds > self.graph.nodes.len() + 1 {
                        return Err(GraphError::EndOfSplitNotFound);
                    }
                    match self.find_end_of_split(&links, depth + 1)? {
                        Some(end) => next = end,
                        None => return Ok(None),
                    }
                    links = self.links_from(next, true);
                }
                Ok(Some(next))
            }
        }
    }

    /// SCDF's `findNestedSplits`: for more than two branches, the nodes where some (not all) of
    /// them meet, innermost first, each with the branches that meet there.
    #[inline(never)]
    fn find_nested_splits(
        &mut self,
        to_follow: &[usize],
        end: Option<usize>,
    ) -> Result<Vec<(usize, Vec<usize>)>, GraphError> {
        let mut nested: Vec<(usize, Vec<usize>)> = Vec::new();
        for &link in to_follow {
            let mut successor = Some(self.link_target[link]);
            let mut steps = 0;
            while let Some(node) = successor.filter(|&node| Some(node) != end) {
                steps += 1;
                if steps > self.graph.nodes.len() + 1 {
                    break; // a cycle
                }
                self.check_budget()?;
                if let Some(common) = self.links_reaching(to_follow, link, node) {
                    let mut insert = true;
                    let mut replaced = None;
                    for (known_end, known_links) in &nested {
                        if same_links(known_links, &common) {
                            if self.is_successor(*known_end, node) {
                                insert = false;
                            } else {
                                replaced = Some(*known_end);
                            }
                        }
                    }
                    if insert {
                        if let Some(replaced) = replaced {
                            nested.retain(|(known_end, _)| *known_end != replaced);
                        }
                        match nested.iter_mut().find(|(known_end, _)| *known_end == node) {
                            Some(entry) => entry.1 = common,
                            None => nested.push((node, common)),
                        }
                    }
                }
                successor = self.successor(node, 0)?;
            }
        }
        // Earlier ends first, with the comparator and the sort Java uses for short lists.
        binary_insertion_sort(&mut nested, |a, b| {
            if a.0 == b.0 {
                Ordering::Equal
            } else if self.is_successor(a.0, b.0) {
                Ordering::Less
            } else {
                Ordering::Greater
            }
        });
        self.check_budget()?;
        Ok(nested)
    }

    /// The links among `links` (besides `known`, which reaches `node`) that reach `node`,
    /// followed by `known`; `None` when there are none.
    fn links_reaching(&mut self, links: &[usize], known: usize, node: usize) -> Option<Vec<usize>> {
        let mut result: Option<Vec<usize>> = None;
        for &link in links {
            if link != known && self.found_in_chain(link, node) {
                result.get_or_insert_with(Vec::new).push(link);
            }
        }
        if let Some(result) = &mut result {
            result.push(known);
        }
        result
    }

    fn is_successor(&mut self, a: usize, b: usize) -> bool {
        self.links_from(a, true)
            .into_iter()
            .any(|link| self.found_in_chain(link, b))
    }

    /// Whether `candidate` is the target of `link` or reachable from it. Each search and each
    /// node it visits cost a unit of the budget; with the budget spent, the answer is `false`
    /// (and the conversion fails at the next check).
    fn found_in_chain(&mut self, link: usize, candidate: usize) -> bool {
        if self.budget == 0 {
            return false;
        }
        self.budget -= 1;
        self.search = self.search.wrapping_add(1);
        if self.search == 0 {
            self.seen.fill(0);
            self.search = 1;
        }
        let mut stack = vec![self.link_target[link]];
        while let Some(node) = stack.pop() {
            if node == candidate {
                return true;
            }
            if std::mem::replace(&mut self.seen[node], self.search) == self.search {
                continue;
            }
            if self.budget == 0 {
                return false;
            }
            self.budget -= 1;
            let outgoing = &self.links_by_source[self.first_of_node[node]];
            stack.extend(outgoing.iter().rev().map(|&l| self.link_target[l]));
        }
        false
    }

    // ---- queries ------------------------------------------------------------------------

    fn node_named(&self, name: &str) -> Option<usize> {
        self.graph.nodes.iter().position(|n| n.name == name)
    }

    fn name(&self, node: usize) -> &str {
        &self.graph.nodes[node].name
    }

    fn is_transition(&self, link: usize) -> bool {
        self.graph.links[link].transition_name().is_some()
    }

    fn plain_count(&self, links: &[usize]) -> usize {
        links.iter().filter(|&&l| !self.is_transition(l)).count()
    }

    /// Every link leaving `node`, by index.
    fn outgoing(&self, node: usize) -> &[usize] {
        &self.links_by_source[self.first_of_node[node]]
    }

    /// Links from `node`; plain links into `END` only when `include_end` (SCDF's
    /// `findLinksFrom`: a link into `END` that has properties always counts).
    fn links_from(&self, node: usize, include_end: bool) -> Vec<usize> {
        self.outgoing(node)
            .iter()
            .copied()
            .filter(|&l| {
                include_end
                    || self.name(self.link_target[l]) != END_NODE
                    || self.graph.links[l].has_properties()
            })
            .collect()
    }

    /// Plain links from `node` not into `END`, and transitions named `'*'` (SCDF's
    /// `findLinksFromWithoutTransitions`).
    fn links_from_without_transitions(&self, node: usize) -> Vec<usize> {
        self.outgoing(node)
            .iter()
            .copied()
            .filter(|&l| match self.graph.links[l].transition_name() {
                None => self.name(self.link_target[l]) != END_NODE,
                Some(name) => name == "'*'",
            })
            .collect()
    }

    fn unvisit(&mut self, node: Option<usize>) {
        if let Some(node) = node {
            self.unvisited.remove(&node);
        }
    }

    fn unfollow(&mut self, link: usize) {
        self.unfollowed.remove(&link);
    }

    fn check_budget(&self) -> Result<(), GraphError> {
        if self.budget == 0 || self.text.len() > self.max_text {
            Err(GraphError::TooComplex)
        } else {
            Ok(())
        }
    }
}

/// A generous bound on the text of a graph: every name, label, property and transition
/// printed many times over. Only a graph with a cycle, which SCDF follows forever, or a
/// pathological one reaches it.
fn text_limit(graph: &Graph) -> usize {
    let nodes: usize = graph
        .nodes
        .iter()
        .map(|n| {
            let properties = n.properties.as_ref().map_or(0, |p| {
                p.iter()
                    .map(|(k, v)| k.len() + 2 * v.len() + 8)
                    .sum::<usize>()
            });
            n.name.len() + n.label().map_or(0, str::len) + properties + 16
        })
        .sum();
    let links: usize = graph
        .links
        .iter()
        .map(|l| 2 * l.transition_name().map_or(0, str::len) + 16)
        .sum();
    (nodes + links).saturating_mul(16).saturating_add(4096)
}

/// Whether two link lists hold the same links (SCDF's `containsAll` both ways).
fn same_links(a: &[usize], b: &[usize]) -> bool {
    a.iter().all(|l| b.contains(l)) && b.iter().all(|l| a.contains(l))
}

/// A node argument as SCDF prints it (in quotes when it has a space and does not start with a
/// quote), unless that would not read back as one value; then as it is if that reads back as
/// itself, else single-quoted with inner quotes doubled.
pub(crate) fn value_text(value: &str) -> String {
    let scdf = if value.contains(' ') && !value.starts_with('\'') {
        format!("'{value}'")
    } else {
        value.to_owned()
    };
    if value_reading(&scdf).is_some() {
        scdf
    } else if value_reading(value) == Some(false) {
        value.to_owned()
    } else {
        quote(value)
    }
}

/// A transition name as DSL: an exit code as is, a complete single-quoted literal as is,
/// anything else single-quoted (SCDF quotes any non-number that does not start with `'`).
pub(crate) fn status_text(name: &str) -> String {
    let is_exit_code =
        !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()) && name.parse::<i32>().is_ok();
    if is_exit_code || (name.starts_with('\'') && is_single_literal(name)) {
        name.to_owned()
    } else {
        quote(name)
    }
}

/// The sort Java's `Collections.sort` applies to fewer than 32 elements (TimSort's binary
/// insertion sort after its first run), which matters because SCDF's comparator for nested
/// splits is not a total order.
fn binary_insertion_sort<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    let length = items.len();
    if length < 2 {
        return;
    }
    // The first run: ascending, or strictly descending (then reversed).
    let mut run = 2;
    if compare(&items[1], &items[0]) == Ordering::Less {
        while run < length && compare(&items[run], &items[run - 1]) == Ordering::Less {
            run += 1;
        }
        items[..run].reverse();
    } else {
        while run < length && compare(&items[run], &items[run - 1]) != Ordering::Less {
            run += 1;
        }
    }
    for start in run..length {
        let (mut left, mut right) = (0, start);
        while left < right {
            let middle = (left + right) / 2;
            if compare(&items[start], &items[middle]) == Ordering::Less {
                right = middle;
            } else {
                left = middle + 1;
            }
        }
        items[left..=start].rotate_right(1);
    }
}
