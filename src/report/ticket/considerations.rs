//! The ticket's *Special Considerations*: what the reseller acts on, in its words.
//!
//! - the reseller's access to remove, per account: its roles, users and groups (the
//!   marker checks), and the roles and identity providers that let it in
//!   (`iam-federation`), whether `warn` (before the cut-over) or `fail`;
//! - the accounts without a confirmed payment method, which cannot leave until one is
//!   added;
//! - what could not be read, as "could not be read: <action> (<who must grant what>)",
//!   never the raw AccessDenied trace;
//! - the attached report: phase, readiness, the snapshot's age and, for a partial audit,
//!   which checks ran.
//!
//! The customer's own findings (billing contact, root MFA, buckets…) are in the attached
//! report, not here.

use std::collections::BTreeSet;
use std::fmt::Write;

use super::ids;
use crate::checks::{Status, name_list};
use crate::report::{AccountReport, CheckResult, Report};

/// The checks whose resources are the reseller's access by themselves.
const ACCESS_CHECKS: [(&str, &str); 2] = [
    ("iam-reseller-roles", "roles"),
    ("iam-reseller-users-groups", "users and groups"),
];
const FEDERATION: &str = "iam-federation";
/// `iam-federation`'s item kinds for the reseller's doors.
const RESELLER_TRUST: &str = "reseller-trust";
const RESELLER_PROVIDER: &str = "reseller-provider";
const PAYMENT_METHOD: &str = "payment-method";

pub(super) fn lines(report: &Report, company: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for account in &report.accounts {
        if let Some(access) = access_to_remove(account, company) {
            lines.push(format!(
                "{}: {company}'s access to remove: {access}",
                account.account_id
            ));
        }
    }
    let unpaid: Vec<&AccountReport> = report
        .accounts
        .iter()
        .filter(|a| {
            a.checks.iter().any(|c| {
                c.id == PAYMENT_METHOD && matches!(c.status, Status::Fail | Status::Manual)
            })
        })
        .collect();
    if !unpaid.is_empty() {
        lines.push(format!(
            "Accounts without a confirmed payment method (each needs one before it can leave the organization): {}",
            ids(unpaid.into_iter())
        ));
    }
    for account in &report.accounts {
        lines.extend(unread(account, company));
    }
    if lines.is_empty() {
        lines.push(format!(
            "none: nothing for {company} to act on in this report"
        ));
    }
    lines.push(attached(report));
    lines
}

