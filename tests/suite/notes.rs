//! Stale or mistyped inputs are said, on stderr and in the report's `notes`, and never
//! change a verdict: a target date in the past, attestations for an account not audited,
//! a waiver that matches nothing, an attestation dated after today.

use crate::common;

use std::process::Output;

use common::{demo, json, orgexit, repo};
use serde_json::Value;

/// The demo snapshot on the demo's "today", with the options the test gives.
fn audit(args: &[&str]) -> Output {
    orgexit()
        .args([
            "audit",
            "--today",
            "2026-12-06",
            "--new-org",
            "o-acmenew0001",
        ])
        .arg("--fixture")
        .arg(repo("fixtures/demo.json"))
        .args(args)
        .output()
        .unwrap()
}

/// (account, check, status) of every check.
fn statuses(report: &Value) -> Vec<(&Value, &Value, &Value)> {
    report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| {
            a["checks"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |c| (&a["account_id"], &c["id"], &c["status"]))
        })
        .collect()
}

fn notes(report: &Value) -> Vec<String> {
    report["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_clean_demo_has_no_notes() {
    let out = demo(&["--format", "json"]);
    assert_eq!(notes(&json(&out)), Vec::<String>::new());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_target_date_in_the_past_is_said_before_the_cut_over() {
    let out = audit(&["--format", "json", "--target-date", "2026-11-01"]);
    let expected = "--target-date 2026-11-01 is in the past (today is 2026-12-06): give the planned cut-over date";
    assert_eq!(notes(&json(&out)), [expected]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr, format!("orgexit: warning: {expected}\n"));

    // After the cut-over the date is past by design.
    let out = audit(&[
        "--format",
        "json",
        "--phase",
        "post",
        "--target-date",
        "2026-11-01",
    ]);
    assert!(notes(&json(&out)).is_empty());

    // --quiet silences stderr; the report keeps the note. The table shows it too.
    let out = audit(&["-q", "--format", "json", "--target-date", "2026-11-01"]);
    assert!(out.stderr.is_empty());
    assert_eq!(notes(&json(&out)), [expected]);
    let table = common::stdout(&audit(&["-q", "--target-date", "2026-11-01"]));
    assert!(table.contains(&format!("Note: {expected}")), "{table}");
}

#[test]
fn attestations_and_waivers_that_match_nothing_are_said_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let demo_attestations =
        std::fs::read_to_string(repo("fixtures/demo-attestations.toml")).unwrap();
    let extra = demo_attestations
        // A typo in a waiver's name, next to the real one.
        .replace(
            r#"keep = [{ name = "CTL-CAM-Provider", reason = "continuing CAM for ALM" }]"#,
            r#"keep = [{ name = "CTL-CAM-Provider", reason = "continuing CAM for ALM" }, { name = "CTL-CAM-Provdier", reason = "typo" }]"#,
        )
        // Dated after today (2026-12-06), and an account nobody audits.
        .replace("on = \"2026-11-02\" }\nroot", "on = \"2026-12-09\" }\nroot")
        + "\n[accounts.\"777788889999\"]\nroot_credentials = { by = \"x@acme.example\", on = \"2026-11-01\" }\n";
    assert_ne!(extra, demo_attestations);
    let path = dir.path().join("attestations.toml");
    std::fs::write(&path, &extra).unwrap();

    let target = ["--format", "json", "--target-date", "2026-12-07"];
    let demo_path = repo("fixtures/demo-attestations.toml");
    let baseline = json(&audit(
        &[
            &target[..],
            &["--attestations", demo_path.to_str().unwrap()],
        ]
        .concat(),
    ));
    let out = audit(&[&target[..], &["--attestations", path.to_str().unwrap()]].concat());
    let report = json(&out);
    assert_eq!(statuses(&report), statuses(&baseline), "no verdict changed");
    assert_eq!(out.status.code(), Some(1));
    let got = notes(&report);
    assert_eq!(
        got,
        [
            "the keep waiver \"CTL-CAM-Provdier\" for account 111122223333 matches nothing the audit found there (a reseller-marked policy, role, user, group or identity provider of that name): it changes nothing",
            "the payment_method attestation for account 444455556666 is dated 2026-12-09, after today (2026-12-06): check its date",
            "attestations for account 777788889999 match no audited account: they are ignored",
        ]
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    for note in &got {
        assert!(
            stderr.contains(&format!("orgexit: warning: {note}\n")),
            "{stderr}"
        );
    }
}

#[test]
fn a_waiver_is_not_called_unmatched_when_the_names_were_not_all_seen() {
    // Only root-mfa: no check reads names a waiver could match, so nothing is said.
    let out = demo(&["--format", "json", "--select", "root-mfa"]);
    assert!(notes(&json(&out)).is_empty());
}

/// A snapshot audited 12 days after it was collected says so, and an invitation it shows
/// pending that has expired since is no invitation now, with the reason.
#[test]
fn a_stale_snapshot_is_said_and_its_expired_invitation_is_none() {
    let out = orgexit()
        .args([
            "audit",
            "--today",
            "2026-12-18",
            "--new-org",
            "o-acmenew0001",
            "--accounts",
            "111122223333",
            "--format",
            "json",
            "--snapshot",
        ])
        .arg(repo("fixtures/demo.json"))
        .output()
        .unwrap();
    let report = json(&out);
    let notes = report["notes"].to_string();
    assert!(
        notes.contains(
            "the snapshot was collected on 2026-12-06, 12 days before today (2026-12-18)"
        ),
        "{notes}"
    );
    let invitation = report["accounts"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "org-invitation")
        .unwrap()
        .clone();
    assert_eq!(invitation["status"], "fail", "{invitation:#}");
    assert!(
        invitation["summary"]
            .as_str()
            .unwrap()
            .contains("was pending when the facts were read but expired"),
        "{invitation:#}"
    );
    // A day after collection, neither.
    let fresh = json(&demo(&["--format", "json"]));
    assert!(
        !fresh["notes"]
            .to_string()
            .contains("the snapshot was collected on")
    );
}
