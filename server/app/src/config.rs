//! The server's configuration: one clap struct, every option a `--flag` and a `DATAFLOW_*`
//! variable. This is the only module that reads the environment.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use dataflow_store::{ConnectOptions, redact_url};
use secrecy::SecretString;

/// `dataflow-server [COMMAND] [OPTIONS]`.
#[derive(Debug, Parser)]
#[command(
    name = "dataflow-server",
    version,
    about = "The dataflow server: a control plane for \
    data pipelines, compatible with Spring Cloud Data Flow's REST API."
)]
pub struct Args {
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Settings shared by every command.
    #[command(flatten)]
    pub config: Config,
}

/// The commands.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum Command {
    /// Run the server (the default).
    Serve,
    /// Apply database migrations and exit (for a deployment's init step).
    Migrate,
    /// Print the effective configuration, secrets redacted, as DATAFLOW_* variables.
    PrintConfig,
    /// Print the Kubernetes objects a stream would be deployed as (multi-document YAML), using
    /// the configured database's app registry; touches no cluster.
    RenderStream(RenderStream),
}

/// `render-stream`: what to render.
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct RenderStream {
    /// The stream definition, e.g. 'ticktock = time | log'.
    #[arg(long)]
    pub definition: String,
    /// The stream's name, when the definition has no 'name =' prefix.
    #[arg(long)]
    pub name: Option<String>,
    /// Deployment properties in SCDF's comma form: 'deployer.log.count=3,app.time.x=y'.
    #[arg(long)]
    pub properties: Option<String>,
}

/// Everything the server is configured with.
#[derive(Clone, clap::Args)]
pub struct Config {
    /// Port to serve HTTP on.
    #[arg(long, env = "DATAFLOW_PORT", default_value_t = 9393, global = true)]
    pub port: u16,
    /// Address to bind; 0.0.0.0 to serve other hosts (as in a container).
    #[arg(
        long,
        env = "DATAFLOW_BIND",
        default_value = "127.0.0.1",
        global = true
    )]
    pub bind: IpAddr,
    /// Directory for the embedded SQLite database (created if missing).
    #[arg(long, env = "DATAFLOW_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,
    /// Database URL: sqlite:<path>, mysql://host[:port]/db or mariadb://host[:port]/db
    /// [default: sqlite:<data-dir>/dataflow.db].
    #[arg(
        long,
        env = "DATAFLOW_DATABASE_URL",
        hide_env_values = true,
        global = true
    )]
    pub database_url: Option<String>,
    /// Database user (overrides the URL's).
    #[arg(long, env = "DATAFLOW_DATABASE_USERNAME", global = true)]
    pub database_username: Option<String>,
    /// Database password (overrides the URL's); never printed.
    #[arg(
        long,
        env = "DATAFLOW_DATABASE_PASSWORD",
        hide_env_values = true,
        value_parser = parse_secret,
        global = true
    )]
    pub database_password: Option<SecretString>,
    /// Seconds to keep trying to reach the database at start.
    #[arg(
        long,
        env = "DATAFLOW_DATABASE_CONNECT_TIMEOUT_SECONDS",
        default_value_t = 30,
        global = true
    )]
    pub database_connect_timeout_seconds: u64,
    /// Log filter: a level (info, debug, ...) or tracing directives (dataflow_server=debug,sqlx=warn).
    #[arg(
        long,
        env = "DATAFLOW_LOG_LEVEL",
        default_value = "info",
        global = true
    )]
    pub log_level: String,
    /// Largest request body accepted, in bytes (larger ones get 413).
    #[arg(long, env = "DATAFLOW_MAX_REQUEST_BYTES", default_value_t = 16 * 1024 * 1024, global = true)]
    pub max_request_bytes: usize,
    /// Seconds to wait for an app list fetched from an http(s) URI.
    #[arg(
        long,
        env = "DATAFLOW_FETCH_TIMEOUT_SECONDS",
        default_value_t = 30,
        global = true
    )]
    pub fetch_timeout_seconds: u64,
    /// A property every stream app receives, lowest precedence (SCDF's
    /// spring.cloud.dataflow.application-properties.stream.*), e.g.
    /// spring.cloud.stream.kafka.binder.brokers=kafka:9092. Repeatable; in the variable, one
    /// KEY=VALUE per line.
    #[arg(
        long = "stream-app-property",
        env = "DATAFLOW_STREAM_APP_PROPERTIES",
        value_name = "KEY=VALUE",
        value_parser = parse_key_value,
        value_delimiter = '\n',
        hide_env_values = true,
        global = true
    )]
    pub stream_app_properties: Vec<(String, String)>,
    /// A Kubernetes platform setting, as SCDF's
    /// spring.cloud.skipper.server.platform.kubernetes.accounts.default.<KEY>, e.g.
    /// namespace=streams or imagePullPolicy=Always. Repeatable; in the variable, one KEY=VALUE
    /// per line.
    #[arg(
        long = "kubernetes-setting",
        env = "DATAFLOW_KUBERNETES_SETTINGS",
        value_name = "KEY=VALUE",
        value_parser = parse_key_value,
        value_delimiter = '\n',
        hide_env_values = true,
        global = true
    )]
    pub kubernetes_settings: Vec<(String, String)>,
}

fn parse_key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Ok((key.trim().to_owned(), value.trim().to_owned()))
        }
        _ => Err(format!("expected KEY=VALUE, got '{s}'")),
    }
}

fn parse_secret(s: &str) -> Result<SecretString, String> {
    Ok(SecretString::from(s))
}

