//! `GET /completions/stream` and `GET /completions/task` (`start`, `detailLevel`).

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use dataflow_api::completion::{CompletionProposal, CompletionProposalsResource};
use dataflow_api::hal::SelfLinks;
use dataflow_core::Code;
use dataflow_core::completion::{Proposal, complete_stream, complete_task};

use super::error::{ApiError, hal_json};
use super::extract::{BaseUrl, Params};
use crate::state::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/completions/stream", get(stream))
        .route("/completions/task", get(task))
}

/// `start` (required) and `detailLevel` (≥ 1, default 1).
fn read(params: &Params) -> Result<(String, u32), ApiError> {
    let start = params.required("start")?.to_owned();
    super::tools::check_length(&start)?;
    let detail = match params.get("detailLevel") {
        None => 1,
        Some(text) => text.trim().parse::<i64>().map_err(|_| {
            ApiError::new(
                Code::InvalidParameter,
                format!("The parameter 'detailLevel' must be a whole number (got '{text}')"),
            )
        })?,
    };
    if detail < 1 {
        // SCDF's message.
        return Err(ApiError::new(
            Code::InvalidParameter,
            "The provided detail level must be greater than zero.",
        ));
    }
    Ok((start, u32::try_from(detail).unwrap_or(u32::MAX)))
}

fn respond(proposals: Vec<Proposal>, self_href: String) -> Response {
    let body = CompletionProposalsResource {
        proposals: proposals
            .into_iter()
            .map(|p| CompletionProposal {
                text: p.text,
                explanation: p.explanation,
            })
            .collect(),
        links: SelfLinks::new(self_href),
    };
    (hal_json(), Json(body)).into_response()
}

async fn stream(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    params: Params,
) -> Result<Response, ApiError> {
    let (start, detail) = read(&params)?;
    let catalog = state.registry.catalog().await?;
    let destinations = state.streams.known_destinations().await?;
    let proposals = state
        .cpu
        .run(move || complete_stream(&start, detail, &catalog, &destinations))
        .await?;
    Ok(respond(proposals, format!("{base}/completions/stream")))
}

async fn task(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    params: Params,
) -> Result<Response, ApiError> {
    let (start, detail) = read(&params)?;
    let catalog = state.registry.catalog().await?;
    let proposals = state
        .cpu
        .run(move || complete_task(&start, detail, &catalog))
        .await?;
    Ok(respond(proposals, format!("{base}/completions/task")))
}
