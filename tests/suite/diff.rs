//! `orgexit diff OLD.json NEW.json` and `ticket --since`: two real reports of the demo
//! (without and with its attestations), compared both ways, and every kind of unreadable
//! input refused with exit 2.

use crate::common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

/// Root credentials attested in two demo accounts, and nothing else: what it changes is
/// only fixes.
const ROOT_ONLY: &str = r#"
[accounts."111122223333"]
root_credentials = { by = "secops@acme.example", on = "2026-11-21" }
[accounts."444455556666"]
root_credentials = { by = "secops@acme.example", on = "2026-11-02" }
"#;

/// The demo audited as `audit --format json` (pre), with these attestations (`None`: the
/// demo's own) or without (`Some("")`).
fn report(dir: &Path, name: &str, attested: Option<&str>) -> PathBuf {
    let path = dir.join(name);
    let mut cmd = orgexit();
    cmd.args([
        "audit",
        "--today",
        "2026-12-06",
        "--new-org",
        "o-acmenew0001",
    ])
    .arg("--snapshot")
    .arg(repo("fixtures/demo.json"))
    .args(["--format", "json", "--output"])
    .arg(&path);
    match attested {
        None => {
            cmd.arg("--attestations")
                .arg(repo("fixtures/demo-attestations.toml"));
        }
        Some("") => {}
        Some(text) => {
            let file = dir.join(format!("{name}.toml"));
            std::fs::write(&file, text).unwrap();
            cmd.arg("--attestations").arg(file);
        }
    }
    let out = cmd.output().unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    path
}

fn diff(old: &Path, new: &Path, args: &[&str]) -> std::process::Output {
    orgexit()
        .arg("diff")
        .arg(old)
        .arg(new)
        .args(args)
        .output()
        .unwrap()
}

/// (account, check, change) of every change of a JSON diff.
fn changes(diff: &Value) -> Vec<(String, String, String)> {
    diff["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let text = |k: &str| c[k].as_str().unwrap().to_string();
            (text("account_id"), text("check"), text("change"))
        })
        .collect()
}

