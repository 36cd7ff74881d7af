//! The task DSL parser: a recursive descent over the tokens of `lexer.rs` that takes SCDF's
//! decisions in SCDF's order, so errors get SCDF's codes, positions and checkpoints.
//!
//! ```text
//! definition := sequence ((NEWLINE | ';') sequence)*     next sequence: new line or `;`
//! sequence   := node ('&&' node)*                         line breaks inside are fine
//! node       := '(' sequence ')' | [label ':'] (split | app)
//! split      := '<' sequence ('||' sequence)* '>'
//! app        := NAME ('--' NAME('.'NAME)* '=' VALUE)* transition*
//! transition := (NUMBER | '*' | 'literal') '->' (':' LABEL | [label ':'] NAME args)
//! ```
//!
//! SCDF quirks kept: a parenthesized group that starts a sequence ends it (`(a && b) && c` is
//! 163 at the second `&&`, while `a && (b && c) && d` is one flow); a line break only starts a
//! new sequence where a node could end (`a\n&& b` is one flow, so is `a\n 0->b`); a
//! transition status is any identifier, literal or `*` followed by `->`, checked for being a
//! number only after its target is parsed (154).
//!
//! Two deliberate differences from SCDF's code, with identical results for every input SCDF
//! can parse: a flow (`a && b && c`) is parsed in a loop where SCDF recurses once per `&&`, and
//! splits and parentheses may nest at most [`MAX_NESTING`] deep (SCDF's stack overflows
//! somewhere past that; here it is error 162 at the first `<` or `(` too many, with a hint).

use crate::error::{DslError, DslMessage};

use super::ast::{
    Argument, Flow, FlowNode, Label, Span, Split, TaskApp, TaskDefinition, Transition,
    TransitionStatus, TransitionTarget,
};
use super::is_valid_task_name;
use super::lexer::{Token, TokenKind, lex};

/// How deep splits (`<…>`) and parenthesized groups (`(…)`) may nest. Parsing, validating,
/// printing and drawing recurse once per level; at this depth they stay well within a 2 MiB
/// thread stack even in a debug build.
pub const MAX_NESTING: usize = 256;

/// Parses `dsl`; with a task `name`, also checks the name like SCDF (123, after the syntax and
/// before the check for trailing input). A definition longer than [`crate::MAX_DSL_CHARS`] is
/// refused first (180).
pub(crate) fn parse(dsl: &str, name: Option<&str>) -> Result<TaskDefinition, DslError> {
    crate::limits::check_length(dsl)?;
    parse_unbounded(dsl, name)
}

/// [`parse`] without the length limit (for tests of inputs beyond it).
pub(crate) fn parse_unbounded(dsl: &str, name: Option<&str>) -> Result<TaskDefinition, DslError> {
    let lexed = lex(dsl)?;
    let mut parser = Parser {
        input: dsl,
        length: dsl.chars().count(),
        tokens: lexed.tokens,
        linebreaks: lexed.linebreaks,
        position: 0,
        last_good: 0,
    };
    let sequences = parser.sequences().map_err(|error| *error)?;
    if let Some(name) = name.filter(|name| !is_valid_task_name(name)) {
        return Err(DslError::plain(
            DslMessage::IllegalTaskName,
            name,
            0,
            vec![name.to_owned()],
        ));
    }
    if let Some(token) = parser.peek() {
        return Err(*parser.fail(token.start, DslMessage::TaskMoreInput, vec![token.text()]));
    }
    Ok(TaskDefinition { sequences })
}

/// The parser state: SCDF's `Tokens` (current token, last checkpoint) over one input.
struct Parser<'a> {
    input: &'a str,
    /// The input length in characters (where "ran out of input" points).
    length: usize,
    tokens: Vec<Token>,
    linebreaks: Vec<usize>,
    /// Index of the next token.
    position: usize,
    /// Token index just after the last construct parsed successfully.
    last_good: usize,
}

/// A parse error, boxed to keep the recursive functions' frames small.
type Failure = Box<DslError>;
type Parsed<T> = Result<T, Failure>;

