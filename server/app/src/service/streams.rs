//! Stream definitions: creating them (the DSL parsed, every app checked against the registry),
//! listing, related streams (taps), their apps, validation and deleting. SCDF's rules (reference
//! §1.4, §1.5), before any deployment platform exists.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use dataflow_core::Code;
use dataflow_core::app::AppRegistration;
use dataflow_core::completion::KnownDestination;
use dataflow_core::page::Page;
use dataflow_core::page::{MAX_PAGE_SIZE, PageRequest};
use dataflow_core::sanitize::blot_dsl_text;
use dataflow_core::stream::{StreamApp, known_destinations, missing_apps_message, stream_apps};
use dataflow_core::stream_definition::{
    MAX_DESTINATION_NAME_LEN, StreamDefinitionRecord, StreamQuery, validate_description,
    validate_stream_name,
};
use dataflow_core::text::{Lines, find_forbidden};
use dataflow_core::uri::AppUri;
use dataflow_dsl::stream::{StreamDefinition, parse_stream, parse_stream_named};
use dataflow_store::Store;
use tracing::{info, instrument, warn};

use crate::error::{AppError, AppResult};
use crate::service::cpu::CpuPool;

/// The most related streams one request collects; far more than any real tap tree holds, and
/// a bound on what one request can load.
pub const MAX_RELATED: usize = 10_000;

/// The stream definitions service.
#[derive(Debug, Clone)]
pub struct Streams {
    store: Arc<dyn Store>,
    cpu: CpuPool,
}

/// A request to create a stream (`POST /streams/definitions`).
#[derive(Debug, Clone, Copy)]
pub struct CreateRequest<'a> {
    /// The stream's name.
    pub name: &'a str,
    /// The DSL.
    pub definition: &'a str,
    /// Free text.
    pub description: &'a str,
    /// Deploy right after creating.
    pub deploy: bool,
    /// The deployment properties to deploy with (only read when `deploy`).
    pub deployment_properties: &'a BTreeMap<String, String>,
}

/// One app of a stream with what the registry knows of it.
#[derive(Debug, Clone)]
pub struct AppCheck {
    /// The app as the stream uses it (name, label, inferred type).
    pub app: StreamApp,
    /// Its default registration, if it is registered with the inferred type.
    pub registration: Option<AppRegistration>,
}

impl AppCheck {
    /// Whether the app can be used: registered, with a URI that parses.
    pub fn is_valid(&self) -> bool {
        self.registration
            .as_ref()
            .is_some_and(|r| AppUri::parse(&r.uri).is_ok())
    }
}

fn invalid(message: impl Into<String>) -> AppError {
    AppError::new(Code::InvalidStreamDefinition, message)
}

/// SCDF's 404 message.
fn not_found(name: &str) -> AppError {
    AppError::new(
        Code::NoSuchStreamDefinition,
        format!("Could not find stream definition named {name}"),
    )
}

/// SCDF's 409 message.
fn duplicate(name: &str) -> AppError {
    AppError::new(
        Code::DuplicateStreamDefinition,
        format!(
            "Cannot create stream {name} because another one has already been created with the \
             same name"
        ),
    )
}

impl Streams {
    /// The service over `store`, parsing on `cpu`.
    pub fn new(store: Arc<dyn Store>, cpu: CpuPool) -> Self {
        Self { store, cpu }
    }

    /// Creates a stream: the DSL must parse (with `name` as the stream's name) and every app
    /// must be registered with the type its place infers. All unregistered apps are reported at
    /// once. `deploy` is the caller's next step (see the HTTP handler).
    #[instrument(skip_all, fields(name = request.name, deploy = request.deploy))]
    pub async fn create(&self, request: CreateRequest<'_>) -> AppResult<StreamDefinitionRecord> {
        let name = request.name;
        validate_stream_name(name)?;
        validate_description(request.description)?;
        super::check_dsl_length(request.definition)?;
        // Java's identifier rules, which the DSL follows, let invisible and bidirectional
        // formatting characters into labels and destination names: a stored stream must not
        // display as another.
        if let Some(found) = find_forbidden(request.definition, Lines::Many) {
            return Err(invalid(format!(
                "The definition has {found}, which is not allowed"
            )));
        }
        let (text, owned_name) = (request.definition.to_owned(), name.to_owned());
        let definition = self
            .cpu
            .run(move || parse_stream_named(&text, Some(&owned_name)))
            .await?
            .map_err(|e| invalid(blot_dsl_text(&e.formatted())))?;
        let source_destination = definition
            .source_destination
            .as_ref()
            .map(|d| d.name.clone());
        if let Some(destination) = &source_destination {
            let length = destination.chars().count();
            if length > MAX_DESTINATION_NAME_LEN {
                return Err(invalid(format!(
                    "Destination name is {length} characters long; the limit is \
                     {MAX_DESTINATION_NAME_LEN}"
                )));
            }
        }

        let checks = self.check_apps(stream_apps(name, &definition)).await?;
        let missing: Vec<&StreamApp> = checks
            .iter()
            .filter(|c| c.registration.is_none())
            .map(|c| &c.app)
            .collect();
        if !missing.is_empty() {
            return Err(invalid(missing_apps_message(missing)));
        }

        let record = StreamDefinitionRecord {
            name: name.to_owned(),
            dsl_text: request.definition.to_owned(),
            original_dsl_text: request.definition.to_owned(),
            description: request.description.to_owned(),
            source_destination,
        };
        self.store
            .create_stream(&record)
            .await
            .map_err(|e| match e {
                dataflow_store::Error::Conflict(_) => duplicate(name),
                other => other.into(),
            })?;
        info!(apps = checks.len(), "Created stream.");
        Ok(record)
    }

