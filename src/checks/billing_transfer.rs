#![doc = include_str!("../../checks/docs/billing-transfer.md")]

use time::{Date, OffsetDateTime};

use super::org_membership::{Owner, whose};
use super::{About, Check, Context, Finding, Item, Phase, Severity, Status, utc};
use crate::facts::{
    AccountFacts, BillingTransfer, BillingTransfers, FactKind, Membership, Missing, Organization,
};

pub(crate) struct BillingTransferCheck;

about! {
    "billing-transfer",
    title: "Billing transfer to the reseller",
    severity: Severity::Critical,
    needs: &[FactKind::BillingTransfers, FactKind::Organization],
    attestation: None,
    remediation: "Withdraw the billing transfer in the management account (Billing and Cost Management → Billing transfer → Outbound billing, or `aws organizations terminate-responsibility-transfer`); it ends at 23:59:59 UTC on the last day of the month you choose and cannot be undone. Put a payment method on the management account before it ends.",
    item_kinds: &[IN_FORCE, ENDING, REQUESTED, OTHER_PAYER, MEMBER, UNKNOWN_STATUS],
}

/// A reseller's transfer in force past the target date (resource: its ID; principal: the
/// payer's management account; reason: when it started, and its end if any).
pub(crate) const IN_FORCE: &str = "transfer-in-force";
/// A reseller's transfer that ends on or before the target date (reason: its end).
pub(crate) const ENDING: &str = "transfer-ending";
/// A transfer the reseller requested, not yet accepted.
pub(crate) const REQUESTED: &str = "transfer-requested";
/// A transfer in force to an organization not known as the reseller's.
pub(crate) const OTHER_PAYER: &str = "other-payer";
/// The account is a member: its management account (resource) sees the transfers.
pub(crate) const MEMBER: &str = "member-account";
/// A transfer whose status orgexit does not know (one AWS added since): never read as none.
pub(crate) const UNKNOWN_STATUS: &str = "unknown-transfer-status";

impl Check for BillingTransferCheck {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn evaluate(&self, facts: &AccountFacts, ctx: &Context<'_>) -> Result<Finding, Missing> {
        let org = match facts.organization()? {
            Membership::Standalone => {
                return Ok(Finding::new(
                    Status::Pass,
                    "in no organization: no other organization can pay its bill",
                ));
            }
            Membership::Member(org) => org,
        };
        if org.management_account_id != facts.account_id {
            return Ok(Finding::new(
                Status::Skipped,
                format!(
                    "a member account cannot see its organization's billing transfers: audit the management account {} for them",
                    org.management_account_id
                ),
            )
            .with_items(vec![Item::new(MEMBER, &org.management_account_id)]));
        }
        let transfers = match facts.billing_transfers()? {
            BillingTransfers::Listed { transfers } => transfers,
            // The management account itself was refused: not an answer.
            BillingTransfers::Unanswered { reason } => {
                return Err(Missing::Failed(reason.clone()));
            }
        };
        Ok(judge(transfers, ctx))
    }
}

