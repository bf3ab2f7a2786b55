//! The fault matrix: every AWS operation orgexit sends × every way it can go wrong, through
//! the real SDK clients (their parsing, error mapping, retries and timeouts). In each case
//! the checks that need the failed read are `error` with a reason naming the operation and
//! the cause; the account's other checks and every other account are exactly as without
//! the fault; nothing becomes `pass`. AssumeRole failing takes only its own account down.
//!
//! All cases run at once on a paused tokio clock, so the matrix is deterministic on a
//! loaded machine: the clock moves only when every call still open waits on a timer, so
//! the 1 s operation timeout can only ever reach the injected hang, never a healthy
//! account's call (the fault-free run takes no virtual time at all, which is checked).

use crate::common;

use std::path::Path;
use std::time::Duration;

use common::{all_facts, demo_facts, gather, quick_options, world};
use orgexit::attestations::{Attestations, MoveKind};
use orgexit::aws::guard::ALLOWED;
use orgexit::aws::replay::{Fault, Replay, Rule};
use orgexit::checks::{CHECKS, Phase, Status, Under};
use orgexit::engine::evaluate::evaluate;
use orgexit::exit::Exit;
use orgexit::facts::{AccountFacts, FactKind, Failure, Unread};
use orgexit::plan::Criteria;
use orgexit::report::{AccountReport, Report};
use time::macros::{date, datetime};

/// The demo account that is ready without any fault.
const TARGET: &str = "111122223333";

fn criteria() -> Criteria {
    criteria_moving(None)
}

/// [`policy`], the move given (`None`: the default, direct with --new-org).
fn criteria_moving(move_kind: Option<MoveKind>) -> Criteria {
    let attestations = Attestations::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo-attestations.toml"),
    )
    .unwrap();
    Criteria {
        new_org: Some("o-acmenew0001".into()),
        target_date: Some(date!(2026 - 12 - 07)),
        attestations,
        move_kind,
        ..Criteria::new(Phase::Pre, date!(2026 - 11 - 24), CHECKS.to_vec())
    }
}

/// Facts a check reads only to word its finding, not to reach it: payment-method's
/// verdict is the attestation's; the roles only tell whether the reseller created the
/// account. A failed read must leave such a check as it was.
/// The same for access-after-move's identity providers and invitation (they only tell
/// whose roles are whose: with a way in that stays they change nothing, and without one
/// a failed read is an error, tested in the check's own tests) and delegated-admin's
/// organization (only an account in none passes on it). Under a direct move, which the
/// matrix runs (the default with --new-org), payment-method reads no payment instrument
/// at all: its fallback is tested under a standalone move (`FALLBACKS`).
const HINTS: &[(&str, FactKind)] = &[
    ("payment-method", FactKind::Roles),
    ("payment-method", FactKind::PaymentInstruments),
    ("access-after-move", FactKind::SamlProviders),
    ("access-after-move", FactKind::OidcProviders),
    ("access-after-move", FactKind::Handshakes),
    ("delegated-admin", FactKind::Organization),
    // Whose Control Tower the account is in matters only when it shows signs of one.
    ("control-tower", FactKind::Organization),
    // Only a management account sees its organization's billing transfers: in a member
    // account (the target is one) billing-transfer is skipped before it reads them. In a
    // management account a failed read is an error:
    // `a_management_account_whose_transfers_fail_is_an_error`.
    ("billing-transfer", FactKind::BillingTransfers),
];

/// Facts a check falls back from by contract when AWS does not answer: payment-method,
/// for an account leaving first (`--move standalone`), then takes the attestation (the
/// target account's is attested: still `pass`), and must say that AWS could not confirm
/// it, naming the operation and the cause.
const FALLBACKS: &[(&str, FactKind)] = &[("payment-method", FactKind::PaymentInstruments)];

/// Facts whose denial is an answer by contract: AWS denies a member account
/// ListDelegatedServicesForAccount, and delegated-admin then takes the attestation (the
/// target account's is attested: still `pass`), saying AWS could not confirm it. Any
/// other fault of the read is an `error`.
const DENIAL_FALLBACKS: &[(&str, FactKind)] = &[("delegated-admin", FactKind::DelegatedServices)];

