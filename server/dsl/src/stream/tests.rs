//! Tests of the stream DSL against SCDF's behaviour: the reference examples (byte for byte), the
//! expectations of SCDF's own `StreamParserTests`, a corpus of definitions and errors (insta
//! snapshots, each checked against those facts), and properties (round trip, no panic).

use proptest::prelude::*;
use serde::Serialize;

use super::arbitrary::arb_stream_definition;
use super::*;

fn parse(dsl: &str) -> StreamDefinition {
    parse_stream(dsl).unwrap_or_else(|e| panic!("{dsl:?} should parse:\n{e}"))
}

fn error(dsl: &str) -> DslError {
    match parse_stream(dsl) {
        Ok(def) => panic!("{dsl:?} should fail but parsed {def:?}"),
        Err(e) => e,
    }
}

use crate::error::DslError;
use crate::limits::{MAX_DSL_CHARS, check_length};

/// Code, position and inserts of the error `dsl` raises.
fn fails(dsl: &str, code: u16, position: usize, inserts: &[&str]) {
    let e = error(dsl);
    assert_eq!(
        (e.code(), e.position),
        (code, Some(position)),
        "{dsl:?}: {}",
        e.formatted()
    );
    for (i, insert) in inserts.iter().enumerate() {
        assert_eq!(
            e.inserts.get(i).map(String::as_str),
            Some(*insert),
            "{dsl:?} insert {i}"
        );
    }
}

fn arg_value(dsl: &str, app: usize) -> String {
    parse(dsl).apps[app].args[0].value.clone()
}

/// One definition for a YAML snapshot.
#[derive(Serialize)]
struct Case {
    dsl: String,
    kinds: Vec<AppKind>,
    definition: StreamDefinition,
}

fn cases(dsls: &[&str]) -> Vec<Case> {
    dsls.iter()
        .map(|dsl| {
            let definition = parse(dsl);
            Case {
                dsl: (*dsl).to_owned(),
                kinds: definition.app_kinds(),
                definition,
            }
        })
        .collect()
}

/// Errors as one text snapshot: the DSL (debug-quoted), then the formatted error.
fn errors(dsls: &[&str]) -> String {
    let mut out = String::new();
    for dsl in dsls {
        out.push_str(&format!("=== {dsl:?}\n{}", error(dsl).formatted()));
    }
    out
}

// ----- reference §2.1: exact rendering -----------------------------------------------------

#[test]
fn reference_2_1_messages_byte_for_byte() {
    let expected = [
        (
            "foo --.spring.cloud.stream.metrics.properties=spring* | bar",
            "111E:(pos 6): Unexpected token.  Expected '.' but was '{1}'\n\
             foo --.spring.cloud.stream.metrics.properties=spring* | bar\n   *  ^\n",
        ),
        (
            "http | foo: goggle: bar | file",
            "156E:(pos 12): multiple labels are not supported\n\
             http | foo: goggle: bar | file\n    *       ^\n",
        ),
        (
            "foo > bar",
            "133E:(pos 6): Expected destination prefix but found 'bar'\nfoo > bar\n   *  ^\n",
        ),
        (
            "http | filter | transform | transform | file",
            "143E:(pos 28): label 'transform' should be unique but app 'transform' (at position \
             2) and app 'transform' (at position 3) both use it\n\
             http | filter | transform | transform | file\n                            ^\n",
        ),
        (
            "time --format='abc",
            "107E:(pos 14): Cannot find terminating ' for string\n\
             time --format='abc\n              ^\n",
        ),
        (
            "0bad = time",
            "122E:(pos 0): illegal name for a stream '0bad'\n0bad\n^\n",
        ),
    ];
    for (dsl, text) in expected {
        let e = error(dsl);
        // The SCDF text, then at most one hint line of ours.
        let formatted = e.formatted();
        assert!(
            formatted.starts_with(text),
            "{dsl:?}:\n{formatted}\nexpected:\n{text}"
        );
        assert_eq!(
            formatted.lines().count(),
            text.lines().count() + usize::from(e.hint.is_some())
        );
    }
    let e = parse_stream_named("time", Some("0bad")).unwrap_err();
    assert!(
        e.formatted()
            .starts_with("122E:(pos 0): illegal name for a stream '0bad'\n0bad\n^\n")
    );
}

#[test]
fn reference_2_1_snapshot() {
    insta::assert_snapshot!(errors(&[
        "foo --.spring.cloud.stream.metrics.properties=spring* | bar",
        "http | foo: goggle: bar | file",
        "foo > bar",
        "http | filter | transform | transform | file",
        "time --format='abc",
        "0bad = time",
    ]));
}

// ----- reference §3.1: lexing --------------------------------------------------------------

