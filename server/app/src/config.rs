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
    /// A directory `file:` app lists may be read from (`POST /apps?uri=file:…`); repeatable, in
    /// the variable comma-separated. None by default: `file:` lists are refused. Symlinks and
    /// `..` cannot leave these directories.
    #[arg(
        long = "app-import-dir",
        env = "DATAFLOW_APP_IMPORT_DIRS",
        value_name = "DIR",
        value_delimiter = ',',
        global = true
    )]
    pub app_import_dirs: Vec<PathBuf>,
    /// A host app lists may be fetched from even though it resolves to a loopback, private,
    /// link-local or other non-public address (an internal repository); repeatable, in the
    /// variable comma-separated. Public hosts need no entry.
    #[arg(
        long = "app-import-allowed-host",
        env = "DATAFLOW_APP_IMPORT_ALLOWED_HOSTS",
        value_name = "HOST",
        value_delimiter = ',',
        global = true
    )]
    pub app_import_allowed_hosts: Vec<String>,
    /// Take the links' scheme and host from X-Forwarded-Proto/X-Forwarded-Host (only when a
    /// proxy in front of the server sets them: any client can send them).
    #[arg(
        long,
        env = "DATAFLOW_TRUST_FORWARDED_HEADERS",
        default_value_t = false,
        global = true
    )]
    pub trust_forwarded_headers: bool,
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
    pub stream_app_properties: Vec<KeyValue>,
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
    pub kubernetes_settings: Vec<KeyValue>,
    /// A Kubernetes platform account streams can be deployed to: NAME (the cluster from the
    /// in-cluster service account, else $KUBECONFIG or ~/.kube/config) or NAME=KUBECONFIG
    /// (that file's current context). Its namespace is the namespace setting, else the
    /// context's. Deployments pick one with spring.cloud.dataflow.skipper.platformName
    /// (default: default). Repeatable; in the variable, one per line. None: streams cannot be
    /// deployed, only exported.
    #[arg(
        long = "kubernetes-account",
        env = "DATAFLOW_KUBERNETES_ACCOUNTS",
        value_name = "NAME[=KUBECONFIG]",
        value_delimiter = '\n',
        global = true
    )]
    pub kubernetes_accounts: Vec<String>,
    /// The longest time between two reconcile passes (each deploy, update, scale or
    /// undeploy also starts one at once).
    #[arg(
        long,
        env = "DATAFLOW_RECONCILE_INTERVAL_SECONDS",
        default_value_t = 10,
        value_parser = clap::value_parser!(u64).range(1..=3600),
        global = true
    )]
    pub reconcile_interval_seconds: u64,
    /// How long the apps of an update (or rollback) may take to become deployed before it is
    /// rolled back (Skipper's health check timeout).
    #[arg(
        long,
        env = "DATAFLOW_UPGRADE_TIMEOUT_SECONDS",
        default_value_t = 300,
        value_parser = clap::value_parser!(u64).range(1..=86_400),
        global = true
    )]
    pub upgrade_timeout_seconds: u64,
}

/// One `--kubernetes-account`: its name and, if given, its kubeconfig file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountConfig {
    /// The account's name.
    pub name: String,
    /// The kubeconfig file; `None`: the in-cluster account or the default kubeconfig.
    pub kubeconfig: Option<PathBuf>,
}

/// One `KEY=VALUE` line of a repeatable setting. A blank line (a YAML block scalar in a
/// Kubernetes manifest ends with one) is nothing. A malformed line is kept as such and refused
/// by [`Config::stream_app_properties`] / [`Config::kubernetes_settings`], because clap's own
/// error would repeat the line, which may hold a secret.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyValue(Line);

#[derive(Clone, PartialEq, Eq)]
enum Line {
    Blank,
    Pair(String, String),
    Malformed(&'static str),
}

/// Only the key shows: the value may be a secret.
impl fmt::Debug for KeyValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Line::Pair(key, _) => write!(f, "{key}=…"),
            Line::Blank => f.write_str("(blank)"),
            Line::Malformed(why) => write!(f, "(malformed: {why})"),
        }
    }
}

/// The pairs of `lines`, blank lines skipped.
fn pairs(lines: &[KeyValue]) -> impl Iterator<Item = (&String, &String)> {
    lines.iter().filter_map(|line| match &line.0 {
        Line::Pair(key, value) => Some((key, value)),
        Line::Blank | Line::Malformed(_) => None,
    })
}