/// Each fault, words of which the reason must contain one, and the kind of read failure
/// the check's item must carry (what the ticket acts on).
fn faults() -> Vec<(&'static str, Fault, &'static [&'static str], Failure)> {
    vec![
        (
            "access denied",
            Fault::Denied("User: arn:aws:sts::111122223333:assumed-role/OrgExitAudit/orgexit-audit is not authorized to perform this action".into()),
            &["AccessDenied", "not authorized"],
            Failure::Denied,
        ),
        ("SCP deny", Fault::scp_deny("the action"), &["explicit deny in a service control policy"], Failure::DeniedByScp),
        ("throttled past the retries", Fault::Throttled, &["Throttling", "TooManyRequests", "SlowDown"], Failure::Throttled),
        ("HTTP 500", Fault::ServerError, &["HTTP 500"], Failure::Failed),
        ("timeout", Fault::Hang, &["timed out"], Failure::TimedOut),
        ("malformed body", Fault::malformed(), &["unreadable response", "unrecognised", "no "], Failure::Failed),
        ("empty body", Fault::empty(), &["unreadable response", "unrecognised", "no "], Failure::Failed),
        ("unimplemented (HTML 404)", Fault::unimplemented(), &["(HTTP 404, text/html"], Failure::Failed),
        ("connection refused", Fault::Refused, &["connection failed", "Connection refused"], Failure::TimedOut),
    ]
}

struct Case {
    operation: &'static str,
    action: &'static str,
    fault: &'static str,
    causes: &'static [&'static str],
    failure: Failure,
    facts: Vec<AccountFacts>,
    report: Report,
    calls: usize,
    /// Virtual time the case took.
    took: Duration,
}

const NOW: time::OffsetDateTime = datetime!(2026-11-24 12:00 UTC);

async fn run_case(
    operation: &'static str,
    action: &'static str,
    fault_name: &'static str,
    fault: Fault,
    causes: &'static [&'static str],
    failure: Failure,
) -> Case {
    let started = tokio::time::Instant::now();
    let demo = demo_facts();
    let mut builder = Replay::builder().rule(Rule::new(fault).account(TARGET).operation(operation));
    if operation == "GetBucketLocation" {
        // Asked only of a bucket ListBuckets gives no region, as older endpoints answer.
        builder = builder.without_bucket_regions();
    }
    let replay = builder.build(world(&demo));
    let ids: Vec<&str> = demo.iter().map(|f| f.account_id.as_str()).collect();
    let (facts, _) = gather(&replay, &quick_options(), &ids, &all_facts()).await;
    Case {
        operation,
        action,
        fault: fault_name,
        causes,
        failure,
        report: evaluate(&criteria(), &facts, NOW),
        facts,
        calls: replay.call_count(),
        took: started.elapsed(),
    }
}

/// What a case may take in virtual time: the hang exactly the operation timeout (its
/// retry never starts: the operation's time is up), every other fault less (at most a
/// retry's backoff), whatever the machine's load.
fn timing_problem(case: &Case, label: &str) -> Option<String> {
    let limit = quick_options().operation_timeout;
    let ok = if case.fault == "timeout" {
        case.took == limit
    } else {
        case.took < limit
    };
    (!ok).then(|| format!("{label}: took {:?} of virtual time", case.took))
}

/// The fault-free run, which must take no virtual time: no healthy call waits on a timer.
async fn baseline() -> Case {
    let baseline = run_case("none", "none", "none", Fault::Refused, &[], Failure::Failed).await;
    // The rule names no real operation, so this is the fault-free run.
    assert_eq!(baseline.took, Duration::ZERO, "the fault-free run waited");
    baseline
}

/// Whether a check (in `error`, or fallen back) says, as an item, which action failed and how: the item of
/// that failure kind, or (for `iam-federation`, which reads what it can of the rest) an
/// `unreadable-…` item whose reason reads as that failure of that action.
fn carries(check: &orgexit::report::CheckResult, action: &str, failure: Failure) -> bool {
    check.items.iter().any(|i| {
        let named = i.resource.as_deref() == Some(action) && i.kind == failure.code();
        let partial = i.kind.starts_with("unreadable-")
            && Unread::of(i.reason())
                == Unread {
                    action: Some(action.to_string()),
                    failure,
                };
        named || partial
    })
}

fn account(report: &Report, id: &str) -> AccountReport {
    report.accounts.get(id).unwrap()
}

