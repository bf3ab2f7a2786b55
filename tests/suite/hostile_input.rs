//! Property tests of every input parser: whatever the bytes, a snapshot, attestations file
//! or reseller definition parses or is refused with one line that names the file — never
//! a panic. The cases are generated (proptest), plus mutations of the real files. Last, one
//! property of the verdicts over generated accounts: an account only the reseller can
//! enter is never ready.

use std::path::Path;

use orgexit::attestations::Attestations;
use orgexit::checks::{Phase, Status};
use orgexit::engine::evaluate::evaluate;
use orgexit::plan::Criteria;
use orgexit::reseller::Reseller;
use orgexit::snapshot::Snapshot;
use proptest::prelude::*;

const DEMO: &str = include_str!("../../fixtures/demo.json");
const ATTESTATIONS: &str = include_str!("../../fixtures/demo-attestations.toml");
const CTL: &str = include_str!("../../checks/ctl.toml");

fn assert_clean<T: std::fmt::Debug>(result: Result<T, orgexit::input::InputError>, file: &str) {
    if let Err(err) = result {
        let message = err.to_string();
        assert!(!message.contains('\n'), "one line: {message:?}");
        assert!(message.contains(file), "names {file}: {message:?}");
    }
}

/// The text with a byte range replaced: truncations, deletions, garbage and swaps.
fn mutate(text: &str, at: usize, len: usize, with: &str) -> String {
    let bytes = text.as_bytes();
    let at = at % (bytes.len() + 1);
    let end = (at + len).min(bytes.len());
    let mut out = bytes[..at].to_vec();
    out.extend_from_slice(with.as_bytes());
    out.extend_from_slice(&bytes[end..]);
    String::from_utf8_lossy(&out).into_owned()
}

/// 1500 cases per property in CI; `PROPTEST_CASES=200000` for a long fuzzing run.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1500);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn snapshot_parser_never_panics(text in "\\PC{0,200}") {
        assert_clean(Snapshot::parse(&text, Path::new("snap.json")), "snap.json");
    }

    #[test]
    fn mutated_snapshots_never_panic(at in 0usize..20_000, len in 0usize..64, with in "[\\[\\]{}\":,0-9a-z \\n]{0,12}") {
        let text = mutate(DEMO, at, len, &with);
        assert_clean(Snapshot::parse(&text, Path::new("snap.json")), "snap.json");
    }

    #[test]
    fn attestations_parser_never_panics(text in "\\PC{0,200}") {
        assert_clean(Attestations::parse(&text, Path::new("att.toml")), "att.toml");
    }

    #[test]
    fn mutated_attestations_never_panic(at in 0usize..1_000, len in 0usize..32, with in "[\\[\\]{}\"=,.0-9a-z \\n]{0,12}") {
        let text = mutate(ATTESTATIONS, at, len, &with);
        assert_clean(Attestations::parse(&text, Path::new("att.toml")), "att.toml");
    }

    #[test]
    fn reseller_parser_never_panics(text in "\\PC{0,200}") {
        assert_clean(Reseller::parse(&text, Path::new("r.toml")), "r.toml");
    }

    #[test]
    fn mutated_reseller_definitions_never_panic(at in 0usize..1_500, len in 0usize..32, with in "[\\[\\]{}\"=,.0-9a-zA-Z_ \\n]{0,12}") {
        let text = mutate(CTL, at, len, &with);
        assert_clean(Reseller::parse(&text, Path::new("r.toml")), "r.toml");
    }

    #[test]
    fn endpoint_urls_are_accepted_only_as_http_urls_with_a_host(
        scheme in "(https?://|ftp://|http:/|)",
        rest in "\\PC{0,40}",
    ) {
        let value = format!("{scheme}{rest}");
        match orgexit::input::parse_endpoint_url(&value, "--endpoint-url") {
            Ok(url) => {
                prop_assert_eq!(&url, &value);
                let host = value.split("://").nth(1).unwrap_or("");
                prop_assert!(value.starts_with("http://") || value.starts_with("https://"));
                prop_assert!(!host.starts_with(['/', ':', '?', '#']) && !host.is_empty());
                prop_assert!(!value.contains(char::is_whitespace));
            }
            Err(err) => {
                let message = err.to_string();
                prop_assert!(!message.contains('\n'));
                prop_assert!(message.starts_with("--endpoint-url: "), "{}", message);
                prop_assert!(message.contains("e.g. http://127.0.0.1:5000"));
            }
        }
    }

    #[test]
    fn unreadable_trust_policies_are_errors_never_pass(doc in "\\PC{0,120}") {
        let mut facts = Snapshot::parse(DEMO, Path::new("demo.json")).unwrap();
        let sandbox = &mut facts[3];
        if let Some(orgexit::facts::Fact::Ok(roles)) = sandbox.roles.as_mut() {
            roles[0].trust_policy = doc.clone();
        }
        let policy = Criteria::new(
            Phase::Post,
            time::macros::date!(2026 - 11 - 24),
            vec![orgexit::checks::find("iam-federation").unwrap()],
        );
        let report = evaluate(&policy, &facts[3..], time::OffsetDateTime::UNIX_EPOCH);
        let status = report.accounts.iter().next().unwrap().checks[0].status;
        let readable = serde_json::from_str::<serde_json::Value>(&doc)
            .or_else(|_| serde_json::from_str(&urlencoding::decode(&doc).unwrap_or_default()))
            .is_ok_and(|v| v.get("Statement").is_some());
        if !readable {
            prop_assert_eq!(status, Status::Error, "{:?}", doc);
        }
    }
}

