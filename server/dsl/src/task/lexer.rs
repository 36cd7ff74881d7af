//! The task DSL's tokenizer: one pass of the pest rules in `grammar.pest` over the whole input.
//!
//! SCDF tokenizes a task definition completely before parsing it, so a lexing error wins over
//! any parse error, wherever it is. Lexing errors are SCDF `ParseException`s
//! ([`DslError::plain`], the whole input as expression): 105 (`=` directly followed by `|`,
//! `;` or `>`), 106/107 (unterminated quotes), 108 (a lone `-`), 114 (`\`), 150 (a single `&`),
//! 151 (a single `|`) and 162 (any other unknown character).
//!
//! Positions are character offsets (SCDF counts UTF-16 units; the two only differ after a
//! character outside the Basic Multilingual Plane).

use pest::Parser as _;
use pest::iterators::Pair;

use crate::error::{DslError, DslMessage};

mod grammar {
    #![allow(unreachable_pub, missing_docs)]
    //! The pest-generated lexer (its `Rule` enum is generated `pub`).

    /// The pest parser for the token rules of `task/grammar.pest`.
    #[derive(Debug, pest_derive::Parser)]
    #[grammar = "task/grammar.pest"]
    pub(crate) struct TaskLexer;
}

use grammar::{Rule, TaskLexer};

/// The kinds of tokens of the task DSL (SCDF's `TokenKind`s that the task tokenizer makes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// A name, label, exit code, `$END`/`$FAIL`, or an unquoted argument value.
    Identifier,
    /// A quoted string; its data keeps the quotes.
    Literal,
    /// `--`
    DoubleMinus,
    /// `->`
    Arrow,
    /// `&&`
    AndAnd,
    /// `||`
    DoublePipe,
    /// `<`
    Lt,
    /// `>`
    Gt,
    /// `(`
    OpenParen,
    /// `)`
    CloseParen,
    /// `:`
    Colon,
    /// `.`
    Dot,
    /// `=`
    Equals,
    /// `*`
    Star,
    /// `;`
    Semicolon,
}

impl TokenKind {
    /// The fixed text of a symbol token (empty for identifiers and literals).
    pub(crate) const fn chars(self) -> &'static str {
        match self {
            Self::Identifier | Self::Literal => "",
            Self::DoubleMinus => "--",
            Self::Arrow => "->",
            Self::AndAnd => "&&",
            Self::DoublePipe => "||",
            Self::Lt => "<",
            Self::Gt => ">",
            Self::OpenParen => "(",
            Self::CloseParen => ")",
            Self::Colon => ":",
            Self::Dot => ".",
            Self::Equals => "=",
            Self::Star => "*",
            Self::Semicolon => ";",
        }
    }

    /// How SCDF names the kind in "Expected '…'" (111): its lower-cased enum name, followed by
    /// its characters in parentheses when it has fixed ones.
    pub(crate) const fn expected_name(self) -> &'static str {
        match self {
            Self::Identifier => "identifier",
            Self::Literal => "literal_string",
            Self::DoubleMinus => "double_minus(--)",
            Self::Arrow => "arrow(->)",
            Self::AndAnd => "andand(&&)",
            Self::DoublePipe => "doublepipe(||)",
            Self::Lt => "lt(<)",
            Self::Gt => "gt(>)",
            Self::OpenParen => "open_paren(()",
            Self::CloseParen => "close_paren())",
            Self::Colon => "colon(:)",
            Self::Dot => "dot(.)",
            Self::Equals => "equals(=)",
            Self::Star => "star(*)",
            Self::Semicolon => "semicolon(;)",
        }
    }
}

/// One token: kind, character offsets `[start, end)`, and the text of identifiers and
/// literals (literals keep their quotes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) kind: TokenKind,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) data: Option<String>,
}

impl Token {
    /// SCDF's text for the token in messages: the data, or the fixed characters.
    pub(crate) fn text(&self) -> String {
        self.data
            .clone()
            .unwrap_or_else(|| self.kind.chars().to_owned())
    }
}

/// The tokens of one input, with the offsets of the line breaks between them.
#[derive(Debug, Clone)]
pub(crate) struct Lexed {
    pub(crate) tokens: Vec<Token>,
    pub(crate) linebreaks: Vec<usize>,
}

