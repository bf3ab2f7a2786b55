//! Shapes that no one here wrote: answers transcribed from AWS's published API reference
//! examples and botocore's service models (`fixtures/aws/published/`, each file saying
//! where it comes from and what was changed), served to the real SDK clients through the
//! in-process replay. What orgexit reads from them is what it will read from AWS, so a
//! misreading of AWS shows here, where the replay's own answers (written from orgexit's
//! facts) cannot show it.

use crate::common;

use std::path::Path;

use common::one_account_with;
use orgexit::attestations::{AccountAttestations, Leaver, Move, MoveKind};
use orgexit::aws::replay::{Call, Fault, Replay, Rule};
use orgexit::checks::trust_policy::{Grant, Trusted, grants};
use orgexit::checks::{Context, Phase, Status, find};
use orgexit::facts::{
    AccountFacts, DelegatedServices, Fact, FactKind, LeaveOutcome, Membership, Organization,
};
use orgexit::reseller::Reseller;

/// The account of the IAM API Reference samples.
const ACCOUNT: &str = "123456789012";

fn published(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/aws/published")
            .join(name),
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// `operation` answered with the published file, in its service's wire format.
fn answer(operation: &str, file: &str) -> Rule {
    let (status, content_type) = match file.split('-').next() {
        Some("iam" | "cloudformation") => (200, "text/xml"),
        Some("s3") => (200, "application/xml"),
        _ if file.ends_with("-400.json") => (400, "application/x-amz-json-1.1"),
        _ => (200, "application/x-amz-json-1.1"),
    };
    Rule::new(Fault::raw(status, content_type, published(file))).operation(operation)
}

async fn read(rules: Vec<Rule>, needs: &[FactKind]) -> (AccountFacts, Replay) {
    one_account_with(ACCOUNT, rules, needs).await
}

/// One fact, read from one operation answered with the published file.
async fn read_one(operation: &str, file: &str, fact: FactKind) -> (AccountFacts, Replay) {
    read(vec![answer(operation, file)], &[fact]).await
}

fn ok<'a, T: std::fmt::Debug>(fact: &'a Option<Fact<T>>, what: &str) -> &'a T {
    match fact {
        Some(Fact::Ok(value)) => value,
        other => panic!("{what}: {other:?}"),
    }
}

fn calls_of(replay: &Replay, operation: &str) -> Vec<Call> {
    replay
        .calls()
        .into_iter()
        .filter(|c| c.operation == operation)
        .collect()
}

fn grant(principal: Trusted, orgs: &[&str]) -> Grant {
    Grant {
        principal,
        orgs: orgs.iter().map(|o| o.to_string()).collect(),
        accounts: vec![],
    }
}

/// The sample's own roles come with plain JSON (line breaks and tabs inside the element);
/// the added ones URL-encoded, as IAM sends them. Both decode, and `grants` reads the
/// Federated principals and the conditions that narrow `*` to an organization.
#[tokio::test(start_paused = true)]
async fn list_roles_trust_policies_decode_with_federated_principals_and_conditions() {
    let (facts, _) = read_one("ListRoles", "iam-ListRoles.xml", FactKind::Roles).await;
    let roles = ok(&facts.roles, "roles");
    let names: Vec<&str> = roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "S3Access",
            "SDBAccess",
            "SAMLFederatedAccess",
            "GitHubActionsAccess",
            "AmazonEKSLoadBalancerControllerRole",
            "OrgMembersAccess",
            "OrgPathsAccess",
            "CognitoUnauthenticatedAccess",
        ]
    );
    assert_eq!(roles[0].path, "/application_abc/component_xyz/");
    assert_eq!(
        roles[0].arn,
        "arn:aws:iam::123456789012:role/application_abc/component_xyz/S3Access"
    );
    // Decoded once, to the JSON that was published (URL-encoding leaves no trace).
    for role in roles {
        let json: serde_json::Value = serde_json::from_str(role.trust_policy.trim())
            .unwrap_or_else(|e| panic!("{}: {e}: {}", role.name, role.trust_policy));
        assert_eq!(json["Version"], "2012-10-17", "{}", role.name);
    }
    assert!(
        roles[3]
            .trust_policy
            .contains("\"token.actions.githubusercontent.com:sub\": \"repo:GitHubOrg/GitHubRepo:ref:refs/heads/GitHubBranch\""),
        "{}",
        roles[3].trust_policy
    );

    let read: Vec<Vec<Grant>> = roles
        .iter()
        .map(|r| grants(&r.trust_policy).unwrap_or_else(|e| panic!("{}: {e}", r.name)))
        .collect();
    let ec2 = vec![grant(Trusted::Service("ec2.amazonaws.com".into()), &[])];
    assert_eq!(read[0], ec2);
    assert_eq!(read[1], ec2);
    assert_eq!(
        read[2],
        [grant(
            Trusted::Federated("arn:aws:iam::123456789012:saml-provider/MyUniversity".into()),
            &[]
        )]
    );
    assert_eq!(
        read[3],
        [grant(
            Trusted::Federated(
                "arn:aws:iam::012345678910:oidc-provider/token.actions.githubusercontent.com"
                    .into()
            ),
            &[]
        )]
    );
    assert_eq!(
        read[4],
        [grant(
            Trusted::Federated(
                "arn:aws:iam::111122223333:oidc-provider/oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
                    .into()
            ),
            &[]
        )]
    );
    // `{"AWS": "*"}` narrowed by aws:PrincipalOrgID; `"*"` by aws:PrincipalOrgPaths.
    assert_eq!(read[5], [grant(Trusted::Anyone, &["o-exampleorgid"])]);
    assert_eq!(read[6], [grant(Trusted::Anyone, &["o-a1b2c3d4e5"])]);
    // A public provider: named, not an ARN.
    assert_eq!(
        read[7],
        [grant(
            Trusted::Federated("cognito-identity.amazonaws.com".into()),
            &[]
        )]
    );
}

