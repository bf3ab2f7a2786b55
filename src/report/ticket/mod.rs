//! `orgexit ticket`: the departure support ticket of the reseller's wiki (its Ticket
//! Information), filled from a JSON report, in the words of the reseller definition's
//! `[ticket]` table ([`TicketWords`]: how customers know the reseller, the team to meet,
//! the product to keep, the routing line).
//!
//! The ticket says only what the report supports. Filled in: the goal, the target date,
//! the departing accounts (those that already left are listed apart), the accounts whose
//! root-credentials check ran and found no attestation, who removes the accounts and the
//! leavers needing permissions ([`leavers`], from `leave-permission`), whether the customer keeps CAM
//! for ALM (only from a waiver on a resource the reseller definition names for it), and
//! under *Special Considerations* what the reseller acts on ([`considerations`]). What
//! only a person knows (the account representative, how root credentials are delivered,
//! who removes the accounts when no leaver is named), and whatever the report cannot tell, stays a visible blank,
//! [`BLANK`], with what is unknown said next to it.

mod considerations;
mod leavers;

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{AccountReport, OrgOwner, Report};
use crate::checks::{Phase, Status};
use crate::reseller::{Reseller, TicketWords};

/// What the customer still has to fill in.
pub(crate) const BLANK: &str = "________";

/// The check whose `pass` means someone attested access to the account's root user.
const ROOT_CREDENTIALS: &str = crate::checks::root_credentials::ID;

/// The reseller's words for a report: its built-in definition's `[ticket]`, or just its
/// name for a definition that is not built in.
pub(crate) fn words_for(report: &Report) -> TicketWords {
    Reseller::built_in(&report.reseller)
        .map(|r| r.ticket)
        .unwrap_or_else(|| TicketWords::plain(&report.reseller))
}