#[test]
fn reference_3_1_values() {
    assert_eq!(arg_value("a --x='it''s'", 0), "it's");
    assert_eq!(arg_value("a --x=\"a b\"", 0), "a b");
    assert_eq!(arg_value("a --x=''", 0), "");
    assert_eq!(arg_value("a --x=p'q r'", 0), "p'q r'");
    assert_eq!(arg_value("a --expression='hi'+payload", 0), "'hi'+payload");
    assert_eq!(
        arg_value("a --x=\"say \"\"hi\"\"\"", 0),
        "\"say \"\"hi\"\"\""
    );
    // Identifiers: '_', '$' and '-' continue a name.
    assert_eq!(parse("a_b-c | d$e").apps[1].name, "d$e");
}

#[test]
fn reference_3_1_snapshot() {
    insta::assert_yaml_snapshot!(cases(&[
        "a --x='it''s'",
        "a --x=\"a b\"",
        "a --x=''",
        "a --x=p'q r'",
        "a --expression='hi'+payload",
        "a --x=\"say \"\"hi\"\"\"",
        "a_b-c | d$e",
    ]));
    insta::assert_snapshot!(
        "reference_3_1_errors",
        errors(&[
            "a - b",
            "a \\ b",
            "a % b",
            "a --x=|",
            "a --x=;",
            "a --x=>",
            "a --x= | b",
            "a --x=",
            "a --x='abc",
            "a --x=\"abc",
        ])
    );
}

// ----- reference §3.2 / §3.3: structure ----------------------------------------------------

#[test]
fn reference_3_2_structure() {
    let bridge = parse(":a > :b");
    assert_eq!(bridge.apps.len(), 1);
    assert_eq!(bridge.apps[0].name, "bridge");
    assert_eq!(bridge.app_kinds(), vec![AppKind::Processor]);
    assert_eq!(
        parse(":mystream.http > log")
            .source_destination
            .unwrap()
            .name,
        "mystream.http"
    );
    assert_eq!(
        parse(":mystream.group1 > file").app_kinds(),
        vec![AppKind::Sink]
    );
    assert_eq!(parse("time").app_kinds(), vec![AppKind::App]);
    assert_eq!(
        parse("a | b | c").app_kinds(),
        vec![AppKind::Source, AppKind::Processor, AppKind::Sink]
    );
    assert_eq!(
        parse(":d --group=g > x | y > :e").app_kinds(),
        vec![AppKind::Processor, AppKind::Processor]
    );
    assert_eq!(parse("a || b || c").app_kinds(), vec![AppKind::App; 3]);
    assert_eq!(parse("time > :foo").app_kinds(), vec![AppKind::Source]);
    fails("app > bar", 133, 6, &["bar"]);
    fails(
        "http | transform | transform | file",
        143,
        19,
        &["transform", "transform", "1"],
    );
    for name in ["foo.bar", "-bar", "0foobar", "foo%bar", ".bar", "foo-.-bar"] {
        let e = parse_stream_named("http | transform | sink", Some(name)).unwrap_err();
        assert_eq!((e.code(), e.position, &*e.expression), (122, Some(0), name));
        assert_eq!(e.inserts, vec![name.to_owned()]);
    }
    for name in ["foo-bar", "foo_bar"] {
        parse_stream_named("http | transform | sink", Some(name)).unwrap();
    }
}

#[test]
fn reference_3_2_snapshot() {
    insta::assert_yaml_snapshot!(cases(&[
        ":a > :b",
        ":mystream.http > log",
        ":mystream.group1 > file",
        "time",
        "a | b | c",
        ":d --group=g > x",
        "a | b > :d",
        "a || b",
        "mystream = http | filter | group1: transform | group2: transform | file",
    ]));
    insta::assert_snapshot!(
        "reference_3_2_errors",
        errors(&[
            "app > bar",
            ":a > b || c",
            "a || b > :c",
            "a | b || c",
            "http | transform | transform | file",
            "foo.bar = http",
            "-bar = http",
            "0foobar = http",
            "a :b",
            "label:app",
            "a: b: c",
            ":",
            ":a b > c",
            ":a .b > c",
            ":a%b > c",
        ])
    );
}

