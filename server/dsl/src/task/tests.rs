//! Tests of the task DSL against SCDF's own expectations (`TaskParserTests`,
//! `ToolsControllerTests`, the composed task runner's tests, the reference document), plus
//! snapshots of every reference example and of many more definitions and errors.
//!
//! The helpers render a parse result compactly: the structure with spans, the canonical DSL,
//! the graph in SCDF's `toVerboseString` form (`[id:label:name:k=v]…[transition:from-to]…`)
//! and the graph converted back to DSL.

use std::fmt::Write as _;

use crate::error::{DslError, ErrorStyle};

use super::*;

// ---- helpers ----------------------------------------------------------------------------

fn parse(dsl: &str) -> TaskDefinition {
    parse_and_validate_task(dsl, Some("test"))
        .unwrap_or_else(|errors| panic!("{dsl:?} should parse: {}", errors[0].formatted()))
}

fn error(dsl: &str) -> DslError {
    match parse_and_validate_task(dsl, Some("test")) {
        Ok(definition) => panic!("{dsl:?} should fail but parsed as {definition:?}"),
        Err(mut errors) => errors.remove(0),
    }
}

fn problems(dsl: &str) -> Vec<DslError> {
    let definition = parse_task(dsl).unwrap_or_else(|e| panic!("{}", e.formatted()));
    validate(&definition, dsl)
}

/// Code, position and inserts of the first error.
fn check_error(dsl: &str, code: u16, position: usize, inserts: &[&str]) {
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
            "{dsl:?}"
        );
    }
}

fn app(definition: &TaskDefinition) -> &TaskApp {
    definition.task_app().expect("a single app")
}

fn first_app(definition: &TaskDefinition) -> &TaskApp {
    match &definition.sequences[0].nodes[0] {
        FlowNode::App(app) => app,
        FlowNode::Split(_) => panic!("not an app"),
    }
}

fn arg<'a>(app: &'a TaskApp, name: &str) -> &'a str {
    app.argument_map()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
        .unwrap()
}

/// SCDF's `Graph.toVerboseString`.
fn verbose(graph: &Graph) -> String {
    let mut s = String::new();
    for node in &graph.nodes {
        let _ = write!(s, "[{}:", node.id);
        if let Some(label) = node.label() {
            let _ = write!(s, "{label}:");
        }
        s.push_str(&node.name);
        if let Some(properties) = &node.properties {
            for (k, v) in properties.iter() {
                let _ = write!(s, ":{k}={v}");
            }
        }
        s.push(']');
    }
    for link in &graph.links {
        match link.transition_name() {
            Some(name) => {
                let _ = write!(s, "[{name}:{}-{}]", link.from, link.to);
            }
            None => {
                let _ = write!(s, "[{}-{}]", link.from, link.to);
            }
        }
    }
    s
}

fn graph(dsl: &str) -> Graph {
    task_to_graph(&parse(dsl)).unwrap()
}

fn assert_graph(expected: &str, dsl: &str) {
    assert_eq!(verbose(&graph(dsl)), expected, "graph of {dsl:?}");
}

/// SCDF's `checkDSLToGraphAndBackToDSL`: text → graph → the same text.
fn round_trip(dsl: &str) {
    assert_eq!(
        graph_to_dsl(&graph(dsl)).unwrap(),
        dsl,
        "text -> graph -> text of {dsl:?}"
    );
}

fn outline(definition: &TaskDefinition) -> String {
    let mut out = String::new();
    for (index, flow) in definition.sequences.iter().enumerate() {
        let _ = writeln!(out, "sequence {index}:");
        outline_flow(flow, 1, &mut out);
    }
    out
}

fn outline_flow(flow: &Flow, depth: usize, out: &mut String) {
    for node in &flow.nodes {
        let indent = "  ".repeat(depth);
        match node {
            FlowNode::App(app) => outline_app(app, depth, "app", out),
            FlowNode::Split(split) => {
                let _ = write!(
                    out,
                    "{indent}split @{}..{}",
                    split.span.start, split.span.end
                );
                if let Some(label) = &split.label {
                    let _ = write!(out, " label {:?}@{}", label.name, label.span.start);
                }
                out.push('\n');
                for flow in &split.flows {
                    let _ = writeln!(out, "{indent}  flow:");
                    outline_flow(flow, depth + 2, out);
                }
            }
        }
    }
}

fn outline_app(app: &TaskApp, depth: usize, what: &str, out: &mut String) {
    let indent = "  ".repeat(depth);
    let _ = write!(
        out,
        "{indent}{what} {:?} @{}..{}",
        app.name, app.span.start, app.span.end
    );
    if let Some(label) = &app.label {
        let _ = write!(out, " label {:?}@{}", label.name, label.span.start);
    }
    out.push('\n');
    for a in &app.args {
        let _ = writeln!(
            out,
            "{indent}  --{}={:?} @{}..{}",
            a.name, a.value, a.span.start, a.span.end
        );
    }
    for t in &app.transitions {
        let status = match &t.status {
            TransitionStatus::ExitCode(code) => format!("exit code {code}"),
            TransitionStatus::AnyExitCode => "any exit code".to_owned(),
            TransitionStatus::ExitStatus(s) => format!("exit status {s:?}"),
        };
        match &t.target {
            TransitionTarget::Label(label) => {
                let _ = writeln!(
                    out,
                    "{indent}  on {status} @{}..{} -> :{}",
                    t.span.start, t.span.end, label.name
                );
            }
            TransitionTarget::App(target) => {
                let _ = writeln!(
                    out,
                    "{indent}  on {status} @{}..{} ->",
                    t.span.start, t.span.end
                );
                outline_app(target, depth + 2, "target", out);
            }
        }
    }
}

/// Everything about one definition, for snapshots.
fn report(dsl: &str) -> String {
    let mut out = format!("dsl: {dsl:?}\n");
    match parse_and_validate_task(dsl, Some("test")) {
        Err(errors) => {
            for e in &errors {
                let style = match e.style {
                    ErrorStyle::Plain => "plain",
                    ErrorStyle::CheckPointed => "checkpointed",
                };
                let _ = write!(out, "error ({style}):\n{}", e.formatted());
            }
            let validation = errors.len() > 1 || errors[0].code() >= 158 && errors[0].code() != 162;
            if validation && parse_task(dsl).is_ok() {
                let _ = writeln!(out, "message: {}", validation_failure_message(dsl, &errors));
            }
        }
        Ok(definition) => {
            out.push_str(&outline(&definition));
            let _ = writeln!(out, "composed: {}", definition.is_composed());
            let printed = print_task(&definition);
            let _ = writeln!(out, "print: {printed:?}");
            assert_eq!(
                parse_task(&printed).map(|d| d.without_spans()),
                Ok(definition.without_spans()),
                "printed DSL reads back"
            );
            match task_to_graph(&definition) {
                Ok(graph) => {
                    let _ = writeln!(out, "graph: {}", verbose(&graph));
                    match graph_to_dsl(&graph) {
                        Ok(text) => {
                            let _ = writeln!(out, "graph -> dsl: {text:?}");
                        }
                        Err(e) => {
                            let _ = writeln!(out, "graph -> dsl fails: {e}");
                        }
                    }
                }
                Err(e) => {
                    let _ = writeln!(out, "graph fails: {e}");
                }
            }
        }
    }
    out
}

fn reports(cases: &[&str]) -> String {
    cases
        .iter()
        .map(|dsl| report(dsl))
        .collect::<Vec<_>>()
        .join("\n")
}

// ---- SCDF TaskParserTests: parsing ------------------------------------------------------

#[test]
fn task_one_app() {
    let d = parse("foo");
    assert!(!d.is_composed());
    let a = app(&d);
    assert_eq!(
        (a.name.as_str(), a.args.len(), a.span),
        ("foo", 0, Span::new(0, 3))
    );
    assert_eq!(app(&parse("gemfire-cq")).span, Span::new(0, 10));
    assert_eq!(app(&parse("foo --name=value")).span, Span::new(0, 16));
    let a = parse("foo --name=value --x=y");
    let a = app(&a);
    assert_eq!(a.span, Span::new(0, 22));
    assert_eq!(
        (a.args[0].name.as_str(), a.args[0].value.as_str()),
        ("name", "value")
    );
    assert_eq!(
        (a.args[1].name.as_str(), a.args[1].value.as_str()),
        ("x", "y")
    );
}

