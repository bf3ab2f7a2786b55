//! `orgexit ticket`: the departure ticket of the reseller's wiki, filled from a JSON
//! report, checked field by field; and the refusal of anything that is not a report.

use crate::common;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use common::*;

const BLANK: &str = "________";

/// Writes the demo report (with extra audit arguments) to `dir/report.json`.
fn demo_report_file(dir: &Path, args: &[&str]) -> String {
    let path = dir.join("report.json");
    let out = demo(
        &[
            &["--format", "json", "--output", path.to_str().unwrap()],
            args,
        ]
        .concat(),
    );
    assert!(out.status.code().is_some_and(|c| c != 2), "the audit ran");
    path.to_str().unwrap().to_string()
}

/// The demo snapshot audited without the demo's options (no target date, no new
/// organization, no attestations unless `args` give them), the JSON report to `output`.
fn bare_audit(args: &[&str], output: &Path) -> std::process::Output {
    orgexit()
        .args([
            "audit",
            "--today",
            "2026-12-06",
            "--format",
            "json",
            "--fixture",
        ])
        .arg(repo("fixtures/demo.json"))
        .args(args)
        .arg("--output")
        .arg(output)
        .output()
        .unwrap()
}

/// The ticket's "Label: value" lines, and the lines under Special Considerations.
fn fields(ticket: &str) -> (BTreeMap<String, String>, Vec<String>) {
    let mut fields = BTreeMap::new();
    let mut special = Vec::new();
    let mut in_special = false;
    for line in ticket.lines() {
        if in_special {
            if let Some(item) = line.strip_prefix("- ") {
                special.push(item.to_string());
                continue;
            }
            in_special = false;
        }
        if line == "Special Considerations:" {
            in_special = true;
        } else if let Some((label, value)) = line.split_once(": ") {
            fields.insert(label.to_string(), value.to_string());
        }
    }
    (fields, special)
}

fn ticket(report: &str) -> String {
    let out = orgexit()
        .args(["ticket", "--report", report])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(&out)
}

