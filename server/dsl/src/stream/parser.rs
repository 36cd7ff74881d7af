//! The stream parser: a hand-written descent over the token list that takes SCDF's decisions in
//! SCDF's order, so that every error has SCDF's code, position, inserts and checkpoint.
//!
//! The grammar is flat (`[name =] [:src >] app (| app)* [> :sink]`), so the parser is a few
//! loops with no recursion: no input can overflow the stack.
//!
//! Errors raised while consuming tokens are checkpointed ([`DslError::checkpointed`]); the
//! checkpoint is the end of the last app name or argument value parsed successfully (SCDF calls
//! `checkpoint()` exactly there). Semantic checks after parsing (illegal stream name 122,
//! duplicate label 143) are plain, as in SCDF.
//!
//! Where SCDF itself fails with a `NullPointerException` (a destination name directly followed by
//! a token that cannot continue it, like `:a: > b`, or ending in a dot, like `a > :b.`), this
//! parser reports 171 at that token, 112 at the end of the input, and treats a line break as
//! whitespace; see `Parser::destination`.
//!
//! Two SCDF checks are kept although they cannot fire: 119 (`app--x`: `-` continues an
//! identifier, so this is one name) and 104 (leftover input is already 100).

use std::collections::HashMap;

use super::ast::{App, Arg, Destination, Span, StreamDefinition};
use super::lexer::{Token, TokenKind, tokenize};
use crate::error::{DslError, DslMessage};

/// Parses a stream definition such as `mystream = http --port=9000 | log`.
///
/// # Errors
/// 180 (ours) if the definition is longer than [`crate::MAX_DSL_CHARS`] characters, else the
/// SCDF error (code, position, inserts, rendering) the definition raises in SCDF.
pub fn parse_stream(dsl: &str) -> Result<StreamDefinition, DslError> {
    parse_stream_named(dsl, None)
}

/// Parses a stream definition created under the name `name` (SCDF's REST `name` parameter):
/// as [`parse_stream`], and then the name must be legal too (122, whose expression is the name).
///
/// The returned definition's `name` is still only the one written in the DSL (`name =`).
///
/// # Errors
/// As [`parse_stream`], then 122 if `name` is not a legal stream name.
pub fn parse_stream_named(dsl: &str, name: Option<&str>) -> Result<StreamDefinition, DslError> {
    crate::limits::check_length(dsl)?;
    parse_stream_unbounded(dsl, name)
}

/// [`parse_stream_named`] without the length limit (for tests of inputs beyond it).
pub(crate) fn parse_stream_unbounded(
    dsl: &str,
    name: Option<&str>,
) -> Result<StreamDefinition, DslError> {
    let mut parser = Parser {
        dsl,
        tokens: tokenize(dsl)?,
        pos: 0,
        last_good: 0,
    };
    let definition = parser.stream()?;
    for name in definition.name.as_deref().into_iter().chain(name) {
        if !is_valid_stream_name(name) {
            return Err(DslError::plain(
                DslMessage::IllegalStreamName,
                name,
                0,
                vec![name.to_owned()],
            )
            .with_hint(
                "a stream name starts with a letter or '_' and continues with letters, digits, \
                 '_', '$' or '-'",
            ));
        }
    }
    check_unique_labels(dsl, &definition)?;
    if let Some(token) = parser.peek() {
        // SCDF checks this too, but `stream()` already rejects any leftover token (100).
        return Err(parser.error(token.start, DslMessage::MoreInput, vec![token.text()]));
    }
    Ok(definition)
}

/// Whether `name` is a legal stream name: a Java identifier start, then Java identifier parts
/// or `-`, by Java 17's tables (SCDF's `isValidName`; 122 otherwise). Characters outside the
/// Basic Multilingual Plane, which Java sees as surrogates, are never part of a name.
pub fn is_valid_stream_name(name: &str) -> bool {
    crate::java_ident::is_valid_name(name)
}

