//! Masking of sensitive values before they leave the server (reference §8.2).
//!
//! A property is sensitive when its key, ignoring case, ends with `username`, `password`,
//! `secret`, `key`, `token`, `vcap_services` or `url`, or contains `credentials`: so
//! `spring.cloud.config.password`, `my-api-key` and `spring.datasource.url` are masked. A
//! sensitive, non-blank value is replaced by [`MASK`].
//!
//! Secrets embedded in other values are masked too, wherever values are ([`mask_value`],
//! [`mask_properties`], [`mask_stream_dsl`], [`mask_assignments`], [`blot_dsl_text`]):
//!
//! - `key=value` fragments whose key is sensitive by the rule above, such as JVM options
//!   (`-Dspring.datasource.password=x`) and URL query parameters (`?user=u&password=x`, where the
//!   value ends at `&` or `#`);
//! - the password of a URL's user information (`https://user:x@host/`,
//!   `jdbc:mysql://user:x@host/db`, and Oracle's `jdbc:oracle:thin:user/x@host`).
//!
//! User names stay visible, as the key rule has it (`user` is not sensitive; `username` is) and
//! as Spring Boot shows URLs (`user:******@host`). Only the secret is replaced; the text around
//! it stays byte for byte.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;

use dataflow_dsl::stream::{Arg, StreamDefinition, parse_stream, print_stream};

/// What a sensitive value is replaced with: six asterisks, as SCDF shows.
pub const MASK: &str = "******";

const SENSITIVE_ENDINGS: [&str; 7] = [
    "username",
    "password",
    "secret",
    "key",
    "token",
    "vcap_services",
    "url",
];

/// Whether the value of a property named `key` must not be shown.
pub fn is_sensitive(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.contains("credentials") || SENSITIVE_ENDINGS.iter().any(|end| key.ends_with(end))
}

/// `value` as it may be shown: [`MASK`] when `key` is sensitive and `value` is not blank, else
/// `value` with the secrets embedded in it masked ([`mask_assignments`]); `value` itself,
/// borrowed, when there is nothing to mask.
pub fn mask_value<'a>(key: &str, value: &'a str) -> Cow<'a, str> {
    if value.trim().is_empty() {
        return Cow::Borrowed(value);
    }
    if is_sensitive(key) {
        return Cow::Borrowed(MASK);
    }
    match mask_assignments(value) {
        (_, 0) => Cow::Borrowed(value),
        (masked, _) => Cow::Owned(masked),
    }
}

/// A copy of `properties` with sensitive values, and secrets embedded in values, masked.
pub fn mask_properties(properties: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    properties
        .iter()
        .map(|(key, value)| (key.clone(), mask_value(key, value).into_owned()))
        .collect()
}

/// Stream DSL text with the values of sensitive arguments, and secrets embedded in other
/// arguments' values, masked: `time --password=x | log` becomes `time --password=****** | log`
/// (SCDF quotes the mask, `'******'`; both read back the same), and
/// `jdbc --url2='jdbc:mysql://h/db?user=u&password=x'` becomes
/// `jdbc --url2=jdbc:mysql://h/db?user=u&password=******`.
///
/// Text with nothing to mask is returned exactly as given (SCDF re-renders it in every case,
/// losing the user's layout). Text that does not parse (a definition stored before the DSL's
/// length limit, longer than it) is masked as text: sensitive arguments blotted, then embedded
/// secrets masked.
pub fn mask_stream_dsl(dsl: &str) -> String {
    let Ok(mut definition) = parse_stream(dsl) else {
        return mask_assignments(&blot_dsl_text(dsl)).0;
    };
    if mask_definition(&mut definition) {
        print_stream(&definition)
    } else {
        dsl.to_owned()
    }
}

