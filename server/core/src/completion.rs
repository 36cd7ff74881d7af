//! DSL completion, as SCDF's `/completions/stream` and `/completions/task` offer it: given the
//! text typed so far and the registered apps (with their options when their metadata is known),
//! propose whole continued definitions.
//!
//! The text being completed is incomplete by nature, so this works on the text's tail rather than
//! on a parse: the last separator outside quotes (`|`, `||`, `>`, `&&`, `->`, `<`, …) tells which
//! kind of app comes next, and the current segment tells whether an app name, an option name or
//! an option value is being typed.
//!
//! | typed so far | proposals |
//! |---|---|
//! | nothing | sources and plain apps (tasks: task apps) |
//! | `… \|` | processors and sinks |
//! | `… \|\|` | plain apps |
//! | `:dest >` | processors and sinks |
//! | an unfinished app name | the registered names it starts |
//! | a complete app name | its options, and `\| next` (tasks: `&& next`) |
//! | `-` | `--` |
//! | `--` or `--par` | the app's options (visible ones at detail level 1, all above) |
//! | `--opt=` or `--opt=va` | the option's value hints |
//! | a task's `-> :` or `-> :la` | the labels the definition defines |
//! | a stream's `:` or `:na` (first, or after `>`) | known destinations and taps `:stream.label` |
//!
//! Known destinations come from the stored streams (see
//! [`crate::stream::known_destinations`]).

use crate::app::AppType;

/// An app the completion may propose, with what its metadata says of its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogApp {
    /// Registered name.
    pub name: String,
    /// Registered type.
    pub app_type: AppType,
    /// Configuration options (empty when the app's metadata is unknown).
    pub options: Vec<AppOption>,
}

/// A configuration option of an app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppOption {
    /// Full property name, e.g. `trigger.fixed-delay`.
    pub id: String,
    /// One-line description.
    pub description: String,
    /// Values worth proposing (booleans, enum constants, metadata hints).
    pub hints: Vec<String>,
    /// Whether the app lists it among its main ("visible") options.
    pub visible: bool,
}

/// A destination name worth proposing after `:`: another stream's app to tap
/// (`mystream.http`), or a named destination some stream reads or writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownDestination {
    /// The name without its `:`.
    pub name: String,
    /// Why it is proposed, e.g. `tap of stream mystream at app http`.
    pub explanation: String,
}

/// One proposal: the whole resulting DSL text and why it is proposed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// The typed text with the completion applied.
    pub text: String,
    /// A short explanation for the user.
    pub explanation: String,
}

/// Which DSL is completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dsl {
    Stream,
    Task,
}

/// What the tail of the text says comes next.
#[derive(Debug, PartialEq, Eq)]
enum Context<'a> {
    /// A new app of one of these types.
    NewApp(&'static [AppType]),
    /// An app name being typed (the prefix so far).
    AppName(&'static [AppType], &'a str),
    /// After a complete app and whitespace: options, or the next app.
    AfterApp {
        app: &'a str,
        types: &'static [AppType],
        used: Vec<&'a str>,
    },
    /// A lone `-`.
    Dash,
    /// An option name being typed after `--`.
    OptionName {
        app: &'a str,
        types: &'static [AppType],
        prefix: &'a str,
        used: Vec<&'a str>,
    },
    /// An option value being typed after `--name=`.
    OptionValue {
        app: &'a str,
        types: &'static [AppType],
        option: &'a str,
        prefix: &'a str,
    },
    /// Nothing sensible to propose (a destination name, an unclosed quote…).
    Nothing,
}

const SOURCE_OR_APP: &[AppType] = &[AppType::Source, AppType::App];
const PROCESSOR_OR_SINK: &[AppType] = &[AppType::Processor, AppType::Sink];
const APP: &[AppType] = &[AppType::App];
const TASK: &[AppType] = &[AppType::Task];