#[test]
fn the_demo_ticket_field_by_field() {
    let dir = tempfile::tempdir().unwrap();
    let text = ticket(&demo_report_file(dir.path(), &[]));
    assert!(text.starts_with(
        "This is a request to meet with my Lumen account representative and potentially a member of the Cloud Application Manager Product team.\n"
    ));
    let (fields, special) = fields(&text);
    let field = |label: &str| {
        fields
            .get(label)
            .unwrap_or_else(|| panic!("no {label:?} in:\n{text}"))
            .as_str()
    };
    assert_eq!(
        field("Goal"),
        "Move 3 AWS accounts out of the Lumen-governed AWS Organization and join the AWS Organization o-acmenew0001, take over their root credentials and remove Lumen access",
        "the account that already left is not one to move"
    );
    assert_eq!(field("Target Date"), "2026-12-07");
    assert_eq!(field("Lumen account representative"), BLANK);
    assert_eq!(
        field("Departing AWS AccountIDs"),
        "111122223333 (acme-prod), 222233334444 (acme-dev), 333344445555 (acme-staging)"
    );
    assert_eq!(
        field("AWS AccountIDs that already left (not departing)"),
        "444455556666 (standalone)"
    );
    assert_eq!(
        field("How will you leave?"),
        "direct transfer: each accepts the new organization's invitation while still a member (no payment method or contact information of its own needed): 111122223333, 222233334444, 333344445555 (default with --new-org)",
        "the report's move per account, the one that already left apart"
    );
    assert_eq!(
        field("AWS AccountIDs to which you currently do not have root access"),
        "222233334444 (acme-dev), 333344445555 (acme-staging)",
        "the accounts whose root-credentials is not pass"
    );
    assert_eq!(
        field("Secure method of delivering root credentials to you"),
        BLANK
    );
    assert_eq!(
        field(
            "Who do you want to handle removing your member accounts from our AWS organization? (Lumen or your company)"
        ),
        "your company for 111122223333, 222233334444; Lumen for 333344445555",
        "leave-permission: a leaver named in two accounts, none in the third (the fourth has left)"
    );
    assert_eq!(
        field("If your company, identify any AWS Users needing permissions"),
        "role/AcmeAdmin in 111122223333 (may leave and accept the invitation); role/AcmeAdmin in 222233334444 (Lumen's service control policy denies it organizations:LeaveOrganization and organizations:AcceptHandshake: Lumen must exempt it)"
    );
    assert_eq!(
        field("Do you wish to continue using CAM for ALM?"),
        "yes, keeping CTL-CAM-Provider in 111122223333 (continuing CAM for ALM)",
        "the keep waiver of the demo attestations"
    );

    // What Lumen acts on, in its words: its access, the payment methods, what could not
    // be read and who must grant it; then the attached report.
    assert_eq!(
        special[..special.len() - 1],
        [
            "111122223333: Lumen's access to remove: roles that let Lumen in: OrganizationAccountAccessRole (999988887777)",
            "222233334444: Lumen's access to remove: roles role/CTL-Support; users and groups user/ctl-automation, group/CTL-Operators; roles that let Lumen in: OrganizationAccountAccessRole (999988887777), CTL-Support (999988887777); Lumen's identity providers: CTL-Okta (CTL)",
            // What the move takes or leaves open, region by region.
            "111122223333: StackSet stacks it loses when it leaves, unless their StackSet retains them: StackSet CTL-Logging (us-east-1), StackSet acme-network-baseline (eu-west-1); resource policies to change: acme-prod-assets (us-west-2; lets in every principal of the reseller's organization o-ctlreseller1), key/6f1c2a3b-0000-4000-8000-00000000e001 (eu-west-1; lets in 999988887777)",
            "222233334444: Control Tower enrolment to end: StackSet AWSControlTowerBP-BASELINE-CONFIG (us-east-1); StackSet stacks it loses when it leaves, unless their StackSet retains them: StackSet acme-security-tooling (eu-west-1)",
            // A direct move into the new organization (the default with --new-org): it pays.
            "Payment method per account: 111122223333, 222233334444, 333344445555, 444455556666 not needed (moves directly into o-acmenew0001, which pays)",
            "Please confirm these accounts are no delegated administrator of any service in your organization (a member account cannot see it; AWS refuses to let one leave): 222233334444 (acme-dev), 333344445555 (acme-staging)",
            "333344445555: could not be read: organizations:ListHandshakesForAccount (Lumen's service control policy denies organizations:ListHandshakesForAccount: Lumen must allow it to the audit role)",
        ]
    );
    assert!(
        !text.contains("AccessDenied") && !text.contains("arn:aws:sts"),
        "no error trace pasted: {text}"
    );
    assert!(
        special.last().unwrap().starts_with(
            "orgexit report attached: phase pre, 1 of 4 accounts ready (11 blocking findings in all)"
        ),
        "{special:?}"
    );
    assert!(
        special
            .last()
            .unwrap()
            .ends_with("; facts from the snapshot collected 2026-12-06T09:00:00Z"),
        "the snapshot's age is said, and a full audit says nothing of its checks: {special:?}"
    );
    assert!(text.ends_with("\nPlease direct this ticket towards the CAM_CloudIntegration group\n"));
}

#[test]
fn unknowns_stay_blank_and_an_unreachable_account_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    // No target date, no waiver (account 444455556666 has none), one account unknown.
    let path = dir.path().join("report.json");
    let out = bare_audit(&["--accounts", "444455556666,555566667777"], &path);
    assert_eq!(out.status.code(), Some(1));
    let text = ticket(path.to_str().unwrap());
    let (fields, special) = fields(&text);
    assert_eq!(fields["Target Date"], BLANK);
    assert!(
        fields["Do you wish to continue using CAM for ALM?"].starts_with(BLANK),
        "{text}"
    );
    assert_eq!(
        fields["AWS AccountIDs to which you currently do not have root access"],
        "444455556666 (acme-sandbox) (root-credentials not evaluated for 555566667777: fill in)",
        "nothing attested for one; the other could not be audited, which says nothing"
    );
    assert!(!fields["Goal"].contains("join"), "no --new-org: {text}");
    assert!(
        special.contains(
            &"555566667777: could not be read at all: the account is not in the snapshot"
                .to_string()
        ),
        "{special:?}"
    );
}

