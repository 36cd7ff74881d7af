//! Masking of sensitive values before they leave the server (reference §8.2).
//!
//! A property is sensitive when its key, ignoring case, ends with `username`, `password`,
//! `secret`, `key`, `token`, `vcap_services` or `url`, or contains `credentials`: so
//! `spring.cloud.config.password`, `my-api-key` and `spring.datasource.url` are masked. A
//! sensitive, non-blank value is replaced by [`MASK`].

use std::collections::BTreeMap;

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

/// `value`, or [`MASK`] when `key` is sensitive and `value` is not blank.
pub fn mask_value<'a>(key: &str, value: &'a str) -> &'a str {
    if is_sensitive(key) && !value.trim().is_empty() {
        MASK
    } else {
        value
    }
}

/// A copy of `properties` with sensitive values masked.
pub fn mask_properties(properties: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    properties
        .iter()
        .map(|(key, value)| (key.clone(), mask_value(key, value).to_owned()))
        .collect()
}

/// Stream DSL text with the values of sensitive arguments masked: `time --password=x | log`
/// becomes `time --password=****** | log` (SCDF quotes the mask, `'******'`; both read back
/// the same).
///
/// Text with nothing to mask is returned exactly as given (SCDF re-renders it in every case,
/// losing the user's layout). Text that does not parse is returned as given: it holds no
/// argument the server could have understood, and stored definitions always parse.
pub fn mask_stream_dsl(dsl: &str) -> String {
    let Ok(mut definition) = parse_stream(dsl) else {
        return dsl.to_owned();
    };
    if mask_definition(&mut definition) {
        print_stream(&definition)
    } else {
        dsl.to_owned()
    }
}

/// Free text (a command line, JVM options, a list of `K=V` pairs, a YAML snippet) with the value
/// of every `key=value` assignment whose key is sensitive replaced by [`MASK`]:
/// `java -Dspring.datasource.password=x -jar a.jar` becomes
/// `java -Dspring.datasource.password=****** -jar a.jar`. A value runs to the end of its quotes,
/// else to whitespace or one of `,;'"]}`. Returns the text and how many values were masked.
pub fn mask_assignments(text: &str) -> (String, usize) {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut masked = 0;
    let mut copied = 0; // chars[..copied] are in `out`
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '=' {
            i += 1;
            continue;
        }
        let mut key_start = i;
        while key_start > 0 && is_key_char(chars[key_start - 1]) {
            key_start -= 1;
        }
        let key: String = chars[key_start..i].iter().collect();
        let value_start = i + 1;
        let value_end = assignment_value_end(&chars, value_start);
        let key = key.trim_start_matches('-');
        if !key.is_empty() && is_sensitive(key) && value_end > value_start {
            out.extend(&chars[copied..value_start]);
            out.push_str(MASK);
            copied = value_end;
            masked += 1;
        }
        i = value_end.max(value_start);
    }
    out.extend(&chars[copied.min(chars.len())..]);
    (out, masked)
}

fn is_key_char(ch: char) -> bool {
    ch.is_alphanumeric() || matches!(ch, '.' | '_' | '-' | '$')
}

/// Where an assignment's value starting at `start` ends (exclusive).
fn assignment_value_end(chars: &[char], start: usize) -> usize {
    match chars.get(start) {
        Some(&quote @ ('\'' | '"')) => chars[start + 1..]
            .iter()
            .position(|&ch| ch == quote)
            .map_or(chars.len(), |offset| start + 1 + offset + 1),
        _ => chars[start..]
            .iter()
            .position(|&ch| ch.is_whitespace() || matches!(ch, ',' | ';' | '\'' | '"' | ']' | '}'))
            .map_or(chars.len(), |offset| start + offset),
    }
}

/// Text holding DSL that may not parse (an error message quoting the user's definition) with
/// the values of sensitive `--name=value` arguments blotted out character for character: every
/// character of such a value becomes `*`, so the lengths, and the positions and carets of a
/// DSL error message, stay right. Values are read as the lexer reads them: unquoted runs up to
/// whitespace, `|`, `;` or `>`, with quoted sections (`'…'`, `"…"`) inside; blanks around the
/// `=` (themselves errors) are allowed, and text glued to a sensitive value (`p@ss>word`) is
/// taken as part of it. Words of a blotted value that appear elsewhere in the text as whole words
/// (an error's header or hint quoting a token) are blotted there too.
pub fn blot_dsl_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = chars.clone();
    let mut words: Vec<Vec<char>> = Vec::new();
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
            for ch in &mut out[k..value_end] {
                if *ch != '\n' {
                    *ch = '*';
                }
            }
            words.extend(
                chars[k..value_end]
                    .split(|ch| !ch.is_alphanumeric())
                    .filter(|word| word.len() >= 3)
                    .map(<[char]>::to_vec),
            );
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

/// Masks the sensitive argument values of `definition` in place; tells whether any was masked.
pub fn mask_definition(definition: &mut StreamDefinition) -> bool {
    let mut masked = false;
    let mut mask = |args: &mut Vec<Arg>| {
        for arg in args {
            let shown = mask_value(&arg.name, &arg.value);
            if shown != arg.value {
                arg.value = shown.to_owned();
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
            let blotted = blot_dsl_text(&dsl);
            proptest::prop_assert!(!blotted.contains(&secret), "{blotted}");
            proptest::prop_assert_eq!(blotted.chars().count(), dsl.chars().count());
            let masked = mask_stream_dsl(&dsl);
            proptest::prop_assert!(!masked.contains(&secret), "{masked}");
            let before = parse_stream(&dsl).expect("generated DSL parses");
            let after = parse_stream(&masked).expect("masked DSL parses");
            let shape = |d: &StreamDefinition| -> Vec<(String, Vec<String>)> {
                d.apps.iter().map(|a| (a.name.clone(), a.args.iter().map(|x| x.name.clone()).collect())).collect()
            };
            proptest::prop_assert_eq!(shape(&before), shape(&after));
        }
    }
}
