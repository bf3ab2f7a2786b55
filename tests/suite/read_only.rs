//! Read-only, provably: what a run really sends is allow-listed, and `orgexit policy`
//! grants exactly the actions the selected checks send — no more, no fewer.

use crate::common;

use std::collections::BTreeSet;

use common::{demo_facts, gather, quick_options, world};
use orgexit::attestations::{AccountAttestations, MoveKind};
use orgexit::audit_role;
use orgexit::aws::guard::{ReadOnlyGuard, allowed};
use orgexit::aws::replay::Replay;
use orgexit::checks::{CHECKS, Check, Phase};
use orgexit::plan::Criteria;
use time::macros::date;

fn criteria(checks: Vec<&'static dyn Check>, new_org: Option<&str>) -> Criteria {
    Criteria {
        new_org: new_org.map(str::to_string),
        target_date: Some(date!(2026 - 12 - 07)),
        leaver: Some(orgexit::attestations::Leaver::Named(common::LEAVER.into())),
        ..Criteria::new(Phase::Pre, date!(2026 - 11 - 24), checks)
    }
}

/// The IAM actions of what the audit role was asked, in every account of a run.
async fn sent_actions(policy: &Criteria) -> BTreeSet<&'static str> {
    let demo = demo_facts();
    // ListBuckets without BucketRegion, so that GetBucketLocation, its fallback, is sent too.
    let replay = Replay::builder()
        .page_size(2)
        .without_bucket_regions()
        .build(world(&demo));
    let ids: Vec<&str> = demo.iter().map(|f| f.account_id.as_str()).collect();
    let (_, guard) = gather(&replay, &quick_options(), &ids, &policy.needs()).await;
    let calls = replay.calls();
    assert_eq!(
        guard.log().total(),
        calls.len() as u64,
        "every request passed the guard"
    );
    calls
        .iter()
        .map(|c| {
            allowed(c.service, &c.operation)
                .unwrap_or_else(|| panic!("sent but not allow-listed: {c:?}"))
        })
        // AssumeRole is the caller's permission, not the audit role's.
        .filter(|op| op.fact.is_some())
        .map(|op| op.action)
        .collect()
}

/// Under the terms that read the most (a standalone move, with a new organization to
/// check the invitation of), a selection sends every action its policy grants and no
/// other. A direct move sends fewer (no payment method): a subset, tested below.
#[tokio::test(start_paused = true)]
async fn the_policy_grants_exactly_what_each_selection_sends() {
    let mut selections: Vec<Vec<&'static dyn Check>> = vec![CHECKS.to_vec()];
    selections.extend(CHECKS.iter().map(|c| vec![*c]));
    // Every pair, too: facts shared between checks are asked for once, and granted once.
    for (i, a) in CHECKS.iter().enumerate() {
        for b in &CHECKS[i + 1..] {
            selections.push(vec![*a, *b]);
        }
    }
    for checks in selections {
        let ids: Vec<&str> = checks.iter().map(|c| c.id()).collect();
        let standalone = Criteria {
            move_kind: Some(MoveKind::Standalone),
            ..criteria(checks.clone(), Some("o-acmenew0001"))
        };
        let granted = audit_role::actions(&checks, false);
        assert_eq!(sent_actions(&standalone).await, granted, "{ids:?}");
        let direct = criteria(checks.clone(), Some("o-acmenew0001"));
        assert!(sent_actions(&direct).await.is_subset(&granted), "{ids:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn without_a_new_org_the_handshakes_are_not_even_read() {
    let everything = criteria(CHECKS.to_vec(), None);
    let sent = sent_actions(&everything).await;
    assert!(
        !sent.contains("organizations:ListHandshakesForAccount"),
        "{sent:?}"
    );
    assert!(sent.is_subset(&audit_role::actions(CHECKS, false)));
}

/// Accounts moving directly are not asked for a payment method (the new organization
/// pays); the one account that attests a standalone move is, and only it.
#[tokio::test(start_paused = true)]
async fn only_an_account_leaving_standalone_is_asked_for_its_payment_method() {
    let demo = demo_facts();
    // ListBuckets without BucketRegion, so that GetBucketLocation, its fallback, is sent too.
    let replay = Replay::builder()
        .page_size(2)
        .without_bucket_regions()
        .build(world(&demo));
    let ids: Vec<&str> = demo.iter().map(|f| f.account_id.as_str()).collect();
    let standalone = ids[1];
    let mut criteria = criteria(CHECKS.to_vec(), Some("o-acmenew0001"));
    criteria.attestations.accounts.insert(
        standalone.to_string(),
        AccountAttestations {
            r#move: Some(MoveKind::Standalone),
            ..AccountAttestations::default()
        },
    );
    let options = quick_options();
    let connection = common::connection(&replay, &options, ReadOnlyGuard::new());
    let facts = common::gather_by_account(
        &connection,
        &options,
        &ids,
        &criteria.needs(),
        criteria.needs_by_account(),
    )
    .await;
    let asked: BTreeSet<String> = replay
        .calls()
        .iter()
        .filter(|c| c.operation == "ListPaymentInstruments")
        .map(|c| c.account.clone())
        .collect();
    assert_eq!(asked, BTreeSet::from([standalone.to_string()]));
    // Every other read went to every account.
    for account in &facts {
        assert!(account.roles.is_some(), "{}", account.account_id);
    }
}
