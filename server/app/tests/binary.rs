//! The real `dataflow-server` binary: zero-setup start, graceful stop, `migrate`, `print-config`,
//! `render-stream`.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_dataflow-server");

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A command with the environment cleared of DATAFLOW_* settings the developer may have.
fn server() -> Command {
    let mut command = Command::new(BIN);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("DATAFLOW_") {
            command.env_remove(key);
        }
    }
    command
}

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the server on `port` over the data directory `data`, its stderr as given.
fn start(port: u16, data: &std::path::Path, stderr: Stdio) -> Running {
    Running(
        server()
            .args(["--port", &port.to_string(), "--data-dir"])
            .arg(data)
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .unwrap(),
    )
}

async fn wait_for_about(port: u16) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(response) = reqwest::get(format!("http://127.0.0.1:{port}/about")).await {
            assert_eq!(response.status(), 200);
            return response.json().await.unwrap();
        }
        assert!(
            Instant::now() < deadline,
            "the server did not answer /about within 20 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn serves_about_with_no_setup_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("fresh/data");
    let port = free_port();
    let mut running = start(port, &data, Stdio::piped());
    let about = wait_for_about(port).await;
    assert_eq!(
        about["versionInfo"]["implementation"]["name"],
        "dataflow-server"
    );
    assert!(
        data.join("dataflow.db").exists(),
        "the data directory and database were created"
    );

    stop(&mut running);
    let stderr = std::io::read_to_string(running.0.stderr.take().unwrap()).unwrap();
    assert!(stderr.contains("shutting down"), "{stderr}");
}

#[test]
fn migrate_creates_the_database_and_exits() {
    let dir = tempfile::tempdir().unwrap();
    let output = server()
        .arg("migrate")
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(dir.path().join("dataflow.db").exists());
}

#[test]
fn print_config_redacts_secrets_and_reads_the_environment() {
    let output = server()
        .arg("print-config")
        .env("DATAFLOW_PORT", "7000")
        .env(
            "DATAFLOW_DATABASE_URL",
            "mariadb://dataflow:in-url@db:3306/dataflow",
        )
        .env("DATAFLOW_DATABASE_PASSWORD", "in-env")
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("DATAFLOW_PORT=7000"), "{text}");
    assert!(
        text.contains("DATAFLOW_DATABASE_URL=mariadb://dataflow:******@db:3306/dataflow"),
        "{text}"
    );
    assert!(text.contains("DATAFLOW_DATABASE_PASSWORD=******"), "{text}");
    assert!(
        !text.contains("in-url") && !text.contains("in-env"),
        "{text}"
    );
}