/// 143: every app's label (or name, when unlabeled) must be unique. The inserts are the label,
/// the first app's name and index, the second app's name and index; the position is where the
/// second app starts.
fn check_unique_labels(dsl: &str, definition: &StreamDefinition) -> Result<(), DslError> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (index, app) in definition.apps.iter().enumerate() {
        let label = app.label_or_name();
        if let Some(&previous) = seen.get(label) {
            let first = definition
                .apps
                .get(previous)
                .map_or("", |a| a.name.as_str());
            return Err(DslError::plain(
                DslMessage::DuplicateLabel,
                dsl,
                app.span.start,
                vec![
                    label.to_owned(),
                    first.to_owned(),
                    java_integer(previous),
                    app.name.clone(),
                    java_integer(index),
                ],
            )
            .with_hint(format!(
                "give one of them another label, e.g. '{label}2: {}'",
                app.name
            )));
        }
        seen.insert(label, index);
    }
    Ok(())
}

/// An integer as Java's `MessageFormat` renders it: with `,` grouping (`1,234`).
fn java_integer(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// The token cursor and the parse steps, named after SCDF's (`eatStream`, `eatApp`, …).
#[derive(Debug)]
struct Parser<'a> {
    dsl: &'a str,
    tokens: Vec<Token>,
    /// Index of the next token.
    pos: usize,
    /// Index just after the last token of the last construct parsed successfully (0: none).
    last_good: usize,
}