/// Free text (a command line, JVM options, a list of `K=V` pairs, a YAML snippet, a URL) with
/// the secrets embedded in it replaced by [`MASK`]: the value of every `key=value` assignment
/// whose key is sensitive (`java -Dspring.datasource.password=x -jar a.jar` becomes
/// `java -Dspring.datasource.password=****** -jar a.jar`), and the password of every URL's user
/// information (`https://u:x@h/` becomes `https://u:******@h/`). A value runs to the end of its
/// quotes, else to whitespace or one of `,;'"]}`, and in a URL query (after `?` or `&`) also to
/// `&` or `#`; `==` is a comparison, not an assignment. Returns the text
/// (exactly `text` when nothing is masked) and how many values were masked.
pub fn mask_assignments(text: &str) -> (String, usize) {
    let chars: Vec<char> = text.chars().collect();
    let secrets = embedded_secrets(&chars);
    if secrets.is_empty() {
        return (text.to_owned(), 0);
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0; // chars[..copied] are in `out`
    for secret in &secrets {
        out.extend(&chars[copied..secret.start]);
        out.push_str(MASK);
        copied = secret.end;
    }
    out.extend(&chars[copied..]);
    (out, secrets.len())
}

/// The char ranges of the secrets embedded in `chars` (see [`mask_assignments`]), in order,
/// overlapping ones merged.
fn embedded_secrets(chars: &[char]) -> Vec<Range<usize>> {
    let mut found = assignment_secrets(chars);
    found.extend(user_info_secrets(chars));
    found.sort_by_key(|range| range.start);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(found.len());
    for range in found {
        match merged.last_mut() {
            Some(last) if range.start < last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    merged
}

/// The values of `key=value` assignments whose key is sensitive.
fn assignment_secrets(chars: &[char]) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let comparison = (i > 0 && chars[i - 1] == '=') || chars.get(i + 1) == Some(&'=');
        if chars[i] != '=' || comparison {
            i += 1;
            continue;
        }
        let mut key_start = i;
        while key_start > 0 && is_key_char(chars[key_start - 1]) {
            key_start -= 1;
        }
        let key: String = chars[key_start..i].iter().collect();
        let key = key.trim_start_matches('-');
        if key.is_empty() || !is_sensitive(key) {
            // The value may itself hold assignments (`--opts=-Dpassword=x`); and not reading it
            // to its end keeps this linear.
            i += 1;
            continue;
        }
        let in_query = key_start > 0 && matches!(chars[key_start - 1], '?' | '&');
        let value_start = i + 1;
        let value_end = assignment_value_end(chars, value_start, in_query);
        if value_end > value_start {
            found.push(value_start..value_end);
        }
        i = value_end.max(value_start);
    }
    found
}

/// The passwords of URL user information: `scheme://user:password@host` (the user information
/// runs to the authority's last `@`, so an unencoded `@` in the password is masked with it), and
/// Oracle's `jdbc:oracle:<driver>:user/password@…`.
fn user_info_secrets(chars: &[char]) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut i = 0;
    while i + 3 <= chars.len() {
        if chars[i..i + 3] == [':', '/', '/'] {
            let start = i + 3;
            let end = chars[start..]
                .iter()
                .position(|&ch| is_authority_end(ch))
                .map_or(chars.len(), |offset| start + offset);
            let authority = &chars[start..end];
            if let Some(at) = authority.iter().rposition(|&ch| ch == '@')
                && let Some(colon) = authority[..at].iter().position(|&ch| ch == ':')
                && at > colon + 1
            {
                found.push(start + colon + 1..start + at);
            }
            i = end.max(start);
        } else if let Some(start) = oracle_user_info_start(chars, i) {
            let end = chars[start..]
                .iter()
                .position(|&ch| ch == '@' || (is_authority_end(ch) && ch != '/'))
                .map_or(chars.len(), |offset| start + offset);
            if chars.get(end) == Some(&'@')
                && let Some(slash) = chars[start..end].iter().position(|&ch| ch == '/')
                && end > start + slash + 1
            {
                found.push(start + slash + 1..end);
            }
            i = end.max(start);
        } else {
            i += 1;
        }
    }
    found
}

/// Where the `user/password@` part starts when `jdbc:oracle:<driver>:` starts at `at`.
fn oracle_user_info_start(chars: &[char], at: usize) -> Option<usize> {
    const PREFIX: &str = "jdbc:oracle:";
    let prefix_len = PREFIX.chars().count();
    let head = chars.get(at..at + prefix_len)?;
    if !head
        .iter()
        .zip(PREFIX.chars())
        .all(|(a, b)| a.eq_ignore_ascii_case(&b))
    {
        return None;
    }
    let driver_start = at + prefix_len;
    let driver_len = chars[driver_start..]
        .iter()
        .take_while(|ch| ch.is_ascii_alphabetic())
        .count();
    let colon = driver_start + driver_len;
    (driver_len > 0 && chars.get(colon) == Some(&':')).then_some(colon + 1)
}

