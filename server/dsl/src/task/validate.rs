//! The checks SCDF runs on a task definition that parsed (its `TaskValidatorVisitor`), in its
//! order: for each sequence, 158 if a secondary sequence has no label, then depth first over
//! its nodes — a split's label (159), an app's label (159, then 164) or unlabelled name (165,
//! then 166), then the target apps of the app's transitions the same way — and at the end 160
//! for each transition to a label that nothing defines (in the order they were written; SCDF
//! keeps them in a hash set, so its order varies).
//!
//! A problem renders like SCDF's `TaskValidationProblem.toStringWithContext`: header, the text
//! from the start of the problem's line, a caret, no checkpoint (`*`). All problems of one
//! validation share one copy of the text ([`DslError::expression`]), and at most
//! [`MAX_ERRORS`] are reported: the checks go on to the end, but later problems are only
//! counted, and the last one reported says how many were left out (in its hint).

use std::collections::HashSet;
use std::sync::Arc;

use crate::error::{DslError, DslMessage};
use crate::limits::MAX_ERRORS;

use super::ast::{Flow, FlowNode, Label, TaskApp, TaskDefinition, TransitionTarget};

/// The validation problems of a parsed definition, in SCDF's order, at most [`MAX_ERRORS`] of
/// them (see the module documentation); `dsl` is the text the errors quote (SCDF quotes the
/// definition with surrounding whitespace trimmed).
pub fn validate(definition: &TaskDefinition, dsl: &str) -> Vec<DslError> {
    let mut validator = Validator {
        dsl,
        text: None,
        problems: Vec::new(),
        left_out: 0,
        labels: HashSet::new(),
        unlabelled_names: HashSet::new(),
        label_references: Vec::new(),
    };
    for (index, sequence) in definition.sequences.iter().enumerate() {
        if index > 0 && sequence.label().is_none() {
            let message = DslMessage::TaskValidationSecondarySequencesMustBeNamed;
            validator.problem(sequence.start(), message);
        }
        validator.flow(sequence);
    }
    for (name, position) in std::mem::take(&mut validator.label_references) {
        if !validator.labels.contains(name) {
            let message = DslMessage::TaskValidationTransitionTargetLabelUndefined;
            validator.problem(position, message);
        }
    }
    let left_out = validator.left_out;
    let mut problems = validator.problems;
    if left_out > 0
        && let Some(last) = problems.last_mut()
    {
        last.hint = Some(format!(
            "{left_out} more problems were found and not reported (at most {MAX_ERRORS} are)"
        ));
    }
    problems
}

/// SCDF's message for a definition with validation problems (`TaskValidationException`):
/// `Problems found when validating '<dsl>': [<header>, <header>]`, the DSL trimmed.
pub fn validation_failure_message(dsl: &str, problems: &[DslError]) -> String {
    let headers: Vec<String> = problems.iter().map(DslError::header).collect();
    format!(
        "Problems found when validating '{}': [{}]",
        java_trim(dsl),
        headers.join(", ")
    )
}

/// Java's `String.trim()`: strips every character up to U+0020 from both ends.
pub(crate) fn java_trim(text: &str) -> &str {
    text.trim_matches(|c: char| c <= ' ')
}

struct Validator<'a> {
    dsl: &'a str,
    /// `dsl`, copied once at the first problem and shared by all of them.
    text: Option<Arc<str>>,
    problems: Vec<DslError>,
    /// Problems found after the first [`MAX_ERRORS`], counted only.
    left_out: usize,
    labels: HashSet<&'a str>,
    unlabelled_names: HashSet<&'a str>,
    /// Transitions to labels: the label and where the transition starts.
    label_references: Vec<(&'a str, usize)>,
}

impl<'a> Validator<'a> {
    fn flow(&mut self, flow: &'a Flow) {
        for node in &flow.nodes {
            match node {
                FlowNode::Split(split) => {
                    if let Some(label) = &split.label {
                        self.define_label(label);
                    }
                    for flow in &split.flows {
                        self.flow(flow);
                    }
                }
                FlowNode::App(app) => {
                    self.app(app);
                    for transition in &app.transitions {
                        match &transition.target {
                            TransitionTarget::Label(label) => {
                                self.label_references
                                    .push((&label.name, transition.span.start));
                            }
                            TransitionTarget::App(target) => self.app(target),
                        }
                    }
                }
            }
        }
    }

    fn app(&mut self, app: &'a TaskApp) {
        match &app.label {
            Some(label) => {
                self.define_label(label);
                if self.unlabelled_names.contains(label.name.as_str()) {
                    let message = DslMessage::TaskValidationLabelClashesWithTaskappName;
                    self.problem(label.span.start, message);
                }
            }
            None => {
                if self.labels.contains(app.name.as_str()) {
                    let message = DslMessage::TaskValidationAppNameClashesWithLabel;
                    self.problem(app.span.start, message);
                }
                if !self.unlabelled_names.insert(&app.name) {
                    let message = DslMessage::TaskValidationAppNameAlreadyInUse;
                    self.problem(app.span.start, message);
                }
            }
        }
    }

    fn define_label(&mut self, label: &'a Label) {
        if !self.labels.insert(&label.name) {
            self.problem(label.span.start, DslMessage::TaskValidationDuplicateLabel);
        }
    }

    fn problem(&mut self, position: usize, message: DslMessage) {
        if self.problems.len() >= MAX_ERRORS {
            self.left_out += 1;
            return;
        }
        let text = Arc::clone(self.text.get_or_insert_with(|| Arc::from(self.dsl)));
        let problem = DslError::checkpointed(message, text, position, None, vec![]);
        self.problems.push(problem);
    }
}