#[test]
fn workshop_definition() {
    let dsl = "truck-performance = trucks \
        --spring.cloud.stream.function.bindings.generateTruck-out-0=output | brake-temperature \
        --spring.cloud.stream.function.bindings.processBrakeTemperature-in-0=input \
        --spring.cloud.stream.function.bindings.processBrakeTemperature-out-0=output | brake-log \
        --spring.cloud.stream.function.bindings.log-in-0=input";
    let def = parse(dsl);
    assert_eq!(def.name.as_deref(), Some("truck-performance"));
    let apps: Vec<(&str, Vec<(&str, &str)>)> = def
        .apps
        .iter()
        .map(|a| {
            (
                a.name.as_str(),
                a.args
                    .iter()
                    .map(|x| (x.name.as_str(), x.value.as_str()))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        apps,
        vec![
            (
                "trucks",
                vec![(
                    "spring.cloud.stream.function.bindings.generateTruck-out-0",
                    "output"
                )]
            ),
            (
                "brake-temperature",
                vec![
                    (
                        "spring.cloud.stream.function.bindings.processBrakeTemperature-in-0",
                        "input"
                    ),
                    (
                        "spring.cloud.stream.function.bindings.processBrakeTemperature-out-0",
                        "output"
                    ),
                ]
            ),
            (
                "brake-log",
                vec![("spring.cloud.stream.function.bindings.log-in-0", "input")]
            ),
        ]
    );
    assert_eq!(
        def.app_kinds(),
        vec![AppKind::Source, AppKind::Processor, AppKind::Sink]
    );
    insta::assert_yaml_snapshot!(cases(&[dsl]));
}

// ----- SCDF's StreamParserTests ------------------------------------------------------------

#[test]
fn scdf_parser_tests_positions() {
    let p = |dsl: &str| {
        let def = parse(dsl);
        def.apps
            .iter()
            .map(|a| (a.name.clone(), a.span.start, a.span.end))
            .collect::<Vec<_>>()
    };
    assert_eq!(p("foo"), vec![("foo".to_owned(), 0, 3)]);
    assert_eq!(p("gemfire-cq"), vec![("gemfire-cq".to_owned(), 0, 10)]);
    assert_eq!(p("mystream = foo"), vec![("foo".to_owned(), 11, 14)]);
    assert_eq!(
        p("foo | bar"),
        vec![("foo".to_owned(), 0, 3), ("bar".to_owned(), 6, 9)]
    );
    assert_eq!(p("label: http"), vec![("http".to_owned(), 0, 11)]);
    assert_eq!(
        parse("label: http").apps[0].label_span,
        Some(Span::new(0, 5))
    );
    assert_eq!(
        p("food = http | label3: foo")[1],
        ("foo".to_owned(), 14, 25)
    );
    assert_eq!(p("foo --name=value"), vec![("foo".to_owned(), 0, 16)]);
    assert_eq!(p("foo --name=value --x=y"), vec![("foo".to_owned(), 0, 22)]);
    assert_eq!(
        p("aaa --bbb='ccc'|| bbb"),
        vec![("aaa".to_owned(), 0, 15), ("bbb".to_owned(), 18, 21)]
    );
    let d = |dsl: &str| {
        let def = parse(dsl);
        let s = def.source_destination.or(def.sink_destination).unwrap();
        (s.name, s.span.start, s.span.end)
    };
    assert_eq!(d(":foobar > file"), ("foobar".to_owned(), 1, 7));
    assert_eq!(d(":a/ > file"), ("a/".to_owned(), 1, 3));
    assert_eq!(d(":a/*# > file"), ("a/*#".to_owned(), 1, 5));
    assert_eq!(d(":foo.* > file"), ("foo.*".to_owned(), 1, 6));
    assert_eq!(d(":*foo > file"), ("*foo".to_owned(), 1, 5));
    assert_eq!(d("http > :foo"), ("foo".to_owned(), 8, 11));
    assert_eq!(d("http > :foo/"), ("foo/".to_owned(), 8, 12));
    assert_eq!(d("http > :foo/*#"), ("foo/*#".to_owned(), 8, 14));
    assert_eq!(d("http > :foo.*"), ("foo.*".to_owned(), 8, 13));
    assert_eq!(
        d(":mystream.foobar > file"),
        ("mystream.foobar".to_owned(), 1, 16)
    );
    assert_eq!(d(":foo.bar > file"), ("foo.bar".to_owned(), 1, 8));
    assert_eq!(
        d(":mystream.http > file"),
        ("mystream.http".to_owned(), 1, 14)
    );
    assert_eq!(d(":test --group=test > file"), ("test".to_owned(), 1, 5));
    assert_eq!(
        p(":mystream.foobar > file"),
        vec![("file".to_owned(), 19, 23)]
    );
    assert_eq!(
        p(":test --group=test > file"),
        vec![("file".to_owned(), 21, 25)]
    );
    // The implicit bridge sits on the '>' between the destinations.
    assert_eq!(p(":bar > :boo"), vec![("bridge".to_owned(), 5, 6)]);
    assert_eq!(parse("bar = foo | bar").name.as_deref(), Some("bar"));
    assert_eq!(parse("file | out: file").apps[1].label_or_name(), "out");
    assert_eq!(
        parse("wibble: http > :bar").apps[0].label.as_deref(),
        Some("wibble")
    );
}

#[test]
fn scdf_parser_tests_values() {
    let props = |dsl: &str, app: usize| -> Vec<(String, String)> {
        parse(dsl).apps[app]
            .args
            .iter()
            .map(|a| (a.name.clone(), a.value.clone()))
            .collect()
    };
    let kv = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    assert_eq!(
        props(
            "gemfire-cq --query='Select * from /Stocks where symbol=''VMW''' --regionName=foo \
             --foo=bar",
            0
        ),
        kv(&[
            ("query", "Select * from /Stocks where symbol='VMW'"),
            ("regionName", "foo"),
            ("foo", "bar")
        ])
    );
    assert_eq!(
        props("foo --x=1 --y=two ", 0),
        kv(&[("x", "1"), ("y", "two")])
    );
    assert_eq!(
        props("foo --x=1a2b --y=two ", 0),
        kv(&[("x", "1a2b"), ("y", "two")])
    );
    assert_eq!(
        arg_value(
            "aaa | filter --expression=#jsonPath(payload,'$.lang')=='en'",
            1
        ),
        "#jsonPath(payload,'$.lang')=='en'"
    );
    assert_eq!(arg_value("aaa --bbb=ccc,", 0), "ccc,");
    assert_eq!(arg_value("aaa --bbb='ccc'|| bbb", 0), "ccc");
    assert_eq!(
        arg_value("foo | transform --expression=--payload | bar", 1),
        "--payload"
    );
    assert_eq!(
        arg_value(
            ":producer > foobar --expression='aaa=bbb \n ccc=ddd' > :consumer",
            0
        ),
        "aaa=bbb \n ccc=ddd"
    );
    assert_eq!(
        arg_value(
            ":producer > foobar --expression='aaa=bbb \r ccc=ddd' > :consumer",
            0
        ),
        "aaa=bbb \r ccc=ddd"
    );
    assert_eq!(
        arg_value(
            "foo |  transform --expression='new StringBuilder(payload).reverse()' | bar",
            1
        ),
        "new StringBuilder(payload).reverse()"
    );
    let dsl = ":producer > transform --expression='payload.toUpperCase()' | filter \
               --expression='payload.length() > 4'> :consumer";
    assert_eq!(arg_value(dsl, 0), "payload.toUpperCase()");
    assert_eq!(arg_value(dsl, 1), "payload.length() > 4");
    assert_eq!(
        arg_value(
            "time | transform --expression='T(org.joda.time.format.DateTimeFormat).forPattern(\
             \"yyyy-MM-dd HH:mm:ss\").parseDateTime(payload)'",
            1
        ),
        "T(org.joda.time.format.DateTimeFormat).forPattern(\"yyyy-MM-dd HH:mm:ss\")\
         .parseDateTime(payload)"
    );
    let t = |expr: &str| arg_value(&format!("http | transform --expression={expr} | log"), 1);
    assert_eq!(
        arg_value(
            "http | transform --outputType='text/plain|charset=UTF-8'  | log",
            1
        ),
        "text/plain|charset=UTF-8"
    );
    assert_eq!(
        arg_value(
            "http | transform --outputType='text/plain;charset=UTF-8'  | log",
            1
        ),
        "text/plain;charset=UTF-8"
    );
    assert_eq!(t("'hi'+payload"), "'hi'+payload");
    assert_eq!(t("payload+'hi'"), "payload+'hi'");
    assert_eq!(t("'payload+''hi'''"), "payload+'hi'");
    assert_eq!(t("'''hi''+payload'"), "'hi'+payload");
    assert_eq!(t("\"payload+'hi'\""), "payload+'hi'");
    assert_eq!(t("\"'hi'+payload\""), "'hi'+payload");
    assert_eq!(
        t("payload+'hi'--param2='foobar'"),
        "payload+'hi'--param2='foobar'"
    );
    assert_eq!(
        t("'hi'+payload--param2='foobar'"),
        "'hi'+payload--param2='foobar'"
    );
    assert_eq!(t("'hi'+'world'"), "'hi'+'world'");
    assert_eq!(t("\"'hi'+'world'\""), "'hi'+'world'");
    assert_eq!(t("'''hi'''"), "'hi'");
    assert_eq!(t("\"''''hi''''\""), "''''hi''''");
    assert_eq!(
        t("'payload.replace(\"abc\", \"\")'"),
        "payload.replace(\"abc\", \"\")"
    );
    assert_eq!(
        t("'payload.replace(\"abc\", '''')'"),
        "payload.replace(\"abc\", '')"
    );
    assert_eq!(
        arg_value(
            "http | filter --expression=payload.matches('hello world') | log",
            1
        ),
        "payload.matches('hello world')"
    );
    assert_eq!(
        arg_value("foo |  transform --expression=\"'Hello, world!'\" | bar", 1),
        "'Hello, world!'"
    );
    assert_eq!(
        arg_value("foo |  transform --expression='''Hello, world!''' | bar", 1),
        "'Hello, world!'"
    );
    assert_eq!(
        arg_value(
            "http --port=9014 | filter --expression=\"payload == 'foo'\" | log",
            1
        ),
        "payload == 'foo'"
    );
    assert_eq!(
        arg_value(
            "http --port=9014 | filter --expression='new Foo()' | log",
            1
        ),
        "new Foo()"
    );
    for dsl in [
        "foo --aaa=bbb || bar",
        "foo --aaa=bbb|| bar",
        "foo --aaa=\"bbb\"|| bar",
    ] {
        let def = parse(dsl);
        assert_eq!(def.apps.len(), 2);
        assert_eq!(def.apps[0].args[0].value, "bbb");
        assert!(def.apps.iter().all(|a| a.unbound));
    }
    assert_eq!(arg_value("foo --aaa=,|| bar", 0), ",");
    assert!(parse("foo").apps[0].unbound);
    assert!(parse("foo|| bar|| baz").apps[0].unbound);
    assert!(!parse("foo | bar").apps[0].unbound);
}

#[test]
fn scdf_parser_tests_errors() {
    fails(":aaa > fff||bbb", 170, 10, &[]);
    fails("fff||bbb > :zzz", 170, 3, &[]);
    fails("aaa | bbb|| ccc", 169, 9, &[]);
    fails("aaa || bbb| ccc", 169, 10, &[]);
    fails("aaa --bbb=ccc||", 112, 15, &[]);
    fails("aaa --bbb='ccc'||", 112, 17, &[]);
    fails("aaa --bbb= --ccc=ddd", 105, 11, &["null"]);
    fails("aaa --bbb=| --ccc=ddd", 105, 10, &["|"]);
    fails("aaa --bbb=; --ccc=ddd", 105, 10, &[";"]);
    fails("aaa --bbb=> --ccc=ddd", 105, 10, &[">"]);
    fails("aaa --bbb=\t --ccc=ddd", 105, 12, &[]);
    fails("aaa --bbb=\n --ccc=ddd", 105, 10, &[]);
    fails("http | foo: goggle: bar | file", 156, 12, &[]);
    fails("http | foo :bar | file", 100, 11, &[":"]);
    assert!(parse_stream("--foo = bar").is_err());
    assert!(parse_stream_named("test | foo--x=13", Some("t")).is_err());
    fails(
        "foo | transform --expression=new StringBuilder(payload).reverse() | bar",
        115,
        46,
        &["("],
    );
    fails("foo | bar --expression='select foo", 107, 23, &[]);
    fails("foo | bar --expression=\"select foo", 106, 23, &[]);
    fails(
        "foo |  transform --expression=''Hello, world!'' | bar",
        115,
        44,
        &["!"],
    );
    fails("http > :test value", 100, 13, &["value"]);
    fails(":boo .xx > file", 139, 5, &[]);
    fails(":boo . xx > file", 139, 5, &[]);
    fails(":boo. xx > file", 139, 6, &[]);
    fails(":boo.xx. yy > file", 139, 9, &[]);
    fails(":boo.xx .yy > file", 139, 8, &[]);
    fails(":boo.xx . yy > file", 139, 8, &[]);
    fails("trigger > :myjob   too", 100, 19, &["too"]);
    fails(".", 118, 0, &["."]);
    fails(";", 118, 0, &[";"]);
    fails("foo bar=yyy", 100, 4, &["bar"]);
    fails("foo bar", 100, 4, &["bar"]);
    fails("foo --", 112, 6, &[]);
    fails("foo --bar", 112, 9, &[]);
    fails("foo --bar=", 112, 10, &[]);
    fails("|", 118, 0, &["|"]);
    fails("foo > bar", 133, 6, &["bar"]);
    fails(":foo >", 112, 6, &[]);
    fails(":foo > --2323", 118, 7, &["--"]);
    fails(":foo > (", 115, 7, &["("]);
    fails(":foo > *", 118, 7, &["*"]);
    fails("::foo > *", 171, 1, &[":"]);
    fails(":foo > :", 112, 7, &[]);
    fails(":foo | bar", 118, 0, &[":"]);
    fails("( = http | file", 115, 0, &["("]);
    fails("* = http | file", 122, 0, &["*"]);
    fails(": = http | file", 122, 0, &[":"]);
    fails(
        "xxx: http | xxx: file",
        143,
        12,
        &["xxx", "http", "0", "file", "1"],
    );
    fails(
        "xxx: http | yyy: filter | transform | xxx: transform | file",
        143,
        38,
        &["xxx", "http", "0", "transform", "3"],
    );
    fails(
        "xxx: http | yyy: filter | transform | xxx: transform | xxx: file",
        143,
        38,
        &["xxx", "http", "0", "transform", "3"],
    );
    fails(
        "http | filter | transform | transform | file",
        143,
        28,
        &["transform", "transform", "2", "transform", "3"],
    );
    fails("foo -- name=value", 101, 7, &[]);
    fails("foo --name =value", 102, 11, &[]);
    fails("foo --name= value", 103, 12, &[]);
    fails("foo --name.=value", 111, 11, &["identifier", "="]);
    fails("foo --name .sub=value", 145, 11, &[]);
    fails("foo --name. sub=value", 145, 12, &[]);
    fails("foo||", 112, 5, &[]);
    fails("foo --aaa=\"bbb\"||", 112, 17, &[]);
    fails("foo --aaa=\"bbb\" ||", 112, 18, &[]);
}

#[test]
fn scdf_parser_tests_snapshot() {
    insta::assert_yaml_snapshot!(cases(&[
        "foo",
        "gemfire-cq",
        "mystream = foo",
        "foo | bar",
        "label: http",
        "food = http | label3: foo",
        "http | foo: bar | file",
        "foo --name=value --x=y",
        "aaa --bbb='ccc'|| bbb",
        ":foobar > file",
        ":a/*# > file",
        "http > :foo.*",
        "wibble: http > :bar",
        ":bar > :boo",
        ":test --group=test > file",
        "aaa | filter --expression=#jsonPath(payload,'$.lang')=='en'",
    ]));
    insta::assert_snapshot!(
        "scdf_parser_tests_errors",
        errors(&[
            ":aaa > fff||bbb",
            "fff||bbb > :zzz",
            "aaa | bbb|| ccc",
            "aaa || bbb| ccc",
            "aaa --bbb=ccc||",
            "aaa --bbb= --ccc=ddd",
            "aaa --bbb=\t --ccc=ddd",
            "aaa --bbb=\n --ccc=ddd",
            "http | foo :bar | file",
            "foo | transform --expression=new StringBuilder(payload).reverse() | bar",
            "foo |  transform --expression=''Hello, world!'' | bar",
            ":boo .xx > file",
            ":boo. xx > file",
            "trigger > :myjob   too",
            ".",
            "|",
            "foo --",
            ":foo > --2323",
            "::foo > *",
            ":foo > :",
            "* = http | file",
            "xxx: http | xxx: file",
            "foo -- name=value",
            "foo --name =value",
            "foo --name= value",
            "foo --name.=value",
            "foo --name .sub=value",
        ])
    );
}

// ----- corpus: more definitions and every code ---------------------------------------------

#[test]
fn definition_corpus_snapshot() {
    insta::assert_yaml_snapshot!(cases(&[
        "ticktock = time --fixed-delay=5 --time-unit=SECONDS | log --level=WARN",
        "http --server.port=9000 | transform --expression=payload.toUpperCase() | log",
        "a --x= 'spaced literal after whitespace'",
        "a --x=\"it's\" --y='say \"hi\"'",
        "a --x='a'b'",
        "a --x=v1 --x=v2",
        "a --x==",
        "s=a'b c' --x=1",
        "s=--x=1|b",
        "a--x=1",
        "a --x=é😀 | b",
        ":orders --group=audit --x=1 > fraud: filter | log > :alerts",
        ":foo..bar > log",
        ":a*b/c#d.e > log",
        "a > :out --x=1",
        "s1 = :s0.app > b",
        "name=app",
        "x1 || x2 || x3 --p=1",
        "  padded   |   apps  ",
        "a\t|\rb",
        "a --x=a'b | c",
        "a --spring.cloud.stream.bindings.input.group=g1",
    ]));
}

#[test]
fn error_corpus_snapshot() {
    insta::assert_snapshot!(errors(&[
        // 100: leftovers; a line break is one
        "time | log bar",
        "time\n| log",
        "time | log\n",
        "a & b",
        "a @b",
        "a | b < c",
        "a > :b > :c",
        // 101, 102, 103
        "a --\tx=1",
        "a --x\t=1",
        "a --x.y =1",
        "a --x=1 -- y=2",
        // 105 (lexer and parser)
        "a --x=\r",
        "a --x= |",
        "a --x= --y=1",
        // 106, 107: value and plain literals
        "a --x=\"",
        "a --x='",
        "a 'literal",
        "a \"literal",
        "a --x='a''",
        // 108, 114, 115
        "a -x=1",
        "a --x=1 -",
        "a\\b",
        "a | b?",
        "a | ü",
        // 111
        "a: | b",
        "a --x | b",
        "a --x.=1",
        "a -- =1",
        ":a b > c",
        ":a --x=1 b > c",
        // 112
        "",
        "   ",
        "a |",
        "a ||",
        "a --x=1 --",
        "a: ",
        "label:",
        "a >",
        "a > :b.",
        // 118
        "| a",
        "a | | b",
        "a | 'x'",
        "a |\nb",
        "a | --x=1",
        // 119 cannot happen: '-' continues an identifier, so `b--x` is one name (then 100)
        "a | b--x=1",
        // 122 (checkpointed in the name prefix, plain when illegal)
        "'x' = a",
        "1st = a",
        "a.b = c",
        // 133
        "a | b > c",
        "a > c --x=1",
        // 139, 145
        ":a. b > c",
        "a > :b .c",
        "a --x. y=1",
        // 143
        "a | a",
        "x: a | x: b",
        "a | a: b",
        // 147, 148, 156
        "a:b",
        "x: y:z",
        ":",
        "  :  ",
        "a | x: y: z",
        // 169, 170
        "a || b | c",
        "a | b || c | d",
        ":s > a || b",
        "a || b > :c",
        // 171 and the cases where SCDF throws a NullPointerException
        ": > a",
        ":@x > a",
        ":a: > b",
        ":a=1 > b",
        ":a'x' > b",
        "a > :b\n",
        "a > :b|c",
        ":a.> b",
    ]));
}

#[test]
fn named_stream_checks_run_in_scdf_order() {
    // Syntax errors first, then the DSL's name, then the given name, then duplicate labels.
    assert_eq!(
        parse_stream_named("a |", Some("0bad")).unwrap_err().code(),
        112
    );
    let e = parse_stream_named("1x = a", Some("0bad")).unwrap_err();
    assert_eq!((e.code(), &*e.expression), (122, "1x"));
    let e = parse_stream_named("a | a", Some("0bad")).unwrap_err();
    assert_eq!((e.code(), &*e.expression), (122, "0bad"));
    assert_eq!(
        parse_stream_named("a | a", Some("ok")).unwrap_err().code(),
        143
    );
    let def = parse_stream_named("a | b", Some("given")).unwrap();
    assert_eq!(def.name, None, "the AST holds the DSL's own name only");
}

#[test]
fn duplicate_label_indexes_are_grouped_like_java() {
    let apps: Vec<String> = (0..1001).map(|i| format!("a{i}")).collect();
    let dsl = format!("{} | a0", apps.join(" | "));
    let e = error(&dsl);
    assert_eq!(e.inserts, vec!["a0", "a0", "0", "a0", "1,001"]);
}

#[test]
fn checkpoints_are_the_last_good_token_end() {
    // No app name parsed yet: no checkpoint.
    assert_eq!(error(":a b > c").checkpoint, None);
    // After `a --x=1`.
    assert_eq!(error("a --x=1 -- y=2").checkpoint, Some(7));
    // SCDF marks the checkpoint after the error position here (it prints `*` and no caret).
    let e = error("a || b > :c");
    assert_eq!((e.position, e.checkpoint), (Some(2), Some(6)));
    let e = error("time\n| log");
    assert_eq!(
        (e.code(), e.position, e.checkpoint),
        (100, Some(4), Some(4))
    );
}

#[test]
fn long_and_deep_inputs_do_not_overflow() {
    // Beyond the length limit, which the public functions refuse first (180), the parser itself
    // copes too.
    let unbounded = |dsl: &str| {
        assert_eq!(error(dsl).code(), 180);
        parse_stream_unbounded(dsl, None)
    };
    let many = vec!["app --x=1"; 20_000].join(" | ");
    let e = unbounded(&many).unwrap_err();
    assert_eq!(e.code(), 143);
    let labelled: Vec<String> = (0..20_000)
        .map(|i| format!("l{i}: app --x='v {i}'"))
        .collect();
    let labelled = unbounded(&labelled.join(" | ")).unwrap();
    assert_eq!(labelled.apps.len(), 20_000);
    let quotes = format!("a --x={}", "'a'".repeat(50_000));
    assert_eq!(
        unbounded(&quotes).unwrap().apps[0].args[0].value.len(),
        99_999
    );
    let dots = format!("a > :{}", "b.".repeat(50_000) + "c");
    let dots = unbounded(&dots).unwrap();
    assert_eq!(dots.sink_destination.unwrap().name.len(), 100_001);
}

#[test]
fn definitions_longer_than_the_limit_are_refused_first() {
    // A NUL (115) and a duplicate label (143) further on: the length is checked before both.
    let value = "x".repeat(MAX_DSL_CHARS);
    let dsl = format!("\0 a --v={value} | a");
    let length = dsl.chars().count();
    let check = |e: DslError| {
        assert_eq!(
            (e.code(), e.position, e.inserts.clone()),
            (
                180,
                Some(MAX_DSL_CHARS),
                vec![length.to_string(), MAX_DSL_CHARS.to_string()]
            )
        );
        assert_eq!(
            e.header(),
            format!(
                "180E:(pos {MAX_DSL_CHARS}): definition is {length} characters long; the limit \
                 is {MAX_DSL_CHARS}"
            )
        );
        // The error quotes the text up to the limit, the caret just after it.
        assert_eq!(e.expression.chars().count(), MAX_DSL_CHARS);
        assert!(dsl.starts_with(&*e.expression));
    };
    check(parse_stream(&dsl).unwrap_err());
    check(parse_stream_named(&dsl, Some("s")).unwrap_err());
    check(check_length(&dsl).unwrap_err());
    // At the limit, a definition is parsed; the limit counts characters, not bytes.
    let at_limit = format!("a --v={}", "é".repeat(MAX_DSL_CHARS - 6));
    assert_eq!(at_limit.chars().count(), MAX_DSL_CHARS);
    assert!(check_length(&at_limit).is_ok());
    assert_eq!(
        parse(&at_limit).apps[0].args[0].value.chars().count(),
        MAX_DSL_CHARS - 6
    );
    let over = format!("{at_limit}é");
    assert_eq!(error(&over).code(), 180);
    assert_eq!(
        parse_stream_named(&over, None).unwrap_err().inserts[0],
        (MAX_DSL_CHARS + 1).to_string()
    );
}

/// A stream parse stops at its first error, so a definition full of problems still yields one.
#[test]
fn a_stream_full_of_problems_is_one_error() {
    let dsl = vec!["a"; 10_000].join(" | ");
    assert!(dsl.len() < MAX_DSL_CHARS);
    let e: DslError = error(&dsl);
    assert_eq!((e.code(), e.position), (143, Some(4)));
}

// ----- printing and properties -------------------------------------------------------------

#[test]
fn printing_is_canonical() {
    let print = |dsl: &str| print_stream(&parse(dsl));
    assert_eq!(
        print("  s =  :in  --group=g >  x:  a --v=1| b --w='a b'  >  :out "),
        "s = :in --group=g > x: a --v=1 | b --w='a b' > :out"
    );
    assert_eq!(print(":a > :b"), ":a > :b");
    assert_eq!(print("a||b"), "a || b");
    assert_eq!(print("a --x=''"), "a --x=''");
    assert_eq!(print("a --x=\"it's\""), "a --x='it''s'");
    assert_eq!(print("a --x='hi'+payload"), "a --x='''hi''+payload'");
    assert_eq!(print(":a > bridge > :b"), ":a > :b");
}

use crate::proptest_config;

/// Text over the DSL's own alphabet, where interesting parses and errors happen.
fn dsl_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "a", "bc", "x-y", "1", " ", " ", "\t", "\n", "\r", "|", "||", ">", "<", ":", ".", "/",
            "#", "*", ";", "&", "@", "-", "--", "=", "'", "\"", "''", "\\", "é", "\0", "name = ",
            "--x=", "l: ", " > :", ":s.l > ",
        ]),
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

