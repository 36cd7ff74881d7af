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

use config::{Command, Config};
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

async fn serve(config: Config) -> anyhow::Result<()> {
    let store = open_store(&config).await?;
    let state = AppState::new(
        store,
        config.max_request_bytes,
        Duration::from_secs(config.fetch_timeout_seconds),
    )?;
    let addr = config.listen_addr();
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    info!(%addr, "Serving the dataflow REST API.");
    axum::serve(listener, http::router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("the HTTP server failed")?;
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