#[tokio::test(start_paused = true)]
async fn no_fault_of_any_operation_becomes_a_pass_or_spreads() {
    let baseline = baseline().await;
    let base = &baseline.report;
    assert!(
        account(base, TARGET).ready,
        "the target account is ready without faults: {:?}",
        account(base, TARGET)
            .checks
            .iter()
            .filter(|c| c.status.blocks())
            .map(|c| (&c.id, &c.summary))
            .collect::<Vec<_>>()
    );
    assert!(
        account(base, TARGET)
            .checks
            .iter()
            .all(|c| c.status != Status::Error)
    );

    let mut cases = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    // One case per operation and fault, however many facts the operation reads. The
    // runbook's reads are never an audit's: a failed one leaves the runbook to list what it
    // could not read when run, saying why (`runbook::tests::a_failed_read_...`).
    for op in ALLOWED
        .iter()
        .filter(|o| o.fact.is_some_and(|f| f != FactKind::Cleanup) && seen.insert(o.name))
    {
        for (name, fault, causes, failure) in faults() {
            // The reason names the operation as `service:Operation` (`s3:ListBuckets`).
            let named: &'static str = format!("{}:{}", op.service.to_lowercase(), op.name).leak();
            cases.push(run_case(op.name, named, name, fault, causes, failure));
        }
    }
    let cases = futures::future::join_all(cases).await;
    let mut problems = Vec::new();
    for case in &cases {
        // Every fact the operation reads (ListBuckets: the buckets and their policies).
        let kinds: Vec<FactKind> = ALLOWED
            .iter()
            .filter(|o| o.name == case.operation)
            .filter_map(|o| o.fact)
            .collect();
        let label = format!("{} × {}", case.operation, case.fault);
        problems.extend(timing_problem(case, &label));
        for other in &case.report.accounts {
            let before = account(base, &other.account_id);
            if other.account_id != TARGET {
                if other.checks != before.checks {
                    problems.push(format!("{label}: account {} changed", other.account_id));
                }
                continue;
            }
            assert!(other.error.is_none());
            let mut blocked = false;
            for (check, (now, then)) in CHECKS.iter().zip(other.checks.iter().zip(&before.checks)) {
                let read = kinds.iter().copied().find(|kind| {
                    check.needs().contains(kind) && !HINTS.contains(&(&*now.id, *kind))
                });
                let needs = read.is_some()
                    && check.reads_under(Under {
                        phase: Phase::Pre,
                        new_org: Some("o-acmenew0001"),
                        moving: other.moving.as_ref().unwrap().kind,
                    });
                let denied = matches!(case.failure, Failure::Denied | Failure::DeniedByScp);
                if needs
                    && denied
                    && read.is_some_and(|kind| DENIAL_FALLBACKS.contains(&(&*now.id, kind)))
                {
                    let said = now.summary.contains("AWS could not confirm")
                        && now.summary.contains(case.action)
                        && case.causes.iter().any(|c| now.summary.contains(c))
                        && carries(now, case.action, case.failure);
                    if now.status != then.status || !said {
                        problems.push(format!(
                            "{label}: {} did not take the attestation saying why: {} {}",
                            now.id,
                            now.status.as_str(),
                            now.summary
                        ));
                    }
                    continue;
                }
                blocked |= needs;
                if !needs {
                    if now != then {
                        problems.push(format!(
                            "{label}: {} changed: {} → {}",
                            now.id,
                            then.status.as_str(),
                            now.status.as_str()
                        ));
                    }
                    continue;
                }
                if now.status != Status::Error {
                    problems.push(format!(
                        "{label}: {} is {}: {}",
                        now.id,
                        now.status.as_str(),
                        now.summary
                    ));
                    continue;
                }
                if !now.summary.contains(case.action) {
                    problems.push(format!(
                        "{label}: {} does not name {}: {}",
                        now.id, case.action, now.summary
                    ));
                }
                if !case.causes.iter().any(|c| now.summary.contains(c)) {
                    problems.push(format!(
                        "{label}: {} does not name the cause ({:?}): {}",
                        now.id, case.causes, now.summary
                    ));
                }
                if !carries(now, case.action, case.failure) {
                    problems.push(format!(
                        "{label}: {} carries no {} item for {}: {:?}",
                        now.id,
                        case.failure.code(),
                        case.action,
                        now.items
                    ));
                }
                if now.summary.len() > 400 || now.summary.contains('\n') {
                    problems.push(format!(
                        "{label}: {} reason is not one short line: {}",
                        now.id, now.summary
                    ));
                }
            }
            if blocked && other.ready {
                problems.push(format!("{label}: the account is still ready"));
            }
        }
        // Leaving first, a check with a fallback takes it, saying why.
        for (id, _) in FALLBACKS.iter().filter(|(_, k)| kinds.contains(k)) {
            let standalone = criteria_moving(Some(MoveKind::Standalone));
            let check = |report: &Report| {
                account(report, TARGET)
                    .checks
                    .into_iter()
                    .find(|c| c.id == *id)
                    .unwrap()
            };
            let now = check(&evaluate(&standalone, &case.facts, NOW));
            let then = check(&evaluate(&standalone, &baseline.facts, NOW));
            let said = now.summary.contains("AWS could not confirm")
                && now.summary.contains(case.action)
                && case.causes.iter().any(|c| now.summary.contains(c))
                && carries(&now, case.action, case.failure);
            if now.status != then.status || !said {
                problems.push(format!(
                    "{label}: {id} did not fall back to the attestation saying why: {} {}",
                    now.status.as_str(),
                    now.summary
                ));
            }
        }
        let denied = matches!(case.failure, Failure::Denied | Failure::DeniedByScp);
        let only_fallbacks = kinds.iter().all(|&kind| {
            CHECKS
                .iter()
                .filter(|c| c.needs().contains(&kind))
                .all(|c| {
                    FALLBACKS.contains(&(c.id(), kind))
                        || HINTS.contains(&(c.id(), kind))
                        || (denied && DENIAL_FALLBACKS.contains(&(c.id(), kind)))
                })
        });
        if only_fallbacks {
            // Only a fallback reads this fact: the run is as ready as without the fault.
            continue;
        }
        // Alone, the target account has an error and nothing failing: exit 3.
        let target = case.facts.iter().find(|f| f.account_id == TARGET).unwrap();
        let alone = evaluate(&criteria(), std::slice::from_ref(target), NOW);
        if alone.exit_code() != Exit::Error {
            problems.push(format!(
                "{label}: exit {} for the account alone",
                alone.exit_code()
            ));
        }
        if case.report.exit_code() == Exit::Success {
            problems.push(format!("{label}: exit 0"));
        }
    }
    println!(
        "fault matrix: {} operations × {} faults = {} cases, {} requests answered",
        seen.len(),
        faults().len(),
        cases.len(),
        cases.iter().map(|c| c.calls).sum::<usize>()
    );
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[tokio::test(start_paused = true)]
async fn assume_role_failing_takes_down_only_its_account() {
    let mut runs = Vec::new();
    for (name, fault, causes, failure) in faults() {
        runs.push(async move {
            let case = run_case("AssumeRole", "sts:AssumeRole", name, fault, causes, failure).await;
            (name, causes, case)
        });
    }
    let baseline = baseline().await;
    for (name, causes, case) in futures::future::join_all(runs).await {
        if let Some(problem) = timing_problem(&case, name) {
            panic!("{problem}");
        }
        let target = account(&case.report, TARGET);
        let reason = target
            .error
            .as_deref()
            .unwrap_or_else(|| panic!("{name}: no account error"));
        assert!(reason.contains("sts:AssumeRole"), "{name}: {reason}");
        assert!(
            causes.iter().any(|c| reason.contains(c)),
            "{name}: {reason}"
        );
        assert!(!target.ready);
        assert!(
            target.checks.iter().all(|c| c.status == Status::Error),
            "{name}: every check of an unreachable account is error"
        );
        assert!(
            target
                .checks
                .iter()
                .all(|c| carries(c, "sts:AssumeRole", case.failure)),
            "{name}: every check says what failed, as an item"
        );
        for other in case
            .report
            .accounts
            .iter()
            .filter(|a| a.account_id != TARGET)
        {
            assert_eq!(
                other.checks,
                account(&baseline.report, &other.account_id).checks,
                "{name}: {}",
                other.account_id
            );
        }
    }
}

/// A regional read that fails in one region while the others answer: each check that
/// reads it is `error`, naming that region and the read, with a read-failure item; what
/// the other regions hold is still said; every other check is as without the fault.
#[tokio::test(start_paused = true)]
async fn a_region_that_does_not_answer_is_an_error_naming_it() {
    let baseline = baseline().await;
    let before = account(&baseline.report, TARGET);
    let cases: [(&str, &str, &[&str], &str); 4] = [
        (
            "ListStacks",
            "cloudformation:ListStacks",
            &["control-tower", "stackset-stacks"],
            "StackSet CTL-Logging",
        ),
        (
            "ListKeys",
            "kms:ListKeys",
            &["resource-policies"],
            "bucket acme-prod-assets (us-west-2)",
        ),
        (
            "ListAliases",
            "kms:ListAliases",
            &["resource-policies"],
            "bucket acme-prod-assets (us-west-2)",
        ),
        (
            "GetKeyPolicy",
            "kms:GetKeyPolicy",
            &["resource-policies"],
            "bucket acme-prod-assets (us-west-2)",
        ),
    ];
    for (operation, action, checks, still_said) in cases {
        let demo = demo_facts();
        let replay = Replay::builder()
            .rule(
                Rule::new(Fault::Denied("not authorized in this region".into()))
                    .account(TARGET)
                    .operation(operation)
                    .region("eu-west-1"),
            )
            .build(world(&demo));
        let ids: Vec<&str> = demo.iter().map(|f| f.account_id.as_str()).collect();
        let (facts, _) = gather(&replay, &quick_options(), &ids, &all_facts()).await;
        let asked: Vec<_> = replay
            .calls()
            .into_iter()
            .filter(|c| c.operation == operation)
            .collect();
        assert!(!asked.is_empty(), "{operation} was sent");
        let report = evaluate(&criteria(), &facts, NOW);
        let now = account(&report, TARGET);
        for (check, then) in now.checks.iter().zip(&before.checks) {
            if !checks.contains(&&*check.id) {
                assert_eq!(check, then, "{operation} in eu-west-1 changed {}", check.id);
                continue;
            }
            assert_eq!(
                check.status,
                Status::Error,
                "{operation}: {}: {}",
                check.id,
                check.summary
            );
            assert!(
                check.summary.contains("eu-west-1") && check.summary.contains(action),
                "{operation}: {} does not name the region and the read: {}",
                check.id,
                check.summary
            );
            assert!(
                check.items.iter().any(|i| i.kind == Failure::Denied.code()),
                "{operation}: {}: {:?}",
                check.id,
                check.items
            );
            if check.id != "control-tower" {
                assert!(
                    check.summary.contains(still_said),
                    "{operation}: {}",
                    check.summary
                );
            }
        }
        assert!(
            !now.ready,
            "{operation}: an unread region leaves the account not ready"
        );
        for other in report.accounts.iter().filter(|a| a.account_id != TARGET) {
            assert_eq!(
                other.checks,
                account(&baseline.report, &other.account_id).checks
            );
        }
    }
}

/// Issue 25: billing-transfer in a management account, whose transfers only it can see.
/// The target account made its organization's management account, with a reseller's
/// transfer that ends before the target date (`pass` without a fault): every fault of
/// ListOutboundResponsibilityTransfers but a denial makes the check `error`, naming the
/// read and the cause; a denial is an `error` too (the management account must see them),
/// never the member's `skipped`.
#[tokio::test(start_paused = true)]
async fn a_management_account_whose_transfers_fail_is_an_error() {
    use orgexit::facts::{BillingTransfer, BillingTransfers, Fact, Membership, Organization};
    let mut demo = demo_facts();
    let target = demo.iter_mut().find(|f| f.account_id == TARGET).unwrap();
    target.organization = Some(Fact::Ok(Membership::Member(Organization {
        id: "o-acmeown0001".into(),
        management_account_id: TARGET.into(),
        management_account_email: Some("aws@acme.example".into()),
    })));
    target.billing_transfers = Some(Fact::Ok(BillingTransfers::Listed {
        transfers: vec![BillingTransfer {
            id: "rt-acmebill01".into(),
            name: None,
            status: "WITHDRAWN".into(),
            payer_account_id: Some("999988887777".into()),
            payer_email: Some("aws@ctl.io".into()),
            start: Some(datetime!(2025-12-01 00:00 UTC)),
            end: Some(datetime!(2026-11-30 23:59:59 UTC)),
            handshake_id: None,
        }],
    }));
    let ids: Vec<&str> = demo.iter().map(|f| f.account_id.as_str()).collect();
    let status_of = |report: &Report| {
        account(report, TARGET)
            .checks
            .into_iter()
            .find(|c| c.id == "billing-transfer")
            .unwrap()
    };
    let replay = Replay::builder().build(world(&demo));
    let (facts, _) = gather(&replay, &quick_options(), &ids, &all_facts()).await;
    let then = status_of(&evaluate(&criteria(), &facts, NOW));
    assert_eq!(then.status, Status::Pass, "{}", then.summary);
    for (name, fault, causes, failure) in faults() {
        let replay = Replay::builder()
            .rule(
                Rule::new(fault)
                    .account(TARGET)
                    .operation("ListOutboundResponsibilityTransfers"),
            )
            .build(world(&demo));
        let (facts, _) = gather(&replay, &quick_options(), &ids, &all_facts()).await;
        let now = status_of(&evaluate(&criteria(), &facts, NOW));
        assert_eq!(now.status, Status::Error, "{name}: {}", now.summary);
        assert!(
            now.summary
                .contains("organizations:ListOutboundResponsibilityTransfers"),
            "{name}: {}",
            now.summary
        );
        assert!(
            causes.iter().any(|c| now.summary.contains(c)),
            "{name}: {}",
            now.summary
        );
        assert!(
            carries(
                &now,
                "organizations:ListOutboundResponsibilityTransfers",
                failure
            ),
            "{name}: {:?}",
            now.items
        );
    }
}