/// The pairs of `lines` by key, or which line of `flag` is malformed (its text not repeated).
fn checked_pairs(
    flag: &str,
    lines: &[KeyValue],
) -> Result<std::collections::BTreeMap<String, String>, String> {
    let non_blank = lines.iter().filter(|line| line.0 != Line::Blank);
    for (index, line) in non_blank.enumerate() {
        if let Line::Malformed(why) = line.0 {
            return Err(format!("{flag}: entry {} {why}", index + 1));
        }
    }
    Ok(pairs(lines)
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect())
}

/// A `KEY=VALUE` line; never fails (see [`KeyValue`]).
#[expect(
    clippy::unnecessary_wraps,
    reason = "clap's value parsers return a Result"
)]
fn parse_key_value(s: &str) -> Result<KeyValue, String> {
    let line = if s.trim().is_empty() {
        Line::Blank
    } else {
        match s.split_once('=') {
            Some((key, value)) if !key.trim().is_empty() => {
                Line::Pair(key.trim().to_owned(), value.trim().to_owned())
            }
            Some(_) => Line::Malformed("has an empty key before '=' (expected KEY=VALUE)"),
            None => Line::Malformed("has no '=' (expected KEY=VALUE)"),
        }
    };
    Ok(KeyValue(line))
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

    /// The `--stream-app-property` pairs (the last of a repeated key wins), or which entry is
    /// malformed.
    pub fn stream_app_properties(
        &self,
    ) -> Result<std::collections::BTreeMap<String, String>, String> {
        checked_pairs("--stream-app-property", &self.stream_app_properties)
    }

    /// The `--kubernetes-setting` pairs (the last of a repeated key wins), or which entry is
    /// malformed.
    pub fn kubernetes_settings(
        &self,
    ) -> Result<std::collections::BTreeMap<String, String>, String> {
        checked_pairs("--kubernetes-setting", &self.kubernetes_settings)
    }

    /// The `--kubernetes-account`s, or which one is malformed (empty name, a name given
    /// twice).
    pub fn kubernetes_accounts(&self) -> Result<Vec<AccountConfig>, String> {
        let mut accounts: Vec<AccountConfig> = Vec::new();
        for (index, entry) in self
            .kubernetes_accounts
            .iter()
            .map(|e| e.trim())
            .filter(|e| !e.is_empty())
            .enumerate()
        {
            let (name, kubeconfig) = match entry.split_once('=') {
                Some((name, path)) => (name.trim(), Some(PathBuf::from(path.trim()))),
                None => (entry, None),
            };
            if name.is_empty()
                || kubeconfig
                    .as_ref()
                    .is_some_and(|p| p.as_os_str().is_empty())
            {
                return Err(format!(
                    "--kubernetes-account #{}: expected NAME or NAME=KUBECONFIG",
                    index + 1
                ));
            }
            if accounts.iter().any(|a| a.name == name) {
                return Err(format!("--kubernetes-account: '{name}' is given twice"));
            }
            accounts.push(AccountConfig {
                name: name.to_owned(),
                kubeconfig,
            });
        }
        Ok(accounts)
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
                "DATAFLOW_APP_IMPORT_DIRS={}",
                self.app_import_dirs
                    .iter()
                    .map(|d| d.display().to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            format!(
                "DATAFLOW_APP_IMPORT_ALLOWED_HOSTS={}",
                self.app_import_allowed_hosts.join(",")
            ),
            format!(
                "DATAFLOW_TRUST_FORWARDED_HEADERS={}",
                self.trust_forwarded_headers
            ),
            format!(
                "DATAFLOW_STREAM_APP_PROPERTIES={}",
                masked_lines(&self.stream_app_properties)
            ),
            format!(
                "DATAFLOW_KUBERNETES_SETTINGS={}",
                masked_lines(&self.kubernetes_settings)
            ),
            format!(
                "DATAFLOW_KUBERNETES_ACCOUNTS={}",
                self.kubernetes_accounts.join(",")
            ),
            format!(
                "DATAFLOW_RECONCILE_INTERVAL_SECONDS={}",
                self.reconcile_interval_seconds
            ),
            format!(
                "DATAFLOW_UPGRADE_TIMEOUT_SECONDS={}",
                self.upgrade_timeout_seconds
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
            .field("app_import_dirs", &self.app_import_dirs)
            .field("app_import_allowed_hosts", &self.app_import_allowed_hosts)
            .field("trust_forwarded_headers", &self.trust_forwarded_headers)
            .field(
                "stream_app_properties",
                &masked_lines(&self.stream_app_properties),
            )
            .field(
                "kubernetes_settings",
                &masked_lines(&self.kubernetes_settings),
            )
            .field("kubernetes_accounts", &self.kubernetes_accounts)
            .field(
                "reconcile_interval_seconds",
                &self.reconcile_interval_seconds,
            )
            .field("upgrade_timeout_seconds", &self.upgrade_timeout_seconds)
            .finish()
    }
}

/// `KEY=VALUE` pairs as the lines of a variable's value (quoted, so the lines stay one
/// variable), sensitive values masked: by key, and assignments inside values (environment
/// variables `DB_PASSWORD=…`, YAML holding `TOKEN=…`).
fn masked_lines(lines: &[KeyValue]) -> String {
    let lines: Vec<String> = pairs(lines)
        .map(|(key, value)| {
            let value = dataflow_core::sanitize::mask_value(key, value);
            format!("{key}={value}")
        })
        .collect();
    if lines.is_empty() {
        return String::new();
    }
    format!("'{}'", lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::*;

    fn config(args: &[&str]) -> Config {
        let mut all = vec!["dataflow-server"];
        all.extend_from_slice(args);
        Args::try_parse_from(all).expect("parses").config
    }

    #[test]
    fn repeatable_settings_skip_blank_lines_and_hide_secrets() {
        let config = config(&[
            "--stream-app-property",
            "spring.cloud.stream.kafka.binder.brokers=kafka:9092\n\n",
            "--stream-app-property",
            "spring.kafka.password=hunter2",
            "--kubernetes-setting",
            "environmentVariables=DB_PASSWORD=hunter3,X=1",
        ]);
        assert_eq!(
            config
                .stream_app_properties()
                .expect("well formed")
                .keys()
                .collect::<Vec<_>>(),
            [
                "spring.cloud.stream.kafka.binder.brokers",
                "spring.kafka.password"
            ]
        );
        assert_eq!(
            config.kubernetes_settings().expect("well formed")["environmentVariables"],
            "DB_PASSWORD=hunter3,X=1"
        );
        for shown in [config.to_env_lines(), format!("{config:?}")] {
            assert!(!shown.contains("hunter"), "{shown}");
            assert!(shown.contains("kafka:9092"), "{shown}");
            assert!(shown.contains("X=1"), "{shown}");
        }
    }

    #[test]
    fn kubernetes_accounts_are_names_with_optional_kubeconfigs() {
        let accounts = config(&[
            "--kubernetes-account",
            "default",
            "--kubernetes-account",
            "east=/etc/dataflow/east.kubeconfig\n",
        ])
        .kubernetes_accounts()
        .expect("well formed");
        assert_eq!(
            accounts,
            [
                AccountConfig {
                    name: "default".to_owned(),
                    kubeconfig: None
                },
                AccountConfig {
                    name: "east".to_owned(),
                    kubeconfig: Some(PathBuf::from("/etc/dataflow/east.kubeconfig"))
                },
            ]
        );
        let twice = config(&["--kubernetes-account", "a", "--kubernetes-account", "a=/k"])
            .kubernetes_accounts()
            .expect_err("a name given twice");
        assert!(twice.contains("'a' is given twice"), "{twice}");
        let empty = config(&["--kubernetes-account", "=/k"])
            .kubernetes_accounts()
            .expect_err("no name");
        assert!(empty.contains("#1"), "{empty}");
        assert!(config(&[]).kubernetes_accounts().unwrap().is_empty());
    }

    #[test]
    fn a_line_without_equals_is_refused_without_repeating_it() {
        let config = config(&[
            "--stream-app-property",
            "a=b",
            "--stream-app-property",
            "spring.kafka.password hunter2",
        ]);
        let error = config.stream_app_properties().expect_err("no '='");
        assert_eq!(
            error,
            "--stream-app-property: entry 2 has no '=' (expected KEY=VALUE)"
        );
        assert!(!format!("{config:?}").contains("hunter2"));
    }
}
