#![doc = include_str!("../../checks/docs/org-invitation.md")]

use super::{About, Check, Context, Finding, Item, Phase, Severity, Status, Under, count};
use crate::facts::{AccountFacts, FactKind, Handshake, Missing};

pub(crate) struct OrgInvitation;

about! {
    "org-invitation",
    title: "Invitation from the new organization",
    severity: Severity::Medium,
    needs: &[FactKind::Handshakes],
    attestation: None,
    remediation: "Have the new organization invite the account no more than 15 days before the target date, and accept it right after leaving.",
    item_kinds: &[INVITATION, BILLING_TRANSFER],
}

/// A pending invitation to join the new organization (resource: the handshake id).
pub(crate) const INVITATION: &str = "invitation";
/// A pending `TRANSFER_RESPONSIBILITY` handshake: billing transfer, not an invitation to
/// join (resource: the handshake id, principal: the organization it comes from).
pub(crate) const BILLING_TRANSFER: &str = "billing-transfer";

/// AWS lets an invitation live this long; it is also how close the date must be to insist.
const INVITATION_DAYS: i64 = 15;

fn expiry(h: &Handshake) -> String {
    h.expires_at
        .map(super::utc)
        .unwrap_or_else(|| "at an unknown time".into())
}

impl Check for OrgInvitation {
    fn about(&self) -> &'static About {
        &ABOUT
    }
    fn reads_under(&self, under: Under<'_>) -> bool {
        under.phase == Phase::Pre && under.new_org.is_some()
    }

    fn evaluate(&self, facts: &AccountFacts, ctx: &Context<'_>) -> Result<Finding, Missing> {
        let mut finding = invitation(facts, ctx)?;
        if finding.status == Status::Skipped {
            return Ok(finding);
        }
        let transfers: Vec<&Handshake> = facts
            .handshakes()?
            .iter()
            .filter(|h| h.is_billing_transfer() && h.is_pending())
            .collect();
        if !transfers.is_empty() {
            let ids: Vec<&str> = transfers.iter().map(|h| h.id.as_str()).collect();
            finding.summary.push_str(&format!(
                "; {} is a billing-transfer invitation (TRANSFER_RESPONSIBILITY: another organization would pay this one's bill), not an invitation to join",
                ids.join(", ")
            ));
            finding.items.extend(transfers.iter().map(|h| {
                let item = Item::new(BILLING_TRANSFER, &h.id);
                match &h.organization_id {
                    Some(org) => item.with_principal(org.clone()),
                    None => item,
                }
            }));
        }
        Ok(finding)
    }
}

/// The verdict on the invitations to join (billing transfers aside).
fn invitation(facts: &AccountFacts, ctx: &Context<'_>) -> Result<Finding, Missing> {
    if ctx.phase == Phase::Post {
        return Ok(Finding::new(
            Status::Skipped,
            "not checked after the cut-over",
        ));
    }
    let Some(new_org) = ctx.new_org else {
        return Ok(Finding::new(
            Status::Skipped,
            "no --new-org given: the account is not moving to another organization",
        ));
    };
    let handshakes = facts.handshakes()?;
    // Valid all through the day it is needed (the target date, or today when none is
    // given): until its end, 24:00 UTC, since the account may leave at any hour.
    let needed_on = ctx.target_date.unwrap_or(ctx.today);
    let day_ends = needed_on
        .next_day()
        .unwrap_or(needed_on)
        .midnight()
        .assume_utc();
    // Pending when the facts were read but expired before today: a snapshot older than
    // the invitation. It is no invitation now, and the finding says why.
    let today_starts = ctx.today.midnight().assume_utc();
    let (gone, pending): (Vec<&Handshake>, Vec<&Handshake>) = handshakes
        .iter()
        .filter(|h| h.is_pending_invite_from(new_org))
        .partition(|h| h.expires_at.is_some_and(|t| t < today_starts));
    let stale = gone
        .iter()
        .max_by_key(|h| h.expires_at)
        .map(|h| {
            format!(
                "; invitation {} was pending when the facts were read but expired {}, before today ({}): collect the facts again",
                h.id,
                expiry(h),
                ctx.today
            )
        })
        .unwrap_or_default();
    let (valid, expiring): (Vec<&Handshake>, Vec<&Handshake>) = pending
        .into_iter()
        .partition(|h| h.expires_at.is_some_and(|t| t >= day_ends));

    if let Some(best) = valid.iter().max_by_key(|h| h.expires_at) {
        return Ok(Finding::new(
            Status::Pass,
            format!(
                "invitation {} from {new_org} is pending, valid until {}",
                best.id,
                expiry(best)
            ),
        )
        .with_resources(valid.iter().map(|h| h.id.clone()).collect())
        .with_items(valid.iter().map(|h| Item::new(INVITATION, &h.id)).collect()));
    }
    if let Some(last) = expiring.iter().max_by_key(|h| h.expires_at) {
        let when = match ctx.target_date {
            Some(date) if last.expires_at.is_some_and(|t| t.date() == date) => {
                format!("during the target date {date}: the account may leave after it expired")
            }
            Some(date) => format!("before the target date {date}"),
            None => "before the end of today".to_string(),
        };
        return Ok(Finding::new(
            Status::Warn,
            format!(
                "invitation {} from {new_org} expires {}, {when}",
                last.id,
                expiry(last)
            ),
        )
        .with_resources(expiring.iter().map(|h| h.id.clone()).collect())
        .with_items(expiring.iter().map(|h| invited(h, new_org)).collect()));
    }
    let days_left = ctx.target_date.map(|d| (d - ctx.today).whole_days());
    let finding = match days_left {
        Some(days) if days > INVITATION_DAYS => Finding::new(
            Status::Warn,
            format!(
                "no pending invitation from {new_org} yet; the target date is {} away, send one within {INVITATION_DAYS} days of it{stale}",
                count(days.unsigned_abs() as usize, "day", "days")
            ),
        ),
        Some(days) => Finding::new(
            Status::Fail,
            format!(
                "no pending invitation from {new_org}, and the target date is {}{stale}",
                match days {
                    0 => "today".to_string(),
                    d if d < 0 => "past".to_string(),
                    d => format!("{} away", count(d as usize, "day", "days")),
                }
            ),
        ),
        None => Finding::new(
            Status::Fail,
            format!("no pending invitation from {new_org} (no --target-date given){stale}"),
        ),
    };
    Ok(finding)
}

