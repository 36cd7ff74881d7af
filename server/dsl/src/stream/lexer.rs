//! The stream DSL's tokenizer: the pest rules of `grammar.pest`, driven one token at a time.
//!
//! SCDF lexes the whole definition before parsing it, so a lexing error wins over any parse
//! error, wherever it is. Lexing is context dependent in one place: right after the `=` of an
//! argument, unless whitespace (or the end) follows, the next token is an argument value with
//! its own rules (`arg_value`), which is why the driver, not one big pest rule, walks the input.
//!
//! Lexing errors are SCDF `ParseException`s ([`DslError::plain`]): 105 (`=` directly followed by
//! `|`, `;` or `>`), 106/107 (unterminated quotes), 108 (a lone `-`), 114 (`\`), 115 (any other
//! unknown character). Positions are character offsets.

use pest::Parser as _;
use pest::iterators::Pair;

use crate::error::{DslError, DslMessage};

mod grammar {
    #![allow(unreachable_pub, missing_docs)]
    //! The pest-generated lexer (its `Rule` enum is generated `pub`).

    /// The pest parser for the token rules of `grammar.pest`.
    #[derive(Debug, pest_derive::Parser)]
    #[grammar = "stream/grammar.pest"]
    pub(crate) struct StreamLexer;
}

use grammar::{Rule, StreamLexer};

/// The kinds of tokens the stream tokenizer produces (SCDF's `TokenKind` subset for streams).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// A name (`[A-Za-z0-9_][A-Za-z0-9_$-]*`) or an unquoted argument value.
    Identifier,
    /// A quoted string; its data keeps the quotes.
    Literal,
    /// `--`
    DoubleMinus,
    /// `=`
    Equals,
    /// `&`
    And,
    /// `|`
    Pipe,
    /// `||`
    DoublePipe,
    /// `\n`
    Newline,
    /// `.`
    Dot,
    /// `<`
    Lt,
    /// `>`
    Gt,
    /// `:`
    Colon,
    /// `/`
    Slash,
    /// `#`
    Hash,
    /// `*`
    Star,
    /// `;`
    Semicolon,
    /// `@`
    Reference,
}

impl TokenKind {
    /// The fixed text of a symbol token (empty for identifiers and literals).
    pub(crate) const fn chars(self) -> &'static str {
        match self {
            Self::Identifier | Self::Literal => "",
            Self::DoubleMinus => "--",
            Self::Equals => "=",
            Self::And => "&",
            Self::Pipe => "|",
            Self::DoublePipe => "||",
            Self::Newline => "\n",
            Self::Dot => ".",
            Self::Lt => "<",
            Self::Gt => ">",
            Self::Colon => ":",
            Self::Slash => "/",
            Self::Hash => "#",
            Self::Star => "*",
            Self::Semicolon => ";",
            Self::Reference => "@",
        }
    }

    /// How SCDF names the kind in 111's "Expected '{0}'": the lower-cased enum name, with the
    /// symbol in parentheses for symbol tokens (`identifier`, `equals(=)`, `gt(>)`).
    pub(crate) fn expected_name(self) -> String {
        let name = match self {
            Self::Identifier => "identifier",
            Self::Literal => "literal_string",
            Self::DoubleMinus => "double_minus",
            Self::Equals => "equals",
            Self::And => "and",
            Self::Pipe => "pipe",
            Self::DoublePipe => "doublepipe",
            Self::Newline => "newline",
            Self::Dot => "dot",
            Self::Lt => "lt",
            Self::Gt => "gt",
            Self::Colon => "colon",
            Self::Slash => "slash",
            Self::Hash => "hash",
            Self::Star => "star",
            Self::Semicolon => "semicolon",
            Self::Reference => "reference",
        };
        match self.chars() {
            "" => name.to_owned(),
            chars => format!("{name}({chars})"),
        }
    }
}