/// "roles CTL-Admin; users and groups ctl-operator, CTLAdmins; roles that let <company>
/// in: …; <company>'s identity providers: …", or `None` when nothing is left.
fn access_to_remove(account: &AccountReport, company: &str) -> Option<String> {
    let leftover = |c: &&CheckResult| matches!(c.status, Status::Warn | Status::Fail);
    let mut parts = Vec::new();
    for (id, what) in ACCESS_CHECKS {
        let names: Vec<&str> = account
            .checks
            .iter()
            .filter(|c| c.id == id)
            .filter(leftover)
            .flat_map(|c| c.resources.iter().map(|r| short_name(r)))
            .collect();
        if !names.is_empty() {
            parts.push(format!("{what} {}", names.join(", ")));
        }
    }
    if let Some(federation) = account
        .checks
        .iter()
        .filter(|c| c.id == FEDERATION)
        .find(leftover)
    {
        parts.extend(reseller_doors(federation, company));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// `iam-federation`'s items that are the reseller's doors (roles that let it in, its
/// identity providers), in the reseller's words; its other items (outside accounts to
/// review, what was kept by waiver) are not the reseller's to act on.
fn reseller_doors(federation: &CheckResult, company: &str) -> Vec<String> {
    let doors = [
        (RESELLER_TRUST, format!("roles that let {company} in")),
        (RESELLER_PROVIDER, format!("{company}'s identity providers")),
    ];
    doors
        .into_iter()
        .filter_map(|(kind, what)| {
            let names: Vec<String> = federation
                .items
                .iter()
                .filter(|i| i.is(kind))
                .map(|i| format!("{} ({})", i.resource(), i.principal()))
                .collect();
            (!names.is_empty()).then(|| format!("{what}: {}", name_list(&names)))
        })
        .collect()
}

/// `arn:aws:iam::1:role/path/CTL-Admin` → `role/path/CTL-Admin`; anything else as it is.
fn short_name(resource: &str) -> &str {
    match resource.strip_prefix("arn:") {
        Some(rest) => rest.splitn(5, ':').nth(4).unwrap_or(resource),
        None => resource,
    }
}

/// "could not be read: <action> (<who must grant what>)", once per account and action.
fn unread(account: &AccountReport, company: &str) -> Vec<String> {
    let id = &account.account_id;
    if let Some(error) = &account.error {
        let line = match cause(error, company) {
            (what, why) if what == UNKNOWN => format!("{id}: could not be read at all: {why}"),
            (what, who) => format!("{id}: could not be read at all: {what} ({who})"),
        };
        return vec![line];
    }
    let mut seen = BTreeSet::new();
    account
        .checks
        .iter()
        .filter(|c| c.status == Status::Error)
        .filter_map(|c| {
            let (what, who) = cause(&c.summary, company);
            let what = if what == UNKNOWN {
                c.id.to_string()
            } else {
                what
            };
            seen.insert(what.clone())
                .then(|| format!("{id}: could not be read: {what} ({who})"))
        })
        .collect()
}

const UNKNOWN: &str = "";

/// What could not be read (the IAM action the reason names, e.g. `iam:ListRoles`) and who
/// must do what about it, from an `error` reason as orgexit words it
/// ("iam:ListRoles: AccessDenied (HTTP 403): …").
fn cause(reason: &str, company: &str) -> (String, String) {
    let action = reason
        .split_whitespace()
        .map(|w| w.trim_end_matches([':', ',', ';']))
        .find(|w| is_action(w));
    let Some(action) = action else {
        return (UNKNOWN.to_string(), crate::plan::one_line(reason));
    };
    let denied = ["AccessDenied", "not authorized", "HTTP 403"]
        .iter()
        .any(|sign| reason.contains(sign));
    let who = if reason.contains("service control policy") {
        format!(
            "{company}'s service control policy denies {action}: {company} must allow it to the audit role"
        )
    } else if denied && action == "sts:AssumeRole" {
        "the audit role is missing or does not trust the account orgexit runs from: the customer creates it (`orgexit policy --trust-account`)".to_string()
    } else if denied {
        format!(
            "the customer must grant {action} to the audit role (`orgexit policy` prints its policy)"
        )
    } else {
        "AWS did not answer in time or failed: run the audit again".to_string()
    };
    (action.to_string(), who)
}

/// `iam:ListRoles`, `organizations:ListHandshakesForAccount`: a service prefix, then an
/// operation name.
fn is_action(word: &str) -> bool {
    let Some((service, operation)) = word.split_once(':') else {
        return false;
    };
    !service.is_empty()
        && service
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && operation.starts_with(|c: char| c.is_ascii_uppercase())
        && operation.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The closing line: which report this is, how old its facts are, and how much of the
/// catalog it covers.
fn attached(report: &Report) -> String {
    let blocking = report
        .accounts
        .iter()
        .flat_map(|a| &a.checks)
        .filter(|c| c.status.blocks())
        .count();
    let mut line = format!(
        "orgexit report attached: phase {}, {} of {} accounts ready ({blocking} blocking findings in all), generated {} by orgexit {}",
        report.phase.as_str(),
        report.summary.ready_accounts,
        report.summary.accounts,
        report.generated_at_text(),
        report.version
    );
    if let Some(snapshot) = report.snapshot_text() {
        let _ = write!(line, "; facts from {snapshot}");
    }
    if let Some(selection) = report.selection_text() {
        let _ = write!(line, "; not a full audit: only {selection}");
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_say_who_must_grant_what_without_the_trace() {
        let cases = [
            (
                "iam:ListRoles: AccessDenied (HTTP 403): User: arn:aws:sts::1:assumed-role/OrgExitAudit/x is not authorized to perform: iam:ListRoles",
                "iam:ListRoles",
                "the customer must grant iam:ListRoles to the audit role",
            ),
            (
                "iam:ListUsers: AccessDenied (HTTP 403): User: arn:aws:sts::1:assumed-role/A/x is not authorized to perform: iam:ListUsers with an explicit deny in a service control policy",
                "iam:ListUsers",
                "Resold's service control policy denies iam:ListUsers",
            ),
            (
                "cannot assume arn:aws:iam::1:role/OrgExitAudit: sts:AssumeRole: AccessDenied (HTTP 403): no",
                "sts:AssumeRole",
                "the audit role is missing",
            ),
            (
                "s3:ListBuckets: timed out (no answer within the operation timeout)",
                "s3:ListBuckets",
                "run the audit again",
            ),
            (
                "the account is not in the snapshot",
                UNKNOWN,
                "the account is not in the snapshot",
            ),
        ];
        for (reason, what, who) in cases {
            let (got_what, got_who) = cause(reason, "Resold");
            assert_eq!(got_what, what, "{reason}");
            assert!(got_who.contains(who), "{reason}: {got_who}");
            assert!(!got_who.contains("arn:aws:sts"), "no trace: {got_who}");
        }
    }

    #[test]
    fn only_the_resellers_doors_of_the_federation_items() {
        use crate::checks::{Item, Severity};
        let federation = CheckResult {
            id: FEDERATION.into(),
            title: "".into(),
            severity: Severity::Critical,
            status: Status::Fail,
            // The summary is not read: what it says here is not what the ticket says.
            summary: "1 role lets the reseller in: Fake (1)".into(),
            resources: Vec::new(),
            remediation: "".into(),
            waived: Vec::new(),
            items: vec![
                Item::new(RESELLER_TRUST, "CTL-Admin").with_principal("999988887777"),
                Item::new(RESELLER_TRUST, "OrganizationAccountAccessRole")
                    .with_principal("999988887777"),
                Item::new(RESELLER_PROVIDER, "CTL-SSO").with_principal("CTL"),
                Item::new("outside-trust", "PartnerAudit").with_principal("210987654321"),
                Item::new("waived", "CTL-Keep").with_reason("x; 1 role lets the reseller in: fake"),
            ],
        };
        assert_eq!(
            reseller_doors(&federation, "Resold"),
            [
                "roles that let Resold in: CTL-Admin (999988887777), OrganizationAccountAccessRole (999988887777)",
                "Resold's identity providers: CTL-SSO (CTL)",
            ]
        );
        assert_eq!(
            short_name("arn:aws:iam::1:role/ops/CTL-Admin"),
            "role/ops/CTL-Admin"
        );
        assert_eq!(
            short_name("arn:aws-cn:iam::1:oidc-provider/auth.ctl.io/realms/cam"),
            "oidc-provider/auth.ctl.io/realms/cam"
        );
        assert_eq!(short_name("CTL-Admin"), "CTL-Admin");
    }
}