#[test]
fn task_parameters() {
    let d = parse(
        "gemfire-cq --query='Select * from /Stocks where symbol=''VMW''' --regionName=foo \
         --foo=bar",
    );
    let a = app(&d);
    assert_eq!(a.argument_map().len(), 3);
    assert_eq!(arg(a, "query"), "Select * from /Stocks where symbol='VMW'");
    assert_eq!(arg(a, "regionName"), "foo");
    assert_eq!(arg(a, "foo"), "bar");
    assert!(app(&parse("test")).args.is_empty());
    let d = parse("foo --x=1 --y=two ");
    assert_eq!((arg(app(&d), "x"), arg(app(&d), "y")), ("1", "two"));
    let d = parse("foo --x=1a2b --y=two ");
    assert_eq!((arg(app(&d), "x"), arg(app(&d), "y")), ("1a2b", "two"));
    assert_eq!(arg(app(&parse("foo --x=2")), "x"), "2");
    assert!(parse_task("--foo = bar").is_err());
    assert!(parse_task("foo--x=13").is_err());
}

#[test]
fn task_expression_values() {
    assert_eq!(
        arg(
            app(&parse("transform --expression=--payload")),
            "expression"
        ),
        "--payload"
    );
    check_error(
        "transform --expression=new StringBuilder(payload).reverse()",
        163,
        27,
        &["StringBuilder"],
    );
    let d = parse("transform --expression='new StringBuilder(payload).reverse()'");
    assert_eq!(
        arg(app(&d), "expression"),
        "new StringBuilder(payload).reverse()"
    );
    let d = parse("transform --expression=\"'Hello, world!'\"");
    assert_eq!(arg(app(&d), "expression"), "'Hello, world!'");
    let d = parse("transform --expression='''Hello, world!'''");
    assert_eq!(arg(app(&d), "expression"), "'Hello, world!'");
    check_error("transform --expression=''Hello, world!''", 162, 37, &["!"]);
    let d = parse("filter --expression=\"payload == 'foo'\"");
    assert_eq!(arg(app(&d), "expression"), "payload == 'foo'");
    assert_eq!(
        arg(app(&parse("filter --expression='new Foo()'")), "expression"),
        "new Foo()"
    );
    let d = parse("transform --expression='payload.replace(\"abc\", \"\")'");
    assert_eq!(arg(app(&d), "expression"), "payload.replace(\"abc\", \"\")");
    let d = parse("transform --expression='payload.replace(\"abc\", '''')'");
    assert_eq!(arg(app(&d), "expression"), "payload.replace(\"abc\", '')");
}

#[test]
fn task_names_like_scdf() {
    for name in ["foo.bar", "-bar", ".bar", "foo-.-bar", "0foobar", "foo%bar"] {
        let e = parse_and_validate_task("task", Some(name))
            .unwrap_err()
            .remove(0);
        assert_eq!(
            (e.code(), e.position, e.inserts.clone()),
            (123, Some(0), vec![name.to_owned()])
        );
        assert_eq!(&*e.expression, name);
    }
    for name in ["foo-bar", "foo_bar", "$x", "_", "étape", "a-"] {
        assert!(
            parse_and_validate_task("task", Some(name)).is_ok(),
            "{name}"
        );
    }
    assert!(!is_valid_task_name(""));
    assert!(!is_valid_task_name("a b"));
}

#[test]
fn task_error_cases_from_scdf() {
    check_error(".", 118, 0, &["."]);
    check_error(";", 118, 0, &[";"]);
    assert_eq!(app(&parse("a-_")).name, "a-_");
    assert_eq!(app(&parse("a_b")).name, "a_b");
    check_error("foo bar=yyy", 163, 4, &["bar"]);
    check_error("foo bar", 163, 4, &["bar"]);
    check_error("aaa --bbb= --ccc=ddd", 105, 11, &["null"]);
    check_error("aaa --bbb=| --ccc=ddd", 105, 10, &["|"]);
    check_error("aaa --bbb=; --ccc=ddd", 105, 10, &[";"]);
    check_error("aaa --bbb=> --ccc=ddd", 105, 10, &[">"]);
    check_error("aaa --bbb=\t --ccc=ddd", 105, 12, &["null"]);
    check_error("aaa --bbb=\n --ccc=ddd", 105, 12, &["null"]);
    check_error("foo --", 112, 6, &[]);
    check_error("foo --bar", 112, 9, &[]);
    check_error("foo --bar=", 112, 10, &[]);
    check_error("|", 151, 0, &[]);
    check_error("foo -- name=value", 101, 7, &[]);
    check_error("foo --name =value", 102, 11, &[]);
    check_error("foo --name= value", 103, 12, &[]);
    check_error("foo --name.=value", 111, 11, &["identifier", "="]);
    check_error("foo --name .sub=value", 145, 11, &[]);
    check_error("foo --name. sub=value", 145, 12, &[]);
    check_error("timestamp --format='YYYY", 107, 19, &[]);
    check_error("timestamp --format=\"YYYY", 106, 19, &[]);
    check_error("aaa: (appA)", 155, 5, &[]);
    check_error("aaa: bbb: appA", 156, 5, &[]);
    check_error("aaa: >", 118, 5, &[">"]);
    check_error("aaa: &&", 118, 5, &["&&"]);
    check_error("aaa:: appA", 118, 4, &[":"]);
    check_error("App1 ->", 157, 5, &[]);
    check_error("App1 0->x ->", 157, 10, &[]);
    check_error("App1 ->xx", 157, 5, &[]);
    check_error("App1 xx->", 112, 9, &[]);
    check_error("<aa | bb>", 151, 4, &[]);
    check_error("<aa ||| bb>", 151, 6, &[]);
    check_error("aa  &&&& bb", 118, 6, &["&&"]);
    check_error("appA BROKEN->$FAIL", 154, 5, &["BROKEN"]);
    check_error("appA\n BROKEN->$FAIL", 154, 6, &["BROKEN"]);
    check_error("", 112, 0, &[]);
    check_error("<a || b> rubbish", 163, 9, &["rubbish"]);
    check_error("foo ||->bar", 163, 4, &["||"]);
}

#[test]
fn task_layout_and_spans() {
    let d = parse("FooApp  &&  BarApp");
    assert_eq!(print_task(&d), "FooApp && BarApp");
    assert!(d.is_composed());
    assert_eq!(print_task(&parse("< FooApp>")), "<FooApp>");
    assert_eq!(
        print_task(&parse("< FooApp  ||    BarApp>")),
        "<FooApp || BarApp>"
    );
    let d = parse("App1 0->App2");
    let t = &first_app(&d).transitions[0];
    assert_eq!((t.status.as_scdf_status(), t.span), ("0", Span::new(5, 12)));
    let d = parse("App1 0->App2 'abc' ->   App3");
    assert_eq!(print_task(&d), "App1 0->App2 'abc'->App3");
    let ts = &first_app(&d).transitions;
    assert_eq!(ts[0].status, TransitionStatus::ExitCode("0".into()));
    assert_eq!(ts[1].status, TransitionStatus::ExitStatus("abc".into()));
    assert_eq!(
        (ts[0].span, ts[1].span),
        (Span::new(5, 12), Span::new(13, 28))
    );
    assert_eq!(first_app(&d).span, Span::new(0, 28));
    let d = parse("App1 *->App2 '*'->App3");
    assert_eq!(print_task(&d), "App1 *->App2 '*'->App3");
    let ts = &first_app(&d).transitions;
    assert_eq!(ts[0].status, TransitionStatus::AnyExitCode);
    assert_eq!(ts[1].status, TransitionStatus::ExitStatus("*".into()));
    assert_eq!(
        (ts[0].span, ts[1].span),
        (Span::new(5, 12), Span::new(13, 22))
    );
    let d = parse_task("App1 'foo'->:something").unwrap();
    let t = &first_app(&d).transitions[0];
    assert_eq!(t.span, Span::new(5, 22));
    assert!(matches!(&t.target, TransitionTarget::Label(l) if l.name == "something"));
    assert_eq!(print_task(&d), "App1 'foo'->:something");
    assert_eq!(print_task(&parse("A&&B")), "A && B");
    assert_eq!(print_task(&parse("<A||B>")), "<A || B>");
    assert_eq!(print_task(&parse("<A&&B||C>")), "<A && B || C>");
    assert_eq!(
        print_task(&parse("<(jobA && jobB && jobC) || boo: jobC>")),
        "<jobA && jobB && jobC || boo: jobC>"
    );
    assert_eq!(
        print_task(&parse("<<jobA || jobB> || jobC>")),
        "<<jobA || jobB> || jobC>"
    );
    assert_eq!(
        print_task(&parse("<jobA || <jobB || jobC> || jobD>")),
        "<jobA || <jobB || jobC> || jobD>"
    );
    assert_eq!(
        print_task(&parse(
            "<foo\n  'completed'->kill\n  '*'->custard\n  || bar>"
        )),
        "<foo 'completed'->kill '*'->custard || bar>"
    );
    assert_eq!(print_task(&parse("foo '*'->wibble")), "foo '*'->wibble");
    // SCDF's toDSL keeps `"*"` as written; canonical printing uses single quotes.
    assert_eq!(print_task(&parse("foo \"*\"->wibble")), "foo '*'->wibble");
    let spec = "<foo 'completed'->kill || bar>";
    assert_eq!(print_task(&parse(spec)), spec);
    let spec = "aaa '*'->$END && bbb";
    assert_eq!(print_task(&parse(spec)), spec);
    assert_eq!(
        print_task(&parse("foo 'oranges'->$END")),
        "foo 'oranges'->$END"
    );
    assert_eq!(
        print_task(&parse("foo 'oranges'->$FAIL")),
        "foo 'oranges'->$FAIL"
    );
}