/// The ticket; `since`: the comparison with an earlier report (`ticket --since`), whose
/// fixes and regressions the ticket lists before the routing line.
pub(crate) fn render(
    report: &Report,
    words: &TicketWords,
    since: Option<&super::diff::Diff>,
) -> String {
    // A ticket is for people, about a handful of accounts: they are unpacked once, together.
    let accounts: Vec<AccountReport> = report.accounts.iter().collect();
    let accounts = accounts.as_slice();
    let company = words.company.as_str();
    let mut out = String::new();
    let team = words
        .team
        .as_deref()
        .map(|team| format!(" and potentially a member of {team}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "This is a request to meet with my {company} account representative{team}.\n"
    );
    let field = |out: &mut String, label: &str, value: &str| {
        let _ = writeln!(out, "{label}: {value}");
    };
    field(&mut out, "Goal", &goal(report, accounts, company));
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
    let (departing, departed) = departing(accounts);
    field(&mut out, "Departing AWS AccountIDs", &departing);
    if let Some(departed) = departed {
        field(
            &mut out,
            "AWS AccountIDs that already left (not departing)",
            &departed,
        );
    }
    let own: Vec<&AccountReport> = accounts.iter().filter(|a| in_own_org(a)).collect();
    if !own.is_empty() {
        field(
            &mut out,
            "AWS AccountIDs of your own organization (they stay in it; audited)",
            &ids(own.into_iter()),
        );
    }
    field(&mut out, "How will you leave?", &how_they_leave(accounts));
    field(
        &mut out,
        "AWS AccountIDs to which you currently do not have root access",
        &without_root(accounts),
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
        &leavers::who_removes(accounts, company),
    );
    field(
        &mut out,
        "If your company, identify any AWS Users needing permissions",
        &leavers::leavers(accounts, company),
    );
    if let Some(product) = &words.keep_product {
        field(
            &mut out,
            &format!("Do you wish to continue using {product}?"),
            &kept_product(accounts, product),
        );
    }
    out.push_str("Special Considerations:\n");
    for line in considerations::lines(report, accounts, company) {
        let _ = writeln!(out, "- {line}");
    }
    if let Some(diff) = since {
        let _ = writeln!(out, "Progress since {}:", diff.old.generated_at);
        for line in diff.ticket_lines() {
            let _ = writeln!(out, "- {line}");
        }
    }
    if let Some(routing) = &words.routing {
        let _ = writeln!(out, "\n{routing}");
    }
    out
}

/// Each move and the accounts that take it, with why: "direct transfer into o-… (accept
/// its invitation while still a member): 222233334444 (default with --new-org…)".
fn how_they_leave(accounts: &[AccountReport]) -> String {
    use std::collections::BTreeMap;
    let mut by_move: BTreeMap<(&'static str, &str), Vec<&str>> = BTreeMap::new();
    for account in accounts.iter().filter(|a| !has_left(a) && !in_own_org(a)) {
        let Some(moving) = &account.moving else {
            continue;
        };
        let how = match moving.kind {
            crate::attestations::MoveKind::Direct => {
                "direct transfer: each accepts the new organization's invitation while still a member (no payment method or contact information of its own needed)"
            }
            crate::attestations::MoveKind::Standalone => {
                "leave first and stand alone (each needs its own payment method and contact information)"
            }
        };
        by_move
            .entry((how, moving.why.as_str()))
            .or_default()
            .push(account.account_id.as_str());
    }
    let mut ways: Vec<String> = billing_transfers(accounts)
        .into_iter()
        .map(|summary| format!("withdraw the billing transfer ({summary})"))
        .collect();
    ways.extend(
        by_move
            .into_iter()
            .map(|((how, why), ids)| format!("{how}: {} ({why})", ids.join(", "))),
    );
    if ways.is_empty() {
        return BLANK.to_string();
    }
    ways.join("; ")
}

/// Whether the report shows the account out of the reseller's organization already:
/// standalone, or in the new one. Unknown (not read, or a report from before orgexit
/// said) counts as departing.
fn has_left(account: &AccountReport) -> bool {
    account
        .organization
        .as_ref()
        .is_some_and(|o| matches!(o.owner, OrgOwner::None | OrgOwner::New))
}

/// Whether the account is in the customer's own organization (its management account is
/// audited too): it does not move; a reseller that pays its bill does so through a
/// billing transfer.
fn in_own_org(account: &AccountReport) -> bool {
    account
        .organization
        .as_ref()
        .is_some_and(|o| o.owner == OrgOwner::Own)
}

/// What the management accounts' `billing-transfer` says of a reseller's transfer still
/// to end (fail) or asked for (warn), one summary each.
fn billing_transfers(accounts: &[AccountReport]) -> Vec<String> {
    accounts
        .iter()
        .flat_map(|a| a.checks.iter())
        .filter(|c| {
            c.id == crate::checks::billing_transfer::ID
                && matches!(c.status, Status::Fail | Status::Warn)
        })
        .map(|c| c.summary.clone())
        .collect()
}

fn goal(report: &Report, accounts: &[AccountReport], company: &str) -> String {
    if !accounts.is_empty() && accounts.iter().all(in_own_org) {
        return format!(
            "End the billing transfer through which {company} pays for your own AWS Organization, take over the root credentials of its {} and remove {company} access",
            if accounts.len() == 1 {
                "1 AWS account".to_string()
            } else {
                format!("{} AWS accounts", accounts.len())
            }
        );
    }
    let departing = accounts
        .iter()
        .filter(|a| !has_left(a) && !in_own_org(a))
        .count();
    // Before the cut-over the goal is the accounts still to move; after it, all of them.
    let n = match report.phase {
        Phase::Pre if departing > 0 => departing,
        _ => accounts.len(),
    };
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

/// The accounts still to leave, and apart from them those that already left (with where
/// they are), when there are any.
fn departing(accounts: &[AccountReport]) -> (String, Option<String>) {
    if accounts.is_empty() {
        return (BLANK.to_string(), None);
    }
    let (left, staying): (Vec<&AccountReport>, Vec<&AccountReport>) = accounts
        .iter()
        .filter(|a| !in_own_org(a))
        .partition(|a| has_left(a));
    let departing = if staying.is_empty() && left.is_empty() {
        "none: every account is in your own organization".to_string()
    } else if staying.is_empty() {
        "none: every account has left".to_string()
    } else {
        ids(staying.into_iter())
    };
    let departed = (!left.is_empty()).then(|| {
        left.iter()
            .map(|a| {
                let place = match a.organization.as_ref().map(|o| (o.owner, o.id.as_deref())) {
                    Some((OrgOwner::New, Some(id))) => format!("in the new organization {id}"),
                    _ => "standalone".to_string(),
                };
                format!("{} ({place})", a.account_id)
            })
            .collect::<Vec<_>>()
            .join(", ")
    });
    (departing, departed)
}

/// The accounts as the ticket lists them: "111122223333 (prod), 222233334444".
fn ids<'a>(accounts: impl Iterator<Item = &'a AccountReport>) -> String {
    accounts
        .map(AccountReport::label)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Accounts whose `root-credentials` check ran and found no attestation. Where it did not
/// run (not selected) or could not (the account could not be audited), nothing is known:
/// those are said apart, never counted as without root access.
fn without_root(accounts: &[AccountReport]) -> String {
    let status = |a: &AccountReport| {
        a.checks
            .iter()
            .find(|c| c.id == ROOT_CREDENTIALS)
            .map(|c| c.status)
    };
    let without: Vec<&AccountReport> = accounts
        .iter()
        .filter(|a| matches!(status(a), Some(Status::Manual | Status::Fail)))
        .collect();
    let unknown: Vec<&AccountReport> = accounts
        .iter()
        .filter(|a| {
            !matches!(
                status(a),
                Some(Status::Pass | Status::Manual | Status::Fail)
            )
        })
        .collect();
    let mut text = if without.is_empty() {
        if unknown.len() == accounts.len() {
            BLANK.to_string()
        } else {
            "none".to_string()
        }
    } else {
        ids(without.into_iter())
    };
    if !unknown.is_empty() {
        let _ = write!(
            text,
            " ({ROOT_CREDENTIALS} not evaluated for {}: fill in)",
            ids(unknown.into_iter())
        );
    }
    text
}

/// Yes only when a `keep` waiver keeps a resource the reseller definition names for the
/// product (e.g. the CAM provider policy for CAM for ALM), naming it; a blank otherwise: a
/// waiver on anything else, or none, does not say whether the customer wants the product.
fn kept_product(accounts: &[AccountReport], product: &str) -> String {
    // (name, reason) → accounts, so one waiver in many accounts is one line.
    let mut kept: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
    for account in accounts {
        for waived in account.checks.iter().flat_map(|c| &c.waived) {
            if waived.product.as_deref() != Some(product) {
                continue;
            }
            let accounts = kept
                .entry((waived.name.as_str(), waived.reason.as_str()))
                .or_default();
            if !accounts.contains(&account.account_id.as_str()) {
                accounts.push(&account.account_id);
            }
        }
    }
    if kept.is_empty() {
        return format!("{BLANK} (the report shows no {product} resource kept by waiver)");
    }
    let kept: Vec<String> = kept
        .into_iter()
        .map(|((name, reason), accounts)| format!("{name} in {} ({reason})", accounts.join(", ")))
        .collect();
    format!("yes, keeping {}", kept.join("; "))
}
