//! Shared by the tests that drive the real SDK clients against the in-process replay.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use orgexit::aws::Connection;
use orgexit::aws::config::{AwsOptions, resilience};
use orgexit::aws::guard::ReadOnlyGuard;
use orgexit::aws::replay::Replay;
use orgexit::engine::{Silent, gather_from};
use orgexit::facts::{AccountFacts, FactKind};
use orgexit::plan::{AccountId, Source, Targets};
use orgexit::snapshot::Snapshot;

/// A recorded AWS answer from `fixtures/aws/`.
pub fn recorded(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/aws")
            .join(name),
    )
    .unwrap()
}

/// The demo customer's facts, as the world the replay serves.
pub fn demo_facts() -> Vec<AccountFacts> {
    Snapshot::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo.json")).unwrap()
}

pub fn world(facts: &[AccountFacts]) -> BTreeMap<String, Arc<AccountFacts>> {
    facts
        .iter()
        .map(|f| (f.account_id.clone(), Arc::new(f.clone())))
        .collect()
}

/// Fast-failing settings for tests: 2 attempts, a 1 s operation timeout.
pub fn quick_options() -> AwsOptions {
    AwsOptions {
        role_name: Some("OrgExitAudit".into()),
        operation_timeout: Duration::from_secs(1),
        max_attempts: 2,
        ..AwsOptions::default()
    }
}

/// Gathers `needs` for `accounts` through the real SDK clients, answered by `replay`.
pub async fn gather(
    replay: &Replay,
    options: &AwsOptions,
    accounts: &[&str],
    needs: &BTreeSet<FactKind>,
) -> (Vec<AccountFacts>, ReadOnlyGuard) {
    let guard = ReadOnlyGuard::new();
    let (retry, timeout) = resilience(options);
    let connection =
        Connection::from_config(replay.sdk_config(retry, timeout), options, guard.clone());
    let targets = Targets {
        accounts: accounts
            .iter()
            .map(|a| AccountId::parse(a, "test").unwrap())
            .collect(),
        source: Source::Aws(options.clone()),
        concurrency: 16,
        account_deadline: options.operation_timeout * 10,
    };
    let gathered = gather_from(
        &connection,
        &targets,
        needs,
        &Silent,
        std::future::pending(),
    )
    .await
    .unwrap();
    assert!(!gathered.interrupted);
    (gathered.facts, guard)
}

pub fn all_facts() -> BTreeSet<FactKind> {
    FactKind::ALL.into_iter().collect()
}
