//! DSL errors exactly as SCDF reports them: a numeric code with the kind letter `E`, a 0-based
//! character position, the message text of SCDF's `DSLMessage` table, and the multi-line
//! rendering (header, the DSL, a caret line) that SCDF clients and users already know.
//!
//! Two renderings exist, as in SCDF:
//! - [`ErrorStyle::Plain`] (SCDF's `ParseException`; lexing errors and semantic checks): header,
//!   the whole expression, then `pos` spaces and `^`.
//! - [`ErrorStyle::CheckPointed`] (SCDF's `CheckPointedParseException`; errors raised while
//!   consuming tokens): header, the text from the start of the line holding `pos` to the end, then
//!   a caret line that also marks with `*` the checkpoint, the end of the last construct parsed
//!   successfully, when it lies on the same line.
//!
//! Where SCDF's message is poor we keep code, position and text identical and append one
//! `hint: …` line after the caret line.
//!
//! One message is ours, not SCDF's: [`DslMessage::DefinitionTooLong`] (180, a code SCDF's table
//! leaves free), for a definition longer than [`crate::limits::MAX_DSL_CHARS`] characters, which
//! every parse refuses before reading it (SCDF has no such limit).

use std::fmt;
use std::sync::Arc;

macro_rules! dsl_messages {
    ($($(#[$doc:meta])* $name:ident = $code:literal, $text:literal;)*) => {
        /// Every message SCDF's DSL parsers can raise, with its stable numeric code, and
        /// [`DslMessage::DefinitionTooLong`], which is ours.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum DslMessage {
            $($(#[$doc])* $name,)*
        }

        impl DslMessage {
            /// The numeric code (`105` in `105E`).
            pub const fn code(self) -> u16 {
                match self { $(Self::$name => $code,)* }
            }

            /// The message template; `{0}`, `{1}`, … are replaced by inserts.
            pub const fn template(self) -> &'static str {
                match self { $(Self::$name => $text,)* }
            }

            /// Every message, in code order.
            pub const ALL: &'static [Self] = &[$(Self::$name,)*];
        }
    };
}

dsl_messages! {
    /// Text after a complete stream definition.
    UnexpectedDataAfterStreamdef = 100, "Found unexpected data after stream definition: '{0}'";
    /// `-- name`.
    NoWhitespaceBeforeArgName = 101, "No whitespace allowed between -- and option name";
    /// `--name =`.
    NoWhitespaceBeforeArgEquals = 102, "No whitespace allowed after argument name and before =";
    /// `--name= value`.
    NoWhitespaceBeforeArgValue = 103, "No whitespace allowed after = and before option value";
    /// More input after a valid stream.
    MoreInput = 104, "After parsing a valid stream, there is still more data: '{0}'";
    /// `--name=` followed by nothing usable.
    ExpectedArgumentValue = 105, "Expected an argument value but was '{0}'";
    /// `"` never closed.
    NonTerminatingDoubleQuotedString = 106, "Cannot find terminating \" for string";
    /// `'` never closed.
    NonTerminatingQuotedString = 107, "Cannot find terminating ' for string";
    /// A character is missing (a lone `-`).
    MissingCharacter = 108, "missing expected character '{0}'";
    /// Another token than the one needed.
    NotExpectedToken = 111, "Unexpected token.  Expected '{0}' but was '{1}'";
    /// The input ended too early.
    Ood = 112, "Unexpectedly ran out of input";
    /// `\` outside an argument value.
    UnexpectedEscapeChar = 114, "unexpected escape character.";
    /// A character the stream DSL does not know.
    UnexpectedData = 115, "unexpected data in stream definition '{0}'";
    /// Unused by current SCDF parsers.
    UnrecognizedStreamReference = 116, "unrecognized stream reference '{0}'";
    /// Unused by current SCDF parsers.
    UnrecognizedAppReference = 117, "unrecognized app reference '{0}'";
    /// An app name is missing.
    ExpectedAppname = 118, "expected app name but found '{0}'";
    /// `app--x=1`.
    ExpectedWhitespaceAfterAppBeforeArgument = 119, "expected whitespace after app name and before argument";
    /// A stream name breaks the naming rule.
    IllegalStreamName = 122, "illegal name for a stream '{0}'";
    /// A task name breaks the naming rule.
    IllegalTaskName = 123, "illegal name for a task '{0}'";
    /// Unused by current SCDF parsers.
    MissingValueForVariable = 125, "no value specified for variable '{0}' when using substream";
    /// Unused by current SCDF parsers.
    VariableNotTerminated = 126, "unable to find variable terminator '}' in argument '{0}'";
    /// Unused by current SCDF parsers.
    AmbiguousAppName = 129, "ambiguous app name '{0}' in stream named '{1}', appears at both position {2} and {3}";
    /// `app > bar` without `:`.
    ExpectedDestinationPrefix = 133, "Expected destination prefix but found '{0}'";
    /// Unused by current SCDF parsers.
    CannotUseComposedappHereAsItDefinesSourceDestination = 135, "cannot use composed app '{0}' here because it defines a source destination";
    /// Unused by current SCDF parsers.
    CannotUseComposedappHereAsItDefinesSinkDestination = 136, "cannot use composed app '{0}' here because it defines a sink destination";
    /// Unused by current SCDF parsers.
    CannotUseComposedappHereAlreadyHasSourceDestination = 137, "cannot use composed app '{0}' here, both that composed app and this stream define a source destination";
    /// Unused by current SCDF parsers.
    CannotUseComposedappHereAlreadyHasSinkDestination = 138, "cannot use composed app '{0}' here, both that composed app and this stream define a sink destination";
    /// Whitespace inside a destination name.
    NoWhitespaceInDestinationDefinition = 139, "no whitespace allowed between components in a destination name";
    /// Unused by current SCDF parsers.
    NoWhitespaceBetweenLabelNameAndColon = 140, "no whitespace allowed between label name and colon";
    /// Two apps of a stream share a label.
    DuplicateLabel = 143, "label '{0}' should be unique but app '{1}' (at position {2}) and app '{3}' (at position {4}) both use it";
    /// Unused by current SCDF parsers.
    AppReferenceNotUnique = 144, "reference to '{0}' is not unique in the target stream '{1}', please label the relevant app and use the label, or use a suffix index to indicate which occurrence of the app, e.g. '{0}.0'";
    /// Whitespace around a `.` of a dotted name.
    NoWhitespaceInDottedName = 145, "no whitespace is allowed between dot and components of a name";
    /// Unused by current SCDF parsers.
    DestinationsUnsupportedHere = 146, "a destination is not supported in this kind of definition";
    /// `label:app` without whitespace.
    ExpectedWhitespaceAfterLabelColon = 147, "whitespace is expected after an app label";
    /// A label with nothing after it.
    ExpectedStreamNameAfterLabelColon = 148, "stream name is expected after an app label";
    /// A single `&` in a task.
    TaskDoubleAndRequired = 150, "task dsl flow requires a pair of &, not just one";
    /// A single `|` in a task.
    TaskDoubleOrRequired = 151, "task dsl requires a pair of |";
    /// Unused by current SCDF parsers.
    TaskHyphenExpectedUseForTransition = 152, "expected -> and not just the hyphen";
    /// A transition without `->`.
    TaskMissingTransitionArrow = 153, "expected -> to follow state when specifying transition";
    /// An unquoted transition status that is not a number or `*`.
    TaskUnquotedTransitionCheckMustBeNumber = 154, "transition conditions must be quoted literals, numerics or * but '{0}' is not";
    /// A label on a parenthesized group.
    TaskNoLabelsOnParens = 155, "labels cannot be specified on parenthesized groups";
    /// Two labels on one element.
    NoDoubleLabels = 156, "multiple labels are not supported";
    /// `->` without an exit code before it.
    TaskArrowShouldBePrecededByCode = 157, "transition arrow must be preceeded by the exit code that should drive the transition";
    /// A secondary task sequence without a label.
    TaskValidationSecondarySequencesMustBeNamed = 158, "secondary sequences must have labels or are unreachable";
    /// A task label defined twice.
    TaskValidationDuplicateLabel = 159, "this label has already been defined";
    /// A transition to an undefined label.
    TaskValidationTransitionTargetLabelUndefined = 160, "transition specifies an undefined label";
    /// Unused by current SCDF parsers.
    TaskElementInComposedDefinitionDoesNotExist = 161, "task in composed task definition does not exist";
    /// A character the task DSL does not know.
    TaskUnexpectedData = 162, "unexpected data in task definition '{0}'";
    /// More input after a valid task.
    TaskMoreInput = 163, "after parsing a valid task, there is still more data: '{0}'";
    /// A label equal to an unlabeled app's name.
    TaskValidationLabelClashesWithTaskappName = 164, "the label clashes with an existing unlabeled task application name";
    /// An unlabeled app named like a label.
    TaskValidationAppNameClashesWithLabel = 165, "the app name clashes with an existing label";
    /// The same unlabeled app twice.
    TaskValidationAppNameAlreadyInUse = 166, "duplicate app name. Use a label to ensure uniqueness";
    /// Unused by current SCDF parsers.
    TaskValidationSplitWithOneFlow = 167, "unnecessary use of split construct when only one flow to execute in parallel";
    /// Arguments outside app mode.
    TaskArgumentsNotAllowedUnlessInAppMode = 168, "arguments not allowed unless parser is in app mode";
    /// `|` and `||` in one app list.
    DontMixPipeAndDoublepipe = 169, "do not mix | and || when specifying a list of applications";
    /// `||` with destinations.
    DontUseDoublepipeWithChannels = 170, "do not use || between source/processor/sink apps in a stream, use |";
    /// Bad characters in a destination name.
    UnexpectedDataInDestinationName = 171, "unexpected data in destination name '{0}'";
    /// Ours, not SCDF's: the definition is longer than [`crate::limits::MAX_DSL_CHARS`]
    /// characters (inserts: its length, the limit); reported at the position of the limit.
    DefinitionTooLong = 180, "definition is {0} characters long; the limit is {1}";
}

impl DslMessage {
    /// The template with `inserts` substituted; a placeholder without an insert stays literal,
    /// as SCDF's `MessageFormat` leaves it.
    pub fn render(self, inserts: &[String]) -> String {
        let mut text = self.template().to_owned();
        for (i, insert) in inserts.iter().enumerate() {
            text = text.replace(&format!("{{{i}}}"), insert);
        }
        text
    }
}

/// How an error renders its context lines (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorStyle {
    /// Header, the whole expression, caret.
    Plain,
    /// Header, the text from the start of the error's line, caret with the checkpoint marked.
    CheckPointed,
}

/// A DSL error: SCDF's code, position and text, plus how to render its context.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.formatted())]
pub struct DslError {
    /// Which message.
    pub message: DslMessage,
    /// 0-based character position in `expression`, if the error has one.
    pub position: Option<usize>,
    /// Values for the template's `{0}`, `{1}`, ….
    pub inserts: Vec<String>,
    /// The text the error is about (usually the whole DSL; for an illegal name, the name).
    ///
    /// Shared, not copied: the errors of one parse or validation all point at one allocation
    /// of the text, so collecting many errors, or cloning one, costs no copy of a long
    /// definition.
    pub expression: Arc<str>,
    /// Which rendering.
    pub style: ErrorStyle,
    /// End of the last construct parsed successfully (checkpointed errors only).
    pub checkpoint: Option<usize>,
    /// An extra line of help where SCDF's message is poor.
    pub hint: Option<String>,
}

impl DslError {
    /// A plain error at `position` in `expression`. Pass an `Arc<str>` (cloned) to share the
    /// text with other errors; a `&str` or `String` is copied into a new allocation.
    pub fn plain(
        message: DslMessage,
        expression: impl Into<Arc<str>>,
        position: usize,
        inserts: Vec<String>,
    ) -> Self {
        Self {
            message,
            position: Some(position),
            inserts,
            expression: expression.into(),
            style: ErrorStyle::Plain,
            checkpoint: None,
            hint: None,
        }
    }

    /// A checkpointed error at `position`, the last good construct ending at `checkpoint`.
    /// `expression` is taken as by [`DslError::plain`].
    pub fn checkpointed(
        message: DslMessage,
        expression: impl Into<Arc<str>>,
        position: usize,
        checkpoint: Option<usize>,
        inserts: Vec<String>,
    ) -> Self {
        Self {
            message,
            position: Some(position),
            inserts,
            expression: expression.into(),
            style: ErrorStyle::CheckPointed,
            checkpoint,
            hint: None,
        }
    }

    /// The same error with a hint line.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The numeric code.
    pub fn code(&self) -> u16 {
        self.message.code()
    }

    /// `105E`: the code with SCDF's kind letter.
    pub fn code_with_kind(&self) -> String {
        format!("{}E", self.code())
    }

    /// The message text with its inserts.
    pub fn text(&self) -> String {
        self.message.render(&self.inserts)
    }

    /// The first line: `105E:(pos 12): Expected an argument value but was ' '`.
    pub fn header(&self) -> String {
        match self.position {
            Some(pos) => format!("{}:(pos {pos}): {}", self.code_with_kind(), self.text()),
            None => format!("{}:{}", self.code_with_kind(), self.text()),
        }
    }

    /// The full message: header, context line(s), caret line, and the hint line if any.
    pub fn formatted(&self) -> String {
        let mut out = self.header();
        out.push('\n');
        match self.style {
            ErrorStyle::Plain => {
                out.push_str(&self.expression);
                out.push('\n');
                if let Some(pos) = self.position {
                    out.push_str(&" ".repeat(pos));
                    out.push_str("^\n");
                }
            }
            ErrorStyle::CheckPointed => {
                let pos = self.position.unwrap_or(0);
                let chars: Vec<char> = self.expression.chars().collect();
                let line_start = chars[..pos.min(chars.len())]
                    .iter()
                    .rposition(|&c| c == '\n')
                    .map_or(0, |i| i + 1);
                if chars.is_empty() {
                    // SCDF prints no context line for empty input: the caret follows the header.
                    out.pop();
                } else {
                    out.extend(&chars[line_start..]);
                    out.push('\n');
                }
                let col = pos.saturating_sub(line_start);
                let line_end = chars[line_start..]
                    .iter()
                    .position(|&c| c == '\n')
                    .map_or(chars.len(), |i| line_start + i);
                match self.checkpoint {
                    // A checkpoint on the error's line is marked with `*`; the caret follows it
                    // only if it lies after the checkpoint (otherwise SCDF prints no caret and
                    // no final newline).
                    Some(cp) if cp > line_start && cp <= line_end => {
                        let cp_col = cp - line_start;
                        out.push_str(&" ".repeat(cp_col));
                        out.push('*');
                        if col > cp_col {
                            out.push_str(&" ".repeat(col - cp_col - 1));
                            out.push_str("^\n");
                        }
                    }
                    _ => {
                        out.push_str(&" ".repeat(col));
                        out.push_str("^\n");
                    }
                }
            }
        }
        if let Some(hint) = &self.hint {
            // The hint has its own line, also where SCDF's part ends without a newline.
            if !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str("hint: ");
            out.push_str(hint);
            out.push('\n');
        }
        out
    }
}

/// The result type of this crate's parsers.
pub type Result<T, E = DslError> = std::result::Result<T, E>;

impl fmt::Display for DslMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}E", self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_ordered() {
        let codes: Vec<u16> = DslMessage::ALL.iter().map(|m| m.code()).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted);
        assert_eq!(
            codes.len(),
            58,
            "every row of SCDF's DSLMessage table, and our 180"
        );
    }

    #[test]
    fn missing_inserts_stay_literal_as_in_scdf() {
        let text = DslMessage::NotExpectedToken.render(&[".".to_owned()]);
        assert_eq!(text, "Unexpected token.  Expected '.' but was '{1}'");
    }

    #[test]
    fn checkpointed_rendering_matches_scdf() {
        let dsl = "foo --.spring.cloud.stream.metrics.properties=spring* | bar";
        let e = DslError::checkpointed(
            DslMessage::NotExpectedToken,
            dsl,
            6,
            Some(3),
            vec![".".to_owned()],
        );
        assert_eq!(
            e.formatted(),
            "111E:(pos 6): Unexpected token.  Expected '.' but was '{1}'\n\
             foo --.spring.cloud.stream.metrics.properties=spring* | bar\n   *  ^\n"
        );
        let labels = DslError::checkpointed(
            DslMessage::NoDoubleLabels,
            "http | foo: goggle: bar | file",
            12,
            Some(4),
            vec![],
        );
        assert_eq!(
            labels.formatted(),
            "156E:(pos 12): multiple labels are not supported\nhttp | foo: goggle: bar | file\n    *       ^\n"
        );
    }

    #[test]
    fn plain_rendering_matches_scdf() {
        let e = DslError::plain(
            DslMessage::NonTerminatingQuotedString,
            "time --format='abc",
            14,
            vec![],
        );
        assert_eq!(
            e.formatted(),
            "107E:(pos 14): Cannot find terminating ' for string\ntime --format='abc\n              ^\n"
        );
        let name = DslError::plain(
            DslMessage::IllegalStreamName,
            "0bad",
            0,
            vec!["0bad".to_owned()],
        );
        assert_eq!(
            name.formatted(),
            "122E:(pos 0): illegal name for a stream '0bad'\n0bad\n^\n"
        );
    }

    #[test]
    fn checkpointed_context_starts_at_the_errors_line() {
        let e = DslError::checkpointed(
            DslMessage::TaskDoubleAndRequired,
            "a && b\nc & d",
            9,
            None,
            vec![],
        );
        assert_eq!(
            e.formatted(),
            "150E:(pos 9): task dsl flow requires a pair of &, not just one\nc & d\n  ^\n"
        );
    }

    #[test]
    fn a_checkpoint_at_or_after_the_error_leaves_out_the_caret() {
        // The caret would be left of the `*`: SCDF prints the `*` alone, with no final newline.
        let at = DslError::checkpointed(
            DslMessage::UnexpectedDataAfterStreamdef,
            "foo.bar = http",
            3,
            Some(3),
            vec![".".to_owned()],
        );
        assert_eq!(
            at.formatted(),
            "100E:(pos 3): Found unexpected data after stream definition: '.'\nfoo.bar = http\n   *"
        );
        let after = DslError::checkpointed(
            DslMessage::DontUseDoublepipeWithChannels,
            "a || b > :c",
            2,
            Some(6),
            vec![],
        );
        assert!(
            after.formatted().ends_with("a || b > :c\n      *"),
            "{}",
            after.formatted()
        );
    }

    #[test]
    fn empty_input_has_no_context_line() {
        let e = DslError::checkpointed(DslMessage::Ood, "", 0, None, vec![]);
        assert_eq!(
            e.formatted(),
            "112E:(pos 0): Unexpectedly ran out of input^\n"
        );
    }

    #[test]
    fn hints_come_after_the_caret_line() {
        let e =
            DslError::plain(DslMessage::Ood, "time |", 6, vec![]).with_hint("add an app after '|'");
        assert!(
            e.formatted()
                .ends_with("      ^\nhint: add an app after '|'\n")
        );
        assert_eq!(e.header(), "112E:(pos 6): Unexpectedly ran out of input");
    }
}