/// One token: its kind, its text (for identifiers and literals) and its character span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    /// What it is.
    pub(crate) kind: TokenKind,
    /// The text of an identifier or literal (a literal keeps its quotes); `None` for symbols.
    pub(crate) data: Option<String>,
    /// Offset of the first character.
    pub(crate) start: usize,
    /// Offset after the last character.
    pub(crate) end: usize,
}

impl Token {
    /// The token as SCDF prints it in messages: its data, or the symbol's characters.
    pub(crate) fn text(&self) -> String {
        self.data
            .clone()
            .unwrap_or_else(|| self.kind.chars().to_owned())
    }
}

/// Splits `dsl` into tokens, or fails with SCDF's lexing error.
pub(crate) fn tokenize(dsl: &str) -> Result<Vec<Token>, DslError> {
    // SCDF's tokenizer takes NUL for the end of its input, which makes values holding one
    // impossible to write back; no definition needs one, so it is refused wherever it is.
    if let Some(pos) = dsl.chars().position(|c| c == '\0') {
        return Err(DslError::plain(
            DslMessage::UnexpectedData,
            dsl,
            pos,
            vec!["\\u0000".to_owned()],
        )
        .with_hint("a definition cannot contain NUL characters"));
    }
    let mut tokens = Vec::new();
    let mut byte = 0;
    let mut pos = 0;
    let mut after_equals = false;
    while let Some(rest) = dsl.get(byte..).filter(|rest| !rest.is_empty()) {
        let Some(first) = rest.chars().next() else {
            break;
        };
        if std::mem::take(&mut after_equals) && !is_blank_after_equals(first) {
            if matches!(first, '|' | ';' | '>') {
                return Err(DslError::plain(
                    DslMessage::ExpectedArgumentValue,
                    dsl,
                    pos,
                    vec![first.to_string()],
                ));
            }
            let (token, len) = lex_arg_value(dsl, rest, pos)?;
            tokens.push(token);
            byte += len;
            pos = tokens.last().map_or(pos, |t| t.end);
            continue;
        }
        let pair = match StreamLexer::parse(Rule::token, rest) {
            Ok(mut pairs) => pairs.next(),
            Err(_) => None,
        };
        let Some(pair) = pair else {
            // Unreachable: `other` matches any character. Report it as SCDF's 115 anyway.
            return Err(unexpected_data(dsl, pos, first));
        };
        let text = pair.as_str();
        let len = text.chars().count();
        let kind = match pair.as_rule() {
            Rule::blank => None,
            Rule::newline => Some(TokenKind::Newline),
            Rule::identifier => Some(TokenKind::Identifier),
            Rule::double_minus => Some(TokenKind::DoubleMinus),
            Rule::double_pipe => Some(TokenKind::DoublePipe),
            Rule::pipe => Some(TokenKind::Pipe),
            Rule::equals => {
                after_equals = true;
                Some(TokenKind::Equals)
            }
            Rule::and => Some(TokenKind::And),
            Rule::dot => Some(TokenKind::Dot),
            Rule::lt => Some(TokenKind::Lt),
            Rule::gt => Some(TokenKind::Gt),
            Rule::colon => Some(TokenKind::Colon),
            Rule::slash => Some(TokenKind::Slash),
            Rule::hash => Some(TokenKind::Hash),
            Rule::star => Some(TokenKind::Star),
            Rule::semicolon => Some(TokenKind::Semicolon),
            Rule::reference => Some(TokenKind::Reference),
            Rule::sq_literal | Rule::dq_literal => Some(TokenKind::Literal),
            Rule::lone_minus => {
                return Err(DslError::plain(
                    DslMessage::MissingCharacter,
                    dsl,
                    pos,
                    vec!["-".to_owned()],
                )
                .with_hint("arguments start with two dashes: --name=value"));
            }
            Rule::unterminated_sq => {
                return Err(DslError::plain(
                    DslMessage::NonTerminatingQuotedString,
                    dsl,
                    pos,
                    vec![],
                ));
            }
            Rule::unterminated_dq => {
                return Err(DslError::plain(
                    DslMessage::NonTerminatingDoubleQuotedString,
                    dsl,
                    pos,
                    vec![],
                ));
            }
            Rule::backslash => {
                return Err(
                    DslError::plain(DslMessage::UnexpectedEscapeChar, dsl, pos, vec![])
                        .with_hint("the DSL has no escapes; quote the value instead: --name='…'"),
                );
            }
            _ => return Err(unexpected_data(dsl, pos, first)),
        };
        if let Some(kind) = kind {
            let data =
                matches!(kind, TokenKind::Identifier | TokenKind::Literal).then(|| text.to_owned());
            tokens.push(Token {
                kind,
                data,
                start: pos,
                end: pos + len,
            });
        }
        byte += text.len();
        pos += len;
    }
    Ok(tokens)
}

