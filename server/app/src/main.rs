//! `dataflow-server`: see `dataflow-server --help`.

use clap::Parser as _;
use dataflow_server::config::{Args, Command};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    dataflow_server::telemetry::init(&args.config.log_level)?;
    dataflow_server::run(args.command.unwrap_or(Command::Serve), args.config).await
}