    /// One stream, by name ignoring case.
    pub async fn get(&self, name: &str) -> AppResult<StreamDefinitionRecord> {
        self.store
            .find_stream(name)
            .await?
            .ok_or_else(|| not_found(name))
    }

    /// One page of streams.
    pub async fn list(&self, query: &StreamQuery) -> AppResult<Page<StreamDefinitionRecord>> {
        Ok(self.store.find_streams(query).await?)
    }

    /// What a `:` in a stream definition may be completed with: taps of the stored streams'
    /// apps and the named destinations they use. Reads the first [`MAX_PAGE_SIZE`] streams by
    /// name (one bounded query); a stored definition that no longer parses is skipped.
    pub async fn known_destinations(&self) -> AppResult<Vec<KnownDestination>> {
        let query = StreamQuery {
            search: None,
            page: PageRequest {
                size: MAX_PAGE_SIZE,
                ..PageRequest::default()
            },
        };
        let page = self.store.find_streams(&query).await?;
        let parsed: Vec<(&str, StreamDefinition)> = page
            .items
            .iter()
            .filter_map(|record| {
                parse_stream(&record.dsl_text)
                    .ok()
                    .map(|definition| (record.name.as_str(), definition))
            })
            .collect();
        Ok(known_destinations(
            parsed.iter().map(|(name, definition)| (*name, definition)),
        ))
    }

    /// The stream named `name` followed by the streams reading from its destinations (those
    /// whose source destination is `name` or starts with `name.`); with `nested`, also theirs,
    /// and so on, depth first as SCDF lists them. Each stream appears once, so cycles end.
    pub async fn related(
        &self,
        name: &str,
        nested: bool,
    ) -> AppResult<Vec<StreamDefinitionRecord>> {
        let root = self.get(name).await?;
        let limit = u32::try_from(MAX_RELATED).unwrap_or(u32::MAX);
        let mut seen: HashSet<String> = HashSet::from([root.name.to_lowercase()]);
        let mut pending = vec![
            self.store
                .streams_reading_from(&root.name, limit)
                .await?
                .into_iter(),
        ];
        let mut related = vec![root];
        while let Some(level) = pending.last_mut() {
            let Some(stream) = level.next() else {
                pending.pop();
                continue;
            };
            if !seen.insert(stream.name.to_lowercase()) {
                continue;
            }
            if related.len() >= MAX_RELATED {
                warn!(
                    stream = name,
                    limit = MAX_RELATED,
                    "Too many related streams; the list is cut."
                );
                break;
            }
            if nested {
                pending.push(
                    self.store
                        .streams_reading_from(&stream.name, limit)
                        .await?
                        .into_iter(),
                );
            }
            related.push(stream);
        }
        Ok(related)
    }

    /// The stream and each of its apps, in pipeline order, with its registration (default
    /// version) if any.
    pub async fn apps(&self, name: &str) -> AppResult<(StreamDefinitionRecord, Vec<AppCheck>)> {
        let stream = self.get(name).await?;
        let definition = parse_stream_named(&stream.dsl_text, None).map_err(|e| {
            // Only the code and position: the error's text would show the DSL, secrets included.
            AppError::new(
                Code::Internal,
                format!(
                    "the stored definition of '{}' does not parse ({} at position {})",
                    stream.name,
                    e.code_with_kind(),
                    e.position.unwrap_or(0)
                ),
            )
        })?;
        let checks = self
            .check_apps(stream_apps(&stream.name, &definition))
            .await?;
        Ok((stream, checks))
    }

    /// Each app of the stream with its default registration; every app must be registered
    /// (SCDF fails with a 500 when one is not; this names them all in one 404).
    pub async fn registered_apps(
        &self,
        name: &str,
    ) -> AppResult<Vec<(StreamApp, AppRegistration)>> {
        let (_, checks) = self.apps(name).await?;
        let mut found = Vec::with_capacity(checks.len());
        let mut missing = Vec::new();
        for check in checks {
            match check.registration {
                Some(registration) => found.push((check.app, registration)),
                None => missing.push(format!(
                    "The '{}:{}' application could not be found.",
                    check.app.app_type, check.app.name
                )),
            }
        }
        if !missing.is_empty() {
            return Err(AppError::new(
                Code::NoSuchAppRegistration,
                missing.join("\n"),
            ));
        }
        Ok(found)
    }

    async fn check_apps(&self, apps: Vec<StreamApp>) -> AppResult<Vec<AppCheck>> {
        let mut checks = Vec::with_capacity(apps.len());
        for app in apps {
            let registration = self.store.find_app(app.app_type, &app.name, None).await?;
            checks.push(AppCheck { app, registration });
        }
        Ok(checks)
    }

    /// Removes one stream definition.
    #[instrument(skip(self))]
    pub async fn delete(&self, name: &str) -> AppResult<()> {
        self.store.delete_stream(name).await.map_err(|e| match e {
            dataflow_store::Error::NotFound { .. } => not_found(name),
            other => other.into(),
        })?;
        info!("Deleted stream.");
        Ok(())
    }

    /// Removes every stream definition.
    #[instrument(skip(self))]
    pub async fn delete_all(&self) -> AppResult<u64> {
        let removed = self.store.delete_all_streams().await?;
        info!(removed, "Deleted all streams.");
        Ok(removed)
    }
}
