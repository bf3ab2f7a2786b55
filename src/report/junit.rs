//! `--format junit`: the report as standard JUnit XML, for the test report views of CI
//! systems (GitLab `artifacts:reports:junit`, Jenkins `junit`, GitHub test reporters).
//!
//! One test suite per account (named by its ID), one test case per check (named by its
//! id, classname `orgexit.<account>`). `fail` and `manual` are failures, `error` is an
//! error, `skipped` is skipped; `warn` passes with its summary in system-out, so a
//! warning is visible without breaking the build.

use quick_junit::{NonSuccessKind, Property, TestCase, TestCaseStatus, TestSuite};

use super::{AccountReport, CheckResult, Report};
use crate::checks::Status;

pub(crate) fn render(report: &Report) -> String {
    let mut junit = quick_junit::Report::new("orgexit");
    let at = report.generated_at;
    let timestamp = chrono::DateTime::from_timestamp(at.unix_timestamp(), at.nanosecond())
        .map(|utc| utc.fixed_offset());
    if let Some(timestamp) = timestamp {
        junit.set_timestamp(timestamp);
    }
    for account in &report.accounts {
        let mut suite = suite(report, &account);
        if let Some(timestamp) = timestamp {
            suite.set_timestamp(timestamp);
        }
        junit.add_test_suite(suite);
    }
    let mut text = junit
        .to_string()
        .expect("writing XML to a string cannot fail");
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

fn suite(report: &Report, account: &AccountReport) -> TestSuite {
    // "111122223333 (prod)": a CI view lists suites by name, and a person knows the name.
    let mut suite = TestSuite::new(account.label());
    let mut properties = vec![
        Property::new("phase", report.phase.as_str()),
        Property::new("reseller", report.reseller.as_str()),
        Property::new("ready", account.ready.to_string()),
    ];
    if let Some(name) = &account.name {
        // The suite keeps the ID as its name, which CI test views track across runs.
        properties.push(Property::new("account_name", name.as_str()));
    }
    if let Some(moving) = &account.moving {
        properties.push(Property::new("move", moving.kind.as_str()));
        properties.push(Property::new("move_why", moving.why.as_str()));
    }
    if let Some(date) = &report.target_date {
        properties.push(Property::new("target_date", date.as_str()));
    }
    if let Some(org) = &report.new_org {
        properties.push(Property::new("new_org", org.as_str()));
    }
    if report.partial_selection() {
        properties.push(Property::new(
            "selected_checks",
            report.selected_checks.join(","),
        ));
    }
    if let Some(at) = report
        .snapshot
        .as_ref()
        .and_then(|s| s.collected_at.as_deref())
    {
        properties.push(Property::new("snapshot_collected_at", at));
    }
    suite.add_properties(properties);
    if let Some(error) = &account.error {
        suite.set_system_err(format!("the account could not be audited: {error}"));
    }
    let classname = format!("orgexit.{}", account.account_id);
    for check in &account.checks {
        let mut case = TestCase::new(&*check.id, status(check));
        case.set_classname(classname.as_str());
        if check.status == Status::Warn {
            case.set_system_out(format!("warn: {}", check.summary));
        }
        suite.add_test_case(case);
    }
    suite
}

fn status(check: &CheckResult) -> TestCaseStatus {
    let kind = match check.status {
        Status::Pass | Status::Warn => return TestCaseStatus::success(),
        Status::Skipped => {
            let mut status = TestCaseStatus::skipped();
            status.set_message(check.summary.as_str());
            return status;
        }
        Status::Fail | Status::Manual => NonSuccessKind::Failure,
        Status::Error => NonSuccessKind::Error,
    };
    let mut status = TestCaseStatus::non_success(kind);
    status
        .set_message(check.summary.as_str())
        .set_type(check.status.as_str())
        .set_description(details(check));
    status
}

/// The body of a failure or error: what, which resources, how to fix.
fn details(check: &CheckResult) -> String {
    let mut text = format!(
        "{} ({}, severity {}): {}\n",
        check.title,
        check.status.as_str(),
        check.severity.as_str(),
        check.summary
    );
    if !check.resources.is_empty() {
        text.push_str("\nResources:\n");
        for resource in &check.resources {
            text.push_str("  ");
            text.push_str(resource);
            text.push('\n');
        }
    }
    if !check.remediation.is_empty() {
        text.push_str("\nHow to fix: ");
        text.push_str(&check.remediation);
        text.push('\n');
    }
    text.push_str(&format!("More: orgexit explain {}\n", check.id));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_timestamp_is_the_reports_typed_time() {
        let report: Report = serde_json::from_value(serde_json::json!({
            "schema_version": 1, "tool": "orgexit", "version": "0", "phase": "pre",
            "generated_at": "2026-11-24T09:30:00Z", "reseller": "ctl", "ready": false,
            "summary": {"accounts": 0, "ready_accounts": 0, "pass": 0, "fail": 0, "warn": 0,
                        "manual": 0, "error": 0, "skipped": 0},
            "accounts": []
        }))
        .unwrap();
        assert_eq!(
            report.generated_at,
            time::macros::datetime!(2026-11-24 09:30 UTC)
        );
        assert_eq!(report.generated_at_text(), "2026-11-24T09:30:00Z");
        let xml = render(&report);
        assert!(xml.contains("timestamp=\"2026-11-24T09:30:00"), "{xml}");
    }
}
