//! The ticket's *Special Considerations*: what the reseller acts on, in its words.
//!
//! - the reseller's access to remove, per account: its roles, users and groups (the
//!   marker checks), and the roles and identity providers that let it in
//!   (`iam-federation`), whether `warn` (before the cut-over) or `fail`;
//! - per account, what the move takes or leaves open: the Control Tower enrolment to end
//!   (`control-tower`), the StackSet stacks a leaving account loses unless their StackSet
//!   retains them (`stackset-stacks`), and the bucket and key policies to change
//!   (`resource-policies`);
//! - the accounts without a confirmed payment method, which cannot leave until one is
//!   added, and the payment method of each account as AWS (or an attestation) shows it;
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
use crate::checks::{
    Status, control_tower, delegated_admin, iam_federation, iam_reseller_roles,
    iam_reseller_users_groups, name_list, payment_method, resource_policies, stackset_stacks,
};
use crate::facts::Failure;
use crate::report::{AccountReport, CheckResult, Report};

/// The checks whose resources are the reseller's access by themselves.
const ACCESS_CHECKS: [(&str, &str); 2] = [
    (iam_reseller_roles::ID, "roles"),
    (iam_reseller_users_groups::ID, "users and groups"),
];
const FEDERATION: &str = iam_federation::ID;
/// `iam-federation`'s item kinds for the reseller's doors.
use crate::checks::iam_federation::{RESELLER_PROVIDER, RESELLER_TRUST};
const PAYMENT_METHOD: &str = payment_method::ID;
const DELEGATED_ADMIN: &str = delegated_admin::ID;

pub(super) fn lines(report: &Report, accounts: &[AccountReport], company: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for account in accounts {
        if let Some(access) = access_to_remove(account, company) {
            lines.push(format!(
                "{}: {company}'s access to remove: {access}",
                account.account_id
            ));
        }
    }
    for account in accounts {
        if let Some(moved) = what_the_move_takes(account) {
            lines.push(format!("{}: {moved}", account.account_id));
        }
    }
    let unpaid: Vec<&AccountReport> = accounts
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
    if let Some(payments) = payment_status(accounts) {
        lines.push(payments);
    }
    lines.extend(delegated_admins(accounts, company));
    for account in accounts {
        lines.extend(unread(account, company));
    }
    if lines.is_empty() {
        lines.push(format!(
            "none: nothing for {company} to act on in this report"
        ));
    }
    lines.push(attached(report, accounts));
    lines
}

/// "Payment method per account: 111122223333 CARD active (AWS lists it); …", from
/// `payment-method`'s items; `None` when the check did not run.
fn payment_status(accounts: &[AccountReport]) -> Option<String> {
    let per_account: Vec<(&str, String)> = accounts
        .iter()
        .filter_map(|a| {
            let check = a.checks.iter().find(|c| c.id == PAYMENT_METHOD)?;
            let of = |kind: &str| -> Vec<&crate::checks::Item> {
                check.items.iter().filter(|i| i.is(kind)).collect()
            };
            let active = of(payment_method::ACTIVE);
            let inactive = of(payment_method::INACTIVE);
            let attested = of(payment_method::ATTESTED);
            let said = if !active.is_empty() {
                let methods: Vec<&str> = active.iter().map(|i| i.principal()).collect();
                format!("{} active (AWS lists it)", methods.join(", "))
            } else if !inactive.is_empty() {
                let listed: Vec<String> = inactive
                    .iter()
                    .map(|i| format!("{} {}", i.principal(), i.reason()))
                    .collect();
                format!("none active (AWS lists {})", listed.join(", "))
            } else if let Some(direct) = of(payment_method::NOT_NEEDED).first() {
                format!(
                    "not needed (moves directly into {}, which pays)",
                    direct.principal()
                )
            } else if !of(payment_method::NONE).is_empty() {
                "none (AWS lists no payment method)".to_string()
            } else if let Some(a) = attested.first() {
                format!(
                    "attested by {} {}, AWS could not confirm it",
                    a.principal(),
                    a.reason()
                )
            } else if check.status != Status::Error && failed(check).is_some() {
                // Fallen back on the attestation, and there is none.
                "unknown (AWS did not answer, nothing attested)".to_string()
            } else {
                "not evaluated".to_string()
            };
            Some((a.account_id.as_str(), said))
        })
        .collect();
    // Accounts that say the same, said once (every account of a direct move: "not needed").
    let mut said: Vec<(&str, Vec<&str>)> = Vec::new();
    for (id, what) in &per_account {
        match said.iter_mut().find(|(w, _)| w == what) {
            Some((_, ids)) => ids.push(id),
            None => said.push((what, vec![id])),
        }
    }
    let said: Vec<String> = said
        .into_iter()
        .map(|(what, ids)| format!("{} {what}", ids.join(", ")))
        .collect();
    (!said.is_empty()).then(|| format!("Payment method per account: {}", said.join("; ")))
}

