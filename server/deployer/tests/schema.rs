//! Validates every rendered snapshot against the Kubernetes 1.35 API schema with the
//! `kubernetes-validate` CLI (PyPI), in strict mode (unknown fields are errors).
//!
//! Run with `DATAFLOW_KUBERNETES_VALIDATE=<path to kubernetes-validate> cargo test -p
//! dataflow-deployer --test schema -- --ignored`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The Kubernetes version the objects are validated against (k8s-openapi's `v1_35`).
const KUBERNETES_VERSION: &str = "1.35.0";

/// The YAML documents of an insta snapshot: the content after insta's front matter (from the
/// first `---` line to the second), split on `---` lines.
fn documents(snapshot: &str) -> Vec<String> {
    let mut lines = snapshot.lines();
    let mut separators = 0;
    for line in lines.by_ref() {
        if line == "---" {
            separators += 1;
            if separators == 2 {
                break;
            }
        }
    }
    let mut documents = Vec::new();
    let mut current = String::new();
    for line in lines {
        if line == "---" {
            documents.push(std::mem::take(&mut current));
        } else {
            current.push_str(line);
            current.push('\n');
        }
    }
    documents.push(current);
    documents
        .into_iter()
        .filter(|document| !document.trim().is_empty())
        .collect()
}

fn snapshots() -> Vec<PathBuf> {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&directory)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", directory.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "snap")
        })
        .collect();
    paths.sort();
    paths
}

#[test]
#[ignore = "needs kubernetes-validate (DATAFLOW_KUBERNETES_VALIDATE)"]
#[expect(
    clippy::disallowed_methods,
    reason = "the validator's path is test configuration, not server configuration"
)]
fn snapshots_validate_against_the_kubernetes_schema() {
    let validator = std::env::var("DATAFLOW_KUBERNETES_VALIDATE").expect(
        "set DATAFLOW_KUBERNETES_VALIDATE to the kubernetes-validate executable \
         (pip install kubernetes-validate)",
    );
    let scratch = tempfile::tempdir().unwrap();
    let mut validated = 0;
    let mut failures = Vec::new();
    for snapshot in snapshots() {
        let text = std::fs::read_to_string(&snapshot).unwrap();
        let name = snapshot.file_stem().unwrap().to_string_lossy().into_owned();
        for (index, document) in documents(&text).iter().enumerate() {
            let file = scratch.path().join(format!("{name}-{index}.yaml"));
            std::fs::write(&file, document).unwrap();
            let output = Command::new(&validator)
                .args(["--strict", "-k", KUBERNETES_VERSION])
                .arg(&file)
                .output()
                .unwrap_or_else(|error| panic!("cannot run {validator}: {error}"));
            validated += 1;
            if !output.status.success() {
                failures.push(format!(
                    "{name} document {index}:\n{}{}",
                    String::from_utf8_lossy(&output.stdout),
                    String::from_utf8_lossy(&output.stderr)
                ));
            }
        }
    }
    println!("validated {validated} documents against Kubernetes {KUBERNETES_VERSION}");
    assert!(validated > 0, "no YAML documents found in the snapshots");
    assert!(
        failures.is_empty(),
        "schema validation failed:\n{}",
        failures.join("\n")
    );
}

#[test]
fn documents_skip_the_front_matter() {
    let snapshot =
        "---\nsource: x\nexpression: y\n---\n---\nkind: Service\n---\nkind: Deployment\n";
    assert_eq!(
        documents(snapshot),
        ["kind: Service\n", "kind: Deployment\n"]
    );
}