/// Tokenizes `input`, or returns SCDF's lexing error for its first bad token.
pub(crate) fn lex(input: &str) -> Result<Lexed, DslError> {
    // SCDF's tokenizer takes NUL for the end of its input, which makes values holding one
    // impossible to print back (found by fuzzing); no definition needs one, so it is refused.
    if let Some(pos) = input.chars().position(|c| c == '\0') {
        return Err(DslError::plain(
            DslMessage::TaskUnexpectedData,
            input,
            pos,
            vec!["\\u0000".to_owned()],
        )
        .with_hint("a definition cannot contain NUL characters"));
    }
    let pairs = TaskLexer::parse(Rule::token_stream, input).map_err(|_| {
        // The stream rule ends in a catch-all error token, so it cannot fail; stay total.
        DslError::plain(
            DslMessage::TaskUnexpectedData,
            input,
            0,
            vec![String::new()],
        )
    })?;
    let mut offsets = CharOffsets::new(input);
    let mut lexed = Lexed {
        tokens: Vec::new(),
        linebreaks: Vec::new(),
    };
    for pair in pairs {
        let start = offsets.at(pair.as_span().start());
        let kind = match pair.as_rule() {
            Rule::EOI => break,
            Rule::newline => {
                lexed.linebreaks.push(start);
                continue;
            }
            Rule::identifier => TokenKind::Identifier,
            Rule::sq_literal | Rule::dq_literal => TokenKind::Literal,
            Rule::arg_value => value_kind(&pair, input, start)?,
            Rule::double_minus => TokenKind::DoubleMinus,
            Rule::arrow => TokenKind::Arrow,
            Rule::and_and => TokenKind::AndAnd,
            Rule::double_pipe => TokenKind::DoublePipe,
            Rule::lt => TokenKind::Lt,
            Rule::gt => TokenKind::Gt,
            Rule::open_paren => TokenKind::OpenParen,
            Rule::close_paren => TokenKind::CloseParen,
            Rule::colon => TokenKind::Colon,
            Rule::dot => TokenKind::Dot,
            Rule::equals => TokenKind::Equals,
            Rule::star => TokenKind::Star,
            Rule::semicolon => TokenKind::Semicolon,
            rule => return Err(lexing_error(rule, pair.as_str(), input, start)),
        };
        let end = offsets.at(pair.as_span().end());
        let data = matches!(kind, TokenKind::Identifier | TokenKind::Literal)
            .then(|| pair.as_str().to_owned());
        lexed.tokens.push(Token {
            kind,
            start,
            end,
            data,
        });
    }
    Ok(lexed)
}

/// What an argument value is: a string literal when it starts with a quote that is closed
/// exactly once, at its very end; raw text otherwise; an error when its quote never closes.
fn value_kind(pair: &Pair<'_, Rule>, input: &str, start: usize) -> Result<TokenKind, DslError> {
    let Some(value) = pair.clone().into_inner().next() else {
        return Ok(TokenKind::Identifier);
    };
    let (quote, close, unterminated) = match value.as_rule() {
        Rule::sq_value => ('\'', Rule::sq_close, DslMessage::NonTerminatingQuotedString),
        Rule::dq_value => (
            '"',
            Rule::dq_close,
            DslMessage::NonTerminatingDoubleQuotedString,
        ),
        _ => return Ok(TokenKind::Identifier),
    };
    let closes = value
        .clone()
        .into_inner()
        .filter(|p| p.as_rule() == close)
        .count();
    match closes {
        0 => Err(DslError::plain(unterminated, input, start, vec![])),
        1 if value.as_str().len() > 1 && value.as_str().ends_with(quote) => Ok(TokenKind::Literal),
        _ => Ok(TokenKind::Identifier),
    }
}

/// The SCDF error for an error token.
fn lexing_error(rule: Rule, text: &str, input: &str, start: usize) -> DslError {
    let (message, inserts) = match rule {
        Rule::missing_value => (DslMessage::ExpectedArgumentValue, vec![text.to_owned()]),
        Rule::lone_minus => (DslMessage::MissingCharacter, vec!["-".to_owned()]),
        Rule::lone_and => (DslMessage::TaskDoubleAndRequired, vec![]),
        Rule::lone_pipe => (DslMessage::TaskDoubleOrRequired, vec![]),
        Rule::unterminated_sq => (DslMessage::NonTerminatingQuotedString, vec![]),
        Rule::unterminated_dq => (DslMessage::NonTerminatingDoubleQuotedString, vec![]),
        Rule::backslash => (DslMessage::UnexpectedEscapeChar, vec![]),
        _ => (DslMessage::TaskUnexpectedData, vec![text.to_owned()]),
    };
    DslError::plain(message, input, start, inserts)
}

/// How the argument-value rules read `text` as a whole value, when they consume all of it and
/// a space after it would end it: `Some(true)` for a string literal, `Some(false)` for raw
/// text, `None` when `text` cannot stand as a value as it is (printers then quote it).
pub(crate) fn value_reading(text: &str) -> Option<bool> {
    let probe = format!("{text} ");
    let pairs = TaskLexer::parse(Rule::arg_value, &probe).ok()?;
    let pair = pairs.into_iter().next()?;
    if pair.as_span().end() != text.len() {
        return None;
    }
    match value_kind(&pair, &probe, 0) {
        Ok(TokenKind::Literal) => Some(true),
        Ok(_) => Some(false),
        Err(_) => None,
    }
}