#[test]
fn the_shipped_files_parse() {
    assert_eq!(
        Snapshot::parse(DEMO, Path::new("demo.json")).unwrap().len(),
        4
    );
    assert_eq!(
        Attestations::parse(ATTESTATIONS, Path::new("a.toml"))
            .unwrap()
            .accounts
            .len(),
        3
    );
    assert_eq!(
        Reseller::parse(CTL, Path::new("ctl.toml")).unwrap().name,
        "ctl"
    );
}

/// The reseller of the generated accounts: ctl, whose organization o-ctlreseller1 is
/// managed by 999988887777 (as in the demo).
const RESELLER_MGMT: &str = "999988887777";
const RUNNER: &str = "123456789012";
const SSO_PATH: &str = "/aws-reserved/sso.amazonaws.com/";

fn trust(principal: &str, condition: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"{condition}}}]}}"#
    )
}

/// A role of the reseller organization's IAM Identity Center, trusting whatever it may.
fn sso_role() -> impl Strategy<Value = (String, String, String)> {
    (
        "(AdministratorAccess|ReadOnlyAccess|PowerUser|Billing)",
        "[0-9a-f]{16}",
        prop_oneof![
            Just(r#"{"Federated":"arn:aws:iam::ACCOUNT:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE"}"#.to_string()),
            Just(r#"{"AWS":"arn:aws:iam::ACCOUNT:root"}"#.to_string()),
            Just(r#"{"AWS":"*"}"#.to_string()),
        ],
    )
        .prop_map(|(set, hex, principal)| {
            (format!("AWSReservedSSO_{set}_{hex}"), SSO_PATH.to_string(), trust(&principal, ""))
        })
}

/// A door of the reseller's: a role trusting its management account or its
/// organization, its own CTL role, or the OrganizationAccountAccessRole it created.
fn reseller_door() -> impl Strategy<Value = (String, String, String)> {
    let mgmt = format!(r#"{{"AWS":"arn:aws:iam::{RESELLER_MGMT}:root"}}"#);
    (
        "[A-Z][a-zA-Z]{2,12}",
        0..4usize,
        prop_oneof![Just("/".to_string()), Just("/ops/".to_string())],
    )
        .prop_map(move |(name, shape, path)| match shape {
            0 => (name, path, trust(&mgmt, "")),
            1 => (
                name,
                path,
                trust(
                    r#"{"AWS":"*"}"#,
                    r#","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-ctlreseller1"}}"#,
                ),
            ),
            2 => (format!("CTL-{name}"), path, trust(r#"{"AWS":"*"}"#, "")),
            _ => (
                "OrganizationAccountAccessRole".to_string(),
                "/".to_string(),
                trust(&mgmt, ""),
            ),
        })
}

/// A service role: no person signs in through it.
fn service_role() -> impl Strategy<Value = (String, String, String)> {
    ("[a-z]{3,10}", "[A-Z][a-zA-Z]{3,12}").prop_map(|(service, name)| {
        (
            format!("AWSServiceRoleFor{name}"),
            format!("/aws-service-role/{service}.amazonaws.com/"),
            trust(&format!(r#"{{"Service":"{service}.amazonaws.com"}}"#), ""),
        )
    })
}

proptest! {
    #![proptest_config(config())]

    /// Issue 19: an account whose only principals are the reseller organization's
    /// Identity Center roles, the reseller's doors and users, service roles and the audit
    /// role, with no root password shown or attested, is never ready, with or without a
    /// new organization, whatever the move.
    #[test]
    fn an_account_only_the_reseller_can_enter_is_never_ready(
        sso in proptest::collection::vec(sso_role(), 0..4),
        doors in proptest::collection::vec(reseller_door(), 0..4),
        services in proptest::collection::vec(service_role(), 0..3),
        users in proptest::collection::vec("(ctl-|CTL-|ctl_)[a-z]{2,10}|CTL[A-Z][a-z]{2,8}", 0..3),
        new_org in proptest::option::of(Just("o-acmenew0001".to_string())),
        direct in any::<bool>(),
    ) {
        const ACCOUNT: &str = "222233334444";
        let mut roles: Vec<serde_json::Value> = sso
            .into_iter()
            .chain(doors)
            .chain(services)
            .chain([("OrgExitAudit".to_string(), "/".to_string(), trust(&format!(r#"{{"AWS":"arn:aws:iam::{RUNNER}:root"}}"#), ""))])
            .map(|(name, path, doc)| serde_json::json!({
                "name": name,
                "arn": format!("arn:aws:iam::{ACCOUNT}:role{path}{name}"),
                "path": path,
                "trust_policy": doc.replace("ACCOUNT", ACCOUNT),
            }))
            .collect();
        roles.dedup_by(|a, b| a["name"] == b["name"]);
        let users: Vec<serde_json::Value> = users
            .iter()
            .map(|u| serde_json::json!({"name": u, "arn": format!("arn:aws:iam::{ACCOUNT}:user/{u}")}))
            .collect();
        let snapshot = serde_json::json!({
            "snapshot_version": 1, "tool": "orgexit", "version": "0.1.0",
            "collected_at": "2026-12-06T09:00:00Z",
            "accounts": [{
                "account_id": ACCOUNT,
                "reached_through": {"role": "OrgExitAudit", "from_account": RUNNER},
                "organization": {"ok": {"state": "member", "id": "o-ctlreseller1", "management_account_id": RESELLER_MGMT}},
                "handshakes": {"ok": []},
                "roles": {"ok": roles},
                "users": {"ok": users},
                "saml_providers": {"ok": []},
                "oidc_providers": {"ok": []},
                "account_summary": {"ok": {"account_mfa_enabled": false, "account_access_keys_present": false, "account_signing_certificates_present": false, "account_password_present": false}},
            }],
        });
        let facts = Snapshot::parse(&snapshot.to_string(), Path::new("gen.json")).unwrap();
        let policy = Criteria {
            new_org: new_org.clone(),
            move_kind: Some(if direct && new_org.is_some() {
                orgexit::attestations::MoveKind::Direct
            } else {
                orgexit::attestations::MoveKind::Standalone
            }),
            ..Criteria::new(
                Phase::Pre,
                time::macros::date!(2026 - 12 - 06),
                orgexit::checks::CHECKS.to_vec(),
            )
        };
        let report = evaluate(&policy, &facts, time::OffsetDateTime::UNIX_EPOCH);
        let account = report.accounts.iter().next().unwrap();
        prop_assert!(!account.ready);
        let access = account.checks.iter().find(|c| c.id == "access-after-move").unwrap();
        prop_assert_eq!(access.status, Status::Fail, "{}", access.summary);
        prop_assert!(access.summary.contains("nobody can sign in"), "{}", access.summary);
    }
}