/// The demo's attestations with `keep` replaced.
fn with_waivers(dir: &Path, keep: &str) -> String {
    let text = std::fs::read_to_string(repo("fixtures/demo-attestations.toml"))
        .unwrap()
        .replace(
            r#"keep = [{ name = "CTL-CAM-Provider", reason = "continuing CAM for ALM" }]"#,
            keep,
        );
    let path = dir.join("attestations.toml");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn only_a_waiver_on_the_cam_provider_says_cam_for_alm_continues() {
    let dir = tempfile::tempdir().unwrap();
    // A waiver on something else (a break-glass role) says nothing about CAM.
    let attestations = with_waivers(
        dir.path(),
        r#"keep = [{ name = "CTL-Support", reason = "break-glass until March" }]"#,
    );
    let out = bare_audit(
        &[
            "--attestations",
            &attestations,
            "--accounts",
            "111122223333",
        ],
        &dir.path().join("report.json"),
    );
    assert!(out.status.code().is_some_and(|c| c != 2));
    let text = ticket(dir.path().join("report.json").to_str().unwrap());
    let (answers, _) = fields(&text);
    assert_eq!(
        answers["Do you wish to continue using CAM for ALM?"],
        format!("{BLANK} (the report shows no CAM for ALM resource kept by waiver)")
    );

    // A report written before waivers named their product cannot say it either.
    let mut report = demo_report(&[]);
    for account in report["accounts"].as_array_mut().unwrap() {
        for check in account["checks"].as_array_mut().unwrap() {
            for waived in check["waived"].as_array_mut().unwrap() {
                waived.as_object_mut().unwrap().remove("product");
            }
        }
    }
    let path = dir.path().join("old.json");
    std::fs::write(&path, report.to_string()).unwrap();
    let (fields, _) = fields(&ticket(path.to_str().unwrap()));
    assert!(
        fields["Do you wish to continue using CAM for ALM?"].starts_with(BLANK),
        "{fields:?}"
    );
}

#[test]
fn root_access_not_checked_is_said_not_guessed() {
    let dir = tempfile::tempdir().unwrap();
    let text = ticket(&demo_report_file(
        dir.path(),
        &["--skip", "root-credentials"],
    ));
    let (fields, special) = fields(&text);
    assert!(
        special.last().unwrap().contains(
            "; not a full audit: only 20 of 21 checks: org-membership, org-invitation, leave-permission, payment-method, billing-contact,"
        ),
        "{special:?}"
    );
    assert_eq!(
        fields["AWS AccountIDs to which you currently do not have root access"],
        format!(
            "{BLANK} (root-credentials not evaluated for 111122223333 (acme-prod), 222233334444 (acme-dev), 333344445555 (acme-staging), 444455556666 (acme-sandbox): fill in)"
        )
    );
}

#[test]
fn reads_stdin_and_writes_output_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let report = std::fs::read(demo_report_file(dir.path(), &[])).unwrap();
    let output = dir.path().join("ticket.txt");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_orgexit"))
        .args(["ticket", "--report", "-", "--output"])
        .arg(&output)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&report).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "the ticket went to the file");
    let text = std::fs::read_to_string(&output).unwrap();
    assert!(
        text.contains(
            "Departing AWS AccountIDs: 111122223333 (acme-prod), 222233334444 (acme-dev)"
        )
    );
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(files.len(), 2, "report and ticket, no temporary file left");
}