/// The parse of a definition printed from `definition` equals it, spans aside; and printing
/// is a fixed point.
fn assert_round_trip(definition: &StreamDefinition) -> Result<(), TestCaseError> {
    let printed = print_stream(definition);
    let reparsed = parse_stream(&printed)
        .map_err(|e| TestCaseError::fail(format!("{printed:?} does not parse:\n{e}")))?;
    prop_assert_eq!(
        reparsed.without_spans(),
        definition.without_spans(),
        "{:?}",
        printed
    );
    prop_assert_eq!(print_stream(&reparsed), printed);
    Ok(())
}

proptest! {
    #![proptest_config(proptest_config())]

    #[test]
    fn generated_definitions_round_trip(definition in arb_stream_definition()) {
        assert_round_trip(&definition)?;
    }

    #[test]
    fn any_text_never_panics(text in any::<String>()) {
        if let Ok(definition) = parse_stream(&text) {
            assert_round_trip(&definition)?;
        } else if let Err(e) = parse_stream(&text) {
            let _ = e.formatted();
        }
    }

    #[test]
    fn dsl_alphabet_never_panics(text in dsl_text()) {
        match parse_stream(&text) {
            Ok(definition) => assert_round_trip(&definition)?,
            Err(e) => {
                let position = e.position.unwrap_or(0);
                prop_assert!(position <= text.chars().count(), "{:?}: {}", text, e);
                let _ = e.formatted();
            }
        }
    }
}

/// Found by fuzzing: a NUL right after an opening quote was kept in the value, and such a value
/// cannot be printed back. NUL characters are refused wherever they are.
#[test]
fn nul_characters_are_refused() {
    for (dsl, pos) in [("time --f='\0|' | log", 10), ("\0", 0), ("a\0 | b", 1)] {
        let error = parse_stream(dsl).unwrap_err();
        assert_eq!((error.code(), error.position), (115, Some(pos)), "{dsl:?}");
        assert!(
            error
                .formatted()
                .contains("hint: a definition cannot contain NUL characters")
        );
    }
}