#[test]
fn task_multiline_and_labels() {
    let apps =
        |d: &TaskDefinition| -> Vec<String> { d.apps().iter().map(|a| a.name.clone()).collect() };
    for dsl in [
        "FooApp &&\nBarApp",
        "FooApp\n&& BarApp",
        "FooApp\n&&\nBarApp",
    ] {
        let d = parse(dsl);
        assert_eq!(
            (d.sequences.len(), apps(&d)),
            (1, vec!["FooApp".into(), "BarApp".into()])
        );
    }
    for dsl in [
        "FooApp 0->:a 1->:b &&\nBarApp 2->:c 3->:d",
        "FooApp\n 0\n->:a\n 1->:b\n &&\nBarApp 2->:c 3->:d",
    ] {
        let d = parse_task(dsl).unwrap();
        assert_eq!(d.sequences.len(), 1);
        assert_eq!(d.sequences[0].nodes.len(), 2);
    }
    for dsl in ["<FooApp ||\nBarApp>", "<\nFooApp ||\nBarApp\n>"] {
        let d = parse(dsl);
        assert!(matches!(&d.sequences[0].nodes[0], FlowNode::Split(s) if s.flows.len() == 2));
    }
    let d = parse("foo: appA");
    assert_eq!(d.sequences[0].label().map(|l| l.name.as_str()), Some("foo"));
    let d = parse("foo: <appA || appB>");
    assert_eq!(d.sequences[0].label().map(|l| l.name.as_str()), Some("foo"));
    let d = parse("outer:<aaa: appA || bbb: appB>");
    let FlowNode::Split(split) = &d.sequences[0].nodes[0] else {
        panic!()
    };
    assert_eq!(split.label.as_ref().map(|l| l.name.as_str()), Some("outer"));
    assert_eq!(split.flows[1].label().map(|l| l.name.as_str()), Some("bbb"));
    let d = parse("(aaa: appA && appB)");
    assert_eq!(first_app(&d).label_name(), Some("aaa"));
    let d = parse("aaaa: foo && bar");
    assert_eq!(
        d.sequences[0].label().map(|l| l.name.as_str()),
        Some("aaaa")
    );
    let d = parse("appA\n  0->:foo\n  *->appB\n  && appE;foo: appC && appD");
    assert_eq!(d.sequences.len(), 2);
    assert!(d.sequence_with_label("foo").is_some());
    let names: Vec<String> = d
        .apps()
        .iter()
        .map(|a| {
            format!(
                "{}{}",
                a.label_name().map(|l| format!("{l}:")).unwrap_or_default(),
                a.name
            )
        })
        .collect();
    assert_eq!(names, ["appA", "appB", "appE", "foo:appC", "appD"]);
    let d = parse("<appA || appB> && appC && boo: appC");
    assert_eq!(d.apps().len(), 4);
}

#[test]
fn task_validation_like_scdf() {
    assert!(problems("appA").is_empty());
    let p = problems("appA;appB");
    assert_eq!((p.len(), p[0].code(), p[0].position), (1, 158, Some(5)));
    assert_eq!(
        p[0].header(),
        "158E:(pos 5): secondary sequences must have labels or are unreachable"
    );
    assert_eq!(
        p[0].formatted(),
        "158E:(pos 5): secondary sequences must have labels or are unreachable\nappA;appB\n     ^\n"
    );
    assert!(problems("appA;foo: appB").is_empty());
    let p = problems("appA;foo: appB\nappC");
    assert_eq!((p.len(), p[0].code(), p[0].position), (1, 158, Some(15)));
    assert_eq!(
        p[0].formatted(),
        "158E:(pos 15): secondary sequences must have labels or are unreachable\nappC\n^\n"
    );
    let one = |dsl: &str| {
        let p = problems(dsl);
        assert_eq!(p.len(), 1, "{dsl:?}");
        (p[0].code(), p[0].position.unwrap())
    };
    assert_eq!(one("appA && appA"), (166, 8));
    assert_eq!(one("appA 'foo' -> appA"), (166, 14));
    assert_eq!(one("appA 'foo' -> appA: appB"), (164, 14));
    assert_eq!(one("label1: appA 'foo' -> label1: appB"), (159, 22));
    assert_eq!(one("label1: appA 'foo' -> label1"), (165, 22));
    assert_eq!(one("aa 'foo'->:split && bb && cc"), (160, 3));
    assert_eq!(one("<aa 'foo'->:split && bb && cc || dd>"), (160, 4));
    let e = error(
        "<<jdbchdfs-local && spark-client || spark-cluster && spark-cluster> && timestamp || \
        spark-yarn>",
    );
    assert_eq!((e.code(), e.position), (166, Some(53)));
    let errors = parse_and_validate_task(
        "<1: jdbchdfs-local && spark-client && timestamp || spark-cluster && spark-cluster && \
        timestamp || spark-yarn>",
        Some("test"),
    )
    .unwrap_err();
    let found: Vec<_> = errors.iter().map(|e| (e.code(), e.position)).collect();
    assert_eq!(found, [(166, Some(68)), (166, Some(85))]);
}

#[test]
fn task_validation_problems_share_one_copy_of_the_text() {
    let dsl = "  appA && appA && appB 'x'->appA && appB  ";
    let errors = parse_and_validate_task(dsl, None).unwrap_err();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert_eq!(
        &*errors[0].expression,
        dsl.trim(),
        "SCDF quotes the trimmed text"
    );
    for error in &errors {
        assert!(std::sync::Arc::ptr_eq(
            &error.expression,
            &errors[0].expression
        ));
    }
    let cloned = errors[1].clone();
    assert!(std::sync::Arc::ptr_eq(
        &cloned.expression,
        &errors[0].expression
    ));
}

#[test]
fn task_validation_reports_a_bounded_number_of_problems() {
    // 12,000 unlabelled apps of one name: 11,999 duplicates (166), 60 KB of text.
    let dsl = vec!["a"; 12_000].join(" && ");
    assert!(dsl.len() < crate::MAX_DSL_CHARS);
    let errors = parse_and_validate_task(&dsl, None).unwrap_err();
    assert_eq!(errors.len(), crate::MAX_ERRORS);
    for (index, error) in errors.iter().enumerate() {
        assert_eq!((error.code(), error.position), (166, Some(5 * (index + 1))));
        assert!(std::sync::Arc::ptr_eq(
            &error.expression,
            &errors[0].expression
        ));
    }
    assert!(
        errors[..crate::MAX_ERRORS - 1]
            .iter()
            .all(|e| e.hint.is_none())
    );
    let last = errors.last().unwrap();
    assert_eq!(
        last.hint.as_deref(),
        Some("11899 more problems were found and not reported (at most 100 are)")
    );
    assert!(last.formatted().ends_with(
        "  ^\nhint: 11899 more problems were found and not reported (at most 100 are)\n"
    ));
    let response = parse_task_text_to_graph(None, &dsl);
    assert_eq!(response.errors.len(), crate::MAX_ERRORS);
    assert_eq!(response.errors[0].message, errors[0].header());

    // Exactly the bound: all reported, no hint.
    let dsl = vec!["a"; crate::MAX_ERRORS + 1].join(" && ");
    let errors = parse_and_validate_task(&dsl, None).unwrap_err();
    assert_eq!(errors.len(), crate::MAX_ERRORS);
    assert!(errors.iter().all(|e| e.hint.is_none()));
}

#[test]
fn task_validation_messages_from_scdf_runner_tests() {
    let dsl = "failedStep 'FAILED' -> BBB  && CCC && BBB && EEE";
    let errors = parse_and_validate_task(dsl, Some("t")).unwrap_err();
    assert_eq!(
        validation_failure_message(dsl, &errors),
        "Problems found when validating 'failedStep 'FAILED' -> BBB  && CCC && BBB && EEE': \
         [166E:(pos 38): duplicate app name. Use a label to ensure uniqueness]"
    );
    let dsl = "AAA 'FAILED' -> BBB  * -> CCC && BBB && EEE";
    let errors = parse_and_validate_task(dsl, Some("t")).unwrap_err();
    assert_eq!(
        validation_failure_message(dsl, &errors),
        "Problems found when validating 'AAA 'FAILED' -> BBB  * -> CCC && BBB && EEE': \
         [166E:(pos 33): duplicate app name. Use a label to ensure uniqueness]"
    );
}

