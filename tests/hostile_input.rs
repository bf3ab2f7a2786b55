//! Property tests of every input parser: whatever the bytes, a snapshot, attestations file
//! or reseller definition parses or is refused with one line that names the file — never
//! a panic. The cases are generated (proptest), plus mutations of the real files.

use std::path::Path;

use orgexit::checks::{Phase, Status};
use orgexit::engine::evaluate::evaluate;
use orgexit::plan::{Attestations, Policy, Reseller};
use orgexit::snapshot::Snapshot;
use proptest::prelude::*;

const DEMO: &str = include_str!("../fixtures/demo.json");
const ATTESTATIONS: &str = include_str!("../fixtures/demo-attestations.toml");
const CTL: &str = include_str!("../checks/ctl.toml");

fn assert_clean<T: std::fmt::Debug>(result: Result<T, orgexit::plan::InputError>, file: &str) {
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
        match orgexit::plan::parse_endpoint_url(&value, "--endpoint-url") {
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
        let policy = Policy {
            phase: Phase::Post,
            reseller: Reseller::ctl(),
            new_org: None,
            target_date: None,
            today: time::macros::date!(2026 - 11 - 24),
            attestations: Attestations::default(),
            leaver: None,
            checks: vec![orgexit::checks::find("iam-federation").unwrap()],
        };
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