/// Whether `ch` ends a URL's authority (or the URL) in free text.
fn is_authority_end(ch: char) -> bool {
    ch.is_whitespace()
        || matches!(
            ch,
            '/' | '?' | '#' | '\\' | '\'' | '"' | '<' | '>' | '`' | '}'
        )
}

fn is_key_char(ch: char) -> bool {
    ch.is_alphanumeric() || matches!(ch, '.' | '_' | '-' | '$')
}

/// Where an assignment's value starting at `start` ends (exclusive); in a URL query a value also
/// ends at `&` or `#`.
fn assignment_value_end(chars: &[char], start: usize, in_query: bool) -> usize {
    match chars.get(start) {
        Some(&quote @ ('\'' | '"')) => chars[start + 1..]
            .iter()
            .position(|&ch| ch == quote)
            .map_or(chars.len(), |offset| start + 1 + offset + 1),
        _ => chars[start..]
            .iter()
            .position(|&ch| {
                ch.is_whitespace()
                    || matches!(ch, ',' | ';' | '\'' | '"' | ']' | '}')
                    || (in_query && matches!(ch, '&' | '#'))
            })
            .map_or(chars.len(), |offset| start + offset),
    }
}

/// Text holding DSL that may not parse (an error message quoting the user's definition) with
/// the values of sensitive `--name=value` arguments blotted out character for character: every
/// character of such a value becomes `*`, so the lengths, and the positions and carets of a
/// DSL error message, stay right. Values are read as the lexer reads them: unquoted runs up to
/// whitespace, `|`, `;` or `>`, with quoted sections (`'…'`, `"…"`) inside; blanks around the
/// `=` (themselves errors) are allowed, and text glued to a sensitive value (`p@ss>word`) is
/// taken as part of it. Secrets embedded anywhere in the text (see [`mask_assignments`]) are
/// blotted the same way. Words of a blotted value that appear elsewhere in the text as whole
/// words (an error's header or hint quoting a token) are blotted there too.
pub fn blot_dsl_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = chars.clone();
    let mut words: Vec<Vec<char>> = Vec::new();
    let mut blot = |range: Range<usize>, out: &mut [char]| {
        for ch in &mut out[range.clone()] {
            if *ch != '\n' {
                *ch = '*';
            }
        }
        words.extend(
            chars[range]
                .split(|ch| !ch.is_alphanumeric())
                .filter(|word| word.len() >= 3)
                .map(<[char]>::to_vec),
        );
    };
    for secret in embedded_secrets(&chars) {
        blot(secret, &mut out);
    }
    let mut i = 0;
    while i + 1 < chars.len() {
        if chars[i] != '-' || chars[i + 1] != '-' {
            i += 1;
            continue;
        }
        let name_start = i + 2;
        let mut j = name_start;
        while j < chars.len() && is_key_char(chars[j]) {
            j += 1;
        }
        let name: String = chars[name_start..j].iter().collect();
        let mut k = skip_blanks(&chars, j);
        if name.is_empty() || chars.get(k) != Some(&'=') {
            i = j.max(i + 2);
            continue;
        }
        k = skip_blanks(&chars, k + 1);
        let mut value_end = dsl_value_end(&chars, k);
        if is_sensitive(&name) {
            // Text glued to the value (`p@ss>word`) is most likely the rest of the secret.
            while chars.get(value_end).is_some_and(|ch| !ch.is_whitespace()) {
                value_end += 1;
            }
            blot(k..value_end, &mut out);
        }
        i = value_end.max(k).max(i + 2);
    }
    for word in &words {
        let mut at = 0;
        while at + word.len() <= out.len() {
            let end = at + word.len();
            let bounded = (at == 0 || !out[at - 1].is_alphanumeric())
                && out.get(end).is_none_or(|ch| !ch.is_alphanumeric());
            if bounded && out[at..end] == word[..] {
                out[at..at + word.len()].fill('*');
                at += word.len();
            } else {
                at += 1;
            }
        }
    }
    out.into_iter().collect()
}

