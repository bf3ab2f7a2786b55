//! Shared by the tests that drive the real SDK clients against the in-process replay.
//!
//! These tests run on a paused tokio clock (`#[tokio::test(start_paused = true)]`), so
//! their timeouts, retries and injected latencies are virtual time: a healthy call is
//! answered before any timer can fire, whatever the machine's load (see the *Time*
//! section of `orgexit::aws::replay`). [`connection`] and [`gather_through`] (and so
//! [`gather`]) refuse to run on a real clock.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use orgexit::attestations::{Leaver, Leavers};
use orgexit::aws::Connection;
use orgexit::aws::config::{AwsOptions, resilience};
use orgexit::aws::guard::ReadOnlyGuard;
use orgexit::aws::replay::{Replay, Rule};
use orgexit::engine::{Silent, gather_from};
use orgexit::facts::{AccountFacts, FactKind};
use orgexit::input::AccountId;
use orgexit::plan::{Source, Targets};
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

/// Fast-failing settings for tests: 2 attempts, a 1 s operation timeout (virtual time).
pub fn quick_options() -> AwsOptions {
    AwsOptions {
        role_name: Some("OrgExitAudit".into()),
        operation_timeout: Duration::from_secs(1),
        max_attempts: 2,
        ..AwsOptions::default()
    }
}

/// Panics unless tokio's clock is paused: on the real clock the 1 s timeouts of
/// [`quick_options`] race the machine's load.
pub fn assert_virtual_time() {
    let before = tokio::time::Instant::now();
    std::thread::sleep(Duration::from_millis(1));
    assert_eq!(
        tokio::time::Instant::now(),
        before,
        "run this test on a paused clock: #[tokio::test(start_paused = true)]"
    );
}

/// A connection whose SDK configuration is `replay`'s, not yet checked (see
/// `Connection::identify`).
pub fn connection(replay: &Replay, options: &AwsOptions, guard: ReadOnlyGuard) -> Connection {
    assert_virtual_time();
    let (retry, timeout) = resilience(options);
    Connection::from_config(replay.sdk_config(retry, timeout), options, guard)
}

/// Gathers `needs` for `accounts` through the real SDK clients, answered by `replay`.
pub async fn gather(
    replay: &Replay,
    options: &AwsOptions,
    accounts: &[&str],
    needs: &BTreeSet<FactKind>,
) -> (Vec<AccountFacts>, ReadOnlyGuard) {
    let guard = ReadOnlyGuard::new();
    let connection = connection(replay, options, guard.clone());
    (
        gather_through(&connection, options, accounts, needs).await,
        guard,
    )
}

/// The leaver every replayed account is asked about (the demo attestations' `leaver`).
pub const LEAVER: &str = "role/AcmeAdmin";

/// Gathers `needs` for `accounts` through `connection`.
pub async fn gather_through(
    connection: &Connection,
    options: &AwsOptions,
    accounts: &[&str],
    needs: &BTreeSet<FactKind>,
) -> Vec<AccountFacts> {
    gather_by_account(connection, options, accounts, needs, Default::default()).await
}

/// [`gather_through`], with other needs for the accounts `needs_by_account` names.
pub async fn gather_by_account(
    connection: &Connection,
    options: &AwsOptions,
    accounts: &[&str],
    needs: &BTreeSet<FactKind>,
    needs_by_account: BTreeMap<String, BTreeSet<FactKind>>,
) -> Vec<AccountFacts> {
    assert_virtual_time();
    let targets = Targets {
        accounts: accounts
            .iter()
            .map(|a| AccountId::parse(a, "test").unwrap())
            .collect(),
        source: Source::Aws(options.clone()),
        concurrency: 16,
        account_deadline: options.operation_timeout * 10,
        names: Default::default(),
        notes: Vec::new(),
        needs_by_account,
        regions: None,
        cleanup: None,
        // Who leaves in every account, as the demo attestations name it.
        leavers: Leavers {
            every: Some(Leaver::Named(LEAVER.into())),
            ..Leavers::default()
        },
    };
    let gathered = gather_from(connection, &targets, needs, &Silent, std::future::pending())
        .await
        .unwrap();
    assert!(!gathered.interrupted);
    gathered.facts
}

pub fn all_facts() -> BTreeSet<FactKind> {
    FactKind::ALL.into_iter().collect()
}

/// One account read through the real SDK clients, answered by the replay where `rules`
/// say so (for this account) and as an empty account everywhere else.
pub async fn one_account_with(
    account: &str,
    rules: Vec<Rule>,
    needs: &[FactKind],
) -> (AccountFacts, Replay) {
    let mut builder = Replay::builder();
    for rule in rules {
        builder = builder.rule(rule.account(account));
    }
    let replay = builder.build(world(&[AccountFacts::new(account)]));
    let needs: BTreeSet<FactKind> = needs.iter().copied().collect();
    let (mut got, _) = gather(&replay, &quick_options(), &[account], &needs).await;
    (got.remove(0), replay)
}