/// After `=`, these leave value mode without a value (the parser then reports 103 or 105).
const fn is_blank_after_equals(ch: char) -> bool {
    matches!(ch, ' ' | '\t' | '\r' | '\n' | '\0')
}

fn unexpected_data(dsl: &str, pos: usize, ch: char) -> DslError {
    DslError::plain(DslMessage::UnexpectedData, dsl, pos, vec![ch.to_string()]).with_hint(
        "if this is part of an argument value, quote the whole value: --name='…' \
         (unquoted values end at a space, '|', ';' or '>')",
    )
}

/// Lexes the argument value starting at `rest` (character offset `pos`); returns the token and
/// its length in bytes.
fn lex_arg_value(dsl: &str, rest: &str, pos: usize) -> Result<(Token, usize), DslError> {
    let pair = match StreamLexer::parse(Rule::arg_value, rest) {
        Ok(mut pairs) => pairs.next(),
        Err(_) => None,
    };
    let Some(value) = pair.and_then(|p| p.into_inner().next()) else {
        // Unreachable: the driver only asks for a value before a non-terminator character.
        return Err(DslError::plain(
            DslMessage::ExpectedArgumentValue,
            dsl,
            pos,
            vec![rest.chars().next().map(String::from).unwrap_or_default()],
        ));
    };
    let text = value.as_str();
    let end = pos + text.chars().count();
    let kind = match value.as_rule() {
        Rule::sq_value | Rule::dq_value => {
            let (quote, close_rule) = if value.as_rule() == Rule::sq_value {
                ('\'', Rule::sq_close)
            } else {
                ('"', Rule::dq_close)
            };
            match closes(&value, close_rule) {
                0 if quote == '\'' => {
                    return Err(DslError::plain(
                        DslMessage::NonTerminatingQuotedString,
                        dsl,
                        pos,
                        vec![],
                    ));
                }
                0 => {
                    return Err(DslError::plain(
                        DslMessage::NonTerminatingDoubleQuotedString,
                        dsl,
                        pos,
                        vec![],
                    ));
                }
                1 if text.ends_with(quote) && text.chars().count() > 1 => TokenKind::Literal,
                _ => TokenKind::Identifier,
            }
        }
        _ => TokenKind::Identifier,
    };
    let token = Token {
        kind,
        data: Some(text.to_owned()),
        start: pos,
        end,
    };
    Ok((token, text.len()))
}

/// How the value lexer reads `text` on its own (as if right after `=`): `Some(open)` if it reads
/// all of it as one unquoted-identifier value, `open` telling whether a quote is still open at
/// its end (then only a NUL or the end of the input can end it); `None` otherwise.
pub(crate) fn lex_as_value(text: &str) -> Option<bool> {
    let first = text.chars().next()?;
    if is_blank_after_equals(first) || matches!(first, '|' | ';' | '>') {
        return None;
    }
    let (token, len) = lex_arg_value("", text, 0).ok()?;
    if token.kind != TokenKind::Identifier || len != text.len() {
        return None;
    }
    let value = StreamLexer::parse(Rule::arg_value, text)
        .ok()?
        .next()?
        .into_inner()
        .next()?;
    let last = value.into_inner().last().map(|p| p.as_rule());
    Some(matches!(
        last,
        Some(Rule::sq_open | Rule::dq_open | Rule::plain_open)
    ))
}

