//! The store conformance suite: every story runs against SQLite (always) and against MariaDB
//! (`mariadb_*` tests, ignored unless asked for; `scripts/test.sh` runs them on a throwaway
//! server and fails if none ran).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::SystemTime;

use dataflow_core::app::{AppName, AppQuery, AppSort, AppType, NewAppRegistration};
use dataflow_core::page::{Direction, PageRequest, SortOrder};
use dataflow_core::release::{NewRelease, Release, ReleaseSpec, ReleaseStatus, Timestamp};
use dataflow_core::stream_definition::{StreamDefinitionRecord, StreamQuery, StreamSort};
use dataflow_core::{Code, ErrorCode};
use dataflow_store::{ConflictPolicy, Entity, Error, Store, testing};

fn app(app_type: AppType, name: &str, version: &str) -> NewAppRegistration {
    NewAppRegistration {
        name: AppName::new(name).unwrap(),
        app_type,
        version: version.to_owned(),
        uri: format!("docker:example/{name}:{version}"),
        metadata_uri: None,
    }
}

fn query() -> AppQuery {
    AppQuery::default()
}

fn keys(page: &dataflow_core::page::Page<dataflow_core::app::AppRegistration>) -> Vec<String> {
    page.items.iter().map(|a| a.coordinates()).collect()
}