impl Parser<'_> {
    // ----- token cursor ---------------------------------------------------------------------

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn peek_is(&self, kind: TokenKind) -> bool {
        self.peek().is_some_and(|t| t.kind == kind)
    }

    fn look_ahead(&self, distance: usize, kind: TokenKind) -> bool {
        self.tokens
            .get(self.pos + distance)
            .is_some_and(|t| t.kind == kind)
    }

    /// Whether the next token starts right where the previous one ends (no whitespace between).
    fn is_next_adjacent(&self) -> bool {
        match (
            self.pos.checked_sub(1).and_then(|i| self.tokens.get(i)),
            self.peek(),
        ) {
            (Some(last), Some(next)) => next.start == last.end,
            _ => false,
        }
    }

    /// Inside a destination name a line break counts as whitespace: SCDF would take it as an
    /// adjacent token and fail with a `NullPointerException`; this way `a > :b⏎` reports the
    /// line break like any other (100), and `:b.⏎` says 139.
    fn is_next_adjacent_in_name(&self) -> bool {
        self.is_next_adjacent() && !self.peek_is(TokenKind::Newline)
    }

    /// The next token; 112 at the end of the input if there is none.
    fn next(&mut self) -> Result<Token, DslError> {
        match self.tokens.get(self.pos) {
            Some(token) => {
                self.pos += 1;
                Ok(token.clone())
            }
            None => {
                let mut error = self.error(self.dsl.chars().count(), DslMessage::Ood, vec![]);
                if let Some(hint) = self.ood_hint() {
                    error = error.with_hint(hint);
                }
                Err(error)
            }
        }
    }

    /// The next token, which must be of `kind` (else 111 naming the kind SCDF's way).
    fn eat(&mut self, kind: TokenKind) -> Result<Token, DslError> {
        let token = self.next()?;
        if token.kind != kind {
            let found = token
                .data
                .clone()
                .unwrap_or_else(|| token.kind.chars().to_lowercase());
            return Err(self.error(
                token.start,
                DslMessage::NotExpectedToken,
                vec![kind.expected_name(), found],
            ));
        }
        Ok(token)
    }

    fn checkpoint(&mut self) {
        self.last_good = self.pos;
    }

    /// A checkpointed error at `position`.
    fn error(&self, position: usize, message: DslMessage, inserts: Vec<String>) -> DslError {
        let checkpoint = self
            .last_good
            .checked_sub(1)
            .and_then(|i| self.tokens.get(i))
            .map(|t| t.end);
        DslError::checkpointed(message, self.dsl, position, checkpoint, inserts)
    }

    fn ood_hint(&self) -> Option<&'static str> {
        let last = self.tokens.last()?;
        Some(match last.kind {
            TokenKind::Pipe | TokenKind::DoublePipe => "an app is expected after the last pipe",
            TokenKind::DoubleMinus => "an argument is written --name=value",
            TokenKind::Equals => "a value is expected after '=' (use '' for an empty value)",
            TokenKind::Gt => "a destination (':name') or an app is expected after '>'",
            TokenKind::Colon => "a label is followed by a space and an app name: 'label: app'",
            _ => return None,
        })
    }

    // ----- stream ---------------------------------------------------------------------------

    /// `[name =] [:src [args] >] (apps | bridge) [> :sink [args]]`, and nothing after it.
    fn stream(&mut self) -> Result<StreamDefinition, DslError> {
        let name = self.stream_name()?;
        let source_destination = self.source_destination()?;
        // `:a > :b` (a destination right after the source's '>', and no pipe anywhere after):
        // no app is written, SCDF adds an implicit `bridge` processor between the two.
        let bridge =
            source_destination.is_some() && self.looks_like_destination() && self.no_more_pipes();
        let apps = if bridge {
            self.pos -= 1; // back to the '>', which the sink destination starts with
            let span = self
                .peek()
                .map_or_else(Span::default, |gt| Span::new(gt.start, gt.end));
            vec![App {
                name: "bridge".to_owned(),
                label: None,
                name_span: span,
                label_span: None,
                span,
                args: Vec::new(),
                unbound: false,
            }]
        } else {
            self.app_list(source_destination.is_some())?
        };
        let sink_destination = self.sink_destination()?;
        if let Some(token) = self.peek() {
            let after_gt = sink_destination.is_none()
                && self
                    .pos
                    .checked_sub(1)
                    .and_then(|i| self.tokens.get(i))
                    .is_some_and(|t| t.kind == TokenKind::Gt);
            let message = if after_gt {
                DslMessage::ExpectedDestinationPrefix
            } else {
                DslMessage::UnexpectedDataAfterStreamdef
            };
            let mut error = self.error(token.start, message, vec![token.text()]);
            if token.kind == TokenKind::Newline {
                error = error.with_hint(
                    "a stream definition is a single line: remove the line break (a quoted \
                     argument value may contain one)",
                );
            } else if after_gt {
                error = error.with_hint(format!(
                    "a named destination starts with ':', e.g. '> :{}'",
                    token.text()
                ));
            }
            return Err(error);
        }
        Ok(StreamDefinition {
            name: name.as_ref().map(|(name, _)| name.clone()),
            name_span: name.map(|(_, span)| span),
            source_destination,
            sink_destination,
            apps,
        })
    }

    /// `name =`: taken if the second token is `=`; the first must then be an identifier (else
    /// 122 with the token as written).
    fn stream_name(&mut self) -> Result<Option<(String, Span)>, DslError> {
        if !self.look_ahead(1, TokenKind::Equals) {
            return Ok(None);
        }
        let Some(token) = self.peek().cloned() else {
            return Ok(None);
        };
        if token.kind != TokenKind::Identifier {
            return Err(self.error(
                token.start,
                DslMessage::IllegalStreamName,
                vec![token.text()],
            ));
        }
        self.pos += 2;
        Ok(Some((token.text(), Span::new(token.start, token.end))))
    }

    /// A source destination is only tried when a `>` comes before any `|` (`||` does not
    /// count); the `>` after it is then required (111).
    fn source_destination(&mut self) -> Result<Option<Destination>, DslError> {
        let gt_before_pipe = self
            .tokens
            .iter()
            .skip(self.pos)
            .find(|t| matches!(t.kind, TokenKind::Gt | TokenKind::Pipe))
            .is_some_and(|t| t.kind == TokenKind::Gt);
        if !gt_before_pipe {
            return Ok(None);
        }
        let Some(destination) = self.destination()? else {
            return Ok(None);
        };
        self.eat(TokenKind::Gt)?;
        Ok(Some(destination))
    }

    /// `> :dest [args]`. A `>` not followed by `:` is consumed and left for `stream()` to
    /// report (133).
    fn sink_destination(&mut self) -> Result<Option<Destination>, DslError> {
        if !self.peek_is(TokenKind::Gt) {
            return Ok(None);
        }
        self.eat(TokenKind::Gt)?;
        self.destination()
    }

    fn looks_like_destination(&self) -> bool {
        self.peek_is(TokenKind::Colon)
            && self
                .pos
                .checked_sub(1)
                .and_then(|i| self.tokens.get(i))
                .is_some_and(|t| t.kind == TokenKind::Gt)
    }

    fn no_more_pipes(&self) -> bool {
        !self
            .tokens
            .iter()
            .skip(self.pos)
            .any(|t| t.kind == TokenKind::Pipe)
    }

    fn destination_component(&self) -> Option<Token> {
        self.peek()
            .filter(|t| {
                matches!(
                    t.kind,
                    TokenKind::Identifier | TokenKind::Star | TokenKind::Slash | TokenKind::Hash
                )
            })
            .cloned()
    }

    /// `:name [args]` where the name is adjacent components (identifiers, `*`, `/`, `#`) and
    /// dots (whitespace around a dot: 139; a bad first character: 171). `None`, with nothing
    /// consumed, if the next token is not `:`.
    ///
    /// SCDF throws a `NullPointerException` when the name ends in a dot followed by nothing, or
    /// is directly followed by a token that cannot continue it (`:a:`, `:a=b`, `:a'x'`, a line
    /// break…). Here the first case is 112 (at the end of the input), a line break counts as
    /// whitespace, and any other such token is 171.
    fn destination(&mut self) -> Result<Option<Destination>, DslError> {
        let colon = self.next()?;
        if colon.kind != TokenKind::Colon {
            self.pos -= 1;
            return Ok(None);
        }
        let Some(first) = self.destination_component() else {
            return Err(match self.peek() {
                None => self
                    .error(colon.start, DslMessage::Ood, vec![])
                    .with_hint("a destination name is expected after ':'"),
                Some(token) => self.bad_destination_data(token),
            });
        };
        self.pos += 1;
        let mut name = first.text();
        let start = first.start;
        // The last component read; `None` once an adjacent non-component token was met (SCDF
        // then has a null token, which is fatal unless a dot follows and more components).
        let mut last = Some(first);
        while self.is_next_adjacent_in_name() {
            last = self.destination_component();
            let Some(component) = &last else { break };
            name.push_str(&component.text());
            self.pos += 1;
        }
        while self.peek_is(TokenKind::Dot) {
            if !self.is_next_adjacent_in_name() {
                return Err(self.no_whitespace_in_destination());
            }
            self.pos += 1;
            name.push('.');
            if !self.is_next_adjacent_in_name() {
                return Err(match self.peek() {
                    Some(_) => self.no_whitespace_in_destination(),
                    None => self
                        .error(self.dsl.chars().count(), DslMessage::Ood, vec![])
                        .with_hint("a destination name cannot end with '.'"),
                });
            }
            while self.is_next_adjacent_in_name() {
                last = self.destination_component();
                let Some(component) = &last else { break };
                name.push_str(&component.text());
                self.pos += 1;
            }
        }
        let Some(last) = last else {
            let error = match self.peek() {
                Some(token) => self.bad_destination_data(token),
                None => self.error(self.dsl.chars().count(), DslMessage::Ood, vec![]),
            };
            return Err(error);
        };
        let args = self.app_args()?;
        Ok(Some(Destination {
            name,
            span: Span::new(start, last.end),
            args,
        }))
    }

    fn no_whitespace_in_destination(&self) -> DslError {
        let position = self.peek().map_or(self.dsl.chars().count(), |t| t.start);
        self.error(
            position,
            DslMessage::NoWhitespaceInDestinationDefinition,
            vec![],
        )
    }

    fn bad_destination_data(&self, token: &Token) -> DslError {
        self.error(
            token.start,
            DslMessage::UnexpectedDataInDestinationName,
            vec![token.text()],
        )
        .with_hint(
            "a destination name is made of letters, digits, '_', '$', '-', '*', '/', '#' and \
             '.', and is separated from what follows by a space",
        )
    }

    // ----- apps -----------------------------------------------------------------------------

    /// `app (| app)*` or `app (|| app)*`: no mixing (169), no `||` next to a destination (170).
    fn app_list(&mut self, after_source_destination: bool) -> Result<Vec<App>, DslError> {
        let mut apps = vec![self.app()?];
        let mut double_pipe_at = None;
        let mut pipe_at = None;
        while let Some(token) = self.peek() {
            let start = token.start;
            match token.kind {
                TokenKind::Pipe => {
                    if double_pipe_at.is_some() {
                        return Err(self.error(
                            start,
                            DslMessage::DontMixPipeAndDoublepipe,
                            vec![],
                        ));
                    }
                    pipe_at = Some(start);
                }
                TokenKind::DoublePipe => {
                    if after_source_destination {
                        return Err(self.error(
                            start,
                            DslMessage::DontUseDoublepipeWithChannels,
                            vec![],
                        ));
                    }
                    if pipe_at.is_some() {
                        return Err(self.error(
                            start,
                            DslMessage::DontMixPipeAndDoublepipe,
                            vec![],
                        ));
                    }
                    double_pipe_at = Some(start);
                }
                _ => break,
            }
            self.pos += 1;
            apps.push(self.app()?);
        }
        let followed_by_sink = self.peek_is(TokenKind::Gt);
        if let (true, Some(at)) = (followed_by_sink, double_pipe_at) {
            return Err(self.error(at, DslMessage::DontUseDoublepipeWithChannels, vec![]));
        }
        let unbound = !after_source_destination && !followed_by_sink && pipe_at.is_none();
        for app in &mut apps {
            app.unbound = unbound;
        }
        Ok(apps)
    }

    /// `[label: ]name [args]`. The label's colon must touch the label (else the colon is left
    /// over: 100) and be followed by whitespace (147); a second label is 156.
    fn app(&mut self) -> Result<App, DslError> {
        if self.peek_is(TokenKind::Colon) && self.tokens.len() == 1 {
            let start = self.peek().map_or(0, |t| t.start);
            return Err(self.error(start, DslMessage::ExpectedStreamNameAfterLabelColon, vec![]));
        }
        let mut name = self.next()?;
        if name.kind != TokenKind::Identifier {
            let mut error = self.error(name.start, DslMessage::ExpectedAppname, vec![name.text()]);
            if name.kind == TokenKind::Newline {
                error =
                    error.with_hint("a stream definition is a single line: remove the line break");
            }
            return Err(error);
        }
        let mut label = None;
        if self.peek_is(TokenKind::Colon) && self.is_next_adjacent() {
            self.pos += 1;
            if self.is_next_adjacent() {
                let start = self.peek().map_or(0, |t| t.start);
                return Err(self
                    .error(start, DslMessage::ExpectedWhitespaceAfterLabelColon, vec![])
                    .with_hint("write a space between the label's ':' and the app name"));
            }
            label = Some(name);
            name = self.eat(TokenKind::Identifier)?;
            if self.peek_is(TokenKind::Colon) && self.is_next_adjacent() {
                return Err(self.error(name.start, DslMessage::NoDoubleLabels, vec![]));
            }
        }
        self.checkpoint();
        let args = self.app_args()?;
        let start = label.as_ref().map_or(name.start, |l| l.start);
        let end = args.last().map_or(name.end, |a| a.span.end);
        Ok(App {
            name: name.text(),
            label_span: label.as_ref().map(|l| Span::new(l.start, l.end)),
            label: label.map(|l| l.text()),
            name_span: Span::new(name.start, name.end),
            span: Span::new(start, end),
            args,
            unbound: false,
        })
    }

    /// `(--dotted.name=value)*`, separated from what precedes by whitespace (119), with no
    /// whitespace after `--` (101), before `=` (102) or after `=` (103, unquoted values only).
    fn app_args(&mut self) -> Result<Vec<Arg>, DslError> {
        if self.peek_is(TokenKind::DoubleMinus) && self.is_next_adjacent() {
            let start = self.peek().map_or(0, |t| t.start);
            return Err(self
                .error(
                    start,
                    DslMessage::ExpectedWhitespaceAfterAppBeforeArgument,
                    vec![],
                )
                .with_hint("write a space before '--'"));
        }
        let mut args = Vec::new();
        while self.peek_is(TokenKind::DoubleMinus) {
            let dashes = self.next()?;
            self.no_whitespace_before(
                TokenKind::Identifier,
                DslMessage::NoWhitespaceBeforeArgName,
            )?;
            let name = self.dotted_name()?;
            self.no_whitespace_before(TokenKind::Equals, DslMessage::NoWhitespaceBeforeArgEquals)?;
            self.eat(TokenKind::Equals)?;
            self.no_whitespace_before(
                TokenKind::Identifier,
                DslMessage::NoWhitespaceBeforeArgValue,
            )?;
            let value_token = self.next()?;
            let value = match (&value_token.kind, &value_token.data) {
                (TokenKind::Identifier, Some(data)) => data.clone(),
                (TokenKind::Literal, Some(data)) => unquote(data),
                _ => {
                    return Err(self
                        .error(
                            value_token.start,
                            DslMessage::ExpectedArgumentValue,
                            vec!["null".to_owned()],
                        )
                        .with_hint(
                            "write the value right after '=', quoting it if it has spaces or \
                             '|', ';', '>': --name='a b' (or --name='' for an empty value)",
                        ));
                }
            };
            self.checkpoint();
            args.push(Arg {
                name,
                value,
                span: Span::new(dashes.start, value_token.end),
                value_span: Span::new(value_token.start, value_token.end),
            });
        }
        Ok(args)
    }

    /// `message` at the next token if it is of `kind` and whitespace separates it.
    fn no_whitespace_before(&self, kind: TokenKind, message: DslMessage) -> Result<(), DslError> {
        match self.peek() {
            Some(token) if token.kind == kind && !self.is_next_adjacent() => {
                Err(self.error(token.start, message, vec![]))
            }
            _ => Ok(()),
        }
    }

    /// `identifier (. identifier)*` with no whitespace around the dots (145).
    fn dotted_name(&mut self) -> Result<String, DslError> {
        let first = self.next()?;
        if first.kind != TokenKind::Identifier {
            // SCDF passes only one insert here: the text found ends up as "Expected '…'".
            return Err(self
                .error(
                    first.start,
                    DslMessage::NotExpectedToken,
                    vec![first.text()],
                )
                .with_hint(format!(
                    "an argument name was expected after '--' but found '{}'; write --name=value",
                    first.text()
                )));
        }
        let mut name = first.text();
        while self.peek_is(TokenKind::Dot) {
            if !self.is_next_adjacent() {
                let start = self.peek().map_or(0, |t| t.start);
                return Err(self.error(start, DslMessage::NoWhitespaceInDottedName, vec![]));
            }
            self.pos += 1;
            name.push('.');
            self.no_whitespace_before(TokenKind::Identifier, DslMessage::NoWhitespaceInDottedName)?;
            name.push_str(&self.eat(TokenKind::Identifier)?.text());
        }
        Ok(name)
    }
}

