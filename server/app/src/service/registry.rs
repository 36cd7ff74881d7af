//! The app registry: registering apps one by one or in bulk, listing, default versions,
//! unregistering. SCDF's rules (§6 of the reference) with its silent failures made explicit.

use std::sync::Arc;

use dataflow_core::Code;
use dataflow_core::app::{
    AppName, AppQuery, AppRegistration, AppType, NewAppRegistration, validate_version,
};
use dataflow_core::bulk::{LineError, parse_app_list};
use dataflow_core::completion::CatalogApp;
use dataflow_core::page::{MAX_PAGE_SIZE, Page, PageRequest};
use dataflow_core::uri::{AppUri, UriError};
use dataflow_store::{ConflictPolicy, SaveOutcome, Store};
use tracing::{info, instrument};

use crate::error::{AppError, AppResult};

mod fetch;

pub use fetch::{Fetcher, ImportPolicy};

/// How many invalid lines a rejected import lists before summarising the rest.
const MAX_LISTED_LINE_ERRORS: usize = 100;

/// The registry service.
#[derive(Debug, Clone)]
pub struct Registry {
    store: Arc<dyn Store>,
    fetcher: Fetcher,
}

/// Where a bulk import reads its list from.
#[derive(Debug, Clone, Copy)]
pub enum AppListSource<'a> {
    /// The list itself (`apps=`).
    Text(&'a str),
    /// A location: `http(s)://` or `file:` (`uri=`).
    Uri(&'a str),
}

/// What a bulk import did.
#[derive(Debug, Clone, Default)]
pub struct ImportOutcome {
    /// What was saved, created, updated or left alone.
    pub saved: SaveOutcome,
    /// Lines skipped as invalid (only when the caller allowed it).
    pub invalid_lines: Vec<String>,
}

/// A request to register one app.
#[derive(Debug, Clone, Copy)]
pub struct RegisterRequest<'a> {
    /// App type (from the path).
    pub app_type: AppType,
    /// App name (from the path).
    pub name: &'a str,
    /// Explicit version (from the path), else derived from the URI.
    pub version: Option<&'a str>,
    /// Artifact URI.
    pub uri: &'a str,
    /// Metadata URI.
    pub metadata_uri: Option<&'a str>,
    /// Replace an existing registration of the same version.
    pub force: bool,
}

fn uri_error(e: &UriError) -> AppError {
    AppError::new(Code::InvalidAppUri, e.to_string())
}

/// SCDF's 404 message.
fn not_found(app_type: AppType, name: &str, version: Option<&str>) -> AppError {
    let what = match version {
        Some(v) => format!("{app_type}:{name}:{v}"),
        None => format!("{app_type}:{name}"),
    };
    AppError::new(
        Code::NoSuchAppRegistration,
        format!("The '{what}' application could not be found."),
    )
}

impl Registry {
    /// A registry over `store`, reading bulk lists from locations with `fetcher`.
    pub fn new(store: Arc<dyn Store>, fetcher: Fetcher) -> Self {
        Self { store, fetcher }
    }

    /// Registers one app (`POST /apps/{type}/{name}[/{version}]`).
    #[instrument(skip_all, fields(app_type = %request.app_type, name = request.name))]
    pub async fn register(&self, request: RegisterRequest<'_>) -> AppResult<AppRegistration> {
        let name = AppName::new(request.name)?;
        let uri = AppUri::parse(request.uri).map_err(|e| uri_error(&e))?;
        let version = match request.version {
            Some(v) => v.to_owned(),
            None => uri.version().map_err(|e| uri_error(&e))?,
        };
        validate_version(&version)?;
        if let Some(metadata) = request.metadata_uri {
            AppUri::parse(metadata)
                .map_err(|e| AppError::new(Code::InvalidAppUri, format!("metadata-uri: {e}")))?;
        }

        // A new version must name the same artifact as the default, but for its version.
        let default = self
            .store
            .find_app(request.app_type, name.as_str(), None)
            .await?;
        if let Some(default) = default
            && default.version != version
            && let Ok(default_uri) = AppUri::parse(&default.uri)
            && default_uri.without_version() != uri.without_version()
        {
            return Err(AppError::new(
                Code::AppUriMismatch,
                format!(
                    "Existing default application [{}] can only differ by a version but is [{}]",
                    default.uri, request.uri
                ),
            ));
        }

        let new = NewAppRegistration {
            name,
            app_type: request.app_type,
            version,
            uri: request.uri.to_owned(),
            metadata_uri: request.metadata_uri.map(str::to_owned),
        };
        let policy = if request.force {
            ConflictPolicy::Overwrite
        } else {
            ConflictPolicy::Fail
        };
        let outcome = self
            .store
            .save_apps(std::slice::from_ref(&new), policy)
            .await
            .map_err(|e| match e {
                dataflow_store::Error::AlreadyRegistered(existing) => AppError::new(
                    Code::AppAlreadyRegistered,
                    format!(
                        "The '{}:{}' application is already registered as {} (version {}); \
                         pass force=true to replace it",
                        existing.app_type, existing.name, existing.uri, existing.version
                    ),
                ),
                other => other.into(),
            })?;
        let saved = outcome
            .created
            .into_iter()
            .chain(outcome.updated)
            .next()
            .ok_or_else(|| {
                AppError::new(
                    Code::Internal,
                    "the store saved nothing for a single registration",
                )
            })?;
        info!(app = %saved.coordinates(), default = saved.default_version, "Registered app.");
        Ok(saved)
    }