#[test]
fn task_reference_error_renderings() {
    assert_eq!(
        error("a & b").formatted(),
        "150E:(pos 2): task dsl flow requires a pair of &, not just one\na & b\n  ^\n"
    );
    assert_eq!(
        error("appA;appB").formatted(),
        "158E:(pos 5): secondary sequences must have labels or are unreachable\nappA;appB\n     ^\n"
    );
    assert_eq!(
        error("aaa --bbb= --ccc=ddd").formatted(),
        "105E:(pos 11): Expected an argument value but was 'null'\n\
         aaa --bbb= --ccc=ddd\n   *       ^\n"
    );
}

// ---- SCDF TaskParserTests: graphs -------------------------------------------------------

#[test]
fn task_graphs_from_scdf_tests() {
    assert_graph(
        "[0:START][1:appA][2:appB][3:END][0-1][foo:1-2][1-3][2-3]",
        "appA 'foo' -> appB",
    );
    assert_graph(
        "[0:START][1:FooApp:p1=v1][2:END][0-1][1-2]",
        "FooApp --p1=v1",
    );
    assert_graph(
        "[0:START][1:FooApp:p1=v1:p2=v2][2:END][0-1][1-2]",
        "FooApp --p1=v1 --p2=v2",
    );
    assert_graph(
        "[0:START][1:FooApp:p1=v1][2:BarApp:p2=v2][3:END][0-1][1-2][2-3]",
        "FooApp --p1=v1 && BarApp --p2=v2",
    );
    assert_graph(
        "[0:START][1:FooApp][2:BarApp:p1=v1][3:END][0-1][0-2][1-3][2-3]",
        "<FooApp || BarApp --p1=v1>",
    );
    assert_graph(
        "[0:START][1:FooApp:p1=v1][2:GooApp:p2=v2][3:SooApp:p3=v3][4:END][0-1][something:1-2][1-3]\
        [3-4][2-4]",
        "FooApp --p1=v1 'something' -> GooApp --p2=v2 && SooApp --p3=v3",
    );
    assert_graph(
        "[0:START][1:appA][2:appB][3:appC][4:END][9:appD][10:appE][0-1][1-2][2-3][3-4][fail:1-9]\
        [9-10][10-4]",
        " appA 'fail'->:two && appB && appC;two: appD && appE",
    );
    assert_graph(
        "[0:START][1:appA][2:appB][3:END][0-1][fail:1-2][1-3][2-3]",
        "<appA 'fail'-> appB>",
    );
    assert_graph(
        "[0:START][1:appA][2:appB][3:END][12:appD][13:appE][14:appF][15:appG][0-1][1-2][2-3]\
        [fail:1-12][12-13][13-3][fail2:12-14][14-15][15-3]",
        " appA 'fail'->:two && appB;two: appD 'fail2'->:three && appE;three: appF && appG",
    );
    assert_graph(
        "[0:START][1:appA][2:appB][3:appC][4:END][9:appD][10:appE][0-1][1-2][2-3][3-4][fail:1-9]\
        [fail2:2-9][9-10][10-4]",
        "appA 'fail'->:two && appB 'fail2'->:two && appC;two: appD && appE",
    );
    assert_graph("[0:START][1:timestamp][2:END][0-1][1-2]", "timestamp");
    assert_graph(
        "[0:START]\
        [1:sql-executor-task:password=password:url=jdbc:postgresql://127.0.0.1:5432/postgres\
        :script-location=/dataflow/scripts/test.sql:username=postgres]\
        [2:END][0-1][1-2]",
        "sql-executor-task --script-location=/dataflow/scripts/test.sql --username=postgres \
        --password=password --url=jdbc:postgresql://127.0.0.1:5432/postgres",
    );
    assert_graph(
        "[0:START][1:t1:timestamp][2:t2:timestamp][3:t3:timestamp][4:END][0-1][FAILED:1-2][1-3]\
        [3-4][2-4]",
        "t1: timestamp 'FAILED'->t2: timestamp && t3: timestamp",
    );
    assert_graph(
        "[0:START][1:eee:timestamp:format=ttt][2:QQQQQ:timestamp:format=NOT-IN-TEXT]\
        [3:ooo:timestamp:format=yyyy][4:END][0-1][FAILED:1-2][1-3][3-4][2-4]",
        "eee: timestamp --format=ttt 'FAILED'->QQQQQ: timestamp --format=NOT-IN-TEXT && ooo: \
        timestamp --format=yyyy",
    );
    assert_graph("[0:START][1:AppA][2:END][0-1][1-2]", "<AppA>");
    assert_graph(
        "[0:START][1:AppA][2:AppB][3:END][0-1][1-2][2-3]",
        "<AppA> && AppB",
    );
    assert_graph(
        "[0:START][1:AppA][2:AppC][3:AppB][4:END][0-1][99:1-2][1-3][2-3][3-4]",
        "<AppA 99 -> AppC> && AppB",
    );
    assert_graph(
        "[0:START][1:Import:timestamp][2:T2:timestamp][3:T1:timestamp][4:Backwards:timestamp]\
        [5:END][0-1][Error2:1-2][Error:1-3][1-4][2-4][3-4][4-5]",
        "<Import: timestamp 'Error2'->T2: timestamp 'Error'->T1: timestamp> && Backwards: \
        timestamp",
    );
    assert_graph(
        "[0:START][1:Import:timestamp][2:T2:timestamp][3:T1:timestamp][4:Backwards:timestamp]\
        [5:END][0-1][Error2:1-2][Error:1-3][1-4][4-5][2-5][3-5]",
        "Import: timestamp 'Error2'->T2: timestamp 'Error'->T1: timestamp && Backwards: timestamp",
    );
    assert_graph(
        "[0:START][1:AppA][2:AppB][3:END][0-1][1-2][2-3]",
        "AppA && AppB",
    );
    assert_graph(
        "[0:START][1:AppA][2:AppB][3:END][0-1][0-2][1-3][2-3]",
        "<AppA || AppB>",
    );
    assert_graph(
        "[0:START][1:AppA][2:AppB][3:AppC][4:END][0-1][1-2][0-3][2-4][3-4]",
        "<AppA && AppB || AppC>",
    );
    assert_graph(
        "[0:START][1:AppA][2:AppB][3:AppC][4:END][0-1][0-2][2-3][1-4][3-4]",
        "<AppA || AppB && AppC>",
    );
    assert_graph(
        "[0:START][1:AppA][2:AppB][3:AppC][4:AppD][5:END][0-1][1-2][0-3][3-4][2-5][4-5]",
        "<AppA && AppB || AppC && AppD>",
    );
    assert_graph(
        "[0:START][1:AppA][2:AppB][3:AppC][4:END][0-1][1-2][1-3][2-4][3-4]",
        "AppA && <AppB || AppC>",
    );
    assert_graph(
        "[0:START][1:AppA][2:AppB][3:AppC][4:AppD][5:END][0-1][1-2][1-3][2-4][3-4][4-5]",
        "AppA && <AppB || AppC> && AppD",
    );
    assert_graph(
        "[0:START][1:AppA][2:AppB][3:SYNC][4:AppC][5:AppD][6:END][0-1][0-2][1-3][2-3][3-4][3-5]\
        [4-6][5-6]",
        "<AppA || AppB> && <AppC || AppD>",
    );
    assert_graph(
        "[0:START][1:AppA][2:AppB][3:AppC][4:SYNC][5:AppD][6:AppE][7:AppF][8:END][0-1][1-2][0-3]\
        [2-4][3-4][4-5][4-6][6-7][5-8][7-8]",
        "<AppA && AppB || AppC> && <AppD || AppE && AppF>",
    );
    assert_graph(
        "[0:START][1:AppA][2:AppB][3:x:AppC][4:AppD][5:y:AppC][6:END][0-1][1-2][0:2-3][2-4][0:4-5]\
        [4-6][3-6][5-6]",
        "AppA && AppB 0->x: AppC && AppD 0->y: AppC",
    );
    assert_graph(
        "[0:START][1:AppA][2:AppE][3:AppB][4:END][0-1][0:1-2][1-3][3-4][2-4]",
        "AppA 0->AppE && AppB",
    );
    assert_graph(
        "[0:START][1:AppA][2:AppE][3:AppB][4:AppC][5:END][0-1][0:1-2][1-3][3-4][4-5][2-5]",
        "AppA 0->AppE && AppB && AppC",
    );
    assert_graph(
        "[0:START][1:AppA][2:AppE][3:AppB][4:AppC][5:AppD][6:END][0-1][0:1-2][1-3][3-4][3-5][4-6]\
        [5-6][2-6]",
        "AppA 0->AppE && AppB && <AppC || AppD>",
    );
    assert_graph(
        "[0:START][1:x:AppA][2:y:AppB][3:END][0-1][0:1-2][1-3][2-3]",
        "x: AppA 0->y: AppB",
    );
    assert_graph(
        "[0:START][1:aaa][2:$END][3:bbb][4:END][0-1][*:1-2][1-3][3-4]",
        "aaa '*'->$END && bbb",
    );
    assert_graph(
        "[0:START][1:a][2:b][3:SYNC][4:c][5:d][6:END][0-1][0-2][1-3][2-3][3-4][3-5][4-6][5-6]",
        "<a || b> && <c || d>",
    );
    assert_graph(
        "[0:START][1:aaa][2:$END][3:END][0-1][broken:1-2][1-3]",
        "aaa 'broken'->$END",
    );
    assert_graph(
        "[0:START][1:a-b-c][2:d-e-f][3:END][0-1][1-2][2-3]",
        "a-b-c && d-e-f",
    );
    assert_graph(
        "[0:START][1:foo][2:$END][3:END][0-1][oranges:1-2][1-3]",
        "foo 'oranges'->$END",
    );
    assert_graph(
        "[0:START][1:foo][2:$FAIL][3:END][0-1][oranges:1-2][1-3]",
        "foo 'oranges'->$FAIL",
    );
    assert_graph(
        "[0:START][1:foo][2:hoo][3:bar][4:boo][5:goo][6:END][0-1][completed:1-2][0-3][1-4][2-4]\
        [3-4][4-5][5-6]",
        "<foo 'completed'->hoo || bar> && boo && goo",
    );
    assert_graph(
        "[0:START][1:aaa][2:bbb][3:ccc][4:ddd][5:END][0-1][tname:1-2][*:1-3][3:1-4][1-5][2-5][3-5]\
        [4-5]",
        "aaa 'tname'->bbb '*'->ccc 3->ddd",
    );
    assert_graph(
        "[0:START][1:foo][2:bbb][3:bar][4:bbc][5:END][0-1][failed:1-2][1-3][failed:3-4][3-5][2-5]\
        [4-5]",
        "foo 'failed'->bbb && bar 'failed'->bbc",
    );
    assert_graph(
        "[0:START][1:jdbchdfs-local][2:spark-client][3:spark-cluster][4:two:spark-cluster]\
        [5:timestamp][6:spark-yarn][7:END][0-1][1-2][0-3][3-4][2-5][4-5][0-6][5-7][6-7]",
        "<<jdbchdfs-local && spark-client || spark-cluster && two: spark-cluster> && timestamp || \
        spark-yarn>",
    );
    assert_graph(
        "[0:START][1:AA][2:BB][3:CC][4:DD][5:END][0-1][0-2][1-3][2-3][0-4][3-5][4-5]",
        "<<AA || BB> && CC || DD>",
    );
    assert_graph(
        "[0:START][1:AA][2:BB][3:CC][4:DD][5:EE][6:END][0-1][0-2][1-3][2-3][3-4][0-5][4-6][5-6]",
        "<<AA || BB> && CC && DD || EE>",
    );
    assert_graph(
        "[0:START][1:AC][2:AD][3:AE][4:AH][5:AF][6:AG][7:AB][8:END][0-1][1-2][0-3][jumpOut:3-4]\
        [3-5][2-6][5-6][4-6][0-7][6-8][7-8]",
        "<<AC && AD || AE 'jumpOut'-> AH && AF> && AG || AB>",
    );
    assert_graph(
        "[0:START][1:AA][2:BB][3:CC][4:DD][5:EE][6:FF][7:GG][8:HH][9:END][0-1][0-2][1-3][2-3][3-4]\
        [0-5][0-6][5-7][6-7][0-8][4-9][7-9][8-9]",
        "<<AA || BB> && CC && DD || <EE || FF> && GG || HH>",
    );
    assert_graph(
        "[0:START][1:AA][2:BB][3:CC][4:DD][5:EE][6:FF][7:GG][8:HH][9:END][0-1][0-2][1-3][2-3][0-4]\
        [0-5][4-6][5-6][6-7][0-8][3-9][7-9][8-9]",
        "<<AA || BB> && CC || <DD || EE> && FF && GG || HH>",
    );
}