#[tokio::test(start_paused = true)]
async fn handshakes_keep_their_organization_party_state_and_expiry() {
    let (facts, _) = read_one(
        "ListHandshakesForAccount",
        "organizations-ListHandshakesForAccount.json",
        FactKind::Handshakes,
    )
    .await;
    let handshakes = ok(&facts.handshakes, "handshakes");
    let seen: Vec<String> = handshakes
        .iter()
        .map(|h| {
            format!(
                "{} {} {} org={:?} expires={:?}",
                h.id,
                h.action,
                h.state,
                h.organization_id,
                h.expires_at.map(|t| t.unix_timestamp())
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            // 2017-01-28T14:35:23.3Z, sent as epoch seconds with a fraction.
            "h-examplehandshakeid111 INVITE OPEN org=Some(\"o-exampleorgid\") expires=Some(1485614123)",
            // 1.471797437427E9: the exponent form AWS printed.
            "h-examplehandshakeid222 INVITE ACCEPTED org=Some(\"o-exampleorgid\") expires=Some(1471797437)",
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn describe_organization_is_a_member_with_its_management_account() {
    for (file, email) in [
        (
            "organizations-DescribeOrganization.json",
            "diego@example.com",
        ),
        // botocore's example has no MasterAccountId: the account is read from the ARN.
        (
            "organizations-DescribeOrganization-botocore.json",
            "bill@example.com",
        ),
    ] {
        let (facts, _) = read_one("DescribeOrganization", file, FactKind::Organization).await;
        assert_eq!(
            ok(&facts.organization, file),
            &Membership::Member(Organization {
                id: "o-exampleorgid".into(),
                management_account_id: "111111111111".into(),
                management_account_email: Some(email.into()),
            }),
            "{file}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn not_in_use_is_a_standalone_account() {
    let (facts, replay) = read_one(
        "DescribeOrganization",
        "organizations-AWSOrganizationsNotInUseException-400.json",
        FactKind::Organization,
    )
    .await;
    assert_eq!(
        ok(&facts.organization, "organization"),
        &Membership::Standalone
    );
    // An answer, not a fault: asked once, not retried.
    let sent = calls_of(&replay, "DescribeOrganization");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].status, 400);
}

/// The full SummaryMap: 27 and 26 entries, of which orgexit reads four (as counts).
#[tokio::test(start_paused = true)]
async fn account_summary_reads_its_keys_from_the_full_map() {
    for (file, mfa, keys, password) in [
        ("iam-GetAccountSummary.xml", true, false, Some(true)),
        ("iam-GetAccountSummary-botocore.xml", false, true, None),
    ] {
        let (facts, _) = read_one("GetAccountSummary", file, FactKind::AccountSummary).await;
        let summary = ok(&facts.account_summary, file);
        assert_eq!(summary.account_mfa_enabled, mfa, "{file}");
        assert_eq!(summary.account_access_keys_present, keys, "{file}");
        // Both published samples have AccountSigningCertificatesPresent 0.
        assert_eq!(
            summary.account_signing_certificates_present,
            Some(false),
            "{file}"
        );
        // The API Reference's sample has AccountPasswordPresent 1; botocore's example
        // predates the key: not known, never guessed.
        assert_eq!(summary.account_password_present, password, "{file}");
    }
}

#[tokio::test(start_paused = true)]
async fn list_buckets_pages_are_joined_by_the_continuation_token() {
    let (facts, replay) = read(
        vec![
            answer("ListBuckets", "s3-ListBuckets-page1.xml").times(1),
            answer("ListBuckets", "s3-ListBuckets-page2.xml").times(1),
        ],
        &[FactKind::Buckets],
    )
    .await;
    // AWS's Example 3 repeats Example 2's names: four names, two pages.
    assert_eq!(
        ok(&facts.buckets, "buckets"),
        &[
            "amzn-s3-demo-bucket",
            "amzn-s3-demo-bucket1",
            "amzn-s3-demo-bucket",
            "amzn-s3-demo-bucket1",
        ]
    );
    let sent = calls_of(&replay, "ListBuckets");
    assert_eq!(sent.len(), 2, "{sent:?}");
    let param = |call: &Call, name: &str| call.params.get(name).cloned();
    // Paginated from the first request (AWS refuses unpaginated ListBuckets above the
    // default bucket quota), and the second carries the first page's token.
    assert_eq!(param(&sent[0], "max-buckets").as_deref(), Some("10000"));
    assert_eq!(param(&sent[0], "continuation-token"), None);
    assert_eq!(param(&sent[1], "max-buckets").as_deref(), Some("10000"));
    assert_eq!(
        param(&sent[1], "continuation-token").as_deref(),
        Some("eyJNYXJrZXIiOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxfQ==")
    );
}

#[tokio::test(start_paused = true)]
async fn oidc_provider_names_keep_host_and_path() {
    let (facts, _) = read_one(
        "ListOpenIDConnectProviders",
        "iam-ListOpenIDConnectProviders.xml",
        FactKind::OidcProviders,
    )
    .await;
    let providers = ok(&facts.oidc_providers, "oidc providers");
    let names: Vec<&str> = providers.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "server.example.com",
            "server.example.org",
            "oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
        ]
    );
    assert_eq!(
        providers[2].arn,
        "arn:aws:iam::111122223333:oidc-provider/oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
    );
}

/// The metadata arrives XML-escaped inside the awsQuery answer; the SDK unescapes it and
/// orgexit reads the issuer from the document.
#[tokio::test(start_paused = true)]
async fn saml_provider_issuer_comes_from_its_metadata() {
    let (facts, replay) = read(
        vec![
            answer("ListSAMLProviders", "iam-ListSAMLProviders.xml"),
            answer("GetSAMLProvider", "iam-GetSAMLProvider.xml"),
        ],
        &[FactKind::SamlProviders],
    )
    .await;
    let arn = "arn:aws:iam::123456789012:saml-provider/MyUniversity";
    let providers = ok(&facts.saml_providers, "saml providers");
    // The sample lists the same provider twice: it is one provider, read once.
    assert_eq!(providers.len(), 1, "{providers:?}");
    assert_eq!(
        (providers[0].name.as_str(), providers[0].arn.as_str()),
        ("MyUniversity", arn)
    );
    assert_eq!(
        providers[0].issuer,
        Some(Fact::Ok("https://IdentityProvider.com/SAML".into()))
    );
    let sent = calls_of(&replay, "GetSAMLProvider");
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(
        sent[0].params.get("SAMLProviderArn").map(String::as_str),
        Some(arn)
    );
}

/// Every fact iam-federation needs, read from the published answers at once.
async fn published_account() -> AccountFacts {
    let (facts, _) = read(
        vec![
            answer("ListRoles", "iam-ListRoles.xml"),
            answer("ListSAMLProviders", "iam-ListSAMLProviders.xml"),
            answer("GetSAMLProvider", "iam-GetSAMLProvider.xml"),
            answer(
                "ListOpenIDConnectProviders",
                "iam-ListOpenIDConnectProviders.xml",
            ),
            answer(
                "DescribeOrganization",
                "organizations-DescribeOrganization.json",
            ),
        ],
        find("iam-federation").unwrap().needs(),
    )
    .await;
    assert_eq!(facts.failed_reads(), 0, "{facts:?}");
    facts
}

fn verdict(facts: &AccountFacts, reseller: &Reseller, phase: Phase) -> (Status, String) {
    judge("iam-federation", facts, reseller, phase, None)
}

/// `check`'s status and summary on the facts.
fn judge(
    check: &str,
    facts: &AccountFacts,
    reseller: &Reseller,
    phase: Phase,
    leaver: Option<&Leaver>,
) -> (Status, String) {
    judge_moving(check, facts, reseller, phase, leaver, None)
}

/// [`judge`], the account moving directly into `new_org` when one is given (else
/// leaving first, as without `--new-org`).
fn judge_moving(
    check: &str,
    facts: &AccountFacts,
    reseller: &Reseller,
    phase: Phase,
    leaver: Option<&Leaver>,
    new_org: Option<&str>,
) -> (Status, String) {
    let attestations = AccountAttestations::default();
    let audited = [ACCOUNT.to_string()].into();
    let ctx = Context {
        phase,
        reseller,
        new_org,
        target_date: None,
        today: time::macros::date!(2026 - 11 - 24),
        attestations: &attestations,
        leaver,
        audited: &audited,
        moving: match new_org {
            Some(org) => Move {
                kind: MoveKind::Direct,
                why: format!("default with --new-org: accepts {org}'s invitation"),
            },
            None => Move {
                kind: MoveKind::Standalone,
                why: "no --new-org".into(),
            },
        },
        trust: Default::default(),
    };
    let finding = find(check).unwrap().run(facts, &ctx);
    (finding.status, finding.summary)
}

/// The verdict on published shapes: the account is a member of o-exampleorgid, whose
/// management account (111111111111) is given as the reseller's (`--reseller-account`),
/// and AWS's published `{"AWS": "*"}` + aws:PrincipalOrgID trust lets every principal of
/// it in.
#[tokio::test(start_paused = true)]
async fn a_published_principal_org_id_trust_is_a_reseller_door() {
    let facts = published_account().await;
    let mut ctl = Reseller::ctl();
    ctl.accounts.insert("111111111111".into());
    let (post, summary) = verdict(&facts, &ctl, Phase::Post);
    assert_eq!(post, Status::Fail, "{summary}");
    assert!(
        summary.contains(
            "OrgMembersAccess (every principal of the reseller's organization o-exampleorgid)"
        ),
        "{summary}"
    );
    let (pre, _) = verdict(&facts, &ctl, Phase::Pre);
    assert_eq!(pre, Status::Warn);
    // Without it the organization is nobody's we know: the trust cannot be told apart
    // from the reseller's, which after the cut-over is manual, never a pass.
    let (post, summary) = verdict(&facts, &Reseller::ctl(), Phase::Post);
    assert_eq!(post, Status::Manual, "{summary}");
}

/// A reseller whose domain is the published metadata's issuer host: the SAML provider is
/// the reseller's by its issuer alone (its name, MyUniversity, says nothing), and so is
/// the role that trusts it.
#[tokio::test(start_paused = true)]
async fn a_published_saml_issuer_marks_the_provider_and_the_role_trusting_it() {
    let facts = published_account().await;
    let reseller = Reseller::parse(
        "name = \"idp\"\nmarkers = [\"IdPRUS\"]\nemail_domains = [\"identityprovider.com\"]\nmanagement_accounts = [\"999988887777\"]\n",
        Path::new("idp.toml"),
    )
    .unwrap();
    let (post, summary) = verdict(&facts, &reseller, Phase::Post);
    assert_eq!(post, Status::Fail, "{summary}");
    assert!(
        summary.contains(
            "MyUniversity (metadata issuer https://IdentityProvider.com/SAML: identityprovider.com is in identityprovider.com)"
        ),
        "{summary}"
    );
    assert!(
        summary
            .contains("SAMLFederatedAccess (arn:aws:iam::123456789012:saml-provider/MyUniversity"),
        "{summary}"
    );
}

/// `answer`, for the Account API (restJson): its error code travels in a header.
fn account_answer(file: &str) -> Rule {
    let fault = match file.strip_suffix("-404.json") {
        Some(_) => Fault::raw(404, "application/json", published(file))
            .with_header("x-amzn-ErrorType", "ResourceNotFoundException"),
        None => Fault::raw(200, "application/json", published(file)),
    };
    let operation = file
        .strip_prefix("account-")
        .and_then(|f| f.split(['-', '.']).next())
        .unwrap_or(file);
    Rule::new(fault).operation(operation)
}

/// Issue 19: GetAccountInformation's four members, its ISO 8601 creation date, and a
/// state that is not ACTIVE, which no account may leave or move in.
#[tokio::test(start_paused = true)]
async fn account_information_reads_the_state_and_the_creation_date() {
    let (facts, replay) = read(
        vec![account_answer("account-GetAccountInformation.json")],
        &[FactKind::AccountInformation],
    )
    .await;
    assert_eq!(calls_of(&replay, "GetAccountInformation").len(), 1);
    let info = ok(&facts.account_information, "account information");
    assert_eq!(info.state, "SUSPENDED");
    assert_eq!(info.name.as_deref(), Some("MyAccount"));
    assert_eq!(
        info.created_at,
        Some(time::macros::datetime!(2020-11-30 17:44:37 UTC))
    );
    let (status, summary) = run("account-standing", &facts, None);
    assert_eq!(status, Status::Fail, "{summary}");
    assert!(summary.contains("SUSPENDED, not ACTIVE"), "{summary}");
}

/// Issue 19: the inviting organization's MANAGEMENT_* resources (the newer spelling)
/// name its management account; a TRANSFER_RESPONSIBILITY handshake is a billing
/// transfer, never the invitation to join, even from the organization named.
#[tokio::test(start_paused = true)]
async fn handshakes_read_the_newer_resources_and_a_billing_transfer_is_no_invitation() {
    let (facts, _) = read_one(
        "ListHandshakesForAccount",
        "organizations-ListHandshakesForAccount-management.json",
        FactKind::Handshakes,
    )
    .await;
    let handshakes = ok(&facts.handshakes, "handshakes");
    let seen: Vec<String> = handshakes
        .iter()
        .map(|h| {
            format!(
                "{} {} {} org={:?} management={:?} {:?} {:?} billing={}",
                h.id,
                h.action,
                h.state,
                h.organization_id,
                h.management_account_id,
                h.management_account_email,
                h.management_account_name,
                h.is_billing_transfer()
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            "h-examplehandshakeid111 INVITE OPEN org=Some(\"o-exampleorgid\") management=Some(\"111111111111\") Some(\"bill@amazon.com\") Some(\"Org Master Account\") billing=false",
            "h-examplehandshakeid333 TRANSFER_RESPONSIBILITY OPEN org=Some(\"o-exampleorgid2\") management=Some(\"222222222222\") Some(\"billing@example.net\") Some(\"Example Partner\") billing=true",
        ]
    );
    // Invited by the billing transfer's organization: no invitation to join it. The
    // invitation's own organization's is one, OPEN in the sample but expired in 2017,
    // long before today: no invitation now, and the summary says why.
    for (org, status, said) in [
        (
            "o-exampleorgid2",
            Status::Fail,
            "h-examplehandshakeid333 is a billing-transfer invitation",
        ),
        (
            "o-exampleorgid",
            Status::Fail,
            "h-examplehandshakeid111 was pending when the facts were read but expired 2017-01-28",
        ),
    ] {
        let (verdict, summary) = judge_moving(
            "org-invitation",
            &facts,
            &Reseller::ctl(),
            Phase::Pre,
            None,
            Some(org),
        );
        assert_eq!(verdict, status, "{org}: {summary}");
        assert!(summary.contains(said), "{org}: {summary}");
    }
}

/// Issue 19: what ListDelegatedServicesForAccount answers, each as AWS sends it: the
/// services listed (fail, named), AccountNotRegistered (none: pass), and AccessDenied (a
/// member account: not an answer, warn without an attestation).
#[tokio::test(start_paused = true)]
async fn delegated_services_are_read_from_each_answer() {
    let listed = answer(
        "ListDelegatedServicesForAccount",
        "organizations-ListDelegatedServicesForAccount.json",
    );
    let (facts, _) = read(vec![listed], &[FactKind::DelegatedServices]).await;
    assert_eq!(
        ok(&facts.delegated_services, "listed"),
        &DelegatedServices::Listed {
            services: vec![
                "securityhub.amazonaws.com".into(),
                "guardduty.amazonaws.com".into()
            ]
        }
    );
    let (status, summary) = run("delegated-admin", &facts, None);
    assert_eq!(status, Status::Fail, "{summary}");
    assert!(
        summary.contains("securityhub.amazonaws.com, guardduty.amazonaws.com"),
        "{summary}"
    );

    for (file, expected) in [
        (
            "organizations-AccountNotRegisteredException-400.json",
            Status::Pass,
        ),
        ("organizations-AccessDeniedException-400.json", Status::Warn),
    ] {
        let (facts, replay) = read(
            vec![answer("ListDelegatedServicesForAccount", file)],
            &[FactKind::DelegatedServices],
        )
        .await;
        // An answer, not a fault: asked once, not retried.
        assert_eq!(
            calls_of(&replay, "ListDelegatedServicesForAccount").len(),
            1,
            "{file}"
        );
        let (status, summary) = run("delegated-admin", &facts, None);
        assert_eq!(status, expected, "{file}: {summary}");
    }
}

/// Issue 25: what ListOutboundResponsibilityTransfers answers a management account, in
/// botocore's shape (no example is published): each transfer read whole (the reseller's
/// in force with no end: fail, naming it and its start; a declined one: nothing), with
/// `Type=BILLING` sent; AccessDenied (a member account) and AWSOrganizationsNotInUse (a
/// standalone one) are answers, not faults, and asked once.
#[tokio::test(start_paused = true)]
async fn billing_transfers_are_read_from_each_answer() {
    use orgexit::facts::{BillingTransfers, Membership, Organization};
    let (mut facts, replay) = read_one(
        "ListOutboundResponsibilityTransfers",
        "organizations-ListOutboundResponsibilityTransfers.json",
        FactKind::BillingTransfers,
    )
    .await;
    let calls = calls_of(&replay, "ListOutboundResponsibilityTransfers");
    assert_eq!(calls.len(), 1);
    assert_eq!(
        calls[0].params.get("Type").map(String::as_str),
        Some("BILLING")
    );
    let BillingTransfers::Listed { transfers } = ok(&facts.billing_transfers, "listed") else {
        panic!("not listed: {:?}", facts.billing_transfers);
    };
    assert_eq!(transfers.len(), 2);
    let accepted = &transfers[0];
    assert_eq!(accepted.id, "rt-1a2b3c4d5e6f");
    assert_eq!(accepted.status, "ACCEPTED");
    assert_eq!(accepted.payer_account_id.as_deref(), Some("999988887777"));
    assert_eq!(accepted.payer_email.as_deref(), Some("aws-billing@ctl.io"));
    assert_eq!(
        accepted.start,
        Some(time::macros::datetime!(2025-12-01 00:00 UTC))
    );
    assert_eq!(accepted.end, None);
    assert_eq!(
        accepted.handshake_id.as_deref(),
        Some("h-examplehandshakeid111")
    );
    assert_eq!(transfers[1].status, "DECLINED");
    // Audited as its organization's management account.
    facts.organization = Some(Fact::Ok(Membership::Member(Organization {
        id: "o-exampleorgid".into(),
        management_account_id: ACCOUNT.into(),
        management_account_email: Some("aws-admin@example.com".into()),
    })));
    let (status, summary) = run("billing-transfer", &facts, None);
    assert_eq!(status, Status::Fail, "{summary}");
    for part in [
        "rt-1a2b3c4d5e6f",
        "999988887777",
        "in force since 2025-12-01 00:00 UTC, with no end",
    ] {
        assert!(summary.contains(part), "{part}: {summary}");
    }
    assert!(!summary.contains("rt-7g8h9i0j1k2l"), "{summary}");

    for file in [
        "organizations-AccessDeniedException-400.json",
        "organizations-AWSOrganizationsNotInUseException-400.json",
    ] {
        let (facts, replay) = read_one(
            "ListOutboundResponsibilityTransfers",
            file,
            FactKind::BillingTransfers,
        )
        .await;
        assert_eq!(
            calls_of(&replay, "ListOutboundResponsibilityTransfers").len(),
            1,
            "{file}"
        );
        assert!(
            matches!(
                ok(&facts.billing_transfers, file),
                BillingTransfers::Unanswered { .. }
            ),
            "{file}: {:?}",
            facts.billing_transfers
        );
    }
}

/// ListOutboundResponsibilityTransfers has no paginator in the SDK (botocore lists none):
/// orgexit follows NextToken itself. The published answer split over two pages (the first
/// carrying a `NextToken`, as the response shape allows) is read whole, the token sent
/// back; a page that hands back the token just sent is a fault, never a loop or "none".
#[tokio::test(start_paused = true)]
async fn billing_transfer_pages_are_followed_by_their_token() {
    use orgexit::facts::BillingTransfers;
    const OP: &str = "ListOutboundResponsibilityTransfers";
    let published: serde_json::Value = serde_json::from_str(&published(
        "organizations-ListOutboundResponsibilityTransfers.json",
    ))
    .unwrap();
    let page = |transfers: &[serde_json::Value], token: Option<&str>| {
        let mut body = serde_json::json!({ "ResponsibilityTransfers": transfers });
        if let Some(token) = token {
            body["NextToken"] = token.into();
        }
        Fault::raw(200, "application/x-amz-json-1.1", body.to_string())
    };
    let transfers = published["ResponsibilityTransfers"].as_array().unwrap();
    let first = Rule::new(page(&transfers[..1], Some("page-2-token")))
        .operation(OP)
        .times(1);
    let second = Rule::new(page(&transfers[1..], None)).operation(OP);
    let (facts, replay) = read(vec![first, second], &[FactKind::BillingTransfers]).await;
    let BillingTransfers::Listed { transfers } = ok(&facts.billing_transfers, "two pages") else {
        panic!("{:?}", facts.billing_transfers);
    };
    let ids: Vec<&str> = transfers.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["rt-1a2b3c4d5e6f", "rt-7g8h9i0j1k2l"]);
    let calls = calls_of(&replay, OP);
    assert_eq!(calls.len(), 2);
    assert_eq!(
        calls[1].params.get("NextToken").map(String::as_str),
        Some("page-2-token")
    );

    let again = Rule::new(page(&[], Some("same-token"))).operation(OP);
    let (facts, replay) = read(vec![again], &[FactKind::BillingTransfers]).await;
    match &facts.billing_transfers {
        Some(Fact::Error(reason)) => assert!(reason.contains("repeats its NextToken"), "{reason}"),
        other => panic!("a repeated token must be a fault: {other:?}"),
    }
    assert_eq!(
        calls_of(&replay, OP).len(),
        2,
        "asked again once, then stopped"
    );
}

fn run(check: &str, facts: &AccountFacts, leaver: Option<&Leaver>) -> (Status, String) {
    judge(check, facts, &Reseller::ctl(), Phase::Pre, leaver)
}

/// Every member of the Response Syntax is read (or skipped) as the SDK parses it, and a
/// complete contact of someone else's company passes.
#[tokio::test(start_paused = true)]
async fn contact_information_reads_every_published_member() {
    let (facts, replay) = read(
        vec![account_answer("account-GetContactInformation.json")],
        &[FactKind::PrimaryContact],
    )
    .await;
    assert_eq!(calls_of(&replay, "GetContactInformation").len(), 1);
    let contact = ok(&facts.primary_contact, "contact")
        .as_ref()
        .expect("a contact");
    assert_eq!(contact.full_name.as_deref(), Some("Jane Doe"));
    assert_eq!(contact.company_name.as_deref(), Some("Example Corp"));
    assert_eq!(contact.address_line1.as_deref(), Some("410 Terry Ave N"));
    assert_eq!(contact.city.as_deref(), Some("Seattle"));
    assert_eq!(contact.country_code.as_deref(), Some("US"));
    assert_eq!(contact.phone_number.as_deref(), Some("+1 (206) 555-0100"));
    assert_eq!(
        contact.website_url.as_deref(),
        Some("https://www.example.com")
    );
    let (status, summary) = run("primary-contact", &facts, None);
    assert_eq!(status, Status::Pass, "{summary}");
}

/// ResourceNotFoundException (HTTP 404, code in x-amzn-ErrorType) is "no contact
/// information", which fails the check; it is not an error of the read.
#[tokio::test(start_paused = true)]
async fn no_contact_information_is_resource_not_found() {
    let (facts, _) = read(
        vec![account_answer(
            "account-GetContactInformation-ResourceNotFound-404.json",
        )],
        &[FactKind::PrimaryContact],
    )
    .await;
    assert_eq!(ok(&facts.primary_contact, "contact"), &None);
    let (status, summary) = run("primary-contact", &facts, None);
    assert_eq!(status, Status::Fail, "{summary}");
    assert!(summary.contains("no contact information"), "{summary}");
}

/// The simulation's results for organizations:LeaveOrganization and AcceptHandshake are
/// found among others and their organizations' verdict read; without
/// OrganizationsDecisionDetail (a same-account simulation) the organizations say nothing
/// and IAM's decision stands. A direct move judges both actions, naming the one denied
/// and by what; leaving first judges LeaveOrganization alone.
#[tokio::test(start_paused = true)]
async fn simulate_principal_policy_results_are_read_per_action() {
    let leaver = Leaver::Named(common::LEAVER.into());
    let new_org = Some("o-acmenew0001");
    for (file, decision, by_orgs, accept, status, direct, said) in [
        (
            "iam-SimulatePrincipalPolicy.xml",
            "implicitDeny",
            Some(false),
            ("allowed", Some(true)),
            Status::Fail,
            Status::Fail,
            "service control policies deny organizations:LeaveOrganization to",
        ),
        (
            "iam-SimulatePrincipalPolicy-same-account.xml",
            "allowed",
            None,
            ("implicitDeny", None),
            Status::Pass,
            Status::Fail,
            "do not allow organizations:AcceptHandshake (implicitDeny)",
        ),
    ] {
        let (facts, replay) =
            read_one("SimulatePrincipalPolicy", file, FactKind::LeavePermission).await;
        let sent = calls_of(&replay, "SimulatePrincipalPolicy");
        assert_eq!(sent.len(), 1, "{file}");
        let simulation = ok(&facts.leave_permission, file);
        assert_eq!(
            simulation.principal,
            format!("arn:aws:iam::{ACCOUNT}:{}", common::LEAVER)
        );
        assert_eq!(
            simulation.outcome,
            LeaveOutcome::Evaluated {
                eval_decision: decision.into(),
                allowed_by_organizations: by_orgs,
            },
            "{file}"
        );
        assert_eq!(
            simulation.accept_handshake,
            Some(LeaveOutcome::Evaluated {
                eval_decision: accept.0.into(),
                allowed_by_organizations: accept.1,
            }),
            "{file}"
        );
        let (verdict, summary) = run("leave-permission", &facts, Some(&leaver));
        assert_eq!(verdict, status, "{file}: {summary}");
        assert!(!summary.contains("AcceptHandshake"), "{summary}");
        if by_orgs == Some(false) {
            assert!(summary.contains("service control policies"), "{summary}");
        }
        let (verdict, summary) = judge_moving(
            "leave-permission",
            &facts,
            &Reseller::ctl(),
            Phase::Pre,
            Some(&leaver),
            new_org,
        );
        assert_eq!(verdict, direct, "{file}, direct: {summary}");
        assert!(summary.contains(said), "{file}: {summary}");
    }
}

/// A JSON answer with this content type (Account Management's restJson sends
/// `application/json`).
fn json_answer(operation: &str, file: &str, content_type: &str) -> Rule {
    Rule::new(Fault::raw(200, content_type, published(file))).operation(operation)
}

/// The published ListRegions lists a region of every opt status; only ENABLED and
/// ENABLED_BY_DEFAULT are read, whatever the filter sent (a region being enabled or
/// disabled is not one to read, and a service that ignored the filter is not believed).
#[tokio::test(start_paused = true)]
async fn list_regions_keeps_the_enabled_regions_of_every_status_listed() {
    let (facts, replay) = read(
        vec![json_answer(
            "ListRegions",
            "account-ListRegions.json",
            "application/json",
        )],
        &[FactKind::Regions],
    )
    .await;
    assert_eq!(
        ok(&facts.regions, "regions"),
        &["eu-south-1", "us-east-1", "us-east-2"]
    );
    let sent = calls_of(&replay, "ListRegions");
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(
        sent[0]
            .params
            .get("RegionOptStatusContains")
            .map(String::as_str),
        Some(r#"["ENABLED","ENABLED_BY_DEFAULT"]"#)
    );
}

/// CloudFormation's published sample (awsQuery XML, StackIds on lines of their own) and
/// its second page: joined by NextToken, the deleted stack dropped, and the two StackSet
/// stacks told apart, Control Tower's baseline from the reseller's StackSet.
#[tokio::test(start_paused = true)]
async fn list_stacks_pages_join_and_their_stacksets_are_named() {
    let (facts, replay) = read(
        vec![
            answer("ListStacks", "cloudformation-ListStacks-page1.xml").times(1),
            answer("ListStacks", "cloudformation-ListStacks-page2.xml").times(1),
            answer("ListRoles", "iam-ListRoles.xml"),
            answer(
                "DescribeOrganization",
                "organizations-DescribeOrganization.json",
            ),
        ],
        &[
            FactKind::Regions,
            FactKind::Stacks,
            FactKind::Roles,
            FactKind::Organization,
        ],
    )
    .await;
    let stacks = ok(&facts.stacks, "stacks");
    // The replay's ListRegions answers us-east-1 alone for an account without regions.
    assert_eq!(stacks.regions.keys().collect::<Vec<_>>(), ["us-east-1"]);
    let Fact::Ok(listed) = &stacks.regions["us-east-1"] else {
        panic!("{stacks:?}")
    };
    let got: Vec<(&str, &str, &str)> = listed
        .iter()
        .map(|s| (s.name.as_str(), s.id.trim(), s.status.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            // As published: the sample's StackId names another stack than its StackName.
            (
                "vpc1",
                "arn:aws:cloudformation:us-east-1:1234567:stack/TestCreate1/aaaaa",
                "CREATE_IN_PROGRESS"
            ),
            (
                "StackSet-AWSControlTowerBP-BASELINE-CONFIG-0a1b2c3d-4e5f-6789-abcd-ef0123456789",
                "arn:aws:cloudformation:us-east-1:123456789012:stack/StackSet-AWSControlTowerBP-BASELINE-CONFIG-0a1b2c3d-4e5f-6789-abcd-ef0123456789/e0c3a6b0-0a1b-11ee-8c3f-0a1b2c3d4e5f",
                "CREATE_COMPLETE"
            ),
            (
                "StackSet-CTL-Logging-9f8e7d6c-5b4a-3210-fedc-ba9876543210",
                "arn:aws:cloudformation:us-east-1:123456789012:stack/StackSet-CTL-Logging-9f8e7d6c-5b4a-3210-fedc-ba9876543210/f1d4b7c0-0a1b-11ee-9d4a-0a1b2c3d4e5f",
                "CREATE_COMPLETE"
            ),
        ]
    );
    let sent = calls_of(&replay, "ListStacks");
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert_eq!(sent[0].params.get("NextToken"), None);
    assert_eq!(
        sent[1].params.get("NextToken").map(String::as_str),
        Some("TGlzdFN0YWNrcy1wYWdlLTI=")
    );
    // DELETE_COMPLETE is not asked for: the filter lists the live statuses only.
    assert!(
        sent[0]
            .params
            .keys()
            .any(|k| k.starts_with("StackStatusFilter.member.")),
        "{:?}",
        sent[0].params
    );
    assert!(
        !sent[0].params.values().any(|v| v == "DELETE_COMPLETE"),
        "{:?}",
        sent[0].params
    );

    let (status, summary) = judge(
        "stackset-stacks",
        &facts,
        &Reseller::ctl(),
        Phase::Pre,
        None,
    );
    assert_eq!(status, Status::Warn, "{summary}");
    assert!(summary.contains("StackSet CTL-Logging"), "{summary}");
    assert!(!summary.contains("vpc1"), "{summary}");
    // Enrolled (o-exampleorgid is not the new organization): unenrol before leaving.
    let (status, summary) = judge("control-tower", &facts, &Reseller::ctl(), Phase::Pre, None);
    assert_eq!(status, Status::Fail, "{summary}");
    assert!(summary.contains("AWSControlTowerBP"), "{summary}");
    assert!(summary.contains("must be unenrolled"), "{summary}");
}

/// The reseller as these published answers need it: o-exampleorgid's management account
/// (DescribeOrganization's sample) and the account a key policy below lets in.
fn exampleorg_reseller() -> Reseller {
    let mut ctl = Reseller::ctl();
    ctl.accounts.insert("111111111111".into());
    ctl.accounts.insert("999988887777".into());
    ctl
}

/// What resource-policies reads, `rules` answering the buckets and keys, the published
/// ListRoles and DescribeOrganization the rest.
async fn read_resource_policies(mut rules: Vec<Rule>) -> (AccountFacts, Replay) {
    rules.push(answer("ListRoles", "iam-ListRoles.xml"));
    rules.push(answer(
        "DescribeOrganization",
        "organizations-DescribeOrganization.json",
    ));
    read(rules, find("resource-policies").unwrap().needs()).await
}

/// resource-policies before the move, the reseller [`exampleorg_reseller`].
fn resource_verdict(facts: &AccountFacts) -> (Status, String) {
    judge(
        "resource-policies",
        facts,
        &exampleorg_reseller(),
        Phase::Pre,
        None,
    )
}

/// S3's published bucket policy (a Deny, and the IAM guide's `"*"` narrowed by
/// aws:PrincipalOrgID) on the published ListBuckets' first bucket, asked in the region
/// ListBuckets gave; the second bucket has none (NoSuchBucketPolicy, 404), which is no
/// policy, not a failed read.
#[tokio::test(start_paused = true)]
async fn a_published_bucket_policy_naming_the_organization_is_a_door() {
    let (facts, replay) = read_resource_policies(vec![
        answer("ListBuckets", "s3-ListBuckets-page2.xml"),
        answer("GetBucketPolicy", "s3-GetBucketPolicy.json").region("us-east-1"),
        Rule::new(Fault::raw(
            404,
            "application/xml",
            published("s3-NoSuchBucketPolicy-404.xml"),
        ))
        .operation("GetBucketPolicy")
        .region("us-east-2"),
    ])
    .await;
    let buckets = ok(&facts.bucket_policies, "bucket policies");
    assert_eq!(buckets.len(), 2, "{buckets:?}");
    assert_eq!(buckets[0].bucket, "amzn-s3-demo-bucket");
    assert_eq!(buckets[0].region.as_deref(), Some("us-east-1"));
    let Fact::Ok(Some(policy)) = &buckets[0].policy else {
        panic!("{:?}", buckets[0].policy)
    };
    assert_eq!(policy, &published("s3-GetBucketPolicy.json"));
    assert_eq!(buckets[1].bucket, "amzn-s3-demo-bucket1");
    assert_eq!(buckets[1].region.as_deref(), Some("us-east-2"));
    assert_eq!(buckets[1].policy, Fact::Ok(None));
    // BucketRegion made GetBucketLocation needless; the 404 is an answer, not retried.
    assert!(calls_of(&replay, "GetBucketLocation").is_empty());
    assert_eq!(calls_of(&replay, "GetBucketPolicy").len(), 2);

    // The Deny names no one to let in; the Allow lets in all of o-exampleorgid.
    assert_eq!(
        grants(policy).unwrap(),
        [grant(Trusted::Anyone, &["o-exampleorgid"])]
    );
    let (status, summary) = resource_verdict(&facts);
    assert_eq!(status, Status::Warn, "{summary}");
    assert!(
        summary.contains("bucket amzn-s3-demo-bucket (us-east-1)"),
        "{summary}"
    );
    assert!(summary.contains("o-exampleorgid"), "{summary}");
    assert!(!summary.contains("amzn-s3-demo-bucket1"), "{summary}");
}

/// A bucket asked in the wrong region answers 301 PermanentRedirect (Mountpoint's
/// recorded body): the policy is not read, and the check says so instead of passing.
#[tokio::test(start_paused = true)]
async fn a_permanent_redirect_is_a_policy_not_read() {
    let (facts, replay) = read_resource_policies(vec![
        answer("ListBuckets", "s3-ListBuckets-page2.xml"),
        Rule::new(
            Fault::raw(
                301,
                "application/xml",
                published("s3-PermanentRedirect-301.xml"),
            )
            .with_header("x-amz-bucket-region", "us-west-2"),
        )
        .operation("GetBucketPolicy"),
    ])
    .await;
    let buckets = ok(&facts.bucket_policies, "bucket policies");
    for bucket in buckets {
        let Fact::Error(reason) = &bucket.policy else {
            panic!("{bucket:?}")
        };
        assert!(reason.starts_with("s3:GetBucketPolicy"), "{reason}");
        assert!(reason.contains("PermanentRedirect"), "{reason}");
    }
    // A redirect is not retried: the same request gets the same answer.
    assert_eq!(calls_of(&replay, "GetBucketPolicy").len(), buckets.len());
    let (status, summary) = resource_verdict(&facts);
    assert_eq!(status, Status::Error, "{summary}");
    assert!(summary.contains("PermanentRedirect"), "{summary}");
}

/// KMS's published examples: seven keys in us-east-2, one of them AWS-managed (its
/// alias/aws/s3), so six policies asked for by the name `default`; one of them lets the
/// reseller's account in.
#[tokio::test(start_paused = true)]
async fn published_key_policies_are_read_for_customer_managed_keys_only() {
    let (facts, replay) = read_resource_policies(vec![
        json_answer(
            "ListRegions",
            "account-ListRegions.json",
            "application/json",
        ),
        answer("ListKeys", "kms-ListKeys.json").region("us-east-2"),
        answer("ListAliases", "kms-ListAliases.json").region("us-east-2"),
        answer("GetKeyPolicy", "kms-GetKeyPolicy-reseller.json")
            .region("us-east-2")
            .times(1),
        answer("GetKeyPolicy", "kms-GetKeyPolicy.json").region("us-east-2"),
    ])
    .await;
    let keys = ok(&facts.key_policies, "key policies");
    assert_eq!(
        keys.regions.keys().collect::<Vec<_>>(),
        ["eu-south-1", "us-east-1", "us-east-2"]
    );
    let Fact::Ok(east2) = &keys.regions["us-east-2"] else {
        panic!("{keys:?}")
    };
    let ids: Vec<&str> = east2.iter().map(|k| k.key_id.as_str()).collect();
    assert_eq!(ids.len(), 6, "{ids:?}");
    assert!(
        !ids.contains(&"0d990263-018e-4e65-a703-eff731de951e"),
        "{ids:?}"
    );
    for key in east2 {
        assert_eq!(
            key.arn,
            format!("arn:aws:kms:us-east-2:111122223333:key/{}", key.key_id)
        );
        let Fact::Ok(policy) = &key.policy else {
            panic!("{key:?}")
        };
        let json: serde_json::Value = serde_json::from_str(policy).expect("a JSON policy");
        assert_eq!(json["Id"], "key-default-1", "{policy}");
    }
    let sent = calls_of(&replay, "GetKeyPolicy");
    assert_eq!(sent.len(), 6, "{sent:?}");
    for call in &sent {
        assert_eq!(
            call.params.get("PolicyName").map(String::as_str),
            Some("default")
        );
    }
    let (status, summary) = resource_verdict(&facts);
    assert_eq!(status, Status::Warn, "{summary}");
    assert!(
        summary.starts_with("1 policy lets the reseller in: key "),
        "{summary}"
    );
    assert!(summary.contains("(us-east-2)"), "{summary}");
}
