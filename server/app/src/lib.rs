//! The dataflow server: configuration, services, the REST API and the process around them.
//! `main.rs` only parses arguments and calls [`run`].

use std::time::Duration;

use anyhow::Context as _;
use tokio::net::TcpListener;
use tracing::info;

pub mod config;
pub mod error;
pub mod http;
pub mod metrics;
pub mod service;
pub mod state;
pub mod telemetry;

use config::{Command, Config, RenderStream};
use service::registry::ImportPolicy;
use state::AppState;

/// Runs `command` with `config`.
pub async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::PrintConfig => {
            println!("{}", config.to_env_lines());
            Ok(())
        }
        Command::Migrate => {
            open_store(&config).await?;
            info!("Migrations applied.");
            Ok(())
        }
        Command::Serve => serve(config).await,
        Command::RenderStream(args) => {
            let yaml = render_stream(&config, &args).await?;
            print!("{yaml}");
            Ok(())
        }
    }
}

/// Opens the configured database (creating the default data directory) and migrates it.
async fn open_store(config: &Config) -> anyhow::Result<std::sync::Arc<dyn dataflow_store::Store>> {
    if config.uses_default_database() {
        tokio::fs::create_dir_all(&config.data_dir)
            .await
            .with_context(|| {
                format!(
                    "cannot create the data directory {}",
                    config.data_dir.display()
                )
            })?;
    }
    let url = config.effective_database_url();
    let store = dataflow_store::connect(&url, &config.connect_options())
        .await
        .with_context(|| {
            format!(
                "cannot open the database {}",
                dataflow_store::redact_url(&url)
            )
        })?;
    info!(database = %dataflow_store::redact_url(&url), dialect = store.dialect(), "Database ready.");
    Ok(store)
}

/// The stream deployment service the configuration describes.
fn deployments(
    config: &Config,
    store: std::sync::Arc<dyn dataflow_store::Store>,
) -> anyhow::Result<service::deployments::Deployments> {
    let settings = config.kubernetes_settings().map_err(anyhow::Error::msg)?;
    let platform = dataflow_deployer::kubernetes::KubernetesPlatform::from_properties(&settings)
        .context("invalid Kubernetes platform setting (--kubernetes-setting)")?;
    let app_properties = config.stream_app_properties().map_err(anyhow::Error::msg)?;
    Ok(service::deployments::Deployments::new(
        store,
        platform,
        app_properties,
    ))
}

/// `render-stream`: the manifests of a stream that need not be stored, from the configured
/// database's registry.
async fn render_stream(config: &Config, args: &RenderStream) -> anyhow::Result<String> {
    let written = match dataflow_dsl::stream::parse_stream(&args.definition) {
        Ok(definition) => definition.name,
        Err(e) => anyhow::bail!("{}", dataflow_core::sanitize::blot_dsl_text(&e.formatted())),
    };
    let name = match (&args.name, written) {
        (Some(given), Some(written)) if *given != written => anyhow::bail!(
            "the definition names the stream '{written}' but --name says '{given}'; give one name"
        ),
        (Some(given), _) => given.clone(),
        (None, Some(written)) => written,
        (None, None) => anyhow::bail!(
            "the stream needs a name: give --name or start the definition with 'name = '"
        ),
    };
    let properties = match &args.properties {
        Some(text) => dataflow_core::planning::parse_comma_properties(text)?,
        None => std::collections::BTreeMap::new(),
    };
    let store = open_store(config).await?;
    let deployments = deployments(config, store)?;
    Ok(deployments
        .manifest(&name, &args.definition, &properties)
        .await?)
}

/// The configured platform accounts, each watching its namespace.
async fn platforms(config: &Config) -> anyhow::Result<service::platforms::Platforms> {
    use dataflow_deployer::kubernetes::{KubernetesDeployer, KubernetesPlatform};
    let settings = config.kubernetes_settings().map_err(anyhow::Error::msg)?;
    let platform = KubernetesPlatform::from_properties(&settings)
        .context("invalid Kubernetes platform setting (--kubernetes-setting)")?;
    let mut accounts = Vec::new();
    for account in config.kubernetes_accounts().map_err(anyhow::Error::msg)? {
        let deployer = match &account.kubeconfig {
            Some(path) => KubernetesDeployer::from_kubeconfig(path, platform.clone()).await,
            None => KubernetesDeployer::infer(platform.clone()).await,
        }
        .with_context(|| format!("cannot set up the Kubernetes account '{}'", account.name))?;
        let description = format!(
            "master url = [{}], namespace = [{}]",
            deployer.cluster_url().unwrap_or("in-cluster"),
            deployer.namespace()
        );
        info!(account = %account.name, %description, "Kubernetes account ready.");
        accounts.push(service::platforms::Account {
            name: account.name,
            platform_type: "kubernetes",
            description,
            kubernetes_metrics: Some(deployer.metrics().clone()),
            platform: std::sync::Arc::new(platform.clone()),
            deployer: std::sync::Arc::new(deployer),
        });
    }
    Ok(service::platforms::Platforms::new(accounts))
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let store = open_store(&config).await?;
    let deployments = deployments(&config, store.clone())?;
    let platforms = platforms(&config).await?;
    let policy = ImportPolicy::new(&config.app_import_dirs, &config.app_import_allowed_hosts)
        .context("invalid --app-import-dir")?;
    let state = AppState::with_import_policy(
        store,
        config.max_request_bytes,
        Duration::from_secs(config.fetch_timeout_seconds),
        policy,
    )?
    .with_deployments(deployments)
    .with_platforms(&platforms)
    .trusting_forwarded_headers(config.trust_forwarded_headers);
    let reconciler = state.start_reconciler(service::reconcile::ReconcileSettings {
        interval: Duration::from_secs(config.reconcile_interval_seconds),
        upgrade_timeout: Duration::from_secs(config.upgrade_timeout_seconds),
    });
    let addr = config.listen_addr();
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    info!(%addr, "Serving the dataflow REST API.");
    axum::serve(listener, http::router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("the HTTP server failed")?;
    reconciler.abort();
    info!("Stopped.");
    Ok(())
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM (what Kubernetes sends).
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "Cannot listen for Ctrl-C.");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "Cannot listen for SIGTERM.");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => info!("Interrupted; shutting down."),
        () = terminate => info!("Terminated; shutting down."),
    }
}