fn skip_blanks(chars: &[char], mut at: usize) -> usize {
    while chars.get(at).is_some_and(|ch| *ch == ' ' || *ch == '\t') {
        at += 1;
    }
    at
}

/// Where a DSL argument value starting at `start` ends (exclusive): unquoted characters up to
/// whitespace, `|`, `;` or `>`, quoted sections (to their closing quote, a doubled quote
/// staying inside, or the end of the line) included.
fn dsl_value_end(chars: &[char], start: usize) -> usize {
    let mut k = start;
    while let Some(&ch) = chars.get(k) {
        match ch {
            '\'' | '"' => {
                k += 1;
                while let Some(&inner) = chars.get(k) {
                    if inner == '\n' {
                        return k;
                    }
                    k += 1;
                    if inner == ch {
                        if chars.get(k) == Some(&ch) {
                            k += 1;
                            continue;
                        }
                        break;
                    }
                }
            }
            _ if ch.is_whitespace() || matches!(ch, '|' | ';' | '>') => return k,
            _ => k += 1,
        }
    }
    k
}

/// Masks the sensitive argument values of `definition`, and the secrets embedded in other
/// argument values, in place ([`mask_value`]); tells whether any was masked.
pub fn mask_definition(definition: &mut StreamDefinition) -> bool {
    let mut masked = false;
    let mut mask = |args: &mut Vec<Arg>| {
        for arg in args {
            let shown = match mask_value(&arg.name, &arg.value) {
                Cow::Borrowed(shown) if shown == arg.value => None,
                shown => Some(shown.into_owned()),
            };
            if let Some(shown) = shown {
                arg.value = shown;
                masked = true;
            }
        }
    };
    for app in &mut definition.apps {
        mask(&mut app.args);
    }
    for destination in [
        &mut definition.source_destination,
        &mut definition.sink_destination,
    ]
    .into_iter()
    .flatten()
    {
        mask(&mut destination.args);
    }
    masked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ending_with_a_sensitive_word_are_sensitive_in_any_case() {
        for key in [
            "password",
            "spring.cloud.config.password",
            "my-api-key",
            "spring.datasource.url",
            "--password",
            "aws.SECRET",
            "AUTH_TOKEN",
            "db.username",
            "vcap_services",
            "azure.credentials.file",
            "CredentialsPath",
        ] {
            assert!(is_sensitive(key), "{key}");
        }
        for key in [
            "log.level",
            "keystore.path",
            "urls.count",
            "passwords.allowed",
        ] {
            assert!(!is_sensitive(key), "{key}");
        }
    }

    #[test]
    fn blank_values_stay_visible_so_users_see_they_are_unset() {
        assert_eq!(mask_value("password", ""), "");
        assert_eq!(mask_value("password", "  "), "  ");
        assert_eq!(mask_value("password", "hunter2"), MASK);
        assert_eq!(mask_value("level", "DEBUG"), "DEBUG");
    }

    #[test]
    fn dsl_values_are_masked() {
        assert_eq!(
            mask_stream_dsl("time --password=x | log"),
            "time --password=****** | log"
        );
        assert_eq!(
            mask_stream_dsl(":in --my.token=abc > log --db.url='jdbc:x y'"),
            ":in --my.token=****** > log --db.url=******"
        );
    }

    #[test]
    fn dsl_without_secrets_keeps_its_layout() {
        let dsl = "time   --fixed-delay=5 |   log";
        assert_eq!(mask_stream_dsl(dsl), dsl);
    }

    #[test]
    fn masked_dsl_still_parses_to_the_same_apps() {
        let masked =
            mask_stream_dsl("a: http --server.port=1 --spring.rabbitmq.password='p w' | b: log");
        let parsed = parse_stream(&masked).expect("masked DSL parses");
        assert_eq!(parsed.apps[0].args[1].value, MASK);
        assert_eq!(parsed.apps[0].args[0].value, "1");
        assert_eq!(parsed.apps[1].label.as_deref(), Some("b"));
    }

    #[test]
    fn stored_definitions_past_the_dsl_limit_are_still_masked() {
        let padding = " --x=1".repeat(dataflow_dsl::MAX_DSL_CHARS / 6 + 1);
        let dsl = format!(
            "time --password=hunter2 --url2='jdbc:mysql://h/db?password=hunter3'{padding} | log"
        );
        assert!(parse_stream(&dsl).is_err(), "past the limit");
        let masked = mask_stream_dsl(&dsl);
        assert!(
            !masked.contains("hunter2") && !masked.contains("hunter3"),
            "{}",
            &masked[..120]
        );
        assert!(masked.contains("jdbc:mysql://h/db"));
    }

    #[test]
    fn dsl_text_that_does_not_parse_is_blotted_in_place() {
        let message = "105E:(pos 30): Unexpected token\ntime --password=hunter2 --x=1 | | log\n                              ^\n";
        let blotted = blot_dsl_text(message);
        assert_eq!(
            blotted,
            "105E:(pos 30): Unexpected token\ntime --password=******* --x=1 | | log\n                              ^\n"
        );
        assert_eq!(blotted.chars().count(), message.chars().count());
        assert_eq!(
            blot_dsl_text("a --db.url='jdbc:x y''z' --token=\"t t\" --level=INFO"),
            "a --db.url=************* --token=***** --level=INFO"
        );
        assert_eq!(blot_dsl_text("a --secret='open"), "a --secret=*****");
        assert_eq!(blot_dsl_text("-- --=x --key"), "-- --=x --key");
        // Quotes inside values, blanks around `=`, `$` in names, as the lexer reads them.
        assert_eq!(
            blot_dsl_text("time --password=ab'c d'ef | | log"),
            "time --password=********* | | log"
        );
        assert_eq!(
            blot_dsl_text("a --password= hunter2 --x=1"),
            "a --password= ******* --x=1"
        );
        assert_eq!(
            blot_dsl_text("a --password =hunter2"),
            "a --password =*******"
        );
        assert_eq!(
            blot_dsl_text("a --db$password=hunter2"),
            "a --db$password=*******"
        );
        // A word of the secret quoted elsewhere (an error's header, a hint) goes too.
        assert_eq!(
            blot_dsl_text("100E: found 'word'\na --password=p@ss>word\nhint: '> :word'"),
            "100E: found '****'\na --password=*********\nhint: '> :****'"
        );
    }

    #[test]
    fn assignments_in_free_text_are_masked() {
        assert_eq!(
            mask_assignments(
                "java -Dspring.datasource.password=x1 -jar a.jar --db.url='jdbc:a b' --level=INFO"
            ),
            (
                "java -Dspring.datasource.password=****** -jar a.jar --db.url=****** --level=INFO"
                    .to_owned(),
                2
            )
        );
        assert_eq!(
            mask_assignments("DB_PASSWORD=hunter2,X=1,API_KEY='a,b'"),
            ("DB_PASSWORD=******,X=1,API_KEY=******".to_owned(), 2)
        );
        assert_eq!(
            mask_assignments("[{name: i, environmentVariables: ['TOKEN=t', 'MODE=x']}]"),
            (
                "[{name: i, environmentVariables: ['TOKEN=******', 'MODE=x']}]".to_owned(),
                1
            )
        );
        assert_eq!(
            mask_assignments("a=b password= =x é=ü"),
            ("a=b password= =x é=ü".to_owned(), 0)
        );
    }

    #[test]
    fn secrets_inside_values_are_masked_and_the_rest_kept_byte_for_byte() {
        for (value, shown, count) in [
            (
                "jdbc:mysql://h/db?user=u&password=hunter2",
                "jdbc:mysql://h/db?user=u&password=******",
                1,
            ),
            (
                "-Dspring.datasource.password=hunter2",
                "-Dspring.datasource.password=******",
                1,
            ),
            ("https://user:hunter2@host/", "https://user:******@host/", 1),
            (
                "jdbc:postgresql://app:hunter2@db:5432/x?ssl=true",
                "jdbc:postgresql://app:******@db:5432/x?ssl=true",
                1,
            ),
            (
                "mongodb://u:p@ss:w@h1:27017,h2/db",
                "mongodb://u:******@h1:27017,h2/db",
                1,
            ),
            (
                "https://h/a?q=1&api_key=abc&x=2#frag",
                "https://h/a?q=1&api_key=******&x=2#frag",
                1,
            ),
            (
                "https://h/?access_token=t&username=bob&user=alice",
                "https://h/?access_token=******&username=******&user=alice",
                2,
            ),
            (
                "jdbc:sqlserver://h;user=sa;password=hunter2;database=x",
                "jdbc:sqlserver://h;user=sa;password=******;database=x",
                1,
            ),
            (
                "jdbc:oracle:thin:scott/hunter2@//h:1521/svc",
                "jdbc:oracle:thin:scott/******@//h:1521/svc",
                1,
            ),
            (
                "amqp://u:a@h/?password=b&token=c -Dx.secret='d e' -ea",
                "amqp://u:******@h/?password=******&token=****** -Dx.secret=****** -ea",
                4,
            ),
            (
                "--spring.datasource.url=jdbc:mysql://u:p@h/db?password=q",
                "--spring.datasource.url=******",
                1,
            ),
        ] {
            assert_eq!(
                mask_assignments(value),
                (shown.to_owned(), count),
                "{value}"
            );
            assert_eq!(mask_value("opts", value), shown, "{value}");
        }
        for unchanged in [
            "https://user@host/path",
            "https://host:8080/@scope/pkg",
            "https://h/a?user=alice&page=2",
            "docker:repo/app@sha256:0123",
            "mail ops@example.com",
            "payload.password=='x'",
            "jdbc:oracle:thin:@//h:1521/svc",
            "http://u:@h/",
        ] {
            assert!(
                matches!(mask_value("opts", unchanged), Cow::Borrowed(v) if v == unchanged),
                "{unchanged}"
            );
            assert_eq!(mask_assignments(unchanged), (unchanged.to_owned(), 0));
        }
        assert_eq!(mask_value("db.password", "https://u:p@h/"), MASK);
        let props = BTreeMap::from([(
            "spring.rabbitmq.addresses".to_owned(),
            "amqp://guest:hunter2@rabbit:5672".to_owned(),
        )]);
        assert_eq!(
            mask_properties(&props)["spring.rabbitmq.addresses"],
            "amqp://guest:******@rabbit:5672"
        );
    }

    #[test]
    fn long_text_is_masked_in_linear_time() {
        // Quadratic scanning would take minutes on these.
        let assignments = "a=".repeat(200_000);
        assert_eq!(mask_assignments(&assignments).1, 0);
        let secrets = "&password=x".repeat(50_000);
        assert_eq!(mask_assignments(&format!("h://u:p@h/?{secrets}")).1, 50_001);
        let authorities = "://a:".repeat(50_000);
        assert_eq!(blot_dsl_text(&authorities).len(), authorities.len());
    }

    #[test]
    fn secrets_inside_dsl_values_are_masked_and_the_dsl_still_parses() {
        let dsl = "s = jdbc --conn='jdbc:mysql://h/db?user=u&password=hunter2' \
                   | log --opts='-Dspring.datasource.password=hunter3 -ea' --level=INFO";
        let masked = mask_stream_dsl(dsl);
        assert!(!masked.contains("hunter"), "{masked}");
        let parsed = parse_stream(&masked).expect("masked DSL parses");
        assert_eq!(
            parsed.apps[0].args[0].value,
            "jdbc:mysql://h/db?user=u&password=******"
        );
        assert_eq!(
            parsed.apps[1].args[0].value,
            "-Dspring.datasource.password=****** -ea"
        );
        assert_eq!(parsed.apps[1].args[1].value, "INFO");
        let mut definition = parse_stream("http --uri=https://u:pw@h/ | log").unwrap();
        assert!(mask_definition(&mut definition));
        assert_eq!(definition.apps[0].args[0].value, "https://u:******@h/");
    }

    #[test]
    fn secrets_inside_dsl_text_that_does_not_parse_are_blotted_in_place() {
        let message = "105E:(pos 60): Unexpected token\n\
                       time --conn='jdbc:mysql://u:hunter2@h/db?user=u&password=hunter3' | | log\n";
        let blotted = blot_dsl_text(message);
        assert_eq!(
            blotted,
            "105E:(pos 60): Unexpected token\n\
             time --conn='jdbc:mysql://u:*******@h/db?user=u&password=*******' | | log\n"
        );
        assert_eq!(
            blot_dsl_text("a --opts=-Dx.token=abc123 b\nfound 'abc123'"),
            "a --opts=-Dx.token=****** b\nfound '******'"
        );
    }

    #[test]
    fn property_maps_are_masked_by_key() {
        let props = BTreeMap::from([
            (
                "app.http.spring.rabbitmq.password".to_owned(),
                "p".to_owned(),
            ),
            ("deployer.http.count".to_owned(), "2".to_owned()),
        ]);
        let masked = mask_properties(&props);
        assert_eq!(masked["app.http.spring.rabbitmq.password"], MASK);
        assert_eq!(masked["deployer.http.count"], "2");
    }

    /// Blotting and masking `dsl` both hide `secret`; blotting keeps every position, and the masked
    /// text parses to the same apps and arguments.
    fn secret_never_survives(
        dsl: &str,
        secret: &str,
    ) -> Result<(), proptest::test_runner::TestCaseError> {
        let blotted = blot_dsl_text(dsl);
        proptest::prop_assert!(!blotted.contains(secret), "{blotted}");
        proptest::prop_assert_eq!(blotted.chars().count(), dsl.chars().count());
        let masked = mask_stream_dsl(dsl);
        proptest::prop_assert!(!masked.contains(secret), "{masked}");
        let before = parse_stream(dsl).expect("generated DSL parses");
        let after = parse_stream(&masked).expect("masked DSL parses");
        let shape = |d: &StreamDefinition| -> Vec<(String, Vec<String>)> {
            d.apps
                .iter()
                .map(|a| {
                    (
                        a.name.clone(),
                        a.args.iter().map(|x| x.name.clone()).collect(),
                    )
                })
                .collect()
        };
        proptest::prop_assert_eq!(shape(&before), shape(&after));
        Ok(())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 500,
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// Whatever the layout, quoting and position of a sensitive argument, its value never
        /// survives masking (the masked text still parses to the same apps and arguments) nor
        /// blotting (which keeps every position).
        #[test]
        fn sensitive_values_never_survive(
            prefix in "[a-z]{1,6}(\\.[a-z]{1,6}){0,2}",
            word in proptest::sample::select(&SENSITIVE_ENDINGS[..]),
            secret in "[A-Z0-9]{6,12}( [A-Z0-9]{1,4})?",
            quoted in proptest::prelude::any::<bool>(),
            on_source in proptest::prelude::any::<bool>(),
            spaces in " {1,3}",
        ) {
            let key = format!("{prefix}.{word}");
            let value = if quoted || secret.contains(' ') { format!("'{secret}'") } else { secret.clone() };
            let dsl = if on_source {
                format!("s = http{spaces}--{key}={value} --port=80{spaces}|{spaces}log")
            } else {
                format!("s = :in > filter --expression=x{spaces}--{key}={value}")
            };
            secret_never_survives(&dsl, &secret)?;
        }

        /// A secret embedded in the value of an argument that is not itself sensitive (a JVM
        /// option, a URL query parameter, a URL's user information) never survives masking nor
        /// blotting, and the masked text still parses to the same apps and arguments.
        #[test]
        fn embedded_secrets_never_survive(
            prefix in "[a-z]{1,6}(\\.[a-z]{1,6}){0,2}",
            word in proptest::sample::select(&SENSITIVE_ENDINGS[..]),
            secret in "[A-Z0-9][A-Za-z0-9_.~!%+-]{5,11}",
            form in 0..5_usize,
            quoted in proptest::prelude::any::<bool>(),
            on_source in proptest::prelude::any::<bool>(),
        ) {
            let value = match form {
                0 => format!("'-ea -D{prefix}.{word}={secret} -server'"),
                1 => format!("'jdbc:mysql://h/db?user=u&{word}={secret}&ssl=true'"),
                2 => format!("https://user:{secret}@host/path"),
                3 => format!("jdbc:mysql://app:{secret}@h:3306/db?ssl=true"),
                _ => format!("jdbc:oracle:thin:scott/{secret}@//h:1521/svc"),
            };
            let value = if quoted && !value.starts_with('\'') { format!("'{value}'") } else { value };
            let dsl = if on_source {
                format!("s = http --conn={value} --port=80 | log")
            } else {
                format!("s = :in > jdbc --conn={value}")
            };
            secret_never_survives(&dsl, &secret)?;
        }
    }
}