/// The verdict on the management account's transfers.
fn judge(transfers: &[BillingTransfer], ctx: &Context<'_>) -> Finding {
    // Until when the transfer must be over: the target date before the cut-over (the
    // end of that day), today after it.
    let by = match ctx.phase {
        Phase::Pre => ctx.target_date.unwrap_or(ctx.today),
        Phase::Post => ctx.today,
    };
    let mut fails = Vec::new();
    let mut warns = Vec::new();
    let mut passes = Vec::new();
    let mut items = Vec::new();
    let mut resources = Vec::new();
    for t in transfers {
        let payer = payer(t);
        let reseller = is_reseller(t, ctx);
        match t.status.as_str() {
            "ACCEPTED" | "WITHDRAWN" => {
                let ends_in_time = t.end.is_some_and(|end| end.date() <= by);
                let over = t.end.is_some_and(|end| end.date() < ctx.today);
                if over {
                    continue;
                }
                if !reseller {
                    warns.push(format!(
                        "billing transfer {} lets {payer} pay the organization's bill{}: not known as the reseller's (give --reseller-account if it is)",
                        t.id,
                        ends(t)
                    ));
                    items.push(item(OTHER_PAYER, t));
                } else if ends_in_time {
                    passes.push(format!(
                        "{}'s billing transfer {} ends {}, {}",
                        ctx.reseller.ticket.company,
                        t.id,
                        said(t.end),
                        match ctx.phase {
                            Phase::Pre => "by the target date",
                            Phase::Post => "as it should",
                        }
                    ));
                    items.push(item(ENDING, t));
                } else {
                    fails.push(format!(
                        "{} ({payer}) pays the organization's bill through billing transfer {}, {}{}; withdrawn now, it stops at {} at the earliest",
                        ctx.reseller.ticket.company,
                        t.id,
                        match t.start {
                            Some(start) => format!("in force since {}", said(Some(start))),
                            None => "in force".to_string(),
                        },
                        match t.end {
                            Some(_) => format!(", ending {}", said(t.end)),
                            None => ", with no end".to_string(),
                        },
                        month_end(ctx.today)
                    ));
                    items.push(item(IN_FORCE, t));
                }
                resources.push(t.id.clone());
            }
            "REQUESTED" if reseller && ctx.phase == Phase::Pre => {
                warns.push(format!(
                    "{} ({payer}) asks to pay the organization's bill (billing transfer {}, not accepted): decline it, or it binds the organization to the reseller again",
                    ctx.reseller.ticket.company, t.id
                ));
                items.push(item(REQUESTED, t));
                resources.push(t.id.clone());
            }
            // Ended before it began, or another organization's request: nothing.
            "DECLINED" | "CANCELED" | "EXPIRED" | "REQUESTED" => {}
            // A status AWS added since: not read as none.
            other => {
                warns.push(format!(
                    "billing transfer {} (paid by {payer}) has the status {other}, which orgexit does not know: check it in Billing and Cost Management → Billing transfer",
                    t.id
                ));
                items.push(item(UNKNOWN_STATUS, t));
                resources.push(t.id.clone());
            }
        }
    }
    let finding = if !fails.is_empty() {
        Finding::new(Status::Fail, fails.join("; "))
    } else if !warns.is_empty() {
        Finding::new(Status::Warn, warns.join("; "))
    } else if !passes.is_empty() {
        Finding::new(Status::Pass, passes.join("; "))
    } else {
        Finding::new(
            Status::Pass,
            "no billing transfer: AWS bills the organization's management account directly",
        )
    };
    finding.with_resources(resources).with_items(items)
}

/// Whether the organization that pays is the reseller's (as `org-membership` judges an
/// organization by its management account).
fn is_reseller(t: &BillingTransfer, ctx: &Context<'_>) -> bool {
    let Some(account) = &t.payer_account_id else {
        return t
            .payer_email
            .as_deref()
            .is_some_and(|e| ctx.reseller.owns_email(e));
    };
    let org = Organization {
        id: String::new(),
        management_account_id: account.clone(),
        management_account_email: t.payer_email.clone(),
    };
    matches!(whose(&org, ctx), Owner::Reseller(_))
}

/// The paying organization as AWS names it: its management account and email.
fn payer(t: &BillingTransfer) -> String {
    match (&t.payer_account_id, &t.payer_email) {
        (Some(account), Some(email)) => format!("management account {account}, {email}"),
        (Some(account), None) => format!("management account {account}"),
        (None, Some(email)) => email.clone(),
        (None, None) => "an organization AWS does not name".to_string(),
    }
}

fn ends(t: &BillingTransfer) -> String {
    match t.end {
        Some(_) => format!(" until {}", said(t.end)),
        None => String::new(),
    }
}

fn item(kind: &'static str, t: &BillingTransfer) -> Item {
    let mut item = Item::new(kind, &t.id);
    if let Some(account) = &t.payer_account_id {
        item = item.with_principal(account);
    }
    let mut reason = Vec::new();
    if let Some(start) = t.start {
        reason.push(format!("started {}", said(Some(start))));
    }
    if let Some(end) = t.end {
        reason.push(format!("ends {}", said(Some(end))));
    }
    if reason.is_empty() {
        item
    } else {
        item.with_reason(reason.join(", "))
    }
}

/// A moment AWS may leave out, as a summary says it.
fn said(at: Option<OffsetDateTime>) -> String {
    at.map_or_else(|| "at a time AWS does not say".to_string(), utc)
}