/// Whether `text` lexes, in normal mode, as exactly one string literal.
pub(crate) fn is_single_literal(text: &str) -> bool {
    TaskLexer::parse(Rule::sq_literal, text)
        .ok()
        .and_then(|pairs| pairs.into_iter().next())
        .is_some_and(|pair| pair.as_span().end() == text.len())
}

/// Converts increasing byte offsets of one input to character offsets in linear time.
struct CharOffsets<'a> {
    input: &'a str,
    byte: usize,
    chars: usize,
}

impl<'a> CharOffsets<'a> {
    const fn new(input: &'a str) -> Self {
        Self {
            input,
            byte: 0,
            chars: 0,
        }
    }

    fn at(&mut self, byte: usize) -> usize {
        if byte < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += self
            .input
            .get(self.byte..byte)
            .map_or(0, |s| s.chars().count());
        self.byte = byte;
        self.chars
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(input: &str) -> Vec<TokenKind> {
        lex(input).unwrap().tokens.iter().map(|t| t.kind).collect()
    }

    #[test]
    fn nul_characters_are_refused() {
        for (dsl, pos) in [("a --p='\0' && b", 7), ("\0", 0)] {
            let error = lex(dsl).err().unwrap();
            assert_eq!((error.code(), error.position), (162, Some(pos)), "{dsl:?}");
        }
    }

    #[test]
    fn task_tokens_like_scdf() {
        use TokenKind::*;
        assert_eq!(
            kinds("App1 0->App2 1->:Bar"),
            [
                Identifier, Identifier, Arrow, Identifier, Identifier, Arrow, Colon, Identifier
            ]
        );
        assert_eq!(
            kinds("App1 0->App2 'abc' ->   App3"),
            [
                Identifier, Identifier, Arrow, Identifier, Literal, Arrow, Identifier
            ]
        );
        let tokens = lex("< > -> ( )").unwrap().tokens;
        let spans: Vec<_> = tokens.iter().map(|t| (t.kind, t.start, t.end)).collect();
        assert_eq!(
            spans,
            [
                (Lt, 0, 1),
                (Gt, 2, 3),
                (Arrow, 4, 6),
                (OpenParen, 7, 8),
                (CloseParen, 9, 10)
            ]
        );
        let tokens = lex("App1 && App2").unwrap().tokens;
        assert_eq!((tokens[2].start, tokens[2].end), (8, 12));
    }

    #[test]
    fn task_argument_values() {
        let value = |input: &str| {
            let tokens = lex(input).unwrap().tokens;
            let t = tokens.last().unwrap().clone();
            (t.kind, t.data.unwrap())
        };
        assert_eq!(
            value("a --x='it''s'"),
            (TokenKind::Literal, "'it''s'".to_owned())
        );
        assert_eq!(
            value("a --x='hi'+payload"),
            (TokenKind::Identifier, "'hi'+payload".into())
        );
        assert_eq!(
            value("a --x=p'q r'"),
            (TokenKind::Identifier, "p'q r'".into())
        );
        assert_eq!(
            value("a --x=\"a b\""),
            (TokenKind::Literal, "\"a b\"".into())
        );
        assert_eq!(value("a --x=''"), (TokenKind::Literal, "''".into()));
        assert_eq!(value("a --x='a'b'"), (TokenKind::Literal, "'a'b'".into()));
        assert_eq!(
            value("a --x=\"say \"\"hi\"\"\""),
            (TokenKind::Identifier, "\"say \"\"hi\"\"\"".into())
        );
    }

    #[test]
    fn task_value_reading() {
        assert_eq!(value_reading("abc"), Some(false));
        assert_eq!(value_reading("'abc'"), Some(true));
        assert_eq!(value_reading("a b"), None);
        assert_eq!(value_reading("a'b"), None);
        assert_eq!(value_reading(""), None);
        assert_eq!(value_reading("'a''b'"), Some(true));
        assert!(is_single_literal("'a''b'"));
        assert!(!is_single_literal("'a'b"));
    }

    #[test]
    fn task_positions_are_characters() {
        let tokens = lex("é1 && b").unwrap_err();
        assert_eq!(tokens.position, Some(0));
        let tokens = lex("a --x='é' && b").unwrap().tokens;
        assert_eq!(
            (tokens[4].start, tokens[4].end, tokens[6].start),
            (6, 9, 13)
        );
    }
}
