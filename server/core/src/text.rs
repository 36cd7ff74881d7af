//! The character and length rules every text field a client sends shares: app names, versions,
//! URIs and metadata URIs, stream names and descriptions.
//!
//! No field may hold a control character (`char::is_control`: NUL, escape, C1 controls, …) or a
//! character that is invisible or steers how the text around it is displayed: bidirectional
//! marks, embeddings, overrides and isolates (U+061C, U+200E, U+200F, U+202A–U+202E,
//! U+2066–U+2069), zero-width characters (U+200B–U+200D, U+2060, U+FEFF), the line and paragraph
//! separators, soft hyphens, invisible operators, tag characters and blank fillers (see
//! [`is_forbidden`]). Such characters make one name look like another, or hide part of it, and
//! a name holding one can be registered but never deployed. Multi-line fields (descriptions) may
//! hold tabs, line feeds and carriage returns that start a `\r\n`, nothing else of the above.
//!
//! Lengths count characters, as the database columns do.

use std::fmt;

use crate::error::{Code, Error};

/// Characters no field may hold besides control characters, as inclusive ranges in order.
const INVISIBLE: &[(char, char)] = &[
    ('\u{00AD}', '\u{00AD}'),   // soft hyphen
    ('\u{034F}', '\u{034F}'),   // combining grapheme joiner
    ('\u{061C}', '\u{061C}'),   // Arabic letter mark
    ('\u{115F}', '\u{1160}'),   // Hangul choseong and jungseong fillers
    ('\u{17B4}', '\u{17B5}'),   // Khmer inherent vowels
    ('\u{180B}', '\u{180F}'),   // Mongolian variation selectors and vowel separator
    ('\u{200B}', '\u{200F}'),   // zero-width space, non-joiner, joiner; LRM, RLM
    ('\u{2028}', '\u{202E}'),   // line and paragraph separators; bidi embeddings and overrides
    ('\u{2060}', '\u{206F}'),   // word joiner, invisible operators, bidi isolates, deprecated
    ('\u{3164}', '\u{3164}'),   // Hangul filler
    ('\u{FEFF}', '\u{FEFF}'),   // zero-width no-break space (byte-order mark)
    ('\u{FFA0}', '\u{FFA0}'),   // halfwidth Hangul filler
    ('\u{FFF9}', '\u{FFFB}'),   // interlinear annotation controls
    ('\u{1D173}', '\u{1D17A}'), // musical symbol format controls
    ('\u{E0000}', '\u{E007F}'), // tag characters
];

/// Whether a text field may span lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// One line: no control character at all (names, versions, URIs).
    One,
    /// Several lines: tab, line feed, and a carriage return right before a line feed are allowed
    /// (descriptions).
    Many,
}

/// Whether `c` is a control, bidirectional-formatting or invisible character, which no text
/// field may hold (but for the line breaks of [`Lines::Many`]).
pub fn is_forbidden(c: char) -> bool {
    c.is_control()
        || INVISIBLE
            .iter()
            .any(|&(first, last)| (first..=last).contains(&c))
}

/// A character a field may not hold, and where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForbiddenChar {
    /// The character.
    pub character: char,
    /// Its 0-based character (not byte) position.
    pub position: usize,
}

impl fmt::Display for ForbiddenChar {
    /// `the control character U+0000 at position 3`; the character itself is never written.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let class = if self.character.is_control() {
            "control"
        } else {
            "invisible or bidirectional formatting"
        };
        write!(
            f,
            "the {class} character U+{:04X} at position {}",
            u32::from(self.character),
            self.position
        )
    }
}

/// The first character of `text` that [`is_forbidden`] for a field of `lines`.
pub fn find_forbidden(text: &str, lines: Lines) -> Option<ForbiddenChar> {
    let mut chars = text.chars().enumerate().peekable();
    while let Some((position, character)) = chars.next() {
        let allowed = lines == Lines::Many
            && match character {
                '\t' | '\n' => true,
                '\r' => chars.peek().is_some_and(|&(_, next)| next == '\n'),
                _ => false,
            };
        if !allowed && is_forbidden(character) {
            return Some(ForbiddenChar {
                character,
                position,
            });
        }
    }
    None
}

/// Why a text field's value was refused. The message names the field and never quotes the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextError {
    /// The value holds a character [`is_forbidden`].
    Forbidden {
        /// The field, as named in messages (`Application name`, `URI`, …).
        field: &'static str,
        /// The first such character.
        found: ForbiddenChar,
    },
    /// The value is longer than the field's limit.
    TooLong {
        /// The field, as named in messages.
        field: &'static str,
        /// The value's length in characters.
        length: usize,
        /// The field's limit in characters.
        limit: usize,
    },
}