async fn first_version_becomes_the_default(store: Arc<dyn Store>) {
    let out = store
        .save_apps(
            &[
                app(AppType::Source, "time", "1.0"),
                app(AppType::Source, "time", "2.0"),
            ],
            ConflictPolicy::Fail,
        )
        .await
        .unwrap();
    assert_eq!(out.created.len(), 2);
    assert!(out.created[0].default_version);
    assert!(!out.created[1].default_version);
    store
        .save_apps(&[app(AppType::Source, "time", "3.0")], ConflictPolicy::Fail)
        .await
        .unwrap();
    let default = store
        .find_app(AppType::Source, "time", None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(default.version, "1.0");
    let v3 = store
        .find_app(AppType::Source, "time", Some("3.0"))
        .await
        .unwrap()
        .unwrap();
    assert!(!v3.default_version);
    assert_eq!(v3.uri, "docker:example/time:3.0");
    // The same name under another type is another app, with its own default.
    let sink = store
        .save_apps(&[app(AppType::Sink, "time", "9.0")], ConflictPolicy::Fail)
        .await
        .unwrap();
    assert!(sink.created[0].default_version);
    assert!(
        store
            .find_app(AppType::Processor, "time", None)
            .await
            .unwrap()
            .is_none()
    );
}

async fn conflicts_fail_the_whole_batch(store: Arc<dyn Store>) {
    store
        .save_apps(&[app(AppType::Sink, "log", "1.0")], ConflictPolicy::Fail)
        .await
        .unwrap();
    let mut again = app(AppType::Sink, "log", "1.0");
    again.uri = "docker:other/log:1.0".to_owned();
    let err = store
        .save_apps(
            &[app(AppType::Sink, "file", "1.0"), again],
            ConflictPolicy::Fail,
        )
        .await
        .unwrap_err();
    let Error::AlreadyRegistered(existing) = err else {
        panic!("expected AlreadyRegistered, got {err:?}")
    };
    assert_eq!(existing.uri, "docker:example/log:1.0");
    assert!(
        store
            .find_app(AppType::Sink, "file", None)
            .await
            .unwrap()
            .is_none(),
        "nothing of a failed batch is written"
    );
}

async fn skip_and_overwrite_policies(store: Arc<dyn Store>) {
    let mut first = app(AppType::Processor, "filter", "1.0");
    first.metadata_uri = Some("maven://g:filter:jar:metadata:1.0".to_owned());
    store
        .save_apps(&[first], ConflictPolicy::Fail)
        .await
        .unwrap();

    let mut changed = app(AppType::Processor, "filter", "1.0");
    changed.uri = "docker:new/filter:1.0".to_owned();
    let batch = [changed.clone(), app(AppType::Processor, "transform", "1.0")];
    let skipped = store.save_apps(&batch, ConflictPolicy::Skip).await.unwrap();
    assert_eq!(skipped.skipped.len(), 1);
    assert_eq!(skipped.skipped[0].uri, "docker:example/filter:1.0");
    assert_eq!(skipped.created.len(), 1);
    let kept = store
        .find_app(AppType::Processor, "filter", Some("1.0"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.uri, "docker:example/filter:1.0");

    let overwritten = store
        .save_apps(&[changed], ConflictPolicy::Overwrite)
        .await
        .unwrap();
    assert_eq!(overwritten.updated.len(), 1);
    assert!(
        overwritten.updated[0].default_version,
        "overwriting keeps the default flag"
    );
    let now = store
        .find_app(AppType::Processor, "filter", None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(now.uri, "docker:new/filter:1.0");
    assert_eq!(now.metadata_uri, None, "the metadata URI is replaced too");
    assert!(now.default_version);
}

async fn lists_filter_page_and_sort(store: Arc<dyn Store>) {
    let mut batch = Vec::new();
    for i in 0..25 {
        batch.push(app(AppType::Source, &format!("src{i:02}"), "1.0.0"));
    }
    batch.push(app(AppType::Sink, "Brake_Log", "0.0.1-SNAPSHOT"));
    batch.push(app(AppType::Sink, "braking", "0.0.1-snapshot"));
    batch.push(app(AppType::Sink, "brake-log", "2.0"));
    batch.push(app(AppType::Sink, "brake-log", "3.0"));
    store.save_apps(&batch, ConflictPolicy::Fail).await.unwrap();

    let all = store.find_apps(&query()).await.unwrap();
    assert_eq!(all.total, 29);
    assert_eq!(all.items.len(), 20, "default page size");
    // Natural order: type, name, version, comparing names without case. (Where names differ
    // by '_' against a letter, the order is the collation's: MariaDB folds to upper case, SQLite
    // to lower case, so '_' sorts after letters on one and before them on the other.)
    let first: Vec<String> = all.items[..4].iter().map(|a| a.coordinates()).collect();
    assert_eq!(
        first,
        [
            "sink:brake-log:2.0",
            "sink:brake-log:3.0",
            "sink:Brake_Log:0.0.1-SNAPSHOT",
            "sink:braking:0.0.1-snapshot"
        ]
    );

    let sources = store
        .find_apps(&AppQuery {
            app_type: Some(AppType::Source),
            ..query()
        })
        .await
        .unwrap();
    assert_eq!(sources.total, 25);

    // Search is a case-insensitive substring; '_' is literal, not a wildcard.
    let search = store
        .find_apps(&AppQuery {
            search: Some("BRAKE_".to_owned()),
            ..query()
        })
        .await
        .unwrap();
    assert_eq!(keys(&search), ["sink:Brake_Log:0.0.1-SNAPSHOT"]);
    let search = store
        .find_apps(&AppQuery {
            search: Some("brak".to_owned()),
            ..query()
        })
        .await
        .unwrap();
    assert_eq!(search.total, 4);

    let version = store
        .find_apps(&AppQuery {
            version: Some("0.0.1-Snapshot".to_owned()),
            ..query()
        })
        .await
        .unwrap();
    assert_eq!(version.total, 2, "version matches case-insensitively");

    let defaults = store
        .find_apps(&AppQuery {
            default_only: true,
            app_type: Some(AppType::Sink),
            ..query()
        })
        .await
        .unwrap();
    assert_eq!(
        keys(&defaults),
        [
            "sink:brake-log:2.0",
            "sink:Brake_Log:0.0.1-SNAPSHOT",
            "sink:braking:0.0.1-snapshot"
        ]
    );

    let sorted = store
        .find_apps(&AppQuery {
            page: PageRequest {
                page: 0,
                size: 3,
                sort: vec![SortOrder {
                    property: AppSort::Name,
                    direction: Direction::Desc,
                }],
            },
            ..query()
        })
        .await
        .unwrap();
    assert_eq!(
        keys(&sorted),
        [
            "source:src24:1.0.0",
            "source:src23:1.0.0",
            "source:src22:1.0.0"
        ]
    );

    // Pages of 7 cover every row exactly once.
    let mut seen = Vec::new();
    for page in 0..5 {
        let slice = store
            .find_apps(&AppQuery {
                page: PageRequest {
                    page,
                    size: 7,
                    sort: vec![],
                },
                ..query()
            })
            .await
            .unwrap();
        assert_eq!(slice.total, 29);
        seen.extend(keys(&slice));
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (29, 29));

    let beyond = store
        .find_apps(&AppQuery {
            page: PageRequest {
                page: 100,
                size: 20,
                sort: vec![],
            },
            ..query()
        })
        .await
        .unwrap();
    assert!(beyond.items.is_empty());
    assert_eq!(beyond.total, 29);
}

async fn names_and_versions_ignore_case(store: Arc<dyn Store>) {
    store
        .save_apps(
            &[app(AppType::Task, "Thumb", "1.0-RC")],
            ConflictPolicy::Fail,
        )
        .await
        .unwrap();
    let err = store
        .save_apps(
            &[app(AppType::Task, "thumb", "1.0-rc")],
            ConflictPolicy::Fail,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::AlreadyRegistered(_)), "{err:?}");
    let found = store
        .find_app(AppType::Task, "THUMB", Some("1.0-rc"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (found.name.as_str(), found.version.as_str()),
        ("Thumb", "1.0-RC")
    );
    // A new version under another spelling is a version of the same app, not a second default.
    let out = store
        .save_apps(&[app(AppType::Task, "thumb", "2.0")], ConflictPolicy::Fail)
        .await
        .unwrap();
    assert!(!out.created[0].default_version);
    let versions = store
        .app_versions(&[(AppType::Task, "tHuMb".to_owned())])
        .await
        .unwrap();
    assert_eq!(versions, [vec!["1.0-RC".to_owned(), "2.0".to_owned()]]);
}

async fn default_version_can_be_switched(store: Arc<dyn Store>) {
    store
        .save_apps(
            &[
                app(AppType::Sink, "log", "1.0"),
                app(AppType::Sink, "log", "2.0"),
            ],
            ConflictPolicy::Fail,
        )
        .await
        .unwrap();
    store
        .set_default_app(AppType::Sink, "log", "2.0")
        .await
        .unwrap();
    assert_eq!(
        store
            .find_app(AppType::Sink, "log", None)
            .await
            .unwrap()
            .unwrap()
            .version,
        "2.0"
    );
    let old = store
        .find_app(AppType::Sink, "log", Some("1.0"))
        .await
        .unwrap()
        .unwrap();
    assert!(!old.default_version);
    // Making the default the default again is harmless.
    store
        .set_default_app(AppType::Sink, "log", "2.0")
        .await
        .unwrap();
    let err = store
        .set_default_app(AppType::Sink, "log", "9.9")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    assert_eq!(
        store
            .find_app(AppType::Sink, "log", None)
            .await
            .unwrap()
            .unwrap()
            .version,
        "2.0"
    );
}

async fn deletes(store: Arc<dyn Store>) {
    store
        .save_apps(
            &[
                app(AppType::Sink, "log", "1.0"),
                app(AppType::Sink, "log", "2.0"),
                app(AppType::Source, "http", "1.0"),
            ],
            ConflictPolicy::Fail,
        )
        .await
        .unwrap();
    store.delete_app(AppType::Sink, "log", "1.0").await.unwrap();
    assert!(
        store
            .find_app(AppType::Sink, "log", None)
            .await
            .unwrap()
            .is_none(),
        "the default is gone"
    );
    assert!(
        store
            .find_app(AppType::Sink, "log", Some("2.0"))
            .await
            .unwrap()
            .is_some()
    );
    let err = store
        .delete_app(AppType::Sink, "log", "1.0")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    // A new registration of a (type, name) without a default becomes the default.
    let out = store
        .save_apps(&[app(AppType::Sink, "log", "3.0")], ConflictPolicy::Fail)
        .await
        .unwrap();
    assert!(out.created[0].default_version);
    assert_eq!(store.delete_all_apps().await.unwrap(), 3);
    assert_eq!(store.find_apps(&query()).await.unwrap().total, 0);
}

async fn versions_are_listed_per_app(store: Arc<dyn Store>) {
    store
        .save_apps(
            &[
                app(AppType::Sink, "log", "1.0"),
                app(AppType::Source, "log", "7.0"),
                app(AppType::Sink, "log", "2.0"),
            ],
            ConflictPolicy::Fail,
        )
        .await
        .unwrap();
    let versions = store
        .app_versions(&[
            (AppType::Sink, "log".to_owned()),
            (AppType::Source, "log".to_owned()),
            (AppType::Task, "x".to_owned()),
        ])
        .await
        .unwrap();
    assert_eq!(
        versions,
        [
            vec!["1.0".to_owned(), "2.0".to_owned()],
            vec!["7.0".to_owned()],
            vec![]
        ]
    );
}

async fn large_batches_are_written_whole(store: Arc<dyn Store>) {
    let batch: Vec<_> = (0..1_234)
        .map(|i| app(AppType::Processor, &format!("p{i}"), "1.0"))
        .collect();
    let out = store.save_apps(&batch, ConflictPolicy::Skip).await.unwrap();
    assert_eq!(out.created.len(), 1_234);
    let again = store.save_apps(&batch, ConflictPolicy::Skip).await.unwrap();
    assert_eq!((again.created.len(), again.skipped.len()), (0, 1_234));
    let forced = store
        .save_apps(&batch, ConflictPolicy::Overwrite)
        .await
        .unwrap();
    assert_eq!(forced.updated.len(), 1_234);
    assert_eq!(store.find_apps(&query()).await.unwrap().total, 1_234);
}

async fn ping_answers(store: Arc<dyn Store>) {
    store.ping().await.unwrap();
    assert!(["sqlite", "mariadb"].contains(&store.dialect()));
}

fn stream(name: &str, dsl: &str) -> StreamDefinitionRecord {
    StreamDefinitionRecord {
        name: name.to_owned(),
        dsl_text: dsl.to_owned(),
        original_dsl_text: dsl.to_owned(),
        description: String::new(),
        source_destination: dsl
            .strip_prefix(':')
            .and_then(|rest| rest.split([' ', '>']).next())
            .map(str::to_owned),
    }
}

fn names(streams: &[StreamDefinitionRecord]) -> Vec<&str> {
    streams.iter().map(|s| s.name.as_str()).collect()
}

fn streams_query(
    search: Option<&str>,
    page: u32,
    size: u32,
    sort: &[(StreamSort, Direction)],
) -> StreamQuery {
    StreamQuery {
        search: search.map(str::to_owned),
        page: PageRequest {
            page,
            size,
            sort: sort
                .iter()
                .map(|&(property, direction)| SortOrder {
                    property,
                    direction,
                })
                .collect(),
        },
    }
}

async fn streams_are_created_once_ignoring_case(store: Arc<dyn Store>) {
    let mut truck = stream(
        "truck-performance",
        "trucks | brake-temperature | brake-log",
    );
    truck.description = "The workshop's stream".to_owned();
    truck.original_dsl_text = "trucks |   brake-temperature | brake-log".to_owned();
    store.create_stream(&truck).await.unwrap();

    let found = store.find_stream("TRUCK-Performance").await.unwrap();
    assert_eq!(found.as_ref(), Some(&truck), "every column round-trips");
    assert!(store.find_stream("truck").await.unwrap().is_none());

    let mut again = stream("Truck-Performance", "time | log");
    again.description = "another".to_owned();
    let err = store.create_stream(&again).await.unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err:?}");
    assert_eq!(
        store.find_stream("truck-performance").await.unwrap(),
        Some(truck),
        "the existing stream is left alone"
    );
}

async fn stream_lists_search_page_and_sort(store: Arc<dyn Store>) {
    for i in 0..25 {
        let mut s = stream(&format!("s{i:02}"), &format!("time --n={} | log", 24 - i));
        s.description = format!("d{}", i % 3);
        store.create_stream(&s).await.unwrap();
    }
    // ('_' against a letter sorts differently on the two databases, see above; a digit does not.)
    for name in ["My_Stream", "my0stream"] {
        store
            .create_stream(&stream(name, "time | log"))
            .await
            .unwrap();
    }

    let first = store.find_streams(&StreamQuery::default()).await.unwrap();
    assert_eq!(first.total, 27);
    assert_eq!(first.items.len(), 20, "default page size");
    assert_eq!(
        names(&first.items)[..3],
        ["my0stream", "My_Stream", "s00"],
        "by name, ignoring case"
    );

    let last = store
        .find_streams(&streams_query(None, 1, 20, &[]))
        .await
        .unwrap();
    assert_eq!(
        names(&last.items),
        ["s18", "s19", "s20", "s21", "s22", "s23", "s24"]
    );
    let beyond = store
        .find_streams(&streams_query(None, 5, 20, &[]))
        .await
        .unwrap();
    assert!(beyond.items.is_empty());
    assert_eq!(beyond.total, 27);

    // Search is a case-insensitive substring; '_' is literal, not a wildcard.
    let search = store
        .find_streams(&streams_query(Some("MY_"), 0, 20, &[]))
        .await
        .unwrap();
    assert_eq!((names(&search.items), search.total), (vec!["My_Stream"], 1));
    let search = store
        .find_streams(&streams_query(Some("s1"), 0, 4, &[]))
        .await
        .unwrap();
    assert_eq!(
        (names(&search.items), search.total),
        (vec!["s10", "s11", "s12", "s13"], 10)
    );

    let desc = store
        .find_streams(&streams_query(
            None,
            0,
            2,
            &[(StreamSort::Name, Direction::Desc)],
        ))
        .await
        .unwrap();
    assert_eq!(names(&desc.items), ["s24", "s23"]);
    // Ties on the requested key are broken by name.
    let by_description = store
        .find_streams(&streams_query(
            Some("s"),
            0,
            3,
            &[(StreamSort::Description, Direction::Desc)],
        ))
        .await
        .unwrap();
    assert_eq!(names(&by_description.items), ["s02", "s05", "s08"]);
    let by_dsl = store
        .find_streams(&streams_query(
            Some("s"),
            0,
            2,
            &[(StreamSort::DslText, Direction::Asc)],
        ))
        .await
        .unwrap();
    // "time --n=0 | log" < "time --n=1 | log" < "time --n=10 | log" …
    assert_eq!(names(&by_dsl.items), ["s24", "s23"]);
}

async fn taps_are_found_by_source_destination(store: Arc<dyn Store>) {
    for (name, dsl) in [
        ("my_stream", "http | log"),
        ("tap1", ":my_stream.http > log"),
        ("tap2", ":my_stream.log --group=g > file"),
        ("plain", ":my_stream > log"),
        ("sibling", ":my_stream-2.http > log"),
        ("wildcard", ":myXstream.http > log"),
        ("other-case", ":My_Stream.http > log"),
        ("deeper", ":tap1.log > log"),
        ("none", "time | log"),
    ] {
        store.create_stream(&stream(name, dsl)).await.unwrap();
    }
    assert_eq!(
        store
            .find_stream("tap2")
            .await
            .unwrap()
            .unwrap()
            .source_destination
            .as_deref(),
        Some("my_stream.log")
    );
    let taps = store.streams_reading_from("my_stream", 100).await.unwrap();
    assert_eq!(names(&taps), ["plain", "tap1", "tap2"]);
    let bounded = store.streams_reading_from("my_stream", 2).await.unwrap();
    assert_eq!(names(&bounded), ["plain", "tap1"]);
    assert_eq!(
        names(&store.streams_reading_from("tap1", 100).await.unwrap()),
        ["deeper"]
    );
    assert!(
        store
            .streams_reading_from("none", 100)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn streams_are_deleted(store: Arc<dyn Store>) {
    for name in ["a", "b", "c"] {
        store
            .create_stream(&stream(name, "time | log"))
            .await
            .unwrap();
    }
    store.delete_stream("B").await.unwrap();
    assert!(store.find_stream("b").await.unwrap().is_none());
    let err = store.delete_stream("b").await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    // The name is free again.
    store
        .create_stream(&stream("b", "time | log"))
        .await
        .unwrap();
    assert_eq!(store.delete_all_streams().await.unwrap(), 3);
    assert_eq!(
        store
            .find_streams(&StreamQuery::default())
            .await
            .unwrap()
            .total,
        0
    );
    assert_eq!(store.delete_all_streams().await.unwrap(), 0);
}

fn new_release(stream: &str, description: &str) -> NewRelease {
    NewRelease {
        stream: stream.to_owned(),
        platform: "default".to_owned(),
        status: ReleaseStatus::Deploying,
        manifest: format!(
            "apiVersion: skipper.spring.io/v1\nkind: SpringCloudDeployerApplication\nmetadata:\n  name: {stream}\n"
        ),
        properties: BTreeMap::from([
            ("app.time.trigger.fixed-delay".to_owned(), "5".to_owned()),
            (
                "app.log.spring.datasource.password".to_owned(),
                "******".to_owned(),
            ),
        ]),
        app_versions: BTreeMap::from([
            ("time".to_owned(), "5.0.0".to_owned()),
            ("log".to_owned(), "5.0.1".to_owned()),
        ]),
        description: description.to_owned(),
        spec: ReleaseSpec {
            properties: BTreeMap::from([
                ("app.time.trigger.fixed-delay".to_owned(), "5".to_owned()),
                (
                    "app.log.spring.datasource.password".to_owned(),
                    "hunter2".to_owned(),
                ),
            ]),
            app_releases: BTreeMap::from([("time".to_owned(), 1), ("log".to_owned(), 1)]),
        },
    }
}

fn versions(releases: &[Release]) -> Vec<(&str, u32)> {
    releases
        .iter()
        .map(|r| (r.stream.as_str(), r.version))
        .collect()
}

async fn releases_count_versions_per_stream(store: Arc<dyn Store>) {
    assert!(store.latest_release("ticktock").await.unwrap().is_none());
    let before = Timestamp::from_system_time(SystemTime::now());
    let first = store
        .create_release(&new_release("ticktock", "Install started"))
        .await
        .unwrap();
    assert_eq!(first.version, 1);
    assert!(first.first_deployed >= before && first.first_deployed == first.last_updated);
    assert_eq!(first.deleted, None);
    assert_eq!(
        store.find_release("ticktock", 1).await.unwrap().as_ref(),
        Some(&first),
        "every field round-trips"
    );

    // Another stream has its own sequence; another spelling of a name is the same stream.
    let other = store
        .create_release(&new_release("other", "Install started"))
        .await
        .unwrap();
    assert_eq!(other.version, 1);
    let mut upgrade = new_release("TickTock", "Upgrade started");
    upgrade.platform = "east".to_owned();
    upgrade.properties.clear();
    let second = store.create_release(&upgrade).await.unwrap();
    assert_eq!((second.stream.as_str(), second.version), ("TickTock", 2));
    let found = store.find_release("TICKTOCK", 2).await.unwrap().unwrap();
    assert_eq!(found, second);
    assert!(found.properties.is_empty());
    assert_eq!(found.platform, "east");

    assert_eq!(
        store.latest_release("ticktock").await.unwrap(),
        Some(second)
    );
    assert!(store.find_release("ticktock", 3).await.unwrap().is_none());
    assert!(store.find_release("tick", 1).await.unwrap().is_none());
}

async fn the_live_release_is_the_newest_live_one(store: Arc<dyn Store>) {
    assert!(store.live_release("ticktock").await.unwrap().is_none());
    store
        .create_release(&new_release("ticktock", "Install complete"))
        .await
        .unwrap();
    store
        .update_release_status("ticktock", 1, ReleaseStatus::Deployed, "Install complete")
        .await
        .unwrap();
    let mut failed = new_release("ticktock", "Upgrade failed");
    failed.status = ReleaseStatus::Failed;
    store.create_release(&failed).await.unwrap();
    let live = store.live_release("TICKTOCK").await.unwrap().unwrap();
    assert_eq!(
        live.version, 1,
        "a failed upgrade leaves the previous release running"
    );
    store
        .create_release(&new_release("ticktock", "Upgrade started"))
        .await
        .unwrap();
    assert_eq!(
        store
            .live_release("ticktock")
            .await
            .unwrap()
            .map(|r| r.version),
        Some(3),
        "an upgrade in progress is the newest live release"
    );
    for version in [1, 3] {
        store
            .update_release_status(
                "ticktock",
                version,
                ReleaseStatus::Deleted,
                "Delete complete",
            )
            .await
            .unwrap();
    }
    assert!(store.live_release("ticktock").await.unwrap().is_none());
}

async fn live_platforms_are_read_for_a_page_of_streams(store: Arc<dyn Store>) {
    for stream in ["a", "b", "c"] {
        let mut release = new_release(stream, "Install complete");
        release.platform = format!("p-{stream}");
        store.create_release(&release).await.unwrap();
    }
    store
        .update_release_status("b", 1, ReleaseStatus::Deleted, "Delete complete")
        .await
        .unwrap();
    let mut found = store
        .live_platforms(&["A", "b", "c", "none"])
        .await
        .unwrap();
    found.sort();
    assert_eq!(
        found,
        [
            ("a".to_owned(), "p-a".to_owned()),
            ("c".to_owned(), "p-c".to_owned())
        ]
    );
    assert!(store.live_platforms(&[]).await.unwrap().is_empty());
    let many: Vec<String> = (0..1_200).map(|i| format!("s{i}")).collect();
    let names: Vec<&str> = many.iter().map(String::as_str).chain(["c"]).collect();
    assert_eq!(
        store.live_platforms(&names).await.unwrap().len(),
        1,
        "batches of names"
    );
}

async fn a_scale_replaces_a_releases_spec_in_place(store: Arc<dyn Store>) {
    let first = store
        .create_release(&new_release("ticktock", "Install complete"))
        .await
        .unwrap();
    let mut spec = first.spec.clone();
    spec.properties
        .insert("deployer.log.count".to_owned(), "3".to_owned());
    let mut shown = first.properties.clone();
    shown.insert("deployer.log.count".to_owned(), "3".to_owned());
    let scaled = store
        .update_release_spec("TICKTOCK", 1, "manifest: scaled\n", &shown, &spec)
        .await
        .unwrap();
    assert_eq!(scaled.version, 1, "no new release");
    assert_eq!(scaled.spec, spec);
    assert_eq!(scaled.properties, shown);
    assert_eq!(scaled.manifest, "manifest: scaled\n");
    assert_eq!(
        (scaled.status, scaled.first_deployed),
        (first.status, first.first_deployed)
    );
    assert!(scaled.last_updated >= first.last_updated);
    assert_eq!(
        store.find_release("ticktock", 1).await.unwrap(),
        Some(scaled),
        "stored as returned"
    );
    let missing = store
        .update_release_spec("ticktock", 2, "", &shown, &spec)
        .await
        .unwrap_err();
    assert!(matches!(missing, Error::NotFound { .. }), "{missing:?}");
}

async fn release_history_is_newest_first_and_bounded(store: Arc<dyn Store>) {
    for i in 1..=5 {
        store
            .create_release(&new_release("hist", &format!("release {i}")))
            .await
            .unwrap();
    }
    store
        .create_release(&new_release("hist-other", "x"))
        .await
        .unwrap();
    let history = store.release_history("HIST", 3).await.unwrap();
    assert_eq!(versions(&history), [("hist", 5), ("hist", 4), ("hist", 3)]);
    assert_eq!(history[0].description, "release 5");
    assert_eq!(store.release_history("hist", 100).await.unwrap().len(), 5);
    assert!(store.release_history("none", 10).await.unwrap().is_empty());
    assert!(store.release_history("hist", 0).await.unwrap().is_empty());
}

async fn release_status_changes_are_stamped(store: Arc<dyn Store>) {
    let created = store
        .create_release(&new_release("status", "Install started"))
        .await
        .unwrap();
    let deployed = store
        .update_release_status("STATUS", 1, ReleaseStatus::Deployed, "Install complete")
        .await
        .unwrap();
    assert_eq!(deployed.status, ReleaseStatus::Deployed);
    assert_eq!(deployed.description, "Install complete");
    assert_eq!(deployed.first_deployed, created.first_deployed);
    assert!(deployed.last_updated >= created.last_updated);
    assert_eq!(deployed.deleted, None);
    assert_eq!(
        deployed.manifest, created.manifest,
        "only the status changes"
    );

    let deleted = store
        .update_release_status("status", 1, ReleaseStatus::Deleted, "Delete complete")
        .await
        .unwrap();
    let stamp = deleted.deleted.expect("deleted releases are stamped");
    assert!(stamp >= deployed.last_updated);
    assert_eq!(stamp, deleted.last_updated);
    assert_eq!(
        store.find_release("status", 1).await.unwrap(),
        Some(deleted.clone())
    );
    // Deleting again keeps the first deletion time.
    let again = store
        .update_release_status("status", 1, ReleaseStatus::Deleted, "Delete complete")
        .await
        .unwrap();
    assert_eq!(again.deleted, Some(stamp));

    let err = store
        .update_release_status("status", 2, ReleaseStatus::Deployed, "x")
        .await
        .unwrap_err();
    let Error::NotFound { entity, key } = &err else {
        panic!("expected NotFound, got {err:?}")
    };
    assert_eq!((*entity, key.as_str()), (Entity::Release, "status:2"));
    assert_eq!(err.code(), Code::NoSuchRelease);
}

async fn live_releases_are_the_reconcile_loops_desired_state(store: Arc<dyn Store>) {
    // a: v1 deployed, v2 deploying (an upgrade in progress: both live).
    store.create_release(&new_release("a", "")).await.unwrap();
    store
        .update_release_status("a", 1, ReleaseStatus::Deployed, "")
        .await
        .unwrap();
    store.create_release(&new_release("a", "")).await.unwrap();
    // B: v1 deleted (undeployed); v2 failed: nothing live.
    store.create_release(&new_release("B", "")).await.unwrap();
    store
        .update_release_status("b", 1, ReleaseStatus::Deleted, "")
        .await
        .unwrap();
    let mut failed = new_release("b", "");
    failed.status = ReleaseStatus::Failed;
    store.create_release(&failed).await.unwrap();
    // c: v1 superseded by v2 deployed.
    store.create_release(&new_release("c", "")).await.unwrap();
    store.create_release(&new_release("c", "")).await.unwrap();
    store
        .update_release_status("c", 1, ReleaseStatus::Deleted, "")
        .await
        .unwrap();
    store
        .update_release_status("c", 2, ReleaseStatus::Deployed, "")
        .await
        .unwrap();
    // d0 … d4: one deploying release each.
    for i in 0..5 {
        store
            .create_release(&new_release(&format!("d{i}"), ""))
            .await
            .unwrap();
    }

    let all = store.live_releases(None, 100).await.unwrap();
    assert_eq!(
        versions(&all),
        [
            ("a", 1),
            ("a", 2),
            ("c", 2),
            ("d0", 1),
            ("d1", 1),
            ("d2", 1),
            ("d3", 1),
            ("d4", 1)
        ]
    );
    assert!(all.iter().all(|r| r.status.is_live()));

    // Pages of 3, each starting after the last release of the previous one, cover it exactly.
    let mut paged = Vec::new();
    let mut after: Option<(String, u32)> = None;
    loop {
        let page = store
            .live_releases(after.as_ref().map(|(s, v)| (s.as_str(), *v)), 3)
            .await
            .unwrap();
        assert!(page.len() <= 3);
        let Some(last) = page.last() else { break };
        after = Some((last.stream.clone(), last.version));
        paged.extend(page);
    }
    assert_eq!(paged, all);
    // The keyset compares names ignoring case, as the rest of the table does.
    assert_eq!(
        versions(&store.live_releases(Some(("A", 1)), 2).await.unwrap()),
        [("a", 2), ("c", 2)]
    );
    assert!(store.live_releases(None, 0).await.unwrap().is_empty());
}

async fn concurrent_releases_of_a_stream_take_consecutive_versions(store: Arc<dyn Store>) {
    const WRITERS: u32 = 16;
    const EACH: u32 = 3;
    let mut tasks = tokio::task::JoinSet::new();
    for writer in 0..WRITERS {
        let store = store.clone();
        tasks.spawn(async move {
            let mut mine = Vec::new();
            for i in 0..EACH {
                // Different spellings of one name race for the same sequence.
                let name = if writer % 2 == 0 { "race" } else { "RACE" };
                let release = store
                    .create_release(&new_release(name, &format!("w{writer} #{i}")))
                    .await
                    .unwrap();
                mine.push(release.version);
            }
            mine
        });
    }
    let mut returned: Vec<u32> = Vec::new();
    while let Some(mine) = tasks.join_next().await {
        returned.extend(mine.unwrap());
    }
    returned.sort_unstable();
    let expected: Vec<u32> = (1..=WRITERS * EACH).collect();
    assert_eq!(returned, expected, "no version repeated or skipped");
    let stored: Vec<u32> = store
        .release_history("race", 1_000)
        .await
        .unwrap()
        .iter()
        .rev()
        .map(|r| r.version)
        .collect();
    assert_eq!(stored, expected);
}

/// Declares one SQLite test and one MariaDB test per story.
macro_rules! conformance {
    ($($story:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $story() {
                    let db = dataflow_store::testing::sqlite().await;
                    super::$story(db.store.clone()).await;
                }
            )*
        }
        mod mariadb_conformance {
            $(
                #[tokio::test]
                #[ignore = "needs MariaDB (DATAFLOW_TEST_MARIADB_URL)"]
                async fn $story() {
                    let db = dataflow_store::testing::mariadb().await;
                    assert_eq!(db.store.dialect(), "mariadb");
                    super::$story(db.store.clone()).await;
                }
            )*
        }
    };
}

conformance!(
    first_version_becomes_the_default,
    conflicts_fail_the_whole_batch,
    skip_and_overwrite_policies,
    lists_filter_page_and_sort,
    names_and_versions_ignore_case,
    default_version_can_be_switched,
    deletes,
    versions_are_listed_per_app,
    large_batches_are_written_whole,
    ping_answers,
    streams_are_created_once_ignoring_case,
    stream_lists_search_page_and_sort,
    taps_are_found_by_source_destination,
    streams_are_deleted,
    releases_count_versions_per_stream,
    a_scale_replaces_a_releases_spec_in_place,
    the_live_release_is_the_newest_live_one,
    live_platforms_are_read_for_a_page_of_streams,
    release_history_is_newest_first_and_bounded,
    release_status_changes_are_stamped,
    live_releases_are_the_reconcile_loops_desired_state,
    concurrent_releases_of_a_stream_take_consecutive_versions,
);

#[tokio::test]
async fn sqlite_store_survives_a_reopen() {
    let db = testing::sqlite().await;
    db.store
        .save_apps(&[app(AppType::Sink, "log", "1.0")], ConflictPolicy::Fail)
        .await
        .unwrap();
    let reopened = dataflow_store::connect(&db.url, &Default::default())
        .await
        .unwrap();
    assert!(
        reopened
            .find_app(AppType::Sink, "log", None)
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn unknown_database_schemes_are_refused() {
    let err = dataflow_store::connect("postgres://x/y", &Default::default())
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("unsupported database URL"),
        "{err}"
    );
}

/// Two servers on one SQLite file do not share the in-process write lock: the unique key and the
/// retry alone keep their versions consecutive.
#[tokio::test]
async fn sqlite_stores_sharing_a_file_take_consecutive_versions() {
    let db = testing::sqlite().await;
    let second = dataflow_store::connect(&db.url, &Default::default())
        .await
        .unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for writer in 0..8_u32 {
        let store = if writer % 2 == 0 {
            db.store.clone()
        } else {
            second.clone()
        };
        tasks.spawn(async move {
            let mut mine = Vec::new();
            for _ in 0..5 {
                let release = store
                    .create_release(&new_release("shared", ""))
                    .await
                    .unwrap();
                mine.push(release.version);
            }
            mine
        });
    }
    let mut returned: Vec<u32> = Vec::new();
    while let Some(mine) = tasks.join_next().await {
        returned.extend(mine.unwrap());
    }
    returned.sort_unstable();
    assert_eq!(returned, (1..=40).collect::<Vec<u32>>());
}