#[test]
fn task_graph_round_trips_from_scdf_tests() {
    for dsl in [
        "AppA",
        "AppA && AppB",
        "<AppA || AppB>",
        "<AppA && AppB || AppC>",
        "<AppA || AppB && AppC>",
        "<AppA && AppB || foo: AppB && AppC>",
        "AppA && <AppB || AppC>",
        "AppA && <AppB || AppC> && AppD",
        "<AppA || AppB> && <AppC || AppD>",
        "<AppA && AppB || AppC> && <AppD || AppE && AppF>",
        "<foojob || bbb && ccc>",
        "<a || b> && c",
        "a && <b || c>",
        "AppA 0->AppE && AppB",
        "AppA 0->AppE && AppB && AppC",
        "AppA 0->AppE && AppB && <AppC || AppD>",
        "aaa 'FOO'->XXX 'B'->bbb1 '*'->ccc1 && bbb2 && ccc2",
        "<Foo 'failed'->Kill || Bar>",
        "<AppA 'failed'->Kill || AppB> && AppC",
        "<aaa || ccc || ddd> && eee",
        "<aaa || bbb && <ccc || ddd>> && eee",
        "<aaa && <bbb || ccc> && foo || ddd && eee> && fff",
        "<aaa && <bbb || ccc> || ddd && eee> && fff",
        "<aaa || bbb && <ccc || ddd>> && <eee || fff>",
        "<aaa || bbb && <ccc || ddd>> && <eee || fff> && <ggg || hhh>",
        "aaa '*'->$END && bbb",
        "aaa '*'->$END && <bbb || ccc>",
        "aaa '*'->$END && bbb && ccc",
        "<a || b> && foo && <c || d>",
        "<a || b> && foo 'wibble'->$END && <c || d>",
        "<a || b> && foo 'wibble'->$FAIL && <c || d>",
        "aaa 'COMPLETED'->kill1 'FOO'->kill2",
        "aaa 'COMPLETED'->kill && bbb && ccc",
        "aaa 'COMPLETED'->kill1 && bbb 'COMPLETED'->kill2 && ccc",
        "aaa 'COMPLETED'->x: kill 'FOO'->bar && bbb 'COMPLETED'->y: kill && ccc",
        "<aaa 'COMPLETED'->kill || bbb> && ccc",
        "<aaa && fff || bbb && ggg && <ccc || ddd>> && eee && hhh && iii && <jjj || kkk && lll>",
        "<a || b> && <c || d>",
        "aaa 'broken'->$END",
        "a-b-c && d-e-f",
        "foo 'oranges'->$END",
        "foo 'oranges'->$FAIL",
        "<foo 'completed'->hoo || bar> && boo && goo",
        "foo 'failed'->bbb && bar 'failed'->bbc",
        "t1: timestamp 'FAILED'->t2: timestamp && t3: timestamp",
        "t1: timestamp --format=aabbcc 'FAILED'->t2: timestamp && t3: timestamp --format=gghhii",
        "t1: timestamp --format=aabbcc 'FAILED'->t2: timestamp --format=ddeeff && t3: timestamp \
        --format=gghhii",
        "<AppA 99->AppC> && AppB",
        "<AppA 99->AppC || AppD> && AppB",
        "<Import: timestamp 'Error2'->T2: timestamp 'Error'->T1: timestamp> && Backwards: \
        timestamp",
        "Import: timestamp 'Error2'->T2: timestamp 'Error'->T1: timestamp && Backwards: timestamp",
        "<<jdbchdfs-local && spark-client || spark-cluster && two: spark-cluster> && timestamp || \
        spark-yarn>",
        "<<AA || BB> && CC || DD>",
        "<<AA || BB> && CC && DD || EE>",
        "<<AC && AD || AE && AF> && AG || AB>",
        "<<AC && AD || AE 'jumpOut'->AH && AF> && AG || AB>",
        "<<AA || BB> && CC && DD || <EE || FF> && GG || HH>",
        "<<AA || BB> && CC || <DD || EE> && FF && GG || HH>",
        "aaa 'tname'->bbb '*'->ccc 3->ddd",
    ] {
        round_trip(dsl);
    }
    // Not an identity: the split of one is dropped, like SCDF does.
    assert_eq!(graph_to_dsl(&graph("<AppA>")).unwrap(), "AppA");
    assert_eq!(
        graph_to_dsl(&graph("<AppA> && AppB")).unwrap(),
        "AppA && AppB"
    );
    let g = graph(
        "t1: timestamp --format=aabbcc 'FAILED'->t2: timestamp --format=ddeeff && t3: timestamp \
        --format=gghhii",
    );
    assert_eq!(
        g.nodes[2].properties.as_ref().and_then(|p| p.get("format")),
        Some("ddeeff")
    );
}