/// Completes a stream definition; `destinations` are proposed after a `:`.
pub fn complete_stream(
    start: &str,
    detail_level: u32,
    catalog: &[CatalogApp],
    destinations: &[KnownDestination],
) -> Vec<Proposal> {
    if let Some(prefix) = destination_prefix(start) {
        return destinations
            .iter()
            .filter(|d| d.name.starts_with(prefix) && d.name != prefix)
            .map(|d| Proposal {
                text: format!("{start}{}", &d.name[prefix.len()..]),
                explanation: d.explanation.clone(),
            })
            .collect();
    }
    propose(Dsl::Stream, start, detail_level, catalog)
}

/// Completes a task definition.
pub fn complete_task(start: &str, detail_level: u32, catalog: &[CatalogApp]) -> Vec<Proposal> {
    propose(Dsl::Task, start, detail_level, catalog)
}

/// The part of a destination name typed after a `:` that opens a stream (source destination)
/// or follows a `>` (sink destination), if the text ends in one.
fn destination_prefix(text: &str) -> Option<&str> {
    let (end, _) = last_separator(Dsl::Stream, text)?;
    let before = text[..end].trim_end();
    let opens_stream = before.is_empty() || before.ends_with('=');
    if !opens_stream && !before.ends_with('>') {
        return None;
    }
    let name = text[end..].trim_start().strip_prefix(':')?;
    (!name.contains(char::is_whitespace)).then_some(name)
}

fn propose(dsl: Dsl, start: &str, detail_level: u32, catalog: &[CatalogApp]) -> Vec<Proposal> {
    let apps_of = |types: &[AppType]| {
        let mut apps: Vec<&CatalogApp> = catalog
            .iter()
            .filter(|a| types.contains(&a.app_type))
            .collect();
        apps.sort_by(|a, b| a.name.cmp(&b.name).then(a.app_type.cmp(&b.app_type)));
        apps.dedup_by(|a, b| a.name == b.name);
        apps
    };
    let find = |name: &str, types: &[AppType]| {
        catalog
            .iter()
            .find(|a| a.name == name && types.contains(&a.app_type))
    };
    let options_of = |app: &CatalogApp, used: &[&str]| -> Vec<AppOption> {
        let all_hidden = app.options.iter().all(|o| !o.visible);
        app.options
            .iter()
            .filter(|o| detail_level > 1 || o.visible || all_hidden)
            .filter(|o| !used.contains(&o.id.as_str()))
            .cloned()
            .collect()
    };
    let separator = if start.is_empty() || start.ends_with(char::is_whitespace) {
        ""
    } else {
        " "
    };
    let next_types = match dsl {
        Dsl::Stream => PROCESSOR_OR_SINK,
        Dsl::Task => TASK,
    };
    let (joiner, joiner_explanation) = match dsl {
        Dsl::Stream => ("|", "then"),
        Dsl::Task => ("&&", "when it succeeds, then"),
    };

    let mut proposals = Vec::new();
    if dsl == Dsl::Task
        && let Some(prefix) = label_reference(start)
    {
        for label in task_labels(start) {
            if label.starts_with(prefix) && label != prefix {
                proposals.push(Proposal {
                    text: format!("{start}{}", &label[prefix.len()..]),
                    explanation: format!("the step labelled {label}"),
                });
            }
        }
        return proposals;
    }
    match context(dsl, start) {
        Context::NewApp(types) => {
            for app in apps_of(types) {
                proposals.push(Proposal {
                    text: format!("{start}{separator}{}", app.name),
                    explanation: format!("{} app {}", type_words(app.app_type), app.name),
                });
            }
        }
        Context::AppName(types, prefix) => {
            for app in apps_of(types)
                .into_iter()
                .filter(|a| a.name.starts_with(prefix))
            {
                if app.name == prefix {
                    continue;
                }
                proposals.push(Proposal {
                    text: format!("{start}{}", &app.name[prefix.len()..]),
                    explanation: format!("{} app {}", type_words(app.app_type), app.name),
                });
            }
            if let Some(app) = find(prefix, types) {
                for option in options_of(app, &[]) {
                    proposals.push(option_proposal(&format!("{start} --"), "", &option));
                }
                if types != APP {
                    for next in apps_of(next_types) {
                        proposals.push(Proposal {
                            text: format!("{start} {joiner} {}", next.name),
                            explanation: format!(
                                "{joiner_explanation} {} app {}",
                                type_words(next.app_type),
                                next.name
                            ),
                        });
                    }
                }
            }
        }
        Context::AfterApp { app, types, used } => {
            if let Some(app) = find(app, types) {
                for option in options_of(app, &used) {
                    proposals.push(option_proposal(&format!("{start}--"), "", &option));
                }
            }
            if types != APP {
                for next in apps_of(next_types) {
                    proposals.push(Proposal {
                        text: format!("{start}{joiner} {}", next.name),
                        explanation: format!(
                            "{joiner_explanation} {} app {}",
                            type_words(next.app_type),
                            next.name
                        ),
                    });
                }
            }
        }
        Context::Dash => proposals.push(Proposal {
            text: format!("{start}-"),
            explanation: "an option of the app, --name=value".to_owned(),
        }),
        Context::OptionName {
            app,
            types,
            prefix,
            used,
        } => {
            if let Some(app) = find(app, types) {
                for option in options_of(app, &used) {
                    if option.id.starts_with(prefix) && option.id != prefix {
                        proposals.push(option_proposal(start, prefix, &option));
                    }
                }
            }
        }
        Context::OptionValue {
            app,
            types,
            option,
            prefix,
        } => {
            let hints = find(app, types)
                .and_then(|a| a.options.iter().find(|o| o.id == option))
                .map(|o| o.hints.clone())
                .unwrap_or_default();
            for hint in hints
                .iter()
                .filter(|h| h.starts_with(prefix) && h.as_str() != prefix)
            {
                proposals.push(Proposal {
                    text: format!("{start}{}", &hint[prefix.len()..]),
                    explanation: format!("a value of {option}"),
                });
            }
        }
        Context::Nothing => {}
    }
    proposals
}