impl Config {
    /// The database URL in effect: the configured one, or the SQLite file in the data directory.
    pub fn effective_database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite:{}", self.data_dir.join("dataflow.db").display()),
        }
    }

    /// Whether the database is the default SQLite file, whose directory we create.
    pub fn uses_default_database(&self) -> bool {
        self.database_url.is_none()
    }

    /// Options for [`dataflow_store::connect`].
    pub fn connect_options(&self) -> ConnectOptions {
        ConnectOptions {
            username: self.database_username.clone(),
            password: self.database_password.clone(),
            max_connections: None,
            connect_timeout: Some(std::time::Duration::from_secs(
                self.database_connect_timeout_seconds,
            )),
        }
    }

    /// The address to listen on.
    pub fn listen_addr(&self) -> SocketAddr {
        SocketAddr::new(self.bind, self.port)
    }

    /// The effective configuration as `DATAFLOW_*=value` lines, secrets redacted.
    pub fn to_env_lines(&self) -> String {
        let username = self.database_username.as_deref().unwrap_or("");
        let password = if self.database_password.is_some() {
            "******"
        } else {
            ""
        };
        [
            format!("DATAFLOW_PORT={}", self.port),
            format!("DATAFLOW_BIND={}", self.bind),
            format!("DATAFLOW_DATA_DIR={}", self.data_dir.display()),
            format!(
                "DATAFLOW_DATABASE_URL={}",
                redact_url(&self.effective_database_url())
            ),
            format!("DATAFLOW_DATABASE_USERNAME={username}"),
            format!("DATAFLOW_DATABASE_PASSWORD={password}"),
            format!(
                "DATAFLOW_DATABASE_CONNECT_TIMEOUT_SECONDS={}",
                self.database_connect_timeout_seconds
            ),
            format!("DATAFLOW_LOG_LEVEL={}", self.log_level),
            format!("DATAFLOW_MAX_REQUEST_BYTES={}", self.max_request_bytes),
            format!(
                "DATAFLOW_FETCH_TIMEOUT_SECONDS={}",
                self.fetch_timeout_seconds
            ),
            format!(
                "DATAFLOW_STREAM_APP_PROPERTIES={}",
                masked_lines(&self.stream_app_properties)
            ),
            format!(
                "DATAFLOW_KUBERNETES_SETTINGS={}",
                masked_lines(&self.kubernetes_settings)
            ),
        ]
        .join("\n")
    }
}

/// Secrets stay out of `Debug` (and so out of logs): the URL's password and the password option.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("port", &self.port)
            .field("bind", &self.bind)
            .field("data_dir", &self.data_dir)
            .field(
                "database_url",
                &self.database_url.as_deref().map(redact_url),
            )
            .field("database_username", &self.database_username)
            .field(
                "database_password",
                &self.database_password.as_ref().map(|_| "******"),
            )
            .field(
                "database_connect_timeout_seconds",
                &self.database_connect_timeout_seconds,
            )
            .field("log_level", &self.log_level)
            .field("max_request_bytes", &self.max_request_bytes)
            .field("fetch_timeout_seconds", &self.fetch_timeout_seconds)
            .field(
                "stream_app_properties",
                &masked_lines(&self.stream_app_properties),
            )
            .field(
                "kubernetes_settings",
                &masked_lines(&self.kubernetes_settings),
            )
            .finish()
    }
}

/// `KEY=VALUE` pairs as the lines of a variable's value (quoted, so the lines stay one
/// variable), sensitive values masked.
fn masked_lines(pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return String::new();
    }
    let lines: Vec<String> = pairs
        .iter()
        .map(|(key, value)| format!("{key}={}", dataflow_core::sanitize::mask_value(key, value)))
        .collect();
    format!("'{}'", lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Args {
        Args::try_parse_from(std::iter::once("dataflow-server").chain(args.iter().copied()))
            .unwrap()
    }

    #[test]
    fn defaults_serve_sqlite_in_the_data_directory_on_9393() {
        let args = parse(&[]);
        assert_eq!(args.command, None);
        assert_eq!(args.config.port, 9393);
        assert_eq!(
            args.config.effective_database_url(),
            "sqlite:data/dataflow.db"
        );
        assert!(args.config.uses_default_database());
    }

    #[test]
    fn options_work_before_and_after_the_command() {
        let before = parse(&["--port", "1234", "migrate"]);
        let after = parse(&["migrate", "--port", "1234", "--data-dir", "/tmp/x"]);
        assert_eq!(before.command, Some(Command::Migrate));
        assert_eq!((before.config.port, after.config.port), (1234, 1234));
        assert_eq!(
            after.config.effective_database_url(),
            "sqlite:/tmp/x/dataflow.db"
        );
    }

    #[test]
    fn secrets_are_redacted_in_debug_and_print_config() {
        let args = parse(&[
            "print-config",
            "--database-url",
            "mysql://app:url-secret@db:3306/dataflow",
            "--database-password",
            "option-secret",
        ]);
        let shown = format!("{:?}\n{}", args.config, args.config.to_env_lines());
        assert!(!shown.contains("url-secret"), "{shown}");
        assert!(!shown.contains("option-secret"), "{shown}");
        assert!(
            shown.contains("DATAFLOW_DATABASE_URL=mysql://app:******@db:3306/dataflow"),
            "{shown}"
        );
        assert!(
            shown.contains("DATAFLOW_DATABASE_PASSWORD=******"),
            "{shown}"
        );
    }

    #[test]
    fn bad_values_are_refused_by_name() {
        let err = Args::try_parse_from(["dataflow-server", "--port", "http"]).unwrap_err();
        assert!(err.to_string().contains("--port"), "{err}");
    }
}
