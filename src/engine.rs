//! The run: account list → facts → report.
//!
//! Facts come from a snapshot or from AWS. Against AWS, accounts fan out with bounded
//! concurrency; each account gets its clients once and fetches the facts the selected
//! checks need, concurrently. One account's failure is that account's `error`, never the
//! run's end, and Ctrl-C or SIGTERM keeps every account already finished.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use futures::StreamExt;

use crate::aws::guard::ReadOnlyGuard;
use crate::aws::{Connection, collect_account};
use crate::facts::{AccountFacts, FactKind};
use crate::plan::{InputError, Source, Targets};
use crate::snapshot::Snapshot;

/// Why a run could not produce a report at all.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Bad input: exit 2.
    #[error(transparent)]
    Input(#[from] InputError),
    /// AWS could not be reached to even list what to audit: exit 3.
    #[error("{0}")]
    Unreachable(String),
}

/// The facts of every requested account, and whether the run was cut short.
#[derive(Debug)]
pub struct Gathered {
    pub facts: Vec<AccountFacts>,
    pub interrupted: bool,
}

/// Gathers the facts `needs` for the targets.
pub async fn gather(
    targets: &Targets,
    needs: &BTreeSet<FactKind>,
    guard: ReadOnlyGuard,
) -> Result<Gathered, RunError> {
    gather_with_progress(targets, needs, guard, &Silent).await
}

/// Told as accounts finish, e.g. to draw a progress bar.
pub trait Progress: Sync {
    fn start(&self, _accounts: usize) {}
    fn account_done(&self, _facts: &AccountFacts) {}
}

/// No progress display.
pub struct Silent;

impl Progress for Silent {}

/// [`gather`], telling `progress` as accounts finish.
pub async fn gather_with_progress(
    targets: &Targets,
    needs: &BTreeSet<FactKind>,
    guard: ReadOnlyGuard,
    progress: &dyn Progress,
) -> Result<Gathered, RunError> {
    match &targets.source {
        Source::Fixture(path) => Ok(from_snapshot(Snapshot::load(path)?, targets)),
        Source::Aws(options) => {
            let connection = Connection::load(options, guard).await;
            gather_from(&connection, targets, needs, progress, shutdown_signal()).await
        }
    }
}

fn from_snapshot(snapshot: Vec<AccountFacts>, targets: &Targets) -> Gathered {
    let facts = if targets.accounts.is_empty() {
        snapshot
    } else {
        let mut by_id: BTreeMap<String, AccountFacts> = snapshot
            .into_iter()
            .map(|f| (f.account_id.clone(), f))
            .collect();
        targets
            .accounts
            .iter()
            .map(|id| {
                by_id.remove(id.as_str()).unwrap_or_else(|| {
                    AccountFacts::unreachable(id.as_str(), "the account is not in the snapshot")
                })
            })
            .collect()
    };
    Gathered {
        facts,
        interrupted: false,
    }
}

/// Gathers from AWS through `connection`, stopping early (and keeping what finished)
/// when `stop` completes.
pub async fn gather_from(
    connection: &Connection,
    targets: &Targets,
    needs: &BTreeSet<FactKind>,
    progress: &dyn Progress,
    stop: impl Future<Output = ()>,
) -> Result<Gathered, RunError> {
    let accounts: Vec<String> = if targets.accounts.is_empty() {
        vec![connection.caller_account().await.map_err(|e| {
            RunError::Unreachable(format!(
                "cannot tell which account the credentials belong to: {e}"
            ))
        })?]
    } else {
        targets.accounts.iter().map(|a| a.to_string()).collect()
    };
    let deadline = targets.account_deadline;
    let mut done: BTreeMap<String, AccountFacts> = BTreeMap::new();
    let mut pending = futures::stream::iter(accounts.iter())
        .map(|id| audit_account(connection, id, needs, deadline))
        .buffer_unordered(targets.concurrency.max(1));
    tokio::pin!(stop);
    progress.start(accounts.len());
    let mut interrupted = false;
    loop {
        tokio::select! {
            next = pending.next() => match next {
                Some(facts) => {
                    progress.account_done(&facts);
                    done.insert(facts.account_id.clone(), facts);
                }
                None => break,
            },
            () = &mut stop => { interrupted = true; break; }
        }
    }
    let facts = accounts
        .iter()
        .map(|id| {
            done.remove(id).unwrap_or_else(|| {
                AccountFacts::unreachable(
                    id.as_str(),
                    "interrupted before this account was audited",
                )
            })
        })
        .collect();
    Ok(Gathered { facts, interrupted })
}

async fn audit_account(
    connection: &Connection,
    account_id: &str,
    needs: &BTreeSet<FactKind>,
    deadline: Duration,
) -> AccountFacts {
    let work = async {
        match connection.clients_for(account_id).await {
            Ok(clients) => collect_account(&clients, account_id, needs).await,
            Err(reason) => {
                tracing::warn!(account = account_id, %reason, "account unreachable");
                AccountFacts::unreachable(account_id, reason)
            }
        }
    };
    tokio::time::timeout(deadline, work)
        .await
        .unwrap_or_else(|_| {
            AccountFacts::unreachable(
                account_id,
                format!(
                    "no answer within the account deadline of {}s",
                    deadline.as_secs()
                ),
            )
        })
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