fn option_proposal(typed: &str, prefix: &str, option: &AppOption) -> Proposal {
    Proposal {
        text: format!("{typed}{}=", &option.id[prefix.len()..]),
        explanation: if option.description.is_empty() {
            format!("option {}", option.id)
        } else {
            option.description.clone()
        },
    }
}

fn type_words(app_type: AppType) -> &'static str {
    match app_type {
        AppType::App => "plain",
        AppType::Source => "source",
        AppType::Processor => "processor",
        AppType::Sink => "sink",
        AppType::Task => "task",
    }
}

/// Finds what comes next at the end of `text`.
fn context(dsl: Dsl, text: &str) -> Context<'_> {
    let Some((separator_end, types)) = last_separator(dsl, text) else {
        return Context::Nothing;
    };
    let segment = &text[separator_end..];
    let body = segment.trim_start();
    if body.is_empty() {
        return match types {
            Some(types) => Context::NewApp(types),
            None => Context::Nothing,
        };
    }
    let Some(types) = types else {
        return Context::Nothing;
    };
    if body.starts_with(':') || body.starts_with('\'') || body.starts_with('"') {
        return Context::Nothing;
    }
    // An optional `label:` (followed by whitespace) before the app name.
    let body = match body.split_once(':') {
        Some((label, rest)) if is_identifier(label) && rest.starts_with(char::is_whitespace) => {
            let rest = rest.trim_start();
            if rest.is_empty() {
                return Context::NewApp(types);
            }
            rest
        }
        _ => body,
    };
    let name_len = body
        .find(|c: char| !is_identifier_char(c))
        .unwrap_or(body.len());
    let (app, rest) = body.split_at(name_len);
    if app.is_empty() {
        return Context::Nothing;
    }
    if rest.is_empty() {
        return Context::AppName(types, app);
    }
    let used = used_options(rest);
    let last_word_start = rest.rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let last_word = &rest[last_word_start..];
    if last_word.is_empty() {
        return Context::AfterApp { app, types, used };
    }
    if last_word == "-" {
        return Context::Dash;
    }
    let Some(option) = last_word.strip_prefix("--") else {
        return Context::Nothing;
    };
    match option.split_once('=') {
        None => Context::OptionName {
            app,
            types,
            prefix: option,
            used,
        },
        Some((name, value)) if !value.starts_with(['\'', '"']) => Context::OptionValue {
            app,
            types,
            option: name,
            prefix: value,
        },
        Some(_) => Context::Nothing,
    }
}

