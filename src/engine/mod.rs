//! The run: account list → facts → findings ([`evaluate`]) → report.
//!
//! Facts come from a snapshot or from AWS. Against AWS, accounts fan out with bounded
//! concurrency; each account gets its clients once and fetches the facts the selected
//! checks need, concurrently. One account's failure is that account's `error`, never the
//! run's end, and Ctrl-C or SIGTERM keeps every account already finished.

pub mod evaluate;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;

use crate::attestations::Leaver;
use crate::aws::config::CredentialsProblem;
use crate::aws::guard::ReadOnlyGuard;
use crate::aws::{Connection, collect_account, collect_cleanup};
use crate::facts::{AccountFacts, FactKind};
use crate::input::InputError;
use crate::plan::{CleanupSelector, Source, Targets};
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

impl From<CredentialsProblem> for RunError {
    fn from(problem: CredentialsProblem) -> Self {
        match problem {
            CredentialsProblem::Missing(message) => RunError::Input(InputError::new(message)),
            CredentialsProblem::Rejected(message) => RunError::Unreachable(message),
        }
    }
}

/// The facts of every requested account, and whether the run was cut short.
#[derive(Debug)]
pub struct Gathered {
    /// Sorted by account ID.
    pub facts: Vec<AccountFacts>,
    pub interrupted: bool,
}

/// Receives each account's facts as soon as they are gathered, so that a run need not
/// hold every account's facts at once (an audit evaluates and drops them).
pub trait Sink {
    /// Every account the run covers, before any facts arrive.
    fn accounts(&mut self, _ids: &[String]) {}
    /// The facts come from a snapshot collected at this time (`None`: not recorded).
    fn snapshot(&mut self, _collected_at: Option<&str>) {}
    /// One account's facts (in the order accounts finish).
    fn add(&mut self, facts: AccountFacts);
}

impl Sink for Vec<AccountFacts> {
    fn add(&mut self, facts: AccountFacts) {
        self.push(facts);
    }
}

/// Told as accounts finish, e.g. to draw a progress bar.
pub trait Progress: Sync {
    fn start(&self, _accounts: usize) {}
    fn account_done(&self, _facts: &AccountFacts) {}
}

/// No progress display.
pub struct Silent;

impl Progress for Silent {}

/// Gathers the facts `needs` for the targets, every account's facts at once, telling
/// `progress` as accounts finish.
pub(crate) async fn gather_with_progress(
    targets: &Targets,
    needs: &BTreeSet<FactKind>,
    guard: ReadOnlyGuard,
    progress: &dyn Progress,
) -> Result<Gathered, RunError> {
    let mut facts = Vec::new();
    let interrupted = gather_into(targets, needs, guard, progress, &mut facts).await?;
    Ok(sorted(facts, interrupted))
}

/// Gathers the facts `needs` for the targets into `sink`, account by account; returns
/// whether the run was interrupted (the accounts not finished then arrive as `error`).
pub(crate) async fn gather_into(
    targets: &Targets,
    needs: &BTreeSet<FactKind>,
    guard: ReadOnlyGuard,
    progress: &dyn Progress,
    sink: &mut dyn Sink,
) -> Result<bool, RunError> {
    match &targets.source {
        Source::Snapshot(path) => {
            let snapshot = Snapshot::read(path)?;
            if snapshot.accounts.is_empty() && targets.accounts.is_empty() {
                return Err(InputError::new(format_args!(
                    "snapshot {}: lists no account, so there is nothing to audit (write one with `orgexit collect`)",
                    path.display()
                ))
                .into());
            }
            sink.snapshot(snapshot.collected_at());
            let mut facts = from_snapshot(snapshot.accounts, targets);
            if let Some(regions) = &targets.regions {
                facts.iter_mut().for_each(|f| f.keep_regions(regions));
            }
            let ids: Vec<String> = facts.iter().map(|f| f.account_id.clone()).collect();
            sink.accounts(&ids);
            for account in facts {
                sink.add(account);
            }
            Ok(false)
        }
        Source::Aws(options) => {
            // Listening before any account starts: a Ctrl-C from then on is handled.
            let stop = shutdown_signal();
            // The base credentials are checked once here: a problem with them is one
            // message for the run, never an error in every check of every account.
            let connection = Connection::load(options, guard).await?;
            stream_from(&connection, targets, needs, progress, stop, sink).await
        }
    }
}

fn sorted(mut facts: Vec<AccountFacts>, interrupted: bool) -> Gathered {
    facts.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    Gathered { facts, interrupted }
}

fn from_snapshot(snapshot: Vec<AccountFacts>, targets: &Targets) -> Vec<AccountFacts> {
    if targets.accounts.is_empty() {
        return snapshot;
    }
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
    let mut facts = Vec::new();
    let interrupted = stream_from(connection, targets, needs, progress, stop, &mut facts).await?;
    Ok(sorted(facts, interrupted))
}