#[test]
fn task_graph_to_text_of_edited_graphs() {
    // SCDF's graphToText_1712: the dashboard sends empty maps.
    let mut g = graph("timestamp");
    for node in &mut g.nodes {
        node.metadata = Some(Default::default());
    }
    for link in &mut g.links {
        link.properties = Some(Default::default());
    }
    assert_eq!(graph_to_dsl(&g).unwrap(), "timestamp");
    let json = serde_json::to_string(&g).unwrap();
    assert_eq!(
        json,
        concat!(
            r#"{"nodes":[{"id":"0","name":"START"},{"id":"1","name":"timestamp"},"#,
            r#"{"id":"2","name":"END"}],"links":[{"from":"0","to":"1"},{"from":"1","to":"2"}]}"#
        )
    );

    // SCDF's spacesInProperties.
    let mut g = graph("aaa");
    let properties: Properties = [("one", "bar"), ("two", "b ar")].into_iter().collect();
    g.nodes[1].properties = Some(properties);
    assert_eq!(graph_to_dsl(&g).unwrap(), "aaa --one=bar --two='b ar'");
    g.nodes.push(Node::new("3", "bbb"));
    g.links.push(Link::transition("1", "3", "tname"));
    assert_eq!(
        graph_to_dsl(&g).unwrap(),
        "aaa --one=bar --two='b ar' 'tname'->bbb"
    );
    g.nodes.push(Node::new("4", "ccc"));
    g.links.push(Link::transition("1", "4", "*"));
    assert_eq!(
        graph_to_dsl(&g).unwrap(),
        "aaa --one=bar --two='b ar' 'tname'->bbb '*'->ccc"
    );
    g.nodes.push(Node::new("5", "ddd"));
    g.links.push(Link::transition("1", "5", "3"));
    assert_eq!(
        graph_to_dsl(&g).unwrap(),
        "aaa --one=bar --two='b ar' 'tname'->bbb '*'->ccc 3->ddd"
    );
    let dsl = "aaa --one=bar --two='b ar' 'tname'->bbb '*'->ccc 3->ddd";
    let g = graph(dsl);
    assert_eq!(
        g.nodes[1].properties.as_ref().and_then(|p| p.get("two")),
        Some("b ar")
    );
    let names: Vec<_> = g.links.iter().map(Link::transition_name).collect();
    assert_eq!(&names[1..4], [Some("tname"), Some("*"), Some("3")]);
    assert_eq!(graph_to_dsl(&g).unwrap(), dsl);

    // `*` comes back quoted, as in SCDF (its graph cannot tell the two apart).
    assert_eq!(
        graph_to_dsl(&graph("App1 *->App2")).unwrap(),
        "App1 '*'->App2"
    );
    // Masked values arrive already quoted and stay as they are.
    let mut g = graph("app --password=secret --user='a b'");
    if let Some(properties) = &mut g.nodes[1].properties {
        for (key, value) in properties.iter_mut() {
            if key == "password" {
                *value = "'******'".to_owned();
            }
        }
    }
    assert_eq!(
        graph_to_dsl(&g).unwrap(),
        "app --password='******' --user='a b'"
    );
    // Values SCDF would print unparseable are quoted.
    let g = graph("app --a='x;y' --b='' --c='it''s here'");
    assert_eq!(
        graph_to_dsl(&g).unwrap(),
        "app --a='x;y' --b='' --c='it''s here'"
    );
}

#[test]
fn task_graph_errors() {
    assert_eq!(
        graph_to_dsl(&Graph::default()),
        Err(GraphError::MissingStartOrEnd)
    );
    let mut g = graph("a && b");
    g.links.push(Link::new("1", "42"));
    assert!(matches!(
        graph_to_dsl(&g),
        Err(GraphError::UnknownNode { .. })
    ));
    // A cycle that SCDF would follow forever.
    let mut g = graph("a && b");
    g.links.push(Link::new("2", "1"));
    assert_eq!(graph_to_dsl(&g), Err(GraphError::TooComplex));
    // Transitions SCDF cannot draw.
    let d = parse("<a 'x'->:lb || lb: b>");
    assert_eq!(
        task_to_graph(&d),
        Err(GraphError::OutOfFlowTransition("1:x->lb".into()))
    );
    let d = parse("L: <a 'x'->:L || b>");
    assert!(matches!(
        task_to_graph(&d),
        Err(GraphError::TransitionToPrimarySequence(_))
    ));
}

// ---- SCDF ToolsControllerTests ----------------------------------------------------------

#[test]
fn task_tools_endpoint_like_scdf() {
    let ok = parse_task_text_to_graph("foo", "appA");
    let json = serde_json::to_value(&ok).unwrap();
    assert_eq!(json["graph"]["nodes"][0]["id"], "0");
    assert_eq!(json["graph"]["nodes"][0]["name"], "START");
    assert_eq!(json["graph"]["nodes"][1]["name"], "appA");
    assert_eq!(json["graph"]["nodes"][2]["name"], "END");
    assert_eq!(json["graph"]["links"][1]["from"], "1");
    assert_eq!(json["graph"]["links"][1]["to"], "2");
    assert_eq!(json["errors"], serde_json::json!([]));

    let bad_name = parse_task_text_to_graph("a.b", "appA");
    assert_eq!(bad_name.graph, None);
    assert_eq!(
        bad_name.errors,
        [ErrorDescriptor {
            message: "123E:(pos 0): illegal name for a task 'a.b'".into(),
            position: 0
        }]
    );
    let syntax = parse_task_text_to_graph("a", "appA & appB");
    assert_eq!(
        syntax.errors,
        [ErrorDescriptor {
            message: "150E:(pos 5): task dsl flow requires a pair of &, not just one".into(),
            position: 5
        }]
    );
    let one = parse_task_text_to_graph("a", "label: appA && label: appA");
    assert_eq!(
        one.errors,
        [ErrorDescriptor {
            message: "159E:(pos 15): this label has already been defined".into(),
            position: 15
        }]
    );
    let two = parse_task_text_to_graph("a", "label: appA && label: appA && label: appA");
    let found: Vec<_> = two
        .errors
        .iter()
        .map(|e| (e.message.as_str(), e.position))
        .collect();
    assert_eq!(
        found,
        [
            ("159E:(pos 15): this label has already been defined", 15),
            ("159E:(pos 30): this label has already been defined", 30)
        ]
    );
    let json = serde_json::to_string(&two).unwrap();
    assert!(
        json.starts_with(r#"{"graph":null,"errors":[{"message":"159E"#),
        "{json}"
    );

    let converted = convert_task_graph_to_text(&ok.graph.unwrap());
    assert_eq!(
        converted,
        ConvertTaskResponse {
            dsl: Some("appA".into()),
            errors: vec![]
        }
    );
    let failed = convert_task_graph_to_text(&Graph::default());
    assert_eq!(
        serde_json::to_string(&failed).unwrap(),
        concat!(
            r#"{"dsl":null,"errors":[{"message":"#,
            r#""Graph is malformed - problems finding START and END nodes","position":-1}]}"#
        )
    );
}

#[test]
fn task_graph_properties_keep_first_positions_and_last_values() {
    let definition = parse("t --b=1 --a=2 --b=3 --c=4 --a=5");
    assert_eq!(
        app(&definition).argument_map(),
        [("b", "3"), ("a", "5"), ("c", "4")]
    );
    let graph = task_to_graph(&definition).unwrap();
    let properties: Vec<_> = graph.nodes[1].properties.as_ref().unwrap().iter().collect();
    assert_eq!(properties, [("a", "5"), ("b", "3"), ("c", "4")]);
    let collected: Properties = [("x", "1"), ("y", "2"), ("x", "3")].into_iter().collect();
    assert_eq!(
        collected.iter().collect::<Vec<_>>(),
        [("x", "3"), ("y", "2")]
    );
    let read: Properties = serde_json::from_str(r#"{"x":"1","y":"2","x":"3"}"#).unwrap();
    assert_eq!(read, collected);
    // Many arguments, each once, all in the graph.
    let args: String = (0..4000).map(|i| format!(" --a{i}={i}")).collect();
    let graph = task_to_graph(&parse(&format!("t{args}"))).unwrap();
    let properties = graph.nodes[1].properties.as_ref().unwrap();
    assert_eq!(properties.len(), 4000);
    assert_eq!(properties.get("a3999"), Some("3999"));
}

#[test]
fn task_graph_forward_transitions_meet_their_labels() {
    // Each label takes the transitions to it, in the order they were made.
    assert_eq!(
        verbose(&graph("a 0->:l1 1->:l2 2->:l1 && l2: b && l1: c")),
        "[0:START][1:a][2:l2:b][3:l1:c][4:END][0-1][1:1-2][1-2][0:1-3][2:1-3][2-3][3-4]"
    );
    // Many of them, each to its own label further on.
    let count = 2000;
    let transitions: String = (0..count).map(|i| format!(" {i}->:l{i}")).collect();
    let labels: String = (0..count).map(|i| format!(" && l{i}: b{i}")).collect();
    let graph = graph(&format!("a{transitions}{labels}"));
    let to_labels = graph
        .links
        .iter()
        .filter(|link| link.from == "1" && link.transition_name().is_some())
        .count();
    assert_eq!(to_labels, count);
    let link = graph
        .links
        .iter()
        .find(|l| l.transition_name() == Some("1999"));
    assert_eq!(link.map(|l| l.to.as_str()), Some("2001"));
}

/// Every transition to a secondary sequence gets links to a copy of it, so n transitions to a
/// sequence of n flows draw n² links: past the graph size limit, that is an error.
#[test]
fn task_graphs_have_a_size_limit() {
    let copies = |count: usize| {
        let primary: Vec<String> = (0..count).map(|i| format!("p{i} 1->:s")).collect();
        let flows: Vec<String> = (0..count).map(|i| format!("x{i}")).collect();
        format!("{}\ns: <{}>", primary.join(" && "), flows.join(" || "))
    };
    // (The copy's ends continue as the flow's last node does, transitions included: SCDF's
    // algorithm, kept.)
    assert_eq!(
        verbose(&graph(&copies(3))),
        "[0:START][1:p0][2:p1][3:p2][4:END][10:x0][11:x1][12:x2][0-1][1-2][2-3][3-4]\
         [1:1-10][1:2-10][1:3-10][1:1-11][1:2-11][1:3-11][1:1-12][1:2-12][1:3-12]\
         [10-4][1:10-10][1:10-11][1:10-12][11-4][1:11-10][1:11-11][1:11-12]\
         [12-4][1:12-10][1:12-11][1:12-12]"
    );
    let small = graph(&copies(20));
    assert!(small.nodes.len() + small.links.len() <= crate::MAX_GRAPH_SIZE);

    let large = copies(400);
    assert!(large.len() < crate::MAX_DSL_CHARS);
    let definition = parse(&large);
    assert_eq!(task_to_graph(&definition), Err(GraphError::TooComplex));
    let response = parse_task_text_to_graph("t", &large);
    assert_eq!(response.graph, None);
    assert_eq!(
        response.errors,
        [ErrorDescriptor {
            message: "Graph is too large or too tangled to convert".to_owned(),
            position: -1,
        }]
    );
}

#[test]
fn task_graph_json_reads_what_the_dashboard_sends() {
    let json = r#"{"nodes":[{"id":"0","name":"START","metadata":{}},
        {"id":"1","name":"timestamp","properties":{"format":"yyyy","zone":"UTC"},
         "metadata":{"label":"t"},"extra":1},
        {"id":"2","name":"END","properties":null}],
        "links":[{"from":"0","to":"1","properties":{}},{"from":"1","to":"2"}]}"#;
    let g: Graph = serde_json::from_str(json).unwrap();
    assert_eq!(
        graph_to_dsl(&g).unwrap(),
        "t: timestamp --format=yyyy --zone=UTC"
    );
    let g: Graph = serde_json::from_str("{}").unwrap();
    assert_eq!(g, Graph::default());
}