/// The byte offset just after the last separator outside quotes, and the app types that may
/// follow it (`None` where no app may follow, such as after `app >`); `None` overall when the
/// text ends inside a quoted value.
fn last_separator(dsl: Dsl, text: &str) -> Option<(usize, Option<&'static [AppType]>)> {
    let first = match dsl {
        Dsl::Stream => SOURCE_OR_APP,
        Dsl::Task => TASK,
    };
    let mut found: (usize, Option<&'static [AppType]>) = (0, Some(first));
    // Skip a `name =` prefix of a stream.
    if dsl == Dsl::Stream
        && let Some((name, _)) = text.split_once('=')
        && is_identifier(name.trim())
        && !name.contains("--")
    {
        found.0 = name.len() + 1;
    }
    let bytes = text.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = found.0;
    while i < bytes.len() {
        let b = bytes[i];
        if let Some(q) = quote {
            if b == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        let next = bytes.get(i + 1).copied();
        let (width, types): (usize, Option<Option<&'static [AppType]>>) = match (dsl, b, next) {
            (_, b'\'' | b'"', _) => {
                quote = Some(b);
                (1, None)
            }
            (Dsl::Stream, b'|', Some(b'|')) => (2, Some(Some(APP))),
            (Dsl::Stream, b'|', _) => (1, Some(Some(PROCESSOR_OR_SINK))),
            (Dsl::Stream, b'>', _) => {
                // `:dest >` opens the stream: an app follows. `app >` wants a sink destination.
                let before = text[..i].trim();
                let source = before.starts_with(':') && !before.contains('|');
                (1, Some(source.then_some(PROCESSOR_OR_SINK)))
            }
            (Dsl::Task, b'&', Some(b'&')) | (Dsl::Task, b'|', Some(b'|')) => (2, Some(Some(TASK))),
            (Dsl::Task, b'-', Some(b'>')) => (2, Some(Some(TASK))),
            (Dsl::Task, b'<' | b'(' | b';' | b'\n', _) => (1, Some(Some(TASK))),
            _ => (1, None),
        };
        if let Some(types) = types {
            found = (i + width, types);
        }
        i += width;
    }
    quote.is_none().then_some(found)
}

/// The label prefix typed after `-> :`, if the text ends in a transition to a label.
fn label_reference(text: &str) -> Option<&str> {
    let (before, prefix) = text.rsplit_once(':')?;
    (prefix.chars().all(is_identifier_char) && before.trim_end().ends_with("->")).then_some(prefix)
}

/// Labels defined in a task definition: identifiers followed by `:` that are not themselves a
/// transition target (`-> :label`).
fn task_labels(text: &str) -> Vec<&str> {
    let mut labels = Vec::new();
    let mut rest = text;
    while let Some(colon) = rest.find(':') {
        let before = rest[..colon].trim_end();
        let start = before
            .rfind(|c: char| !is_identifier_char(c))
            .map_or(0, |i| i + 1);
        let label = &before[start..];
        let after = &rest[colon + 1..];
        let is_reference = label.is_empty() && before.ends_with("->");
        if is_identifier(label) && !is_reference && after.starts_with(char::is_whitespace) {
            labels.push(label);
        }
        rest = after;
    }
    labels.sort_unstable();
    labels.dedup();
    labels
}

/// Option names given as `--name=…` in `args`.
fn used_options(args: &str) -> Vec<&str> {
    args.split_whitespace()
        .filter_map(|w| w.strip_prefix("--"))
        .filter_map(|w| w.split_once('=').map(|(name, _)| name))
        .collect()
}

fn is_identifier_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '$')
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty() && s.chars().all(is_identifier_char) && !s.starts_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Vec<CatalogApp> {
        let option = |id: &str, visible: bool, hints: &[&str]| AppOption {
            id: id.to_owned(),
            description: format!("about {id}"),
            hints: hints.iter().map(|h| (*h).to_owned()).collect(),
            visible,
        };
        vec![
            CatalogApp {
                name: "time".to_owned(),
                app_type: AppType::Source,
                options: vec![
                    option("trigger.fixed-delay", true, &[]),
                    option("trigger.time-unit", true, &["SECONDS", "MILLISECONDS"]),
                    option("spring.main.banner-mode", false, &["off", "console"]),
                ],
            },
            CatalogApp {
                name: "trucks".to_owned(),
                app_type: AppType::Source,
                options: vec![],
            },
            CatalogApp {
                name: "transform".to_owned(),
                app_type: AppType::Processor,
                options: vec![],
            },
            CatalogApp {
                name: "log".to_owned(),
                app_type: AppType::Sink,
                options: vec![],
            },
            CatalogApp {
                name: "server".to_owned(),
                app_type: AppType::App,
                options: vec![],
            },
            CatalogApp {
                name: "thumbinator".to_owned(),
                app_type: AppType::Task,
                options: vec![],
            },
            CatalogApp {
                name: "timestamp".to_owned(),
                app_type: AppType::Task,
                options: vec![],
            },
        ]
    }

    fn texts(proposals: &[Proposal]) -> Vec<String> {
        proposals.iter().map(|p| p.text.clone()).collect()
    }

    #[test]
    fn empty_text_proposes_sources_and_plain_apps() {
        let got = complete_stream("", 1, &catalog(), &[]);
        assert_eq!(texts(&got), ["server", "time", "trucks"]);
        assert_eq!(got[1].explanation, "source app time");
        assert_eq!(
            texts(&complete_task("", 1, &catalog())),
            ["thumbinator", "timestamp"]
        );
    }

    #[test]
    fn after_a_pipe_come_processors_and_sinks() {
        assert_eq!(
            texts(&complete_stream("time |", 1, &catalog(), &[])),
            ["time | log", "time | transform"]
        );
        assert_eq!(
            texts(&complete_stream("time | ", 1, &catalog(), &[])),
            ["time | log", "time | transform"]
        );
        assert_eq!(
            texts(&complete_stream("server ||", 1, &catalog(), &[])),
            ["server || server"]
        );
        assert_eq!(
            texts(&complete_stream(":orders > ", 1, &catalog(), &[])),
            [":orders > log", ":orders > transform"]
        );
        assert!(
            complete_stream("time > ", 1, &catalog(), &[]).is_empty(),
            "a sink destination comes next"
        );
    }

    #[test]
    fn unfinished_names_are_completed() {
        assert_eq!(
            texts(&complete_stream("t", 1, &catalog(), &[])),
            ["time", "trucks"]
        );
        assert_eq!(
            texts(&complete_stream("time | tr", 1, &catalog(), &[])),
            ["time | transform"]
        );
        assert_eq!(
            texts(&complete_stream("mystream = tr", 1, &catalog(), &[])),
            ["mystream = trucks"]
        );
        assert_eq!(
            texts(&complete_stream("time | l: tr", 1, &catalog(), &[])),
            ["time | l: transform"]
        );
        assert_eq!(
            texts(&complete_task("a && thu", 1, &catalog())),
            ["a && thumbinator"]
        );
        assert_eq!(
            texts(&complete_task("<a || ti", 1, &catalog())),
            ["<a || timestamp"]
        );
        assert_eq!(
            texts(&complete_task("a 'FAILED' -> ti", 1, &catalog())),
            ["a 'FAILED' -> timestamp"]
        );
    }

    #[test]
    fn a_complete_name_proposes_its_options_and_what_follows() {
        let got = texts(&complete_stream("time", 1, &catalog(), &[]));
        assert_eq!(
            got,
            [
                "time --trigger.fixed-delay=",
                "time --trigger.time-unit=",
                "time | log",
                "time | transform"
            ]
        );
        let all = texts(&complete_stream("time", 2, &catalog(), &[]));
        assert!(
            all.iter().any(|t| t == "time --spring.main.banner-mode="),
            "detail level 2 shows every option"
        );
        assert_eq!(
            texts(&complete_task("timestamp", 1, &catalog())),
            ["timestamp && thumbinator", "timestamp && timestamp"]
        );
    }

    #[test]
    fn options_are_completed_after_dashes() {
        assert_eq!(
            texts(&complete_stream("time -", 1, &catalog(), &[])),
            ["time --"]
        );
        assert_eq!(
            texts(&complete_stream("time --", 1, &catalog(), &[])),
            ["time --trigger.fixed-delay=", "time --trigger.time-unit="]
        );
        assert_eq!(
            texts(&complete_stream("time --trigger.t", 1, &catalog(), &[])),
            ["time --trigger.time-unit="]
        );
        let after = texts(&complete_stream(
            "time --trigger.fixed-delay=5 ",
            1,
            &catalog(),
            &[],
        ));
        assert_eq!(
            after,
            [
                "time --trigger.fixed-delay=5 --trigger.time-unit=",
                "time --trigger.fixed-delay=5 | log",
                "time --trigger.fixed-delay=5 | transform"
            ]
        );
    }

    #[test]
    fn option_values_come_from_hints() {
        assert_eq!(
            texts(&complete_stream(
                "time --trigger.time-unit=",
                1,
                &catalog(),
                &[]
            )),
            [
                "time --trigger.time-unit=SECONDS",
                "time --trigger.time-unit=MILLISECONDS"
            ]
        );
        assert_eq!(
            texts(&complete_stream(
                "time --trigger.time-unit=MI",
                1,
                &catalog(),
                &[],
            )),
            ["time --trigger.time-unit=MILLISECONDS"]
        );
    }

    fn destinations() -> Vec<KnownDestination> {
        ["orders", "mystream.http", "mystream.log", "other.time"]
            .iter()
            .map(|name| KnownDestination {
                name: (*name).to_owned(),
                explanation: format!("about {name}"),
            })
            .collect()
    }

    #[test]
    fn destinations_and_taps_are_proposed_after_a_colon() {
        let known = destinations();
        assert_eq!(
            texts(&complete_stream(":", 1, &catalog(), &known)),
            [":orders", ":mystream.http", ":mystream.log", ":other.time"]
        );
        assert_eq!(
            texts(&complete_stream(":mystream.", 1, &catalog(), &known)),
            [":mystream.http", ":mystream.log"]
        );
        assert_eq!(
            texts(&complete_stream("s = :o", 1, &catalog(), &known)),
            ["s = :orders", "s = :other.time"]
        );
        assert_eq!(
            texts(&complete_stream("time > :or", 1, &catalog(), &known)),
            ["time > :orders"]
        );
        let explained = complete_stream(":orde", 1, &catalog(), &known);
        assert_eq!(explained[0].explanation, "about orders");
        // Not a destination position: a `:` inside a value, or after `|`.
        assert!(complete_stream("time --x=:or", 1, &catalog(), &known).is_empty());
        assert!(complete_stream("time | :or", 1, &catalog(), &known).is_empty());
        // A complete name proposes nothing more.
        assert!(complete_stream(":orders", 1, &catalog(), &known).is_empty());
    }

    #[test]
    fn nothing_is_proposed_inside_quotes_or_destinations() {
        assert!(complete_stream("time --format='a | ", 1, &catalog(), &[]).is_empty());
        assert!(complete_stream(":ord", 1, &catalog(), &[]).is_empty());
        assert!(complete_stream("time | ???", 1, &catalog(), &[]).is_empty());
    }

    #[test]
    fn transitions_to_labels_propose_the_labels_defined() {
        let got = texts(&complete_task(
            "fix: cleanup && main: thumbinator 'FAILED' -> :",
            1,
            &catalog(),
        ));
        assert_eq!(
            got,
            [
                "fix: cleanup && main: thumbinator 'FAILED' -> :fix",
                "fix: cleanup && main: thumbinator 'FAILED' -> :main"
            ]
        );
        let partial = texts(&complete_task("fix: a && b 'FAILED' -> :f", 1, &catalog()));
        assert_eq!(partial, ["fix: a && b 'FAILED' -> :fix"]);
    }

    #[test]
    fn never_panics_on_odd_text() {
        for text in [
            "|", "||||", ">", "=", "a=", "--", "é|ü", "a: ", ":", "'", "time --=", "<<<", "->",
        ] {
            let _ = complete_stream(text, 1, &catalog(), &[]);
            let _ = complete_task(text, 1, &catalog());
        }
    }
}