/// The value of a quoted literal: without its outer quotes, doubled quotes collapsed.
fn unquote(literal: &str) -> String {
    let mut chars = literal.chars();
    let (Some(quote), Some(_)) = (chars.next(), chars.next_back()) else {
        return literal.to_owned();
    };
    let doubled: String = [quote, quote].iter().collect();
    chars.as_str().replace(&doubled, &quote.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_integers_are_grouped() {
        assert_eq!(java_integer(0), "0");
        assert_eq!(java_integer(999), "999");
        assert_eq!(java_integer(1000), "1,000");
        assert_eq!(java_integer(1_234_567), "1,234,567");
    }

    #[test]
    fn unquote_collapses_doubled_quotes() {
        assert_eq!(unquote("'it''s'"), "it's");
        assert_eq!(unquote("''"), "");
        assert_eq!(unquote("\"a \"\" b\""), "a \" b");
        assert_eq!(unquote("''''"), "'");
    }

    #[test]
    fn stream_names() {
        for ok in ["foo-bar", "foo_bar", "_x", "$x", "a1", "ünïcode", "a\u{7}"] {
            assert!(is_valid_stream_name(ok), "{ok}");
        }
        for bad in [
            "foo.bar",
            "-bar",
            ".bar",
            "foo-.-bar",
            "0foobar",
            "foo%bar",
            "",
            "a b",
            "a😀",
        ] {
            assert!(!is_valid_stream_name(bad), "{bad}");
        }
    }
}