/// [`gather_from`] into a sink: each account's facts go to `sink` as the account
/// finishes; on `stop`, the accounts not finished go as `error` ("interrupted").
pub async fn stream_from(
    connection: &Connection,
    targets: &Targets,
    needs: &BTreeSet<FactKind>,
    progress: &dyn Progress,
    stop: impl Future<Output = ()>,
    sink: &mut dyn Sink,
) -> Result<bool, RunError> {
    let accounts: Vec<String> = if targets.accounts.is_empty() {
        vec![connection.caller_account().await.map_err(|e| {
            RunError::Unreachable(format!(
                "cannot tell which account the credentials belong to: {e}"
            ))
        })?]
    } else {
        targets.accounts.iter().map(|a| a.to_string()).collect()
    };
    sink.accounts(&accounts);
    let deadline = targets.account_deadline;
    let mut done: BTreeSet<String> = BTreeSet::new();
    let needs = Arc::new(needs.clone());
    // Each account is a task of its own, so accounts run on every core (parsing answers
    // and signing requests is CPU work); the stream only starts a task when a slot frees.
    let mut pending = futures::stream::iter(accounts.iter())
        .map(|id| {
            let needs = match targets.needs_by_account.get(id) {
                Some(theirs) => Arc::new(theirs.clone()),
                None => Arc::clone(&needs),
            };
            let (connection, account) = (connection.clone(), id.clone());
            let leaver = targets.leavers.for_account(id).cloned();
            let regions = targets.regions.clone();
            let cleanup = targets.cleanup.clone();
            let task = Task(tokio::spawn(async move {
                let reach = Reach {
                    leaver: leaver.as_ref(),
                    regions: regions.as_ref(),
                    cleanup: cleanup.as_ref(),
                    deadline,
                };
                audit_account(&connection, &account, &needs, reach).await
            }));
            task.finish(id.clone())
        })
        .buffer_unordered(targets.concurrency.max(1));
    tokio::pin!(stop);
    progress.start(accounts.len());
    let mut interrupted = false;
    loop {
        tokio::select! {
            next = pending.next() => match next {
                Some(facts) => {
                    progress.account_done(&facts);
                    done.insert(facts.account_id.clone());
                    sink.add(facts);
                }
                None => break,
            },
            () = &mut stop => { interrupted = true; break; }
        }
    }
    for id in accounts.iter().filter(|id| !done.contains(*id)) {
        sink.add(AccountFacts::unreachable(
            id.as_str(),
            "interrupted before this account was audited",
        ));
    }
    Ok(interrupted)
}

/// A spawned account audit, aborted if dropped unfinished (on Ctrl-C).
struct Task(tokio::task::JoinHandle<AccountFacts>);

impl Task {
    async fn finish(mut self, account_id: String) -> AccountFacts {
        (&mut self.0).await.unwrap_or_else(|e| {
            AccountFacts::unreachable(account_id, format!("internal error while auditing: {e}"))
        })
    }
}

impl Drop for Task {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// What one account's audit is given besides its facts' needs.
struct Reach<'a> {
    leaver: Option<&'a Leaver>,
    regions: Option<&'a BTreeSet<String>>,
    cleanup: Option<&'a CleanupSelector>,
    deadline: Duration,
}

async fn audit_account(
    connection: &Connection,
    account_id: &str,
    needs: &BTreeSet<FactKind>,
    reach: Reach<'_>,
) -> AccountFacts {
    let Reach {
        leaver,
        regions,
        cleanup,
        deadline,
    } = reach;
    let work = async {
        match connection.clients_for(account_id).await {
            Ok(clients) => {
                let leaver = leaver.map(|l| l.arn(connection.partition(), account_id));
                let mut facts =
                    collect_account(&clients, account_id, needs, leaver.as_deref(), regions).await;
                facts.reached_through = connection.reached_through();
                if let Some(select) = cleanup {
                    // The runbook's reads, for what the facts just read show is left.
                    let targets = (select.0)(&facts);
                    if !targets.is_empty() {
                        facts.cleanup = collect_cleanup(&clients, account_id, &targets).await;
                    }
                }
                facts
            }
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

/// Completes on Ctrl-C or SIGTERM. On Unix the handlers are installed when this is
/// called, not when the future is first polled: a signal that arrives while the first
/// accounts are being started is neither lost nor, by the default action, fatal.
pub(crate) fn shutdown_signal() -> impl Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (interrupt, terminate) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        );
        let received = |listener: std::io::Result<tokio::signal::unix::Signal>| async move {
            match listener {
                Ok(mut listener) => {
                    listener.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        async move {
            tokio::select! {
                () = received(interrupt) => {},
                () = received(terminate) => {},
            }
        }
    }
    #[cfg(not(unix))]
    async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}
