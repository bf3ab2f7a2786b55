//! `orgexit ticket`: the departure support ticket of the reseller's wiki ("Partner Cloud:
//! AWS Customers Leaving Lumen", Ticket Information), filled from a JSON report.
//!
//! What the report knows is filled in: the goal, the target date, the departing accounts,
//! the accounts whose root credentials nobody has attested, whether a reseller resource
//! is kept by waiver (the sign of going on with CAM for ALM) and every blocking finding.
//! What only a person knows (the account representative, how root credentials are
//! delivered, who removes the accounts) stays a visible blank, [`BLANK`].

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{AccountReport, Report};
use crate::checks::Phase;

/// What the customer still has to fill in.
pub const BLANK: &str = "________";

/// The check whose `pass` means someone attested access to the account's root user.
const ROOT_CREDENTIALS: &str = "root-credentials";

/// How the ticket names the reseller: the company, not the definition's short name.
fn company(reseller: &str) -> String {
    match reseller {
        // CenturyLink was renamed Lumen; the current wiki page and ticket say Lumen.
        "ctl" => "Lumen".to_string(),
        other => other.to_string(),
    }
}

pub fn render(report: &Report) -> String {
    let company = company(&report.reseller);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "This is a request to meet with my {company} account representative and potentially a member of the Cloud Application Manager Product team.\n"
    );
    let field = |out: &mut String, label: &str, value: &str| {
        let _ = writeln!(out, "{label}: {value}");
    };
    field(&mut out, "Goal", &goal(report, &company));
    field(
        &mut out,
        "Target Date",
        report.target_date.as_deref().unwrap_or(BLANK),
    );
    field(
        &mut out,
        &format!("{company} account representative"),
        BLANK,
    );
    field(&mut out, "Departing AWS AccountIDs", &departing(report));
    field(
        &mut out,
        "AWS AccountIDs to which you currently do not have root access",
        &without_root(report),
    );
    field(
        &mut out,
        "Secure method of delivering root credentials to you",
        BLANK,
    );
    field(
        &mut out,
        &format!(
            "Who do you want to handle removing your member accounts from our AWS organization? ({company} or your company)"
        ),
        BLANK,
    );
    field(
        &mut out,
        "If your company, identify any AWS Users needing permissions",
        BLANK,
    );
    field(
        &mut out,
        "Do you wish to continue using CAM for ALM?",
        &cam_for_alm(report),
    );
    out.push_str("Special Considerations:\n");
    for line in special_considerations(report) {
        let _ = writeln!(out, "- {line}");
    }
    if report.reseller == "ctl" {
        out.push_str("\nPlease direct this ticket towards the CAM_CloudIntegration group\n");
    }
    out
}

fn goal(report: &Report, company: &str) -> String {
    let n = report.accounts.len();
    let accounts = if n == 1 {
        "1 AWS account".to_string()
    } else {
        format!("{n} AWS accounts")
    };
    let join = report
        .new_org
        .as_deref()
        .map(|org| format!(" and join the AWS Organization {org}"))
        .unwrap_or_default();
    match report.phase {
        Phase::Pre => format!(
            "Move {accounts} out of the {company}-governed AWS Organization{join}, take over their root credentials and remove {company} access"
        ),
        Phase::Post => format!(
            "Complete the departure of {accounts} from the {company}-governed AWS Organization{join}: remove what {company} left behind"
        ),
    }
}

fn departing(report: &Report) -> String {
    if report.accounts.is_empty() {
        return BLANK.to_string();
    }
    ids(report.accounts.iter())
}

fn ids<'a>(accounts: impl Iterator<Item = &'a AccountReport>) -> String {
    accounts
        .map(|a| a.account_id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Accounts whose `root-credentials` check is not `pass`; accounts where it did not run
/// are unknown, so they are said apart rather than guessed.
fn without_root(report: &Report) -> String {
    let status = |a: &AccountReport| {
        a.checks
            .iter()
            .find(|c| c.id == ROOT_CREDENTIALS)
            .map(|c| c.status)
    };
    let without: Vec<&AccountReport> = report
        .accounts
        .iter()
        .filter(|a| status(a).is_some_and(|s| s != crate::checks::Status::Pass))
        .collect();
    let unchecked: Vec<&AccountReport> = report
        .accounts
        .iter()
        .filter(|a| status(a).is_none())
        .collect();
    let mut text = if without.is_empty() {
        if unchecked.len() == report.accounts.len() {
            BLANK.to_string()
        } else {
            "none".to_string()
        }
    } else {
        ids(without.into_iter())
    };
    if !unchecked.is_empty() {
        let _ = write!(
            text,
            " ({ROOT_CREDENTIALS} not checked for {}: fill in)",
            ids(unchecked.into_iter())
        );
    }
    text
}

/// Yes when the report shows a reseller resource kept by a `keep` waiver (the CAM
/// provider policy is kept to go on using CAM for ALM), naming the waivers; a blank
/// otherwise, since no waiver does not mean no CAM.
fn cam_for_alm(report: &Report) -> String {
    // name → (reason, accounts), so one waiver in many accounts is one line.
    let mut kept: BTreeMap<(String, String), Vec<&str>> = BTreeMap::new();
    let mut in_summaries = false;
    for account in &report.accounts {
        for check in &account.checks {
            for waived in &check.waived {
                let accounts = kept
                    .entry((waived.name.clone(), waived.reason.clone()))
                    .or_default();
                if !accounts.contains(&account.account_id.as_str()) {
                    accounts.push(&account.account_id);
                }
            }
            // Reports written before `waived` existed say it only in the summary.
            in_summaries |= check.summary.contains("kept by waiver");
        }
    }
    if kept.is_empty() {
        return if in_summaries {
            "yes (the report shows resources kept by waiver)".to_string()
        } else {
            format!("{BLANK} (no reseller resource is kept by waiver in this report)")
        };
    }
    let kept: Vec<String> = kept
        .into_iter()
        .map(|((name, reason), accounts)| format!("{name} in {} ({reason})", accounts.join(", ")))
        .collect();
    format!("yes, keeping {}", kept.join("; "))
}

/// One line per blocking finding; an account that could not be audited is one line.
fn special_considerations(report: &Report) -> Vec<String> {
    let mut lines = Vec::new();
    for account in &report.accounts {
        if let Some(error) = &account.error {
            lines.push(format!(
                "{}: could not be audited ({}); all {} checks are error",
                account.account_id,
                one_line(error),
                account.checks.len()
            ));
            continue;
        }
        for check in account.checks.iter().filter(|c| c.status.blocks()) {
            lines.push(format!(
                "{} {} ({}): {}",
                account.account_id,
                check.id,
                check.status.as_str(),
                one_line(&check.summary)
            ));
        }
    }
    if lines.is_empty() {
        lines.push("none: no check blocks the departure".to_string());
    }
    let mut attached = format!(
        "orgexit report attached: phase {}, {} of {} accounts ready, generated {} by orgexit {}",
        report.phase.as_str(),
        report.summary.ready_accounts,
        report.summary.accounts,
        report.generated_at,
        report.version
    );
    if let Some(snapshot) = report.snapshot_text() {
        let _ = write!(attached, "; facts from {snapshot}");
    }
    if let Some(selection) = report.selection_text() {
        let _ = write!(attached, "; not a full audit: only {selection}");
    }
    lines.push(attached);
    lines
}

fn one_line(text: &str) -> String {
    crate::plan::one_line(text)
}