/// The last moment of `day`'s month, when a transfer withdrawn that day ends.
fn month_end(day: Date) -> String {
    let last = time::util::days_in_month(day.month(), day.year());
    let last = day.replace_day(last).unwrap_or(day);
    utc(last
        .with_hms(23, 59, 59)
        .unwrap_or(last.midnight())
        .assume_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::facts::Fact;
    use time::macros::datetime;

    fn management(transfers: Vec<BillingTransfer>) -> AccountFacts {
        AccountFacts {
            organization: Some(Fact::Ok(Membership::Member(Organization {
                id: "o-customer001".into(),
                management_account_id: ACCOUNT.into(),
                management_account_email: Some("aws@acme.example".into()),
            }))),
            billing_transfers: Some(Fact::Ok(BillingTransfers::Listed { transfers })),
            ..facts()
        }
    }

    fn transfer(status: &str, end: Option<OffsetDateTime>) -> BillingTransfer {
        BillingTransfer {
            id: "rt-1a2b3c4d5e".into(),
            name: Some("Lumen billing".into()),
            status: status.into(),
            payer_account_id: Some(RESELLER_MGMT.into()),
            payer_email: Some("aws-billing@ctl.io".into()),
            start: Some(datetime!(2025-12-01 00:00 UTC)),
            end,
            handshake_id: Some("h-examplehandshakeid111".into()),
        }
    }

    fn run(phase: Phase, facts: &AccountFacts) -> Finding {
        let mut s = Setup::new(phase);
        s.target_date = Some(time::macros::date!(2026 - 12 - 15));
        s.run(&BillingTransferCheck, facts)
    }

    #[test]
    fn table() {
        use Status::*;
        let before = Some(datetime!(2026-11-30 23:59:59 UTC));
        let after = Some(datetime!(2027-01-31 23:59:59 UTC));
        let past = Some(datetime!(2026-10-31 23:59:59 UTC));
        for (what, transfers, pre, post) in [
            ("none", vec![], Pass, Pass),
            (
                "in force, no end",
                vec![transfer("ACCEPTED", None)],
                Fail,
                Fail,
            ),
            (
                "ends after the target date",
                vec![transfer("WITHDRAWN", after)],
                Fail,
                Fail,
            ),
            (
                "ends before it",
                vec![transfer("WITHDRAWN", before)],
                Pass,
                Fail,
            ),
            (
                "already ended",
                vec![transfer("WITHDRAWN", past)],
                Pass,
                Pass,
            ),
            ("requested", vec![transfer("REQUESTED", None)], Warn, Pass),
            ("declined", vec![transfer("DECLINED", None)], Pass, Pass),
            // A status AWS may add is never read as "none".
            (
                "unknown status",
                vec![transfer("SUSPENDED", None)],
                Warn,
                Warn,
            ),
        ] {
            let facts = management(transfers);
            assert_eq!(run(Phase::Pre, &facts).status, pre, "pre: {what}");
            // After the cut-over "by" is today (2026-11-24): a November end is to come.
            assert_eq!(run(Phase::Post, &facts).status, post, "post: {what}");
        }
    }

    #[test]
    fn a_transfer_in_force_names_the_reseller_its_start_and_the_month_end() {
        let f = run(Phase::Pre, &management(vec![transfer("ACCEPTED", None)]));
        assert_eq!(f.status, Status::Fail);
        for part in [
            "Lumen (management account 999999999999, aws-billing@ctl.io)",
            "rt-1a2b3c4d5e",
            "in force since 2025-12-01 00:00 UTC, with no end",
            "stops at 2026-11-30 23:59:59 UTC at the earliest",
        ] {
            assert!(f.summary.contains(part), "{part}: {}", f.summary);
        }
        assert_eq!(f.resources, ["rt-1a2b3c4d5e"]);
        assert!(f.items.iter().any(|i| i.is(IN_FORCE)));
    }

    #[test]
    fn another_payer_is_named_not_taken_for_the_reseller() {
        let mut other = transfer("ACCEPTED", None);
        other.payer_account_id = Some("123456789012".into());
        other.payer_email = Some("billing@partner.example".into());
        let f = run(Phase::Pre, &management(vec![other]));
        assert_eq!(f.status, Status::Warn, "{}", f.summary);
        assert!(f.summary.contains("123456789012"), "{}", f.summary);
    }

    #[test]
    fn a_member_cannot_see_them_and_a_standalone_account_has_none() {
        let member = AccountFacts {
            organization: Some(Fact::Ok(Membership::Member(Organization {
                id: "o-customer001".into(),
                management_account_id: "222222222222".into(),
                management_account_email: None,
            }))),
            billing_transfers: Some(Fact::Ok(BillingTransfers::Unanswered {
                reason: "organizations:ListOutboundResponsibilityTransfers: AccessDeniedException"
                    .into(),
            })),
            ..facts()
        };
        let f = run(Phase::Pre, &member);
        assert_eq!(f.status, Status::Skipped);
        assert!(f.summary.contains("222222222222"), "{}", f.summary);
        let standalone = AccountFacts {
            organization: Some(Fact::Ok(Membership::Standalone)),
            ..facts()
        };
        assert_eq!(run(Phase::Pre, &standalone).status, Status::Pass);
    }

    #[test]
    fn the_management_account_refused_is_an_error_never_a_pass() {
        let mut facts = management(vec![]);
        facts.billing_transfers = Some(Fact::Ok(BillingTransfers::Unanswered {
            reason: "organizations:ListOutboundResponsibilityTransfers: AccessDeniedException: no"
                .into(),
        }));
        assert_eq!(run(Phase::Pre, &facts).status, Status::Error);
        facts.billing_transfers = Some(Fact::Error("throttled".into()));
        assert_eq!(run(Phase::Post, &facts).status, Status::Error);
    }
}