/// The accounts AWS lists as delegated administrators, for the reseller to deregister,
/// and those a member account cannot tell about, for the reseller to check.
fn delegated_admins(accounts: &[AccountReport], company: &str) -> Vec<String> {
    let with = |status: Status| -> Vec<&AccountReport> {
        accounts
            .iter()
            .filter(|a| {
                a.checks
                    .iter()
                    .any(|c| c.id == DELEGATED_ADMIN && c.status == status)
            })
            .collect()
    };
    let mut lines = Vec::new();
    let listed = with(Status::Fail);
    if !listed.is_empty() {
        let each: Vec<String> = listed
            .iter()
            .map(|a| {
                let services: Vec<&str> = a
                    .checks
                    .iter()
                    .filter(|c| c.id == DELEGATED_ADMIN)
                    .flat_map(|c| c.resources.iter().map(String::as_str))
                    .collect();
                if services.is_empty() {
                    format!("{} (attested)", a.account_id)
                } else {
                    format!("{} ({})", a.account_id, services.join(", "))
                }
            })
            .collect();
        lines.push(format!(
            "Delegated administrators for {company} to deregister (AWS refuses to let one leave): {}",
            each.join("; ")
        ));
    }
    let unknown = with(Status::Warn);
    if !unknown.is_empty() {
        lines.push(format!(
            "Please confirm these accounts are no delegated administrator of any service in your organization (a member account cannot see it; AWS refuses to let one leave): {}",
            ids(unknown.into_iter())
        ));
    }
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

/// "Control Tower enrolment to end: …; StackSet stacks it loses when it leaves, unless
/// their StackSet retains them: …; resource policies to change: …", from the items of
/// the regional checks; `None` when none of them has anything to say.
fn what_the_move_takes(account: &AccountReport) -> Option<String> {
    let items_of = |id: &str, kinds: &[&str], statuses: &[Status]| -> Vec<String> {
        account
            .checks
            .iter()
            .filter(|c| c.id == id && statuses.contains(&c.status))
            .flat_map(|c| c.items.iter())
            .filter(|i| kinds.contains(&&*i.kind))
            .map(|i| {
                let region = i.reason().split(',').next().unwrap_or_default();
                match i.principal.as_deref() {
                    Some(who) if id == resource_policies::ID => {
                        format!("{} ({region}; lets in {who})", short_name(i.resource()))
                    }
                    Some(stackset) => format!("{stackset} ({region})"),
                    None if region.is_empty() => short_name(i.resource()).to_string(),
                    None => format!("{} ({region})", short_name(i.resource())),
                }
            })
            .collect()
    };
    let open = [Status::Warn, Status::Fail];
    let parts: Vec<String> = [
        (
            "Control Tower enrolment to end",
            items_of(
                control_tower::ID,
                &[
                    control_tower::CONTROL_TOWER_ROLE,
                    control_tower::CONTROL_TOWER_STACK,
                ],
                &[Status::Fail],
            ),
        ),
        (
            "StackSet stacks it loses when it leaves, unless their StackSet retains them",
            items_of(
                stackset_stacks::ID,
                &[
                    stackset_stacks::RESELLER_STACK,
                    stackset_stacks::STACKSET_STACK,
                ],
                &open,
            ),
        ),
        (
            "resource policies to change",
            items_of(
                resource_policies::ID,
                &[resource_policies::RESELLER_DOOR],
                &open,
            ),
        ),
    ]
    .into_iter()
    .filter(|(_, names)| !names.is_empty())
    .map(|(what, names)| format!("{what}: {}", name_list(&names)))
    .collect();
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

/// "could not be read: <action> (<who must grant what>)", once per account and action,
/// from the items of the checks in `error` (their [`Failure`] kind and refused action).
fn unread(account: &AccountReport, company: &str) -> Vec<String> {
    let id = &account.account_id;
    let errors = || account.checks.iter().filter(|c| c.status == Status::Error);
    if let Some(error) = &account.error {
        let line = match errors().find_map(failed) {
            Some((failure, Some(action))) => format!(
                "{id}: could not be read at all: {action} ({})",
                who(failure, action, company)
            ),
            _ => format!(
                "{id}: could not be read at all: {}",
                crate::input::one_line(error)
            ),
        };
        return vec![line];
    }
    let mut seen = BTreeSet::new();
    errors()
        .filter_map(|c| {
            let (what, who) = match failed(c) {
                Some((failure, Some(action))) => {
                    (action.to_string(), who(failure, action, company))
                }
                Some((Failure::NotCollected, None)) => (
                    c.id.to_string(),
                    "not in the snapshot: collect it again with this check selected".to_string(),
                ),
                _ => (c.id.to_string(), crate::input::one_line(&c.summary)),
            };
            seen.insert(what.clone())
                .then(|| format!("{id}: could not be read: {what} ({who})"))
        })
        .collect()
}

/// The kind of read failure a check in `error` carries, and the refused action.
fn failed(check: &CheckResult) -> Option<(Failure, Option<&str>)> {
    check
        .items
        .iter()
        .find_map(|i| Some((Failure::from_code(&i.kind)?, i.resource.as_deref())))
}

/// Who must do what about a read that failed this way.
fn who(failure: Failure, action: &str, company: &str) -> String {
    match failure {
        Failure::DeniedByScp => format!(
            "{company}'s service control policy denies {action}: {company} must allow it to the audit role"
        ),
        Failure::Denied if action == "sts:AssumeRole" => "the audit role is missing or does not trust the account orgexit runs from: the customer creates it (`orgexit policy --trust-account`)".to_string(),
        Failure::Denied => format!(
            "the customer must grant {action} to the audit role (`orgexit policy` prints its policy)"
        ),
        Failure::Throttled | Failure::TimedOut => {
            "AWS did not answer in time: run the audit again".to_string()
        }
        Failure::Failed | Failure::NotCollected => {
            "AWS answered with an error: run the audit again; the attached report has AWS's words".to_string()
        }
    }
}

/// The closing line: which report this is, how old its facts are, and how much of the
/// catalog it covers.
fn attached(report: &Report, accounts: &[AccountReport]) -> String {
    let blocking = accounts
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

    /// A check in `error` as the engine makes it: the finding of a fact that failed.
    fn errored(id: &str, missing: crate::facts::Missing) -> CheckResult {
        let finding = crate::checks::Finding::from(missing);
        CheckResult {
            id: id.to_string().into(),
            title: "".into(),
            severity: crate::checks::Severity::High,
            status: finding.status,
            // Not read by the ticket: the items are.
            summary: "iam:Fake: AccessDenied (HTTP 403)".into(),
            resources: Vec::new(),
            remediation: "".into(),
            waived: Vec::new(),
            items: finding.items,
        }
    }

    fn account(error: Option<&str>, checks: Vec<CheckResult>) -> AccountReport {
        AccountReport {
            account_id: "111122223333".into(),
            name: None,
            ready: false,
            error: error.map(str::to_string),
            organization: None,
            moving: None,
            checks,
        }
    }

    #[test]
    fn what_could_not_be_read_says_who_must_grant_what_without_the_trace() {
        use crate::facts::Missing;
        let failed = |reason: &str| Missing::Failed(reason.to_string());
        let report = account(
            None,
            vec![
                errored(
                    "iam-reseller-roles",
                    failed(
                        "iam:ListRoles: AccessDenied (HTTP 403): User: arn:aws:sts::1:assumed-role/OrgExitAudit/x is not authorized to perform: iam:ListRoles",
                    ),
                ),
                // The same action again: said once.
                errored(
                    "iam-federation",
                    failed("iam:ListRoles: AccessDenied (HTTP 403): no"),
                ),
                errored(
                    "iam-reseller-users-groups",
                    failed(
                        "iam:ListUsers: AccessDenied (HTTP 403): User: arn:aws:sts::1:assumed-role/A/x is not authorized to perform: iam:ListUsers with an explicit deny in a service control policy",
                    ),
                ),
                errored(
                    "s3-reseller-buckets",
                    failed("s3:ListBuckets: timed out (no answer within the operation timeout)"),
                ),
                errored("root-mfa", Missing::NotCollected("the account summary")),
            ],
        );
        assert_eq!(
            unread(&report, "Resold"),
            [
                "111122223333: could not be read: iam:ListRoles (the customer must grant iam:ListRoles to the audit role (`orgexit policy` prints its policy))",
                "111122223333: could not be read: iam:ListUsers (Resold's service control policy denies iam:ListUsers: Resold must allow it to the audit role)",
                "111122223333: could not be read: s3:ListBuckets (AWS did not answer in time: run the audit again)",
                "111122223333: could not be read: root-mfa (not in the snapshot: collect it again with this check selected)",
            ]
        );

        let assume = "cannot assume arn:aws:iam::111122223333:role/OrgExitAudit: sts:AssumeRole: AccessDenied (HTTP 403): no";
        let unreachable = account(
            Some(assume),
            vec![errored("org-membership", Missing::Account(assume.into()))],
        );
        let lines = unread(&unreachable, "Resold");
        assert_eq!(lines.len(), 1);
        assert!(
            lines[0].starts_with(
                "111122223333: could not be read at all: sts:AssumeRole (the audit role is missing"
            ),
            "{lines:?}"
        );
        let gone = "the account is not in the snapshot";
        let absent = account(
            Some(gone),
            vec![errored("org-membership", Missing::Account(gone.into()))],
        );
        assert_eq!(
            unread(&absent, "Resold"),
            ["111122223333: could not be read at all: the account is not in the snapshot"]
        );
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
