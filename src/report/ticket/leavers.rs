//! The ticket's two lines about who removes the accounts, from `leave-permission`: an
//! account with a leaver named leaves by itself ("your company"); one without is removed
//! by the reseller. The leavers are the AWS users (or roles) needing permissions, each
//! with what the simulation said.

use std::collections::BTreeMap;

use super::{BLANK, has_left};
use crate::report::AccountReport;

use crate::checks::leave_permission::{
    ACCEPT_ALLOWED, ACCEPT_DENIED_BY_IAM, ACCEPT_DENIED_BY_SCP, ALLOWED, DENIED_BY_IAM,
    DENIED_BY_SCP, ID as LEAVE_PERMISSION, NO_SUCH_PRINCIPAL, RESELLER_REMOVES,
};
use crate::facts::{ACCEPT_ACTION, LEAVE_ACTION};

/// `leave-permission`'s item kinds: per simulated action, allowed, denied by the SCP,
/// denied by IAM.
const ACTIONS: [(&str, [&str; 3]); 2] = [
    (LEAVE_ACTION, [ALLOWED, DENIED_BY_SCP, DENIED_BY_IAM]),
    (
        ACCEPT_ACTION,
        [ACCEPT_ALLOWED, ACCEPT_DENIED_BY_SCP, ACCEPT_DENIED_BY_IAM],
    ),
];

/// What `leave-permission` said of an account still to leave: who removes it, and the
/// leaver with its verdict; `None` when the check did not run or could not say.
fn leaving(account: &AccountReport, company: &str) -> Option<(bool, Option<String>)> {
    let check = account.checks.iter().find(|c| c.id == LEAVE_PERMISSION)?;
    let item = check.items.first()?;
    if item.is(RESELLER_REMOVES) {
        return Some((false, None));
    }
    // The actions simulated, and those denied by the SCP and by IAM.
    let (mut simulated, mut by_scp, mut by_iam) = (Vec::new(), Vec::new(), Vec::new());
    for (action, [allowed, scp, iam]) in ACTIONS {
        for i in &check.items {
            if i.is(allowed) {
                simulated.push(action);
            } else if i.is(scp) {
                by_scp.push(action);
            } else if i.is(iam) {
                by_iam.push(action);
            }
        }
    }
    let verdict = if item.is(NO_SUCH_PRINCIPAL) {
        "does not exist in the account".to_string()
    } else if by_scp.is_empty() && by_iam.is_empty() {
        if simulated.is_empty() {
            return None;
        }
        if simulated.len() > 1 {
            "may leave and accept the invitation".to_string()
        } else {
            "may leave".to_string()
        }
    } else {
        let mut said = Vec::new();
        if !by_scp.is_empty() {
            said.push(format!(
                "{company}'s service control policy denies it {}: {company} must exempt it",
                by_scp.join(" and ")
            ));
        }
        if !by_iam.is_empty() {
            said.push(format!(
                "its IAM policies do not allow {} yet",
                by_iam.join(" and ")
            ));
        }
        said.join("; ")
    };
    let name = short(item.principal());
    Some((
        true,
        Some(format!("{name} in {} ({verdict})", account.account_id)),
    ))
}

/// `arn:aws:iam::1:role/Admin` → `role/Admin`.
fn short(arn: &str) -> &str {
    arn.strip_prefix("arn:")
        .and_then(|rest| rest.splitn(5, ':').nth(4))
        .unwrap_or(arn)
}

/// "Who do you want to handle removing your member accounts…": the company, the
/// reseller, or both with their accounts; a blank for what the report does not say.
pub(super) fn who_removes(accounts: &[AccountReport], company: &str) -> String {
    let mut by: BTreeMap<bool, Vec<&str>> = BTreeMap::new();
    let mut unknown = Vec::new();
    for account in accounts.iter().filter(|a| !has_left(a)) {
        match leaving(account, company) {
            Some((ours, _)) => by.entry(ours).or_default().push(&account.account_id),
            None => unknown.push(account.account_id.as_str()),
        }
    }
    let mut text = match (by.get(&true), by.get(&false)) {
        (None, None) => BLANK.to_string(),
        (Some(_), None) => "your company".to_string(),
        (None, Some(_)) => company.to_string(),
        (Some(ours), Some(theirs)) => format!(
            "your company for {}; {company} for {}",
            ours.join(", "),
            theirs.join(", ")
        ),
    };
    if !unknown.is_empty() && !by.is_empty() {
        text.push_str(&format!(
            " ({LEAVE_PERMISSION} not evaluated for {}: fill in)",
            unknown.join(", ")
        ));
    }
    text
}

/// "If your company, identify any AWS Users needing permissions": each leaver with what
/// the simulation said; a blank when no leaver is named.
pub(super) fn leavers(accounts: &[AccountReport], company: &str) -> String {
    let named: Vec<String> = accounts
        .iter()
        .filter(|a| !has_left(a))
        .filter_map(|a| leaving(a, company)?.1)
        .collect();
    if named.is_empty() {
        BLANK.to_string()
    } else {
        named.join("; ")
    }
}
