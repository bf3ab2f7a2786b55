//! The AWS layer with the real SDK clients, answered in AWS's wire formats by the
//! in-process replay: recorded answers (`fixtures/aws/`), pagination, retries, errors,
//! AssumeRole per account, and the read-only guard. On a paused clock: retries, backoff
//! and latency are virtual time, so no timeout depends on the machine's load.

use crate::common;

use common::{all_facts, assert_virtual_time, demo_facts, gather, quick_options, recorded, world};
use orgexit::aws::AccountClients;
use orgexit::aws::config::resilience;
use orgexit::aws::guard::{ReadOnlyGuard, allowed};
use orgexit::aws::replay::{Fault, Replay, Rule};
use orgexit::facts::{AccountFacts, Contact, Fact, FactKind, Membership};

fn facts_of<'a>(all: &'a [AccountFacts], account: &str) -> &'a AccountFacts {
    all.iter().find(|f| f.account_id == account).unwrap()
}

fn error_of<T: std::fmt::Debug>(fact: &Option<Fact<T>>) -> &str {
    match fact {
        Some(Fact::Error(reason)) => reason,
        other => panic!("expected an error, got {other:?}"),
    }
}

/// Every fact of the demo customer goes out as AWS would send it and comes back equal:
/// IAM lists in pages of two, trust policies URL-encoded, handshakes with their parties,
/// an account in no organization, a denied call.
#[tokio::test(start_paused = true)]
async fn the_demo_accounts_survive_the_wire() {
    let demo = demo_facts();
    let replay = Replay::builder().page_size(2).build(world(&demo));
    let ids: Vec<&str> = demo.iter().map(|f| f.account_id.as_str()).collect();
    let (got, guard) = gather(&replay, &quick_options(), &ids, &all_facts()).await;

    assert_eq!(got.len(), demo.len());
    for want in &demo {
        let have = facts_of(&got, &want.account_id);
        assert_eq!(have.error, None, "{}", want.account_id);
        macro_rules! same {
            ($field:ident, $action:literal) => {
                match (&want.$field, &have.$field) {
                    (Some(Fact::Ok(w)), Some(Fact::Ok(h))) => {
                        assert_eq!(w, h, "{} {}", want.account_id, stringify!($field))
                    }
                    (Some(Fact::Error(w)), Some(Fact::Error(h))) => {
                        assert!(h.starts_with($action), "{h}");
                        assert!(h.contains(w.as_str()), "{h} lacks {w}");
                    }
                    // Not in the fixture: served as AWS's empty answer.
                    (None, Some(_)) => {}
                    (w, h) => panic!(
                        "{} {}: {w:?} became {h:?}",
                        want.account_id,
                        stringify!($field)
                    ),
                }
            };
        }
        same!(
            organization,
            "organizations:DescribeOrganization: AccessDeniedException"
        );
        same!(
            handshakes,
            "organizations:ListHandshakesForAccount: AccessDeniedException (HTTP 400)"
        );
        same!(
            billing_contact,
            "account:GetAlternateContact: AccessDeniedException"
        );
        same!(policies, "iam:ListPolicies: AccessDenied (HTTP 403)");
        same!(roles, "iam:ListRoles: AccessDenied (HTTP 403)");
        same!(users, "iam:ListUsers: AccessDenied (HTTP 403)");
        same!(groups, "iam:ListGroups: AccessDenied (HTTP 403)");
        same!(
            saml_providers,
            "iam:ListSAMLProviders: AccessDenied (HTTP 403)"
        );
        same!(
            oidc_providers,
            "iam:ListOpenIDConnectProviders: AccessDenied (HTTP 403)"
        );
        same!(buckets, "s3:ListBuckets: AccessDenied (HTTP 403)");
        same!(
            account_summary,
            "iam:GetAccountSummary: AccessDenied (HTTP 403)"
        );
    }
    // Every read the replay can be asked for has its answer there: a fact the demo holds
    // comes back read, whatever its kind (a new fact without its replay answer fails here,
    // not only in the fields compared above).
    for want in &demo {
        let have = facts_of(&got, &want.account_id);
        for kind in FactKind::ALL {
            if want.read_error(kind).is_none() {
                assert_eq!(
                    have.read_error(kind),
                    None,
                    "{} {}: the replay does not answer this read as the demo holds it",
                    want.account_id,
                    kind.name()
                );
            }
        }
    }

    // The standalone account was answered AWSOrganizationsNotInUseException.
    assert_eq!(
        facts_of(&got, "444455556666").organization,
        Some(Fact::Ok(Membership::Standalone))
    );

    // Every request was allow-listed, passed the guard, and each page was read once.
    let calls = replay.calls();
    for call in &calls {
        assert!(allowed(call.service, &call.operation).is_some(), "{call:?}");
    }
    assert_eq!(guard.log().total(), calls.len() as u64);
    for want in &demo {
        let roles = match &want.roles {
            Some(Fact::Ok(roles)) => roles.len(),
            _ => continue,
        };
        let sent = calls
            .iter()
            .filter(|c| c.account == want.account_id && c.operation == "ListRoles")
            .count();
        assert_eq!(sent, roles.div_ceil(2).max(1), "{}", want.account_id);
    }
}