impl Parser<'_> {
    // ---- the grammar --------------------------------------------------------------------
    //
    // `task_node`, `parenthesized`, `flow_rest`, `labelled_node` and `split` recurse (once per
    // level of nesting), so they hold as little as possible; the rest is in helpers.

    /// Sequences, separated by a line break before the next token or by `;`.
    fn sequences(&mut self) -> Parsed<Vec<Flow>> {
        let mut sequences = vec![self.task_node(0)?];
        while self.peek().is_some()
            && (self.next_token_is_on_new_line() || self.maybe_eat(TokenKind::Semicolon))
        {
            sequences.push(self.task_node(0)?);
        }
        Ok(sequences)
    }

    /// A parenthesized group, or a node and the rest of its flow.
    fn task_node(&mut self, depth: usize) -> Parsed<Flow> {
        if self.peek_is(TokenKind::OpenParen) {
            return self.parenthesized(depth);
        }
        let first = self.labelled_node(depth)?;
        self.flow_rest(first, depth)
    }

    /// `( sequence )`: only groups, so the inner flow is the result (a label before it is 155).
    fn parenthesized(&mut self, depth: usize) -> Parsed<Flow> {
        self.check_nesting(depth)?;
        self.position += 1;
        let flow = self.task_node(depth + 1)?;
        self.eat(TokenKind::CloseParen)?;
        Ok(flow)
    }

    /// More nodes after `&&`; a group after `&&` merges into this flow.
    fn flow_rest(&mut self, first: FlowNode, depth: usize) -> Parsed<Flow> {
        let mut nodes = vec![first];
        while self.maybe_eat(TokenKind::AndAnd) {
            if self.peek_is(TokenKind::OpenParen) {
                nodes.extend(self.parenthesized(depth)?.nodes);
            } else {
                nodes.push(self.labelled_node(depth)?);
            }
        }
        Ok(Flow { nodes })
    }

    /// `[label:] split` or `[label:] app`.
    fn labelled_node(&mut self, depth: usize) -> Parsed<FlowNode> {
        let label = self.node_label()?;
        if self.peek_is(TokenKind::Lt) {
            let mut split = self.split(depth)?;
            split.label = label;
            return Ok(FlowNode::Split(split));
        }
        self.labelled_app(label)
    }

    /// `< sequence || sequence … >`.
    fn split(&mut self, depth: usize) -> Parsed<Split> {
        self.check_nesting(depth)?;
        let start = self.eat(TokenKind::Lt)?.start;
        let mut flows = vec![self.task_node(depth + 1)?];
        while self.maybe_eat(TokenKind::DoublePipe) {
            flows.push(self.task_node(depth + 1)?);
        }
        let end = self.eat(TokenKind::Gt)?.end;
        Ok(Split {
            label: None,
            flows,
            span: Span::new(start, end),
        })
    }

    /// The label before a node: none, or one (not before `(`: 155; not two: 156).
    #[inline(never)]
    fn node_label(&mut self) -> Parsed<Option<Label>> {
        let label = self.maybe_eat_label()?;
        if label.is_some() {
            if let Some(open) = self.peek().filter(|t| t.kind == TokenKind::OpenParen) {
                return Err(self.fail(open.start, DslMessage::TaskNoLabelsOnParens, vec![]));
            }
            if let Some(second) = self.maybe_eat_label()? {
                return Err(self.fail(second.span.start, DslMessage::NoDoubleLabels, vec![]));
            }
        }
        Ok(label)
    }

    #[inline(never)]
    fn labelled_app(&mut self, label: Option<Label>) -> Parsed<FlowNode> {
        let mut app = self.task_app(true)?;
        app.label = label;
        Ok(FlowNode::App(app))
    }

    /// Fails when the `<` or `(` about to be consumed would nest too deep.
    #[inline(never)]
    fn check_nesting(&self, depth: usize) -> Parsed<()> {
        match self.peek() {
            Some(token) if depth >= MAX_NESTING => {
                let mut error = self.fail(
                    token.start,
                    DslMessage::TaskUnexpectedData,
                    vec![token.text()],
                );
                error.hint = Some(format!(
                    "splits and parenthesized groups may be nested at most {MAX_NESTING} deep"
                ));
                Err(error)
            }
            _ => Ok(()),
        }
    }

    /// An app name, its arguments and (unless it is a transition target) its transitions.
    #[inline(never)]
    fn task_app(&mut self, transitions_allowed: bool) -> Parsed<TaskApp> {
        let name = self.next()?;
        if name.kind != TokenKind::Identifier {
            return Err(self.fail(name.start, DslMessage::ExpectedAppname, vec![name.text()]));
        }
        self.checkpoint();
        let args = self.app_args()?;
        let transitions = if transitions_allowed {
            self.transitions()?
        } else {
            Vec::new()
        };
        let end = transitions
            .last()
            .map(|t| t.span.end)
            .or_else(|| args.last().map(|a| a.span.end))
            .unwrap_or(name.end);
        Ok(TaskApp {
            label: None,
            name: name.text(),
            args,
            transitions,
            span: Span::new(name.start, end),
        })
    }

    /// `--name=value` arguments; each complete one is a checkpoint.
    fn app_args(&mut self) -> Parsed<Vec<Argument>> {
        let mut args = Vec::new();
        if let Some(dashes) = self.peek().filter(|t| t.kind == TokenKind::DoubleMinus)
            && self.is_next_adjacent()
        {
            let message = DslMessage::ExpectedWhitespaceAfterAppBeforeArgument;
            return Err(self.fail(dashes.start, message, vec![]));
        }
        while self.peek_is(TokenKind::DoubleMinus) {
            let dashes = self.next()?;
            self.fail_if_spaced(TokenKind::Identifier, DslMessage::NoWhitespaceBeforeArgName)?;
            let name = self.dotted_name()?;
            self.fail_if_spaced(TokenKind::Equals, DslMessage::NoWhitespaceBeforeArgEquals)?;
            self.eat(TokenKind::Equals)?;
            self.fail_if_spaced(
                TokenKind::Identifier,
                DslMessage::NoWhitespaceBeforeArgValue,
            )?;
            let (value, end) = self.arg_value()?;
            self.checkpoint();
            args.push(Argument {
                name,
                value,
                span: Span::new(dashes.start, end),
            });
        }
        Ok(args)
    }

    /// A name made of identifiers joined by adjacent dots.
    fn dotted_name(&mut self) -> Parsed<String> {
        let first = self.next()?;
        if first.kind != TokenKind::Identifier {
            // SCDF supplies only the first insert here; the second stays `{1}`.
            return Err(self.fail(
                first.start,
                DslMessage::NotExpectedToken,
                vec![first.text()],
            ));
        }
        let mut name = first.text();
        while let Some(dot) = self.peek().filter(|t| t.kind == TokenKind::Dot) {
            if !self.is_next_adjacent() {
                return Err(self.fail(dot.start, DslMessage::NoWhitespaceInDottedName, vec![]));
            }
            self.position += 1;
            name.push('.');
            self.fail_if_spaced(TokenKind::Identifier, DslMessage::NoWhitespaceInDottedName)?;
            name.push_str(&self.eat(TokenKind::Identifier)?.text());
        }
        Ok(name)
    }

    /// An argument value and where it ends: raw text, or a literal without its quotes (a
    /// doubled quote standing for one).
    fn arg_value(&mut self) -> Parsed<(String, usize)> {
        let token = self.next()?;
        match token.kind {
            TokenKind::Identifier => Ok((token.text(), token.end)),
            TokenKind::Literal => Ok((unquote(&token.text()), token.end)),
            _ => {
                let message = DslMessage::ExpectedArgumentValue;
                // SCDF inserts the token's data, which symbols do not have.
                Err(self.fail(token.start, message, vec!["null".to_owned()]))
            }
        }
    }

    /// Transitions `status->target`, as long as the token after the next one is `->`.
    fn transitions(&mut self) -> Parsed<Vec<Transition>> {
        let mut transitions = Vec::new();
        loop {
            if let Some(arrow) = self.peek().filter(|t| t.kind == TokenKind::Arrow) {
                let message = DslMessage::TaskArrowShouldBePrecededByCode;
                return Err(self.fail(arrow.start, message, vec![]));
            }
            if !self
                .peek_ahead(1)
                .is_some_and(|t| t.kind == TokenKind::Arrow)
            {
                break;
            }
            let Some(status) = self.peek().filter(|t| {
                matches!(
                    t.kind,
                    TokenKind::Identifier | TokenKind::Literal | TokenKind::Star
                )
            }) else {
                break;
            };
            self.position += 1;
            if !self.maybe_eat(TokenKind::Arrow) {
                let message = DslMessage::TaskMissingTransitionArrow;
                return Err(self.fail(status.start, message, vec![]));
            }
            let target = if self.maybe_eat(TokenKind::Colon) {
                let label = self.eat(TokenKind::Identifier)?;
                TransitionTarget::Label(Label {
                    name: label.text(),
                    span: Span::new(label.start, label.end),
                })
            } else {
                let label = self.maybe_eat_label()?;
                let mut app = self.task_app(false)?;
                app.label = label;
                TransitionTarget::App(app)
            };
            let status_value = match status.kind {
                TokenKind::Literal => TransitionStatus::ExitStatus(unquote(&status.text())),
                TokenKind::Star => TransitionStatus::AnyExitCode,
                _ => {
                    let code = status.text();
                    if !is_exit_code(&code) {
                        let message = DslMessage::TaskUnquotedTransitionCheckMustBeNumber;
                        return Err(self.fail(status.start, message, vec![code]));
                    }
                    TransitionStatus::ExitCode(code)
                }
            };
            let end = match &target {
                TransitionTarget::Label(label) => label.span.end,
                TransitionTarget::App(app) => app.span.end,
            };
            transitions.push(Transition {
                status: status_value,
                target,
                span: Span::new(status.start, end),
            });
        }
        Ok(transitions)
    }

    /// `label:` when an identifier is followed by a colon.
    fn maybe_eat_label(&mut self) -> Parsed<Option<Label>> {
        let is_label = self.peek_is(TokenKind::Identifier)
            && self
                .peek_ahead(1)
                .is_some_and(|t| t.kind == TokenKind::Colon);
        if !is_label {
            return Ok(None);
        }
        let label = self.next()?;
        self.eat(TokenKind::Colon)?;
        Ok(Some(Label {
            name: label.text(),
            span: Span::new(label.start, label.end),
        }))
    }

    // ---- SCDF's `Tokens` ----------------------------------------------------------------

    fn peek(&self) -> Option<Token> {
        self.tokens.get(self.position).cloned()
    }

    fn peek_ahead(&self, distance: usize) -> Option<&Token> {
        self.tokens.get(self.position + distance)
    }

    fn peek_is(&self, kind: TokenKind) -> bool {
        self.tokens
            .get(self.position)
            .is_some_and(|t| t.kind == kind)
    }

    /// The next token; 112 at the end of the input when there is none.
    #[inline(never)]
    fn next(&mut self) -> Parsed<Token> {
        let token = self.tokens.get(self.position).cloned();
        match token {
            Some(token) => {
                self.position += 1;
                Ok(token)
            }
            None => Err(self.fail(self.length, DslMessage::Ood, vec![])),
        }
    }

    /// The next token, which must be of `kind` (else 111).
    #[inline(never)]
    fn eat(&mut self, kind: TokenKind) -> Parsed<Token> {
        let token = self.next()?;
        if token.kind != kind {
            // SCDF shows the token's data, or its lower-cased characters.
            let actual = token
                .data
                .clone()
                .unwrap_or_else(|| token.kind.chars().to_lowercase());
            let inserts = vec![kind.expected_name().to_owned(), actual];
            return Err(self.fail(token.start, DslMessage::NotExpectedToken, inserts));
        }
        Ok(token)
    }

    fn maybe_eat(&mut self, kind: TokenKind) -> bool {
        let matches = self.peek_is(kind);
        if matches {
            self.position += 1;
        }
        matches
    }

    /// Whether the next token starts right where the previous one ended.
    fn is_next_adjacent(&self) -> bool {
        match (self.position.checked_sub(1), self.tokens.get(self.position)) {
            (Some(last), Some(next)) => self.tokens.get(last).is_some_and(|l| l.end == next.start),
            _ => false,
        }
    }

    /// Fails with `message` at the next token when it is of `kind` but not adjacent.
    fn fail_if_spaced(&self, kind: TokenKind, message: DslMessage) -> Parsed<()> {
        match self.peek() {
            Some(token) if token.kind == kind && !self.is_next_adjacent() => {
                Err(self.fail(token.start, message, vec![]))
            }
            _ => Ok(()),
        }
    }

    fn next_token_is_on_new_line(&self) -> bool {
        let last = self
            .position
            .checked_sub(1)
            .and_then(|i| self.tokens.get(i));
        match (last, self.tokens.get(self.position)) {
            (Some(last), Some(next)) => self.line_of(next.start) > self.line_of(last.start),
            _ => false,
        }
    }

    /// The 0-based line of an offset: how many line breaks come before it.
    fn line_of(&self, offset: usize) -> usize {
        self.linebreaks.partition_point(|&lb| lb < offset)
    }

    fn checkpoint(&mut self) {
        self.last_good = self.position;
    }

    /// A checkpointed error: the checkpoint is the end of the token before the last good one.
    #[cold]
    #[inline(never)]
    fn fail(&self, position: usize, message: DslMessage, inserts: Vec<String>) -> Failure {
        let checkpoint = self
            .last_good
            .checked_sub(1)
            .and_then(|i| self.tokens.get(i))
            .map(|t| t.end);
        Box::new(DslError::checkpointed(
            message, self.input, position, checkpoint, inserts,
        ))
    }
}

/// A literal's text without its quotes, a doubled quote standing for one.
fn unquote(literal: &str) -> String {
    let mut chars = literal.chars();
    let Some(quote) = chars.next() else {
        return String::new();
    };
    let inner = chars.as_str().strip_suffix(quote).unwrap_or(chars.as_str());
    inner.replace(&format!("{quote}{quote}"), &quote.to_string())
}

/// Whether an unquoted status is an exit code: what Java's `Integer.parseInt` accepts from a
/// task identifier (ASCII digits, within `i32`).
fn is_exit_code(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) && text.parse::<i32>().is_ok()
}
