//! `/tools`: DSL parsing for editors. `POST /tools/parseStream` is our contract (the dashboard's
//! graph view and the shell use it); the task graph tools are SCDF's, with SCDF's shapes. DSL errors are data in the
//! response and never change the status; only an unreadable request body is a 4xx.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use dataflow_api::tools::{
    AppAst, ArgAst, DestinationAst, DslErrorDescriptor, ParseStreamRequest, ParseStreamResponse,
    StreamAst,
};
use dataflow_dsl::DslError;
use dataflow_dsl::stream::{self, Arg, Destination, StreamDefinition};
use dataflow_dsl::task;

use super::error::ApiError;
use super::extract::ApiJson;
use crate::state::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/tools/parseStream", post(parse_stream))
        .route(
            "/tools/parseTaskTextToGraph",
            post(parse_task_text_to_graph),
        )
        .route(
            "/tools/convertTaskGraphToText",
            post(convert_task_graph_to_text),
        )
}

/// SCDF's request: the task definition and, optionally, its name (checked as a task name).
#[derive(Debug, serde::Deserialize)]
struct ParseTaskRequest {
    dsl: String,
    #[serde(default)]
    name: Option<String>,
}

/// `POST /tools/parseTaskTextToGraph`: `{"graph", "errors"}` as SCDF answers.
async fn parse_task_text_to_graph(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<ParseTaskRequest>,
) -> Result<Response, ApiError> {
    check_length(&request.dsl)?;
    let graph = state
        .cpu
        .run(move || task::parse_task_text_to_graph(request.name.as_deref(), &request.dsl))
        .await?;
    Ok(Json(graph).into_response())
}

/// `POST /tools/convertTaskGraphToText`: `{"dsl", "errors"}` as SCDF answers.
async fn convert_task_graph_to_text(
    State(state): State<AppState>,
    ApiJson(graph): ApiJson<task::Graph>,
) -> Result<Response, ApiError> {
    let text = state
        .cpu
        .run(move || task::convert_task_graph_to_text(&graph))
        .await?;
    Ok(Json(text).into_response())
}

async fn parse_stream(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<ParseStreamRequest>,
) -> Result<Response, ApiError> {
    check_length(&request.dsl)?;
    let body = state
        .cpu
        .run(
            move || match stream::parse_stream_named(&request.dsl, request.name.as_deref()) {
                Ok(definition) => ParseStreamResponse {
                    ast: Some(stream_ast(&definition)),
                    errors: vec![],
                },
                Err(error) => ParseStreamResponse {
                    ast: None,
                    errors: vec![descriptor(&error)],
                },
            },
        )
        .await?;
    Ok(Json(body).into_response())
}

/// Refuses DSL text longer than the parsers accept with a 400 (the parsers would report it as
/// a DSL error, which these endpoints answer with 200).
pub(super) fn check_length(dsl: &str) -> Result<(), ApiError> {
    Ok(crate::service::check_dsl_length(dsl)?)
}

/// SCDF's error descriptor, with the full formatted message.
pub(super) fn descriptor(error: &DslError) -> DslErrorDescriptor {
    DslErrorDescriptor {
        code: error.code_with_kind(),
        position: error.position.unwrap_or(0),
        message: error.formatted(),
    }
}

fn args(args: &[Arg]) -> Vec<ArgAst> {
    args.iter()
        .map(|a| ArgAst {
            name: a.name.clone(),
            value: a.value.clone(),
        })
        .collect()
}

fn destination(d: &Destination) -> DestinationAst {
    DestinationAst {
        name: d.name.clone(),
        start: d.span.start,
        end: d.span.end,
        args: args(&d.args),
    }
}

fn stream_ast(definition: &StreamDefinition) -> StreamAst {
    StreamAst {
        name: definition.name.clone(),
        source_destination: definition.source_destination.as_ref().map(destination),
        sink_destination: definition.sink_destination.as_ref().map(destination),
        apps: definition
            .apps
            .iter()
            .map(|app| AppAst {
                name: app.name.clone(),
                label: app.label.clone(),
                unbound: app.unbound,
                start: app.span.start,
                end: app.span.end,
                args: args(&app.args),
            })
            .collect(),
    }
}