    /// Imports a bulk list (`POST /apps`). The list is all-or-nothing: an invalid line rejects
    /// it whole unless `skip_invalid`, in which case the valid lines are imported and the invalid
    /// ones reported. Existing registrations are left alone unless `force`.
    #[instrument(skip_all, fields(force, skip_invalid))]
    pub async fn import(
        &self,
        source: AppListSource<'_>,
        force: bool,
        skip_invalid: bool,
    ) -> AppResult<ImportOutcome> {
        // A list the client sent is theirs to see quoted; one read from a location is not
        // (it may be any file or page the server can reach): its lines are only numbered.
        let quote = matches!(source, AppListSource::Text(_));
        let fetched;
        let text = match source {
            AppListSource::Text(text) => text,
            AppListSource::Uri(uri) => {
                fetched = self.fetcher.fetch(uri).await?;
                fetched.as_str()
            }
        };
        let list = parse_app_list(text);
        if !list.errors.is_empty() && !skip_invalid {
            return Err(AppError::new(
                Code::InvalidAppList,
                describe_line_errors(&list.errors, quote),
            ));
        }
        if list.apps.is_empty() {
            let why = if list.errors.is_empty() {
                "The app list has no registrations (only blank lines or comments)".to_owned()
            } else {
                describe_line_errors(&list.errors, quote)
            };
            return Err(AppError::new(Code::InvalidAppList, why));
        }
        let policy = if force {
            ConflictPolicy::Overwrite
        } else {
            ConflictPolicy::Skip
        };
        let saved = self.store.save_apps(&list.apps, policy).await?;
        info!(
            created = saved.created.len(),
            updated = saved.updated.len(),
            already_registered = saved.skipped.len(),
            invalid_lines = list.errors.len(),
            "Imported app list."
        );
        Ok(ImportOutcome {
            saved,
            invalid_lines: list
                .errors
                .iter()
                .map(|e| render_line_error(e, quote))
                .collect(),
        })
    }

    /// One page of registrations; with `query.default_only`, also every version of each.
    pub async fn list(
        &self,
        query: &AppQuery,
    ) -> AppResult<(Page<AppRegistration>, Option<Vec<Vec<String>>>)> {
        let page = self.store.find_apps(query).await?;
        let versions = if query.default_only {
            let keys: Vec<_> = page
                .items
                .iter()
                .map(|a| (a.app_type, a.name.as_str().to_owned()))
                .collect();
            Some(self.store.app_versions(&keys).await?)
        } else {
            None
        };
        Ok((page, versions))
    }

    /// The default version of every registered app, as completion sees them (their options
    /// come with app metadata, which is not resolved yet).
    pub async fn catalog(&self) -> AppResult<Vec<CatalogApp>> {
        let mut apps = Vec::new();
        let mut page = 0;
        loop {
            let query = AppQuery {
                default_only: true,
                page: PageRequest {
                    page,
                    size: MAX_PAGE_SIZE,
                    sort: Vec::new(),
                },
                ..AppQuery::default()
            };
            let found = self.store.find_apps(&query).await?;
            let done = found.items.len() < MAX_PAGE_SIZE as usize;
            apps.extend(found.items.into_iter().map(|a| CatalogApp {
                name: a.name.to_string(),
                app_type: a.app_type,
                options: Vec::new(),
            }));
            if done {
                return Ok(apps);
            }
            page += 1;
        }
    }

    /// One registration; the default version when `version` is `None`.
    pub async fn get(
        &self,
        app_type: AppType,
        name: &str,
        version: Option<&str>,
    ) -> AppResult<AppRegistration> {
        self.store
            .find_app(app_type, name, version)
            .await?
            .ok_or_else(|| not_found(app_type, name, version))
    }

    /// Makes `version` the default.
    #[instrument(skip(self))]
    pub async fn make_default(
        &self,
        app_type: AppType,
        name: &str,
        version: &str,
    ) -> AppResult<()> {
        self.store
            .set_default_app(app_type, name, version)
            .await
            .map_err(|e| match e {
                dataflow_store::Error::NotFound { .. } => not_found(app_type, name, Some(version)),
                other => other.into(),
            })?;
        info!("Changed default version.");
        Ok(())
    }

    /// Unregisters one version; the default version when `version` is `None`.
    #[instrument(skip(self))]
    pub async fn unregister(
        &self,
        app_type: AppType,
        name: &str,
        version: Option<&str>,
    ) -> AppResult<()> {
        let version = match version {
            Some(v) => v.to_owned(),
            None => self.get(app_type, name, None).await?.version,
        };
        self.store
            .delete_app(app_type, name, &version)
            .await
            .map_err(|e| match e {
                dataflow_store::Error::NotFound { .. } => not_found(app_type, name, Some(&version)),
                other => other.into(),
            })?;
        info!(%version, "Unregistered app.");
        Ok(())
    }

    /// Unregisters every app.
    #[instrument(skip(self))]
    pub async fn unregister_all(&self) -> AppResult<u64> {
        let removed = self.store.delete_all_apps().await?;
        info!(removed, "Unregistered all apps.");
        Ok(removed)
    }
}

/// One invalid line as `line N: …`, with what the line said only when `quote`.
fn render_line_error(error: &LineError, quote: bool) -> String {
    if quote {
        error.to_string()
    } else {
        error.without_content()
    }
}

/// One message listing the invalid lines of a rejected list.
fn describe_line_errors(errors: &[LineError], quote: bool) -> String {
    let mut message = format!(
        "The app list has {} invalid line{}; nothing was registered \
         (pass skip-invalid=true to import the valid lines only):",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    );
    for error in errors.iter().take(MAX_LISTED_LINE_ERRORS) {
        message.push('\n');
        message.push_str(&render_line_error(error, quote));
    }
    if errors.len() > MAX_LISTED_LINE_ERRORS {
        message.push_str(&format!(
            "\n… and {} more",
            errors.len() - MAX_LISTED_LINE_ERRORS
        ));
    }
    message
}
