//! The real `dataflow-server` binary: zero-setup start, graceful stop, `migrate`, `print-config`.

use std::net::TcpListener;
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
    let mut running = Running(
        server()
            .args(["--port", &port.to_string(), "--data-dir"])
            .arg(&data)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let about = wait_for_about(port).await;
    assert_eq!(
        about["versionInfo"]["implementation"]["name"],
        "dataflow-server"
    );
    assert!(
        data.join("dataflow.db").exists(),
        "the data directory and database were created"
    );

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