#[test]
fn anything_but_a_version_1_report_exits_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    let good: serde_json::Value = demo_report(&[]);
    let mut v2 = good.clone();
    v2["schema_version"] = 2.into();
    let mut no_accounts = good.clone();
    no_accounts.as_object_mut().unwrap().remove("accounts");
    let cases = [
        (
            write("v2.json", &v2.to_string()),
            "schema_version 2 is not supported",
        ),
        (
            write("missing.json", &no_accounts.to_string()),
            "missing field `accounts`",
        ),
        (
            write("truncated.json", "{\"tool\": \"orgexit\", "),
            "not valid JSON",
        ),
        (
            write("other.json", "{\"name\": \"x\"}"),
            "not an orgexit report",
        ),
        (
            repo("fixtures/demo.json").to_str().unwrap().to_string(),
            "a snapshot",
        ),
        (
            dir.path().join("absent.json").to_str().unwrap().to_string(),
            "no such file",
        ),
    ];
    for (path, expected) in cases {
        let out = orgexit()
            .args(["ticket", "--report", &path])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{path}: {stderr}");
        assert!(out.stdout.is_empty(), "{path}");
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        assert!(stderr.contains(&path), "names the file: {stderr}");
        assert!(stderr.contains(expected), "{expected:?}: {stderr}");
    }
}

#[test]
fn ticket_snapshots() {
    for (variant, args) in VARIANTS {
        let dir = tempfile::tempdir().unwrap();
        let path = demo_report_file(dir.path(), args);
        let report: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let generated = report["generated_at"].as_str().unwrap();
        let text = redact_version(&ticket(&path)).replace(generated, "[generated_at]");
        insta::assert_snapshot!(format!("ticket_{variant}"), text);
    }
}