#[test]
fn attesting_fixes_what_only_a_person_can_tell_and_undoing_it_regresses() {
    let dir = tempfile::tempdir().unwrap();
    let before = report(dir.path(), "before.json", Some(""));
    let after = report(dir.path(), "after.json", Some(ROOT_ONLY));
    let old: Value = serde_json::from_str(&std::fs::read_to_string(&before).unwrap()).unwrap();
    let new: Value = serde_json::from_str(&std::fs::read_to_string(&after).unwrap()).unwrap();

    let out = diff(&before, &after, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let forward = json(&out);
    assert_eq!(forward["kind"], "diff");
    assert_eq!(forward["regressed"], false);
    // What the diff calls fixed is exactly what blocked before and does not now, read
    // from the two reports themselves.
    let blocks = |s: &Value| matches!(s.as_str(), Some("fail" | "manual" | "error"));
    let mut expected_fixed = Vec::new();
    for (a, b) in old["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .zip(new["accounts"].as_array().unwrap())
    {
        for (c, d) in a["checks"]
            .as_array()
            .unwrap()
            .iter()
            .zip(b["checks"].as_array().unwrap())
        {
            assert_eq!(c["id"], d["id"]);
            if blocks(&c["status"]) && !blocks(&d["status"]) {
                expected_fixed.push((
                    a["account_id"].as_str().unwrap().to_string(),
                    c["id"].as_str().unwrap().to_string(),
                ));
            }
        }
    }
    assert!(!expected_fixed.is_empty(), "the attestations fix something");
    let mut fixed: Vec<(String, String)> = changes(&forward)
        .into_iter()
        .filter(|(_, _, kind)| kind == "fixed")
        .map(|(a, c, _)| (a, c))
        .collect();
    fixed.sort();
    expected_fixed.sort();
    assert_eq!(fixed, expected_fixed);
    assert_eq!(forward["summary"]["fixed"], expected_fixed.len());

    // The other way round, each of those is a regression, and the exit status says so.
    let out = diff(&after, &before, &[]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains(&format!("Regressed ({})", expected_fixed.len())),
        "{text}"
    );
    assert!(
        text.ends_with("Verdict: something regressed (exit 1)\n"),
        "{text}"
    );

    // Markdown to a file: the same verdict, and the file holds it.
    let md = dir.path().join("progress.md");
    let out = diff(
        &before,
        &after,
        &["--format", "markdown", "--output", md.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0));
    let markdown = std::fs::read_to_string(&md).unwrap();
    assert!(markdown.starts_with("# orgexit diff: "), "{markdown}");
    assert!(
        markdown.contains("nothing regressed (exit 0)"),
        "{markdown}"
    );
    let (account, check) = &expected_fixed[0];
    assert!(markdown.contains(&format!("`{check}`")), "{markdown}");
    assert!(markdown.contains(account.as_str()), "{markdown}");
}

/// The demo's own attestations also name a leaver, whose permission to leave is then
/// read and found denied: a check that was skipped now blocks, and the diff says so.
#[test]
fn a_check_that_starts_blocking_is_a_regression_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let before = report(dir.path(), "before.json", Some(""));
    let after = report(dir.path(), "after.json", None);
    let out = diff(&before, &after, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let found = json(&out);
    let regressed: Vec<(String, String, String)> = changes(&found)
        .into_iter()
        .filter(|(_, _, kind)| kind == "regressed")
        .collect();
    assert_eq!(
        regressed,
        [(
            "222233334444".to_string(),
            "leave-permission".to_string(),
            "regressed".to_string()
        )]
    );
    let change = found["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["change"] == "regressed")
        .unwrap();
    assert_eq!(change["old_status"], "skipped");
    assert_eq!(change["new_status"], "fail");
    assert_eq!(
        change["resources_new"],
        serde_json::json!(["arn:aws:iam::222233334444:role/AcmeAdmin"])
    );
}

#[test]
fn the_same_report_twice_lists_nothing_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let r = report(dir.path(), "r.json", None);
    let out = diff(&r, &r, &[]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("\n0 fixed · 0 regressed · "), "{text}");
    assert!(!text.contains("Regressed"), "{text}");
}

#[test]
fn the_ticket_says_what_was_fixed_since_an_earlier_report() {
    let dir = tempfile::tempdir().unwrap();
    let before = report(dir.path(), "before.json", Some(""));
    let after = report(dir.path(), "after.json", Some(ROOT_ONLY));
    let out = orgexit()
        .args(["ticket", "--report"])
        .arg(&after)
        .arg("--since")
        .arg(&before)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ticket = stdout(&out);
    let old: Value = serde_json::from_str(&std::fs::read_to_string(&before).unwrap()).unwrap();
    let heading = format!("Progress since {}:", old["generated_at"].as_str().unwrap());
    let progress: Vec<&str> = ticket
        .lines()
        .skip_while(|l| *l != heading)
        .skip(1)
        .take_while(|l| l.starts_with("- "))
        .collect();
    assert!(!progress.is_empty(), "{ticket}");
    assert!(progress.iter().any(|l| l.contains(": fixed ")), "{ticket}");
    assert!(
        !progress.iter().any(|l| l.contains("regressed")),
        "{ticket}"
    );
    // Without --since the ticket has no such part.
    let plain = orgexit()
        .args(["ticket", "--report"])
        .arg(&after)
        .output()
        .unwrap();
    assert!(!stdout(&plain).contains("Progress since"));
}

#[test]
fn an_unreadable_report_is_exit_2_naming_the_file_and_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let good = report(dir.path(), "good.json", None);
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let mut newer: Value = serde_json::from_str(&std::fs::read_to_string(&good).unwrap()).unwrap();
    newer["schema_version"] = 2.into();
    let cases = [
        (dir.path().join("missing.json"), "missing.json"),
        (write("text.json", "not json at all"), "not valid JSON"),
        (
            write("newer.json", &newer.to_string()),
            "schema_version 2 is not supported",
        ),
        (repo("fixtures/demo.json"), "this is a snapshot"),
    ];
    for (bad, says) in &cases {
        for (old, new) in [
            (bad.as_path(), good.as_path()),
            (good.as_path(), bad.as_path()),
        ] {
            let out = diff(old, new, &[]);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{bad:?}: {stderr}");
            assert!(stderr.contains(says), "{bad:?}: {stderr}");
            assert!(
                stderr.contains(bad.file_name().unwrap().to_str().unwrap()),
                "{stderr}"
            );
            assert!(out.stdout.is_empty());
        }
    }
    let out = orgexit().args(["diff", "-", "-"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("both - (stdin)"));
}