/// An account and what its role's credentials see, for the recorded-answer tests.
async fn one_account_with(rules: Vec<Rule>, needs: &[FactKind]) -> (AccountFacts, Replay) {
    common::one_account_with("111122223333", rules, needs).await
}

#[tokio::test(start_paused = true)]
async fn recorded_list_roles_decodes_trust_policies_and_keeps_paths() {
    let (facts, _) = one_account_with(
        vec![
            Rule::new(Fault::raw(200, "text/xml", recorded("iam-ListRoles.xml")))
                .operation("ListRoles"),
        ],
        &[FactKind::Roles],
    )
    .await;
    let Some(Fact::Ok(roles)) = facts.roles else {
        panic!("{:?}", facts.roles)
    };
    let names: Vec<&str> = roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        ["CTL-CAM-Provider", "AWSServiceRoleForSupport", "S3Access"]
    );
    assert_eq!(roles[1].path, "/aws-service-role/support.amazonaws.com/");
    let policy: serde_json::Value = serde_json::from_str(&roles[0].trust_policy).unwrap();
    assert_eq!(
        policy["Statement"][0]["Principal"]["AWS"],
        "arn:aws:iam::999988887777:root"
    );
}

#[tokio::test(start_paused = true)]
async fn recorded_handshakes_keep_state_action_party_and_expiry() {
    let (facts, _) = one_account_with(
        vec![
            Rule::new(Fault::raw(
                200,
                "application/x-amz-json-1.1",
                recorded("organizations-ListHandshakesForAccount.json"),
            ))
            .operation("ListHandshakesForAccount"),
        ],
        &[FactKind::Handshakes],
    )
    .await;
    let Some(Fact::Ok(handshakes)) = facts.handshakes else {
        panic!("{:?}", facts.handshakes)
    };
    let seen: Vec<(&str, &str, Option<&str>)> = handshakes
        .iter()
        .map(|h| {
            (
                h.action.as_str(),
                h.state.as_str(),
                h.organization_id.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("INVITE", "OPEN", Some("o-acmenew0001")),
            ("INVITE", "DECLINED", Some("o-otherorg001")),
            ("ENABLE_ALL_FEATURES", "ACCEPTED", Some("o-ctlreseller1")),
        ]
    );
    assert_eq!(
        handshakes[0].expires_at.unwrap().unix_timestamp(),
        1_765_357_200
    );
}

#[tokio::test(start_paused = true)]
async fn recorded_organization_contact_buckets_and_summary() {
    let (facts, _) = one_account_with(
        vec![
            Rule::new(Fault::raw(
                200,
                "application/x-amz-json-1.1",
                recorded("organizations-DescribeOrganization.json"),
            ))
            .operation("DescribeOrganization"),
            Rule::new(Fault::raw(
                200,
                "application/json",
                recorded("account-GetAlternateContact.json"),
            ))
            .operation("GetAlternateContact"),
            Rule::new(Fault::raw(
                200,
                "application/xml",
                recorded("s3-ListBuckets.xml"),
            ))
            .operation("ListBuckets"),
            Rule::new(Fault::raw(
                200,
                "text/xml",
                recorded("iam-GetAccountSummary.xml"),
            ))
            .operation("GetAccountSummary"),
        ],
        &[
            FactKind::Organization,
            FactKind::BillingContact,
            FactKind::Buckets,
            FactKind::AccountSummary,
        ],
    )
    .await;
    let Some(Fact::Ok(Membership::Member(org))) = facts.organization else {
        panic!("{:?}", facts.organization)
    };
    assert_eq!(org.id, "o-ctlreseller1");
    assert_eq!(org.management_account_id, "999988887777");
    assert_eq!(
        facts.billing_contact,
        Some(Fact::Ok(Some(Contact {
            name: Some("CenturyLink Billing".into()),
            email: Some("billing@ctl.io".into()),
        })))
    );
    assert_eq!(
        facts.buckets,
        Some(Fact::Ok(vec![
            "acme-prod-logs".into(),
            "config-bucket-111122223333".into(),
            "ctlaudit-111122223333".into(),
        ]))
    );
    let Some(Fact::Ok(summary)) = facts.account_summary else {
        panic!("{:?}", facts.account_summary)
    };
    assert!(!summary.account_mfa_enabled);
    assert!(summary.account_access_keys_present);
}

#[tokio::test(start_paused = true)]
async fn recorded_not_in_use_and_no_contact_are_answers_not_errors() {
    let (facts, _) = one_account_with(
        vec![
            Rule::new(Fault::raw(
                400,
                "application/x-amz-json-1.1",
                recorded("organizations-NotInUse-400.json"),
            ))
            .operation("DescribeOrganization"),
            Rule::new(
                Fault::raw(404, "application/json", recorded("account-ResourceNotFound-404.json"))
                    .with_header("x-amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazon.account/"),
            )
            .operation("GetAlternateContact"),
        ],
        &[FactKind::Organization, FactKind::BillingContact],
    )
    .await;
    assert_eq!(facts.organization, Some(Fact::Ok(Membership::Standalone)));
    assert_eq!(facts.billing_contact, Some(Fact::Ok(None)));
}

#[tokio::test(start_paused = true)]
async fn recorded_scp_deny_is_an_error_naming_the_action_and_the_deny() {
    let (facts, _) = one_account_with(
        vec![
            Rule::new(Fault::raw(
                403,
                "text/xml",
                recorded("iam-AccessDenied-403.xml"),
            ))
            .operation("ListRoles"),
        ],
        &[FactKind::Roles, FactKind::Users],
    )
    .await;
    let reason = error_of(&facts.roles);
    assert!(
        reason.starts_with("iam:ListRoles: AccessDenied (HTTP 403): User: arn:aws:sts::"),
        "{reason}"
    );
    assert!(
        reason.contains("explicit deny in a service control policy"),
        "{reason}"
    );
    // The other fact of the same account is unaffected.
    assert_eq!(facts.users, Some(Fact::Ok(vec![])));
}

#[tokio::test(start_paused = true)]
async fn throttling_is_retried_and_then_succeeds() {
    let throttled = Rule::new(Fault::raw(
        400,
        "text/xml",
        recorded("iam-Throttling-400.xml"),
    ))
    .operation("ListUsers")
    .times(1);
    let (facts, replay) = one_account_with(vec![throttled], &[FactKind::Users]).await;
    assert_eq!(facts.users, Some(Fact::Ok(vec![])));
    let attempts = replay
        .calls()
        .iter()
        .filter(|c| c.operation == "ListUsers")
        .count();
    assert_eq!(attempts, 2, "one throttled attempt, one retry");
}

#[tokio::test(start_paused = true)]
async fn throttling_past_the_retries_is_an_error_not_a_pass() {
    let (facts, replay) = one_account_with(
        vec![Rule::new(Fault::Throttled).operation("ListGroups")],
        &[FactKind::Groups],
    )
    .await;
    let reason = error_of(&facts.groups);
    assert_eq!(
        reason,
        "iam:ListGroups: Throttling (HTTP 400): Rate exceeded"
    );
    let attempts = replay
        .calls()
        .iter()
        .filter(|c| c.operation == "ListGroups")
        .count();
    assert_eq!(attempts as u32, quick_options().max_attempts);
}

#[tokio::test(start_paused = true)]
async fn an_account_whose_role_cannot_be_assumed_errs_alone() {
    let demo = demo_facts();
    let replay = Replay::builder()
        .rule(
            Rule::new(Fault::raw(
                403,
                "text/xml",
                recorded("sts-AssumeRole-AccessDenied-403.xml"),
            ))
            .operation("AssumeRole")
            .account("222233334444"),
        )
        .build(world(&demo));
    let (got, _) = gather(
        &replay,
        &quick_options(),
        &["111122223333", "222233334444", "333344445555"],
        &all_facts(),
    )
    .await;
    let failed = facts_of(&got, "222233334444");
    let reason = failed.error.as_deref().unwrap();
    assert!(
        reason.starts_with("cannot assume arn:aws:iam::222233334444:role/OrgExitAudit: sts:AssumeRole: AccessDenied (HTTP 403): User: arn:aws:iam::123456789012:user/ci-audit is not authorized"),
        "{reason}"
    );
    assert_eq!(
        failed.roles, None,
        "nothing is read from an account not reached"
    );
    for other in ["111122223333", "333344445555"] {
        let facts = facts_of(&got, other);
        assert_eq!(facts.error, None);
        assert!(matches!(facts.roles, Some(Fact::Ok(_))), "{other}");
    }
    // Nothing was sent on behalf of the unreachable account beyond the AssumeRole.
    let sent: Vec<_> = replay
        .calls()
        .into_iter()
        .filter(|c| c.account == "222233334444")
        .map(|c| c.operation)
        .collect();
    assert_eq!(sent, ["AssumeRole"]);
}

#[tokio::test(start_paused = true)]
async fn each_account_acts_with_its_own_assumed_credentials() {
    let demo = demo_facts();
    let replay = Replay::builder().build(world(&demo));
    let ids: Vec<&str> = demo.iter().map(|f| f.account_id.as_str()).collect();
    gather(&replay, &quick_options(), &ids, &all_facts()).await;
    let calls = replay.calls();
    for id in &ids {
        let ops: Vec<&str> = calls
            .iter()
            .filter(|c| c.account == *id)
            .map(|c| c.operation.as_str())
            .collect();
        assert_eq!(
            ops.iter().filter(|o| **o == "AssumeRole").count(),
            1,
            "{id}: {ops:?}"
        );
        // The facts were read in the account itself: one request per global fact (small
        // lists; the buckets' list and the regions' are shared by the facts built on
        // them), one per SAML provider for its metadata, ListStacks in each region,
        // ListKeys and ListAliases in each, one GetKeyPolicy per customer-managed key and
        // one GetBucketPolicy per bucket.
        let facts = demo.iter().find(|f| f.account_id == *id).unwrap();
        let saml = facts.saml_providers().map_or(0, Vec::len);
        let regions = facts.regions().map_or(0, Vec::len);
        let keys: usize = facts
            .key_policies()
            .map_or(0, |k| k.answered().map(|(_, keys)| keys.len()).sum());
        let buckets = facts.bucket_policies().map_or(0, Vec::len);
        let global = FactKind::ALL.len() - 4;
        assert_eq!(
            ops.len(),
            1 + global + saml + regions * 3 + keys + buckets,
            "{id}: {ops:?}"
        );
        assert!(
            !ops.contains(&"GetBucketLocation"),
            "ListBuckets names the regions"
        );
    }
    assert!(
        calls.iter().all(|c| c.account != replay.caller()),
        "the caller's own account was not read"
    );
}

/// Writes are refused by the guard before anything is signed or sent.
#[tokio::test(start_paused = true)]
async fn the_guard_refuses_writes_and_nothing_reaches_the_wire() {
    let replay = Replay::builder()
        .caller("111122223333")
        .build(world(&demo_facts()));
    assert_virtual_time();
    let guard = ReadOnlyGuard::new();
    let (retry, timeout) = resilience(&quick_options());
    let clients = AccountClients::new(&replay.sdk_config(retry, timeout), &guard, "111122223333");

    // Each write's error, as the caller sees it.
    macro_rules! sent {
        ($request:expr) => {
            $request
                .send()
                .await
                .map(|_| ())
                .map_err(|e| format!("{e:?}"))
        };
    }
    let refused = [
        sent!(clients.iam.delete_role().role_name("CTL-CAM-Provider")),
        sent!(clients.iam.create_user().user_name("intruder")),
        sent!(clients.organizations.leave_organization()),
        sent!(clients.s3.delete_bucket().bucket("ctlaudit-111122223333")),
        sent!(
            clients
                .account
                .delete_alternate_contact()
                .alternate_contact_type(aws_sdk_account::types::AlternateContactType::Billing)
        ),
    ];
    for (result, op) in refused.iter().zip([
        "DeleteRole",
        "CreateUser",
        "LeaveOrganization",
        "DeleteBucket",
        "DeleteAlternateContact",
    ]) {
        let err = result.as_ref().expect_err(op);
        assert!(err.contains("Refused") && err.contains(op), "{op}: {err}");
    }
    assert_eq!(replay.call_count(), 0, "{:?}", replay.calls());
    assert_eq!(guard.log().total(), 0);

    // A read through the same clients does go out.
    clients.iam.list_users().send().await.unwrap();
    assert_eq!(replay.call_count(), 1);
}

/// Within an account every fact is read at once: the account takes as long as its
/// longest chain of calls, not the sum of them.
#[tokio::test(start_paused = true)]
async fn an_accounts_facts_are_read_side_by_side() {
    let latency = std::time::Duration::from_millis(300);
    let demo = demo_facts();
    let replay = Replay::builder().latency(latency).build(world(&demo));
    let started = tokio::time::Instant::now();
    gather(&replay, &quick_options(), &["111122223333"], &all_facts()).await;
    assert_eq!(
        replay.peak_in_flight(),
        FactKind::ALL.len() - 4,
        "every fact's first request waits for its answer at the same time (the stacks and \
         key policies wait for the regions, the bucket policies for the buckets; the \
         runbook's cleanup details are no audit's)"
    );
    // AssumeRole, then every fact's first page side by side, then what the lists name
    // (the SAML providers' metadata, each region's stacks, keys and aliases, each
    // bucket's policy), then each customer-managed key's policy: four round trips, not
    // one per call.
    assert_eq!(started.elapsed(), 4 * latency);
}

/// Well-formed answers that leave out what was asked for are errors, not "none found".
#[tokio::test(start_paused = true)]
async fn answers_without_the_list_asked_for_are_errors() {
    let (facts, _) = one_account_with(
        vec![
            Rule::new(Fault::raw(
                200,
                "application/xml",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Owner><ID>abc</ID></Owner></ListAllMyBucketsResult>",
            ))
            .operation("ListBuckets"),
            Rule::new(Fault::raw(200, "application/x-amz-json-1.1", "{}"))
                .operation("ListHandshakesForAccount"),
            Rule::new(Fault::raw(200, "application/json", "{}")).operation("GetAlternateContact"),
            Rule::new(Fault::raw(200, "application/x-amz-json-1.1", "{}"))
                .operation("DescribeOrganization"),
            Rule::new(Fault::raw(
                200,
                "text/xml",
                "<ListSAMLProvidersResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><ListSAMLProvidersResult/></ListSAMLProvidersResponse>",
            ))
            .operation("ListSAMLProviders"),
        ],
        &[
            FactKind::Buckets,
            FactKind::Handshakes,
            FactKind::BillingContact,
            FactKind::Organization,
        ],
    )
    .await;
    assert_eq!(
        error_of(&facts.buckets),
        "s3:ListBuckets: the answer has no Buckets list"
    );
    assert_eq!(
        error_of(&facts.handshakes),
        "organizations:ListHandshakesForAccount: the answer has no Handshakes list"
    );
    assert_eq!(
        error_of(&facts.billing_contact),
        "account:GetAlternateContact: the answer has no AlternateContact"
    );
    assert_eq!(
        error_of(&facts.organization),
        "organizations:DescribeOrganization: the answer has no Organization"
    );
}

/// ListBuckets goes out with MaxBuckets, so S3 pages it (AWS refuses an unpaginated
/// ListBuckets to accounts above the default bucket quota), and the pages are joined by
/// the continuation token: three buckets in pages of two are two requests, all read.
#[tokio::test(start_paused = true)]
async fn list_buckets_is_paginated() {
    let demo = demo_facts();
    let account = "111122223333";
    let replay = Replay::builder().page_size(2).build(world(&demo));
    let (facts, _) = gather(&replay, &quick_options(), &[account], &all_facts()).await;
    let want = facts_of(&demo, account).buckets().unwrap();
    assert_eq!(want.len(), 3, "the demo account has three buckets");
    assert_eq!(facts_of(&facts, account).buckets().unwrap(), want);
    let pages = replay
        .calls()
        .iter()
        .filter(|c| c.account == account && c.operation == "ListBuckets")
        .count();
    assert_eq!(pages, 2, "an unpaginated ListBuckets is one request");
}
