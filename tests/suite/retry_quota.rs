//! AWS throttles each account on its own, so each account has its own retry quota: the
//! SDK's standard retries draw on a token bucket (500 tokens, 5 per retry after a
//! throttling error), by default one bucket per service for the whole process. Shared,
//! accounts throttled hard would use up the retries every other account needs, and
//! those would report `error` for a throttle that one retry would have got past.
//!
//! One test in its own binary: the SDK's default buckets are process-wide statics.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use common::{demo_facts, gather};
use orgexit::aws::config::AwsOptions;
use orgexit::aws::replay::{Fault, Replay, Rule};
use orgexit::facts::{AccountFacts, Fact, FactKind};

const HEALTHY: &str = "999900000000";
/// The lists each throttled account is asked for (IAM's, and the Payments API's, whose
/// client orgexit builds itself).
const LISTS: [&str; 5] = [
    "ListRoles",
    "ListPolicies",
    "ListUsers",
    "ListGroups",
    "ListPaymentInstruments",
];

fn options() -> AwsOptions {
    AwsOptions {
        role_name: Some("OrgExitAudit".into()),
        max_attempts: 5,
        ..AwsOptions::default()
    }
}

/// `ids`, each an account with the demo's first account's facts.
fn accounts(ids: &[String]) -> BTreeMap<String, Arc<AccountFacts>> {
    let template = demo_facts().remove(0);
    ids.iter()
        .map(|id| {
            let mut facts = template.clone();
            facts.account_id = id.clone();
            (id.clone(), Arc::new(facts))
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn throttling_in_some_accounts_leaves_the_others_their_retries() {
    let needs: BTreeSet<FactKind> = [
        FactKind::Roles,
        FactKind::Policies,
        FactKind::Users,
        FactKind::Groups,
        FactKind::PaymentInstruments,
    ]
    .into();

    // Fifty accounts whose lists are throttled on every attempt: 50 × 4 retries × 5 tokens
    // for each list, twice what one shared bucket holds.
    let throttled: Vec<String> = (0..50).map(|i| format!("99990000{i:04}")).collect();
    let mut builder = Replay::builder();
    for id in &throttled {
        for list in LISTS {
            builder = builder.rule(Rule::new(Fault::Throttled).account(id).operation(list));
        }
    }
    let replay = builder.build(accounts(&throttled));
    let ids: Vec<&str> = throttled.iter().map(String::as_str).collect();
    let (facts, _) = gather(&replay, &options(), &ids, &needs).await;
    for account in &facts {
        assert!(
            matches!(account.roles, Some(Fact::Error(_)))
                && matches!(account.payment_instruments, Some(Fact::Error(_))),
            "{}: a list throttled on every attempt is an error",
            account.account_id
        );
    }
    let retried = replay.call_count() - throttled.len();
    assert!(
        retried >= throttled.len() * LISTS.len() * 5,
        "every throttled list was tried 5 times: {retried} calls"
    );

    // Then an account whose lists are each throttled once: one retry reads each.
    let mut builder = Replay::builder();
    for list in LISTS {
        builder = builder.rule(
            Rule::new(Fault::Throttled)
                .account(HEALTHY)
                .operation(list)
                .times(1),
        );
    }
    let replay = builder.build(accounts(&[HEALTHY.to_string()]));
    let (facts, _) = gather(&replay, &options(), &[HEALTHY], &needs).await;
    let healthy = &facts[0];
    match &healthy.roles {
        Some(Fact::Ok(roles)) => assert!(!roles.is_empty()),
        other => panic!("ListRoles throttled once was not retried: {other:?}"),
    }
    assert!(
        matches!(healthy.payment_instruments, Some(Fact::Ok(_))),
        "ListPaymentInstruments throttled once was not retried: {:?}",
        healthy.payment_instruments
    );
}