/// A second reseller is a TOML file and nothing else: its `[ticket]` table gives the
/// ticket its name, team, product and routing line; without one the ticket names the
/// reseller by its definition's name and routes nowhere.
#[test]
fn a_second_reseller_brings_its_ticket_words_in_its_definition() {
    let dir = tempfile::tempdir().unwrap();
    let ctl = std::fs::read_to_string(repo("checks/ctl.toml")).unwrap();
    let definition = ctl
        .replace("name = \"ctl\"", "name = \"acme\"")
        .replace("company = \"Lumen\"", "company = \"Acme Cloud\"")
        .replace(
            "team = \"the Cloud Application Manager Product team\"",
            "team = \"the Acme Portal team\"",
        )
        .replace("CAM_CloudIntegration group", "ACME_Exits queue");
    let file = dir.path().join("acme.toml");
    std::fs::write(&file, &definition).unwrap();
    let report = dir.path().join("report.json");
    let out = bare_audit(&["--reseller", file.to_str().unwrap()], &report);
    assert!(out.status.code().is_some_and(|c| c != 2), "the audit ran");
    let run = |extra: &[&str]| {
        orgexit()
            .args(["ticket", "--report", report.to_str().unwrap()])
            .args(extra)
            .output()
            .unwrap()
    };
    let with = run(&["--reseller", file.to_str().unwrap()]);
    assert_eq!(
        with.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&with.stderr)
    );
    let text = String::from_utf8(with.stdout).unwrap();
    assert!(text.starts_with("This is a request to meet with my Acme Cloud account representative and potentially a member of the Acme Portal team.\n"), "{text}");
    assert!(
        text.ends_with("\nPlease direct this ticket towards the ACME_Exits queue\n"),
        "{text}"
    );
    assert!(
        text.contains("Do you wish to continue using CAM for ALM?"),
        "{text}"
    );
    assert!(
        !text.contains("Lumen") && !text.contains("CAM_CloudIntegration"),
        "{text}"
    );

    // Not built in and not given: the definition's name, no team, no product, no routing.
    let plain = run(&[]);
    assert_eq!(plain.status.code(), Some(0));
    let text = String::from_utf8(plain.stdout).unwrap();
    assert!(
        text.starts_with("This is a request to meet with my acme account representative.\n"),
        "{text}"
    );
    assert!(
        !text.contains("Please direct") && !text.contains("continue using"),
        "{text}"
    );

    // The words of another reseller than the report's are refused, in one line.
    let wrong = run(&["--reseller", "ctl"]);
    assert_eq!(wrong.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(
        stderr.contains("\"acme\"") && stderr.trim().lines().count() == 1,
        "{stderr}"
    );

    // A [ticket] that names no product of the definition is bad input.
    std::fs::write(
        &file,
        definition.replace("keep_product = \"CAM for ALM\"", "keep_product = \"Nope\""),
    )
    .unwrap();
    let bad = run(&["--reseller", file.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("ticket.keep_product"));
}

/// The ticket's "How will you leave?" follows each account's move: `--move`, then the
/// attestation that overrides it for one account.
#[test]
fn how_they_leave_follows_the_move_of_each_account() {
    let dir = tempfile::tempdir().unwrap();
    // The demo's attestations, and a move of its own for acme-dev.
    let attestations = dir.path().join("a.toml");
    let demo = std::fs::read_to_string(repo("fixtures/demo-attestations.toml")).unwrap();
    let dev = "[accounts.\"222233334444\"]  # acme-dev\n";
    assert!(demo.contains(dev));
    std::fs::write(
        &attestations,
        demo.replace(dev, &format!("{dev}move = \"direct\"\n")),
    )
    .unwrap();
    let report = dir.path().join("report.json");
    let out = orgexit()
        .args(["audit", "--fixture"])
        .arg(repo("fixtures/demo.json"))
        .arg("--attestations")
        .arg(&attestations)
        .args(["--new-org", "o-acmenew0001", "--target-date", "2026-12-07"])
        .args([
            "--today",
            "2026-12-06",
            "--move",
            "standalone",
            "--format",
            "json",
        ])
        .arg("--output")
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = ticket(report.to_str().unwrap());
    let (fields, special) = fields(&text);
    assert_eq!(
        fields["How will you leave?"],
        "direct transfer: each accepts the new organization's invitation while still a member (no payment method or contact information of its own needed): 222233334444 (attested (move = \"direct\")); leave first and stand alone (each needs its own payment method and contact information): 111122223333, 333344445555 (--move standalone)"
    );
    // Leaving first, they need a payment method of their own again (acme-prod has one).
    assert!(
        special.iter().any(
            |l| l.starts_with("Accounts without a confirmed payment method")
                && l.ends_with(": 333344445555 (acme-staging)")
        ),
        "{special:?}"
    );
    assert!(
        special.iter().any(|l| l.starts_with(
            "Payment method per account: 111122223333 CARD active (AWS lists it); 222233334444 not needed (moves directly into o-acmenew0001, which pays); 333344445555 unknown"
        )),
        "{special:?}"
    );
}

/// Issue 25: a customer whose reseller pays its own organization's bill through a billing
/// transfer (`fixtures/billing-transfer.json`): the goal is to end the transfer, nothing
/// departs, the organization's audited accounts are listed, and "How will you leave?"
/// says to withdraw the transfer, naming it and the month end it can stop at.
#[test]
fn a_billing_transfer_customer_withdraws_the_transfer() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let out = orgexit()
        .args(["audit", "--snapshot"])
        .arg(repo("fixtures/billing-transfer.json"))
        .args(["--target-date", "2026-12-31", "--today", "2026-12-08"])
        .args(["--format", "json", "--output"])
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = ticket(report.to_str().unwrap());
    let (fields, _) = fields(&text);
    assert!(
        fields["Goal"].starts_with(
            "End the billing transfer through which Lumen pays for your own AWS Organization"
        ),
        "{text}"
    );
    assert_eq!(
        fields["Departing AWS AccountIDs"],
        "none: every account is in your own organization"
    );
    assert_eq!(
        fields["AWS AccountIDs of your own organization (they stay in it; audited)"],
        "111122223333 (acme-management), 444455556666 (acme-workloads)"
    );
    let how = &fields["How will you leave?"];
    assert!(
        how.starts_with("withdraw the billing transfer (")
            && how.contains("rt-acmebill0001")
            && how.contains("it stops at 2026-12-31 23:59:59 UTC at the earliest"),
        "{how}"
    );
    assert!(!how.contains("direct transfer"), "nothing moves: {how}");
}