/// How many times a quoted value closed its quote.
fn closes(value: &Pair<'_, Rule>, close_rule: Rule) -> usize {
    value
        .clone()
        .into_inner()
        .filter(|p| p.as_rule() == close_rule)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(dsl: &str) -> Vec<(TokenKind, String)> {
        tokenize(dsl)
            .unwrap()
            .into_iter()
            .map(|t| (t.kind, t.text()))
            .collect()
    }

    fn value(dsl: &str) -> (TokenKind, String) {
        let tokens = tokenize(dsl).unwrap();
        let last = tokens.last().unwrap();
        (last.kind, last.text())
    }

    #[test]
    fn symbols_and_identifiers() {
        use TokenKind::*;
        assert_eq!(
            kinds("a_b-c | d$e || : > < . / # * ; & @ \n --"),
            vec![
                (Identifier, "a_b-c".to_owned()),
                (Pipe, "|".to_owned()),
                (Identifier, "d$e".to_owned()),
                (DoublePipe, "||".to_owned()),
                (Colon, ":".to_owned()),
                (Gt, ">".to_owned()),
                (Lt, "<".to_owned()),
                (Dot, ".".to_owned()),
                (Slash, "/".to_owned()),
                (Hash, "#".to_owned()),
                (Star, "*".to_owned()),
                (Semicolon, ";".to_owned()),
                (And, "&".to_owned()),
                (Reference, "@".to_owned()),
                (Newline, "\n".to_owned()),
                (DoubleMinus, "--".to_owned()),
            ]
        );
    }

    #[test]
    fn argument_values_follow_scdf() {
        use TokenKind::*;
        assert_eq!(value("a --x='it''s'"), (Literal, "'it''s'".to_owned()));
        assert_eq!(value("a --x=\"a b\""), (Literal, "\"a b\"".to_owned()));
        assert_eq!(value("a --x=''"), (Literal, "''".to_owned()));
        assert_eq!(value("a --x=p'q r'"), (Identifier, "p'q r'".to_owned()));
        assert_eq!(
            value("a --expression='hi'+payload"),
            (Identifier, "'hi'+payload".to_owned())
        );
        assert_eq!(
            value("a --x=\"say \"\"hi\"\"\""),
            (Identifier, "\"say \"\"hi\"\"\"".to_owned())
        );
        assert_eq!(value("a --x='a'b'"), (Literal, "'a'b'".to_owned()));
        assert_eq!(value("a --x=a'b | c"), (Identifier, "a'b | c".to_owned()));
    }

    #[test]
    fn positions_are_characters() {
        let tokens = tokenize("é --x=ü | b").unwrap_err();
        assert_eq!(tokens.position, Some(0), "é is not an identifier character");
        let tokens = tokenize("a --x=ü | b").unwrap();
        assert_eq!((tokens[4].start, tokens[4].end), (6, 7));
        assert_eq!((tokens[6].start, tokens[6].end), (10, 11));
    }

    #[test]
    fn lexing_errors() {
        let e = tokenize("a --x='abc").unwrap_err();
        assert_eq!((e.code(), e.position), (107, Some(6)));
        let e = tokenize("a --x=\"abc").unwrap_err();
        assert_eq!((e.code(), e.position), (106, Some(6)));
        let e = tokenize("a 'abc").unwrap_err();
        assert_eq!((e.code(), e.position), (107, Some(2)));
        let e = tokenize("a - b").unwrap_err();
        assert_eq!((e.code(), e.position), (108, Some(2)));
        let e = tokenize("a \\ b").unwrap_err();
        assert_eq!((e.code(), e.position), (114, Some(2)));
        let e = tokenize("a --x=|").unwrap_err();
        assert_eq!(
            (e.code(), e.position, e.inserts),
            (105, Some(6), vec!["|".to_owned()])
        );
        let e = tokenize("a --x='").unwrap_err();
        assert_eq!((e.code(), e.position), (107, Some(6)));
    }
}