// ---- nesting limit ----------------------------------------------------------------------

#[test]
fn task_deep_nesting_is_an_error_not_a_crash() {
    for open in ["<", "(", "<(", "(<"] {
        let dsl = open.repeat(crate::MAX_DSL_CHARS / open.len()) + "a";
        assert_eq!(parse_task(&dsl).unwrap_err().code(), 180);
        let dsl = open.repeat(100_000 / open.len()) + "a";
        let e = parser::parse_unbounded(&dsl, None).unwrap_err();
        assert_eq!(e.code(), 162, "{open}");
        assert_eq!(e.position, Some(MAX_NESTING));
        assert!(e.hint.as_deref().is_some_and(|h| h.contains("256")));
    }
    // Exactly at the limit is fine, and everything downstream copes with it.
    let dsl = format!("{}a{}", "<".repeat(MAX_NESTING), ">".repeat(MAX_NESTING));
    let definition = parse_task(&dsl).unwrap();
    assert_eq!(print_task(&definition), dsl);
    let graph = task_to_graph(&definition).unwrap();
    assert_eq!(graph_to_dsl(&graph).unwrap(), "a");
    let dsl = format!("{}a{}", "(".repeat(MAX_NESTING), ")".repeat(MAX_NESTING));
    assert_eq!(print_task(&parse_task(&dsl).unwrap()), "a");
    // The deepest recursion: splits in flows in splits, converted there and back.
    let dsl: String = (0..MAX_NESTING)
        .map(|i| format!("<a{i} || x{i} && "))
        .collect();
    let dsl = format!("{dsl}z{}", ">".repeat(MAX_NESTING));
    let definition = parse(&dsl);
    assert_eq!(print_task(&definition), dsl);
    assert_eq!(
        graph_to_dsl(&task_to_graph(&definition).unwrap()).unwrap(),
        dsl
    );
    // Long flows are loops, not recursion, even beyond the length limit (180 for the public
    // functions).
    let long = vec!["a --x=1"; 50_000].join(" && ");
    assert_eq!(parse_task(&long).unwrap_err().code(), 180);
    let definition = parser::parse_unbounded(&long, None).unwrap();
    assert_eq!(definition.sequences[0].nodes.len(), 50_000);
}

#[test]
fn task_definitions_longer_than_the_limit_are_refused_first() {
    use crate::MAX_DSL_CHARS;
    // Lexing (162 for the NUL), syntax (163) and validation (166) errors further on: the
    // length is checked before all of them.
    let dsl = format!("\0a --v={} && a && a)", "x".repeat(MAX_DSL_CHARS));
    let length = dsl.chars().count();
    let inserts = vec![length.to_string(), MAX_DSL_CHARS.to_string()];
    let header = format!(
        "180E:(pos {MAX_DSL_CHARS}): definition is {length} characters long; the limit is \
         {MAX_DSL_CHARS}"
    );
    let check = |e: &DslError| {
        assert_eq!(
            (e.code(), e.position, &e.inserts),
            (180, Some(MAX_DSL_CHARS), &inserts)
        );
        assert_eq!(e.header(), header);
        assert_eq!(e.expression.chars().count(), MAX_DSL_CHARS);
        assert!(dsl.starts_with(&*e.expression));
    };
    check(&parse_task(&dsl).unwrap_err());
    let errors = parse_and_validate_task(&dsl, Some("t")).unwrap_err();
    assert_eq!(errors.len(), 1);
    check(&errors[0]);
    check(&crate::check_length(&dsl).unwrap_err());
    let response = parse_task_text_to_graph("t", &dsl);
    assert_eq!(response.graph, None);
    assert_eq!(
        response.errors,
        [ErrorDescriptor {
            message: header.clone(),
            position: i64::try_from(MAX_DSL_CHARS).unwrap(),
        }]
    );

    // At the limit, a definition parses; the limit counts characters, not bytes.
    let at_limit = format!("a --v='{}'", "é".repeat(MAX_DSL_CHARS - 8));
    assert_eq!(at_limit.chars().count(), MAX_DSL_CHARS);
    let graph = parse_task_text_to_graph("t", &at_limit).graph.unwrap();
    // (printed back without the quotes it does not need)
    assert_eq!(
        graph_to_dsl(&graph).unwrap(),
        format!("a --v={}", "é".repeat(MAX_DSL_CHARS - 8))
    );

    // A graph whose text would be longer than the limit is not converted (nor parsed).
    let mut long = graph;
    long.nodes[1]
        .properties
        .as_mut()
        .unwrap()
        .insert("v", "é".repeat(MAX_DSL_CHARS));
    let Err(GraphError::Unparsable(e)) = graph_to_dsl(&long) else {
        panic!("{:?}", graph_to_dsl(&long));
    };
    assert_eq!((e.code(), e.position), (180, Some(MAX_DSL_CHARS)));
    assert_eq!(e.inserts[0], (MAX_DSL_CHARS + 6).to_string(), "a --v=é…");
    assert!(matches!(
        graph_to_task(&long),
        Err(GraphError::Unparsable(e)) if e.code() == 180
    ));
    let converted = convert_task_graph_to_text(&long);
    assert_eq!(converted.dsl, None);
    assert_eq!(converted.errors[0].message, e.header());
}