#[test]
fn an_unreachable_database_fails_start_with_a_clear_message() {
    let port = free_port();
    let output = server()
        .args([
            "migrate",
            "--database-connect-timeout-seconds",
            "1",
            "--database-url",
        ])
        .arg(format!("mysql://u:secret@127.0.0.1:{port}/x"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot open the database mysql://u:******@127.0.0.1"),
        "{stderr}"
    );
    assert!(!stderr.contains("secret"), "{stderr}");
}

/// Sends SIGTERM and waits (at most 10 s) for a clean exit.
fn stop(running: &mut Running) {
    let killed = Command::new("kill")
        .args(["-TERM", &running.0.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = running.0.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "no exit within 10 s of SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "graceful shutdown exits 0, got {status}");
}

const WORKSHOP_APPS: &str = "\
source.trucks=docker:dev.local/trucks:0.0.1-SNAPSHOT
processor.brake-temperature=docker:dev.local/brake-temperature:0.0.1-SNAPSHOT
sink.brake-log=docker:dev.local/brake-logs:0.0.1-SNAPSHOT
";

const WORKSHOP_STREAM: &str = "truck-performance = trucks --spring.cloud.stream.function.bindings.generateTruck-out-0=output | brake-temperature --spring.cloud.stream.function.bindings.processBrakeTemperature-in-0=input --spring.cloud.stream.function.bindings.processBrakeTemperature-out-0=output | brake-log --spring.cloud.stream.function.bindings.log-in-0=input";

/// POSTs `pairs` form-encoded, as SCDF's shell does; asserts 201.
async fn post_form(client: &reqwest::Client, url: &str, pairs: &[(&str, &str)]) {
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs {
        form.append_pair(key, value);
    }
    let response = client
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.finish())
        .send()
        .await
        .unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, 201, "{url}: {text}");
}

/// `dataflow-server render-stream --data-dir <data> <args>`.
fn render_stream(data: &Path, args: &[&str]) -> std::process::Output {
    server()
        .arg("render-stream")
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap()
}

/// The acceptance check of `render-stream`: for a stored stream, the CLI prints byte for byte
/// what `POST /streams/deployments/{name}/manifest` answers, from the same database.
#[tokio::test]
async fn render_stream_prints_what_the_server_exports() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let port = free_port();
    let mut running = start(port, &data, Stdio::null());
    wait_for_about(port).await;
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    post_form(&client, &format!("{base}/apps"), &[("apps", WORKSHOP_APPS)]).await;
    post_form(
        &client,
        &format!("{base}/streams/definitions"),
        &[
            ("name", "truck-performance"),
            ("definition", WORKSHOP_STREAM),
        ],
    )
    .await;
    let response = client
        .post(format!(
            "{base}/streams/deployments/truck-performance/manifest"
        ))
        .header("content-type", "application/json")
        .body(r#"{"deployer.brake-log.count": "2"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/yaml");
    let exported = response.bytes().await.unwrap();
    stop(&mut running);

    let text = String::from_utf8(exported.to_vec()).unwrap();
    assert!(text.starts_with("---\n"), "{text}");
    assert_eq!(text.matches("\n---\n").count() + 1, 6, "{text}");
    assert!(text.contains("\n  replicas: 2\n"), "{text}");
    assert!(
        text.contains("--spring.cloud.stream.instanceCount=2"),
        "{text}"
    );

    let rendered = render_stream(
        &data,
        &[
            "--definition",
            WORKSHOP_STREAM,
            "--name",
            "truck-performance",
            "--properties",
            "deployer.brake-log.count=2",
        ],
    );
    let stderr = String::from_utf8_lossy(&rendered.stderr);
    assert!(rendered.status.success(), "{}: {stderr}", rendered.status);
    assert!(
        rendered.stdout == exported,
        "stdout differs from the HTTP export:\n{}",
        String::from_utf8_lossy(&rendered.stdout)
    );
    assert!(
        stderr.contains("Database ready."),
        "the logs go to stderr: {stderr}"
    );

    // The name may come from the definition itself.
    let named_by_dsl = render_stream(
        &data,
        &[
            "--definition",
            WORKSHOP_STREAM,
            "--properties",
            "deployer.brake-log.count=2",
        ],
    );
    assert!(named_by_dsl.status.success());
    assert!(named_by_dsl.stdout == exported);
}

#[test]
fn render_stream_failures_exit_non_zero_and_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let migrated = server()
        .arg("migrate")
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(migrated.status.success());

    let unknown = render_stream(dir.path(), &["--definition", "ticktock = time | log"]);
    assert!(!unknown.status.success());
    assert!(unknown.stdout.is_empty(), "no YAML on failure");
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        stderr.contains(
            "Error: Application name 'time' with type 'source' does not exist in the app \
             registry.\nApplication name 'log' with type 'sink' does not exist in the app \
             registry."
        ),
        "{stderr}"
    );

    let unnamed = render_stream(dir.path(), &["--definition", "time | log"]);
    assert!(!unnamed.status.success());
    assert!(unnamed.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&unnamed.stderr);
    assert!(
        stderr.contains(
            "Error: the stream needs a name: give --name or start the definition with 'name = '"
        ),
        "{stderr}"
    );

    let broken = render_stream(
        dir.path(),
        &["--definition", "time --password=hunter2 | | log"],
    );
    assert!(!broken.status.success());
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert!(
        stderr.contains("Error: 1"),
        "the DSL error comes first: {stderr}"
    );
    assert!(
        stderr.contains("time --password=******* | | log"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");

    let two_names = render_stream(
        dir.path(),
        &["--definition", "a = time | log", "--name", "b"],
    );
    assert!(!two_names.status.success());
    let stderr = String::from_utf8_lossy(&two_names.stderr);
    assert!(
        stderr.contains("the definition names the stream 'a' but --name says 'b'"),
        "{stderr}"
    );

    let bad_properties = render_stream(
        dir.path(),
        &[
            "--definition",
            "time | log",
            "--name",
            "ticktock",
            "--properties",
            "count=2",
        ],
    );
    assert!(!bad_properties.status.success());
    let stderr = String::from_utf8_lossy(&bad_properties.stderr);
    assert!(
        stderr.contains("Invalid deployment property 'count':"),
        "{stderr}"
    );
}

/// Secrets in query strings and the content of files the server was pointed at stay out of
/// its log, even at DEBUG, and `file:` needs an allowed directory.
#[tokio::test]
async fn debug_logs_hold_no_query_strings_or_read_content() {
    const MARKER: &str = "hunter2-log-marker";
    let dir = tempfile::tempdir().unwrap();
    let lists = tempfile::tempdir().unwrap();
    let list = lists.path().join("bad.properties");
    std::fs::write(&list, format!("{MARKER}\nsource.x=docker:a/x:1\n")).unwrap();
    let log = dir.path().join("server.log");
    let port = free_port();
    let mut running = Running(
        server()
            .args([
                "--port",
                &port.to_string(),
                "--log-level",
                "debug",
                "--data-dir",
            ])
            .arg(dir.path().join("data"))
            .arg("--app-import-dir")
            .arg(lists.path())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap(),
    );
    wait_for_about(port).await;
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("apps", &format!("source.y=docker:a/y:1?password={MARKER}"));
    let inline = client
        .post(format!("{base}/apps?{}", query.finish()))
        .send()
        .await
        .unwrap();
    assert!(inline.status().is_success() || inline.status().is_client_error());
    for uri in [
        "file:/etc/passwd".to_owned(),
        format!("file:{}", list.display()),
    ] {
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("uri", &uri);
        let reply = client
            .post(format!("{base}/apps"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.finish())
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 400, "{uri}");
        let text = reply.text().await.unwrap();
        assert!(!text.contains(MARKER) && !text.contains("root:"), "{text}");
    }
    stop(&mut running);
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("/apps"), "the log is at DEBUG: {logged}");
    assert!(!logged.contains(MARKER), "{logged}");
    assert!(!logged.contains("root:"), "{logged}");
    assert!(
        !logged.contains("apps=source"),
        "query strings stay out: {logged}"
    );
}