/// An invitation to join, as an item: the handshake, from whom, valid until when.
fn invited(h: &Handshake, new_org: &str) -> Item {
    Item::new(INVITATION, &h.id)
        .with_principal(new_org)
        .with_reason(format!("{}, expires {}", h.state, expiry(h)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::facts::Fact;
    use time::macros::{date, datetime};

    /// An invitation a 12-day-old snapshot shows pending, expired since: none now, said so.
    #[test]
    fn an_invitation_expired_since_the_snapshot_is_none_and_says_why() {
        let mut setup = Setup::new(Phase::Pre);
        setup.new_org = Some(NEW_ORG.to_string());
        setup.today = date!(2026 - 12 - 18);
        setup.target_date = Some(date!(2026 - 12 - 20));
        let facts = AccountFacts {
            handshakes: Some(Fact::Ok(vec![invite(
                NEW_ORG,
                "OPEN",
                datetime!(2026-12-10 09:00 UTC),
            )])),
            ..facts()
        };
        let finding = setup.run(&OrgInvitation, &facts);
        assert_eq!(finding.status, Status::Fail);
        assert!(
            finding
                .summary
                .contains("was pending when the facts were read but expired 2026-12-10"),
            "{}",
            finding.summary
        );
        assert!(
            finding.summary.contains("collect the facts again"),
            "{}",
            finding.summary
        );
    }

    fn invite(org: &str, state: &str, expires: time::OffsetDateTime) -> Handshake {
        Handshake {
            id: format!("h-{}", org.trim_start_matches("o-")),
            action: "INVITE".into(),
            state: state.into(),
            organization_id: Some(org.into()),
            expires_at: Some(expires),
            management_account_id: None,
            management_account_email: None,
            management_account_name: None,
        }
    }

    fn with(handshakes: Vec<Handshake>) -> AccountFacts {
        AccountFacts {
            handshakes: Some(Fact::Ok(handshakes)),
            ..facts()
        }
    }

    fn setup(target: Option<time::Date>) -> Setup {
        let mut s = Setup::new(Phase::Pre);
        s.new_org = Some(NEW_ORG.into());
        s.target_date = target;
        s
    }

    #[test]
    fn table() {
        let valid = invite(NEW_ORG, "OPEN", datetime!(2026-12-05 10:00 UTC));
        let requested = invite(NEW_ORG, "REQUESTED", datetime!(2026-12-05 10:00 UTC));
        let early = invite(NEW_ORG, "OPEN", datetime!(2026-11-30 10:00 UTC));
        let other_org = invite("o-otherorg001", "OPEN", datetime!(2026-12-05 10:00 UTC));
        let declined = invite(NEW_ORG, "DECLINED", datetime!(2026-12-05 10:00 UTC));
        let cases: Vec<(Vec<Handshake>, Option<time::Date>, Status)> = vec![
            (
                vec![valid.clone()],
                Some(date!(2026 - 12 - 01)),
                Status::Pass,
            ),
            (
                vec![requested.clone()],
                Some(date!(2026 - 12 - 04)),
                Status::Pass,
            ),
            // Expires during the target day: the account may leave in the afternoon.
            (vec![requested], Some(date!(2026 - 12 - 05)), Status::Warn),
            (vec![valid.clone()], None, Status::Pass),
            (
                vec![early.clone(), valid],
                Some(date!(2026 - 12 - 01)),
                Status::Pass,
            ),
            (
                vec![early.clone()],
                Some(date!(2026 - 12 - 01)),
                Status::Warn,
            ),
            (vec![], Some(date!(2026 - 12 - 01)), Status::Fail),
            (vec![], None, Status::Fail),
            (
                vec![other_org.clone(), declined.clone()],
                Some(date!(2026 - 12 - 09)),
                Status::Fail,
            ),
            (vec![], Some(date!(2027 - 01 - 31)), Status::Warn),
            (vec![other_org], Some(date!(2027 - 01 - 31)), Status::Warn),
        ];
        for (handshakes, target, expected) in cases {
            let finding = setup(target).run(&OrgInvitation, &with(handshakes.clone()));
            assert_eq!(
                finding.status, expected,
                "{handshakes:?} target {target:?}: {}",
                finding.summary
            );
        }
    }

    /// A billing transfer from the new organization is never the invitation to join:
    /// alone it fails, and beside a real invitation it is named, not counted.
    #[test]
    fn a_billing_transfer_is_named_and_never_passes() {
        let expires = datetime!(2026-12-20 10:00 UTC);
        let billing = Handshake {
            action: "TRANSFER_RESPONSIBILITY".into(),
            id: "h-billing0001".into(),
            ..invite(NEW_ORG, "OPEN", expires)
        };
        for target in [
            None,
            Some(date!(2026 - 12 - 01)),
            Some(date!(2027 - 01 - 31)),
        ] {
            let f = setup(target).run(&OrgInvitation, &with(vec![billing.clone()]));
            assert_ne!(f.status, Status::Pass, "{target:?}: {}", f.summary);
            assert!(
                f.summary
                    .contains("h-billing0001 is a billing-transfer invitation"),
                "{}",
                f.summary
            );
            assert!(
                f.items
                    .iter()
                    .any(|i| i.is(BILLING_TRANSFER) && i.principal() == NEW_ORG),
                "{:?}",
                f.items
            );
        }
        let join = invite(NEW_ORG, "OPEN", expires);
        let join_id = join.id.clone();
        let f = setup(Some(date!(2026 - 12 - 01))).run(&OrgInvitation, &with(vec![billing, join]));
        assert_eq!(f.status, Status::Pass, "{}", f.summary);
        assert_eq!(f.resources, [join_id], "only the invitation to join");
        assert!(f.summary.contains("billing-transfer"), "{}", f.summary);
    }

    #[test]
    fn one_day_away_is_said_in_the_singular() {
        let mut s = setup(Some(date!(2026 - 11 - 25)));
        s.today = date!(2026 - 11 - 24);
        let f = s.run(&OrgInvitation, &with(vec![]));
        assert!(
            f.summary.ends_with("the target date is 1 day away"),
            "{}",
            f.summary
        );
    }

    #[test]
    fn valid_means_until_the_end_of_the_target_day_utc() {
        let target = Some(date!(2026 - 12 - 07));
        let nine = invite(NEW_ORG, "OPEN", datetime!(2026-12-07 09:00 UTC));
        let f = setup(target).run(&OrgInvitation, &with(vec![nine]));
        assert_eq!(f.status, Status::Warn, "{}", f.summary);
        assert!(
            f.summary.contains("2026-12-07 09:00 UTC")
                && f.summary.contains("during the target date"),
            "{}",
            f.summary
        );
        let last_second = invite(NEW_ORG, "OPEN", datetime!(2026-12-07 23:59:59 UTC));
        let f = setup(target).run(&OrgInvitation, &with(vec![last_second]));
        assert_eq!(f.status, Status::Warn, "{}", f.summary);
        let midnight = invite(NEW_ORG, "OPEN", datetime!(2026-12-08 00:00 UTC));
        let f = setup(target).run(&OrgInvitation, &with(vec![midnight]));
        assert_eq!(f.status, Status::Pass, "{}", f.summary);
        // An expiry given in another offset is compared as the instant it is.
        let offset = invite(NEW_ORG, "OPEN", datetime!(2026-12-08 01:00 +02:00));
        let f = setup(target).run(&OrgInvitation, &with(vec![offset]));
        assert_eq!(f.status, Status::Warn, "{}", f.summary);
    }

    #[test]
    fn boundary_is_fifteen_days() {
        let fifteen = setup(Some(date!(2026 - 12 - 09))).run(&OrgInvitation, &with(vec![]));
        assert_eq!(fifteen.status, Status::Fail);
        let sixteen = setup(Some(date!(2026 - 12 - 10))).run(&OrgInvitation, &with(vec![]));
        assert_eq!(sixteen.status, Status::Warn);
    }

    #[test]
    fn skipped_without_new_org_or_after_cut_over() {
        assert_eq!(
            Setup::new(Phase::Pre)
                .run(&OrgInvitation, &with(vec![]))
                .status,
            Status::Skipped
        );
        let mut post = setup(None);
        post.phase = Phase::Post;
        assert_eq!(
            post.run(&OrgInvitation, &with(vec![])).status,
            Status::Skipped
        );
    }

    #[test]
    fn fails_closed() {
        let s = setup(None);
        let f = s.run(
            &OrgInvitation,
            &AccountFacts {
                handshakes: Some(Fact::Error("AccessDenied".into())),
                ..facts()
            },
        );
        assert_eq!(f.status, Status::Error);
        let f = s.run(&OrgInvitation, &facts());
        assert_eq!(f.status, Status::Error);
    }
}