#[test]
fn task_long_graphs_convert_without_exhausting_the_stack() {
    let names: Vec<String> = (0..3000).map(|i| format!("a{i}")).collect();
    let dsl = names.join(" && ");
    let graph = task_to_graph(&parse(&dsl)).unwrap();
    assert_eq!(graph_to_dsl(&graph).unwrap(), dsl);
    let nested = format!("{}x || y{}", "<".repeat(200), ">".repeat(200));
    let graph = task_to_graph(&parse_task(&nested).unwrap()).unwrap();
    assert!(graph_to_dsl(&graph).is_ok());
    // A wide split: every pair of branches is compared, within the work budget.
    let flows: Vec<String> = (0..1000).map(|i| format!("a{i}")).collect();
    let wide = format!("<{}> && z", flows.join(" || "));
    let graph = task_to_graph(&parse(&wide)).unwrap();
    assert_eq!(graph_to_dsl(&graph).unwrap(), wide);
}

// ---- snapshots --------------------------------------------------------------------------

/// Every task example of the reference document (§2.1, §3.6).
#[test]
fn task_reference_examples() {
    insta::assert_snapshot!(reports(&[
        "a && b",
        "foo 'FAILED' -> bar 'COMPLETED' -> baz",
        "foo 'FAILED' -> bar '*' -> baz",
        "foo 'FAILED' -> bar && qux && quux",
        "<foo || bar || baz> && <qux || quux>",
        "<foo && bar || baz>",
        "<aaa: timestamp || bbb: timestamp>",
        "a 0 -> b",
        "a & b",
        "appA;appB",
        "app --k=v",
    ]));
}

/// Definitions that parse: layouts, labels, arguments, transitions, splits, sequences.
#[test]
fn task_more_definitions() {
    insta::assert_snapshot!(reports(&[
        "timestamp",
        "  timestamp --format=yyyy  ",
        "a --x=1 --x=2",
        "a --spring.cloud.task.name=x --b.c-d.e=f",
        "a --expression='hi'+payload",
        "a --x=p'q r'",
        "a --x=\"say \"\"hi\"\"\"",
        "a --x='it''s' && b --y=\"a b\" && c --z=''",
        "a --x= 'spaced literal'",
        "a --x=😀 && b",
        "a 007->b",
        "a 2147483647->b",
        "a \"COMPLETED\"->b 'it''s'->c",
        "a 'FAILED'->b --x=1 && c",
        "a 'FAILED'->lbl: b --x=1 && c",
        "a 0->$END 1->$FAIL",
        "a 'x'->e1: $END && b 'y'->e2: $END",
        "a;b: c",
        "a\nb: c\nd: e",
        "a 1->:b2\nb2: x 2->:b3 && y\nb3: z",
        "lbl: a 'again'->:lbl",
        "aa: a 'x'->:bb && c && bb: d 'y'->:aa",
        "a && (b && c) && d",
        "(a && b)",
        "((a))",
        "<(a && b) || (c)>",
        "< a || <b || <c || d>>>",
        "s1: <a || b> && s2: <c || d>",
        "<a 'x'->b 'y'->c || d 'z'->e>",
        "<a || b> && c 'x'->d && <e || f>",
        "$END",
        "0",
        "a-",
        "x- && <y- || z->",
        "a\r\n&& b\t&& c",
        "a\0&& b",
        "x: a 0->y: b",
        "<a || b && c> && <d || e> && <f || g>",
        "a 'FAILED'->b '*'->c && <d 'x'->$FAIL || e> && f",
        "<a 1->b || c 2->d> && <e || f 3->g>",
    ]));
}

/// An error for each code the parser raises, and more.
#[test]
fn task_errors() {
    insta::assert_snapshot!(reports(&[
        "",
        "   ",
        "a --x=|",
        "a --x=;b",
        "a --x=>",
        "a --x= <",
        "a --x=",
        "a --x='abc",
        "a --x=\"abc",
        "a 'abc",
        "a \"abc",
        "a -x",
        "a - b",
        "a \\ b",
        "a & b",
        "a && b & c",
        "a | b",
        "<a ||| b>",
        "a # b",
        "a @ b",
        "a é",
        "a\u{a0}b",
        "a && b\nc & d",
        "(a",
        "(a >",
        "<a",
        "<a )",
        "<a || b",
        "a 0->:",
        "a 0->: &&",
        "a --x y",
        "a --x.",
        "a --x..y=1",
        "a -- =1",
        "a --=1",
        "a --x . y=1",
        "a --x. y=1",
        "a --x=1 --",
        "&& a",
        "a &&",
        "a && && b",
        ">",
        "'lit' && a",
        "l1: l2: a",
        "l1: (a)",
        "a 1->b c",
        "a b->c",
        "a 2147483648->b",
        "a 1-2->b",
        "a $END->b",
        "a ->b",
        "a 0->x ->y",
        "a 0->",
        "a 'x'->l: ",
        "<a || b> c",
        "(a) && (b) c",
        "(a && b) && c",
        "a;",
        "a\n",
        "a;b",
        "a\n<b || c>",
        "a\nb\nc",
        "a 'x'->:nowhere",
        "a 'x'->:one 'y'->:two",
        "a && a",
        "a 'x'->a",
        "a && a: b",
        "l: a && l",
        "l: a && l: b",
        "s: <a || b> && s: c",
        "a 'x'->l: b && l: c",
        "a 'x'->$END && b 'y'->$END",
        "  a;b",
        "<<jdbchdfs-local && spark-client || spark-cluster && spark-cluster> && timestamp || \
        spark-yarn>",
        "foo -- name=value",
        "foo --name =value",
        "foo --name= value",
        &format!("{}a", "<".repeat(MAX_NESTING + 1)),
        &format!("a && {}b", "(".repeat(MAX_NESTING + 1)),
    ]));
}

/// Task names (123), checked after the syntax and before trailing input, as in SCDF.
#[test]
fn task_name_errors() {
    let mut out = String::new();
    for (name, dsl) in [
        ("a.b", "appA"),
        ("0foobar", "appA"),
        ("", "appA"),
        ("foo bar", "appA"),
        ("a\u{300}", "appA"),
        ("\u{300}a", "appA"),
        ("a.b", "appA &&"),
        ("a.b", "appA appB"),
        ("a.b", "appA && appA"),
        ("étape-1", "appA"),
    ] {
        let _ = writeln!(out, "name: {name:?}, dsl: {dsl:?}");
        match parse_and_validate_task(dsl, Some(name)) {
            Ok(_) => out.push_str("ok\n"),
            Err(errors) => {
                for e in errors {
                    out.push_str(&e.formatted());
                }
            }
        }
    }
    insta::assert_snapshot!(out);
}

/// The graph JSON of the tools endpoint for a range of definitions.
#[test]
fn task_graph_json() {
    let cases = [
        ("app", "appA"),
        ("args", "FooApp --p1=v1 --p2=v2 && BarApp --p3='a b'"),
        (
            "labels",
            "t1: timestamp 'FAILED'->t2: timestamp && t3: timestamp",
        ),
        ("split", "<AppA || AppB>"),
        ("split_in_flow", "AppA && <AppB || AppC> && AppD"),
        ("sync", "<AppA || AppB> && <AppC || AppD>"),
        ("nested", "<<AA || BB> && CC || DD>"),
        ("transitions", "aaa 'tname'->bbb '*'->ccc 3->ddd"),
        ("end_fail", "a 'x'->$END && b 'y'->$FAIL"),
        ("shared_end", "a 'x'->e1: $END && b 'y'->e2: $END"),
        (
            "split_transition",
            "<foo 'completed'->hoo || bar> && boo && goo",
        ),
        (
            "single_split",
            "<Import: timestamp 'Error2'->T2: timestamp 'Error'->T1: timestamp> && Backwards: \
            timestamp",
        ),
        (
            "sequences",
            "appA 'fail'->:two && appB && appC\ntwo: appD && appE",
        ),
        (
            "sequence_chain",
            "appA 'fail'->:two && appB;two: appD 'fail2'->:three && appE;three: appF && appG",
        ),
        ("label_back", "lbl: a 'again'->:lbl"),
        ("label_forward", "a 'skip'->:c && b && c: x"),
        (
            "property_order",
            "sql-executor-task --script-location=/x.sql --username=postgres --password=password \
            --url=jdbc:h2:mem",
        ),
        ("split_labels", "outer: <aaa: appA || bbb: appB>"),
    ];
    for (name, dsl) in cases {
        let response = parse_task_text_to_graph("test", dsl);
        assert!(response.errors.is_empty(), "{dsl}: {:?}", response.errors);
        let graph = response.graph.unwrap();
        let json: Graph = serde_json::from_str(&serde_json::to_string(&graph).unwrap()).unwrap();
        assert_eq!(json, graph, "JSON round trip of {dsl}");
        insta::assert_json_snapshot!(
            format!("task_graph_json_{name}"),
            (dsl, &graph, graph_to_dsl(&graph).ok())
        );
    }
}