impl TextError {
    /// The 0-based character position of the refused character, if that is the problem.
    pub fn position(&self) -> Option<usize> {
        match self {
            Self::Forbidden { found, .. } => Some(found.position),
            Self::TooLong { .. } => None,
        }
    }

    /// This error as a domain [`Error`] with `code`.
    pub fn into_error(self, code: Code) -> Error {
        Error::new(code, self.to_string())
    }
}

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Forbidden { field, found } => {
                write!(f, "{field} has {found}, which is not allowed")
            }
            Self::TooLong {
                field,
                length,
                limit,
            } => write!(
                f,
                "{field} is {length} characters long; the limit is {limit}"
            ),
        }
    }
}

impl std::error::Error for TextError {}

/// Checks the value of the text field named `field`: at most `limit` characters, none of them
/// [`is_forbidden`] (but for the line breaks of [`Lines::Many`]).
pub fn check_text(
    field: &'static str,
    text: &str,
    limit: usize,
    lines: Lines,
) -> Result<(), TextError> {
    // Bytes bound characters from above: most values are not counted at all.
    if text.len() > limit {
        let length = text.chars().count();
        if length > limit {
            return Err(TextError::TooLong {
                field,
                length,
                limit,
            });
        }
    }
    match find_forbidden(text, lines) {
        Some(found) => Err(TextError::Forbidden { field, found }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spoofing_and_control_characters_are_refused_with_their_code_point_and_position() {
        for (text, code_point, position) in [
            ("a\u{0}b", "U+0000", 1),
            ("ab\u{1b}[31m", "U+001B", 2),
            ("\u{9b}x", "U+009B", 0),
            ("a\u{7f}", "U+007F", 1),
            ("evil\u{202e}gpj.exe", "U+202E", 4),
            ("x\u{202a}", "U+202A", 1),
            ("x\u{2066}y", "U+2066", 1),
            ("x\u{2069}", "U+2069", 1),
            ("x\u{200e}", "U+200E", 1),
            ("x\u{200f}", "U+200F", 1),
            ("x\u{61c}", "U+061C", 1),
            ("a\u{200b}b", "U+200B", 1),
            ("a\u{200c}b", "U+200C", 1),
            ("a\u{200d}b", "U+200D", 1),
            ("a\u{2060}b", "U+2060", 1),
            ("\u{feff}ab", "U+FEFF", 0),
            ("ä\u{2028}", "U+2028", 1),
            ("ab\u{ad}", "U+00AD", 2),
            ("a\u{3164}", "U+3164", 1),
            ("a\u{e0041}", "U+E0041", 1),
            ("a\tb", "U+0009", 1),
            ("a\nb", "U+000A", 1),
        ] {
            let err = check_text("Version", text, 255, Lines::One).unwrap_err();
            let message = err.to_string();
            assert!(message.starts_with("Version has the "), "{message}");
            assert!(
                message.contains(&format!("character {code_point} at position {position},")),
                "{text:?}: {message}"
            );
            assert_eq!(err.position(), Some(position));
            // The message never carries the character itself.
            assert!(!message.chars().any(is_forbidden), "{message:?}");
        }
    }

    #[test]
    fn ordinary_text_and_line_breaks_of_multi_line_fields_pass() {
        for text in ["", "trucks", "Größe ＆ 名前", "emoji 🚚", "a b", "a-b_c$d"] {
            check_text("Name", text, 255, Lines::One).unwrap();
        }
        check_text("Description", "line one\r\n\tline two\n", 255, Lines::Many).unwrap();
        for (text, position) in [("a\rb", 1), ("a\r", 1), ("a\n\u{0}", 2), ("\u{202e}\n", 0)] {
            let err = check_text("Description", text, 255, Lines::Many).unwrap_err();
            assert_eq!(err.position(), Some(position), "{text:?}: {err}");
        }
    }

    #[test]
    fn lengths_count_characters_and_messages_name_field_length_and_limit() {
        check_text("URI", &"é".repeat(10), 10, Lines::One).unwrap();
        let err = check_text("URI", &"é".repeat(11), 10, Lines::One).unwrap_err();
        assert_eq!(
            err.to_string(),
            "URI is 11 characters long; the limit is 10"
        );
        assert_eq!(err.position(), None);
        let error = err.into_error(Code::InvalidAppUri);
        assert_eq!(error.code(), Code::InvalidAppUri);
        assert_eq!(
            error.message(),
            "URI is 11 characters long; the limit is 10"
        );
    }
}
