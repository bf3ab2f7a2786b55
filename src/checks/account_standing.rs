#![doc = include_str!("../../checks/docs/account-standing.md")]

use super::{About, Check, Context, Finding, Item, Phase, Severity, Status};
use crate::facts::{AccountFacts, FactKind, Missing};

pub(crate) struct AccountStanding;

about! {
    "account-standing",
    title: "Account state and age",
    severity: Severity::Critical,
    needs: &[FactKind::AccountInformation],
    attestation: None,
    remediation: "Reinstate a suspended account (pay what is due, or AWS Support), reopen a closed one through AWS Support, finish a pending sign-up; move an account created less than 4 days before the target date in a later wave.",
    item_kinds: &[STATE, CREATED],
}

/// The state AWS reports (resource: the state).
pub(crate) const STATE: &str = "account-state";
/// When the account was created (resource: the date, reason: when it may leave).
pub(crate) const CREATED: &str = "created";

/// AWS lets an account created in an organization leave this long after its creation.
const WAITING_DAYS: i64 = 4;

impl Check for AccountStanding {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn evaluate(&self, facts: &AccountFacts, ctx: &Context<'_>) -> Result<Finding, Missing> {
        let info = facts.account_information()?;
        let state = Item::new(STATE, &info.state);
        if !info.state.eq_ignore_ascii_case("ACTIVE") {
            return Ok(Finding::new(
                Status::Fail,
                format!(
                    "the account is {}, not ACTIVE: AWS lets no such account leave or move",
                    info.state
                ),
            )
            .with_items(vec![state]));
        }
        if ctx.phase == Phase::Post {
            return Ok(Finding::new(Status::Pass, "the account is ACTIVE").with_items(vec![state]));
        }
        let created = info.created_at.ok_or_else(|| {
            Missing::Failed(
                "account:GetAccountInformation: the answer has no AccountCreatedDate".into(),
            )
        })?;
        let created = created.to_offset(time::UtcOffset::UTC);
        let (day, which) = match ctx.target_date {
            Some(date) => (date, format!("the target date {date}")),
            None => (ctx.today, format!("today ({})", ctx.today)),
        };
        let may_leave = created + time::Duration::days(WAITING_DAYS);
        let at = super::utc;
        let item = Item::new(CREATED, created.date().to_string())
            .with_reason(format!("may leave from {}", at(may_leave)));
        if may_leave > day.midnight().assume_utc() {
            let days = (day - created.date()).whole_days();
            return Ok(Finding::new(
                Status::Fail,
                format!(
                    "the account was created on {} ({} before {which}): AWS lets an account created in an organization leave no sooner than {WAITING_DAYS} days later, from {}",
                    created.date(),
                    super::count(days.unsigned_abs() as usize, "day", "days"),
                    at(may_leave)
                ),
            )
            .with_items(vec![state, item]));
        }
        Ok(Finding::new(
            Status::Pass,
            format!("the account is ACTIVE, created on {}", created.date()),
        )
        .with_items(vec![state, item]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::facts::{AccountInformation, Fact};
    use time::macros::{date, datetime};

    fn with(state: &str, created: Option<time::OffsetDateTime>) -> AccountFacts {
        AccountFacts {
            account_information: Some(Fact::Ok(AccountInformation {
                state: state.into(),
                created_at: created,
                name: None,
            })),
            ..facts()
        }
    }

    fn run(phase: Phase, target: Option<time::Date>, facts: &AccountFacts) -> Finding {
        let mut s = Setup::new(phase);
        s.target_date = target;
        s.run(&AccountStanding, facts)
    }

    #[test]
    fn table() {
        let old = Some(datetime!(2019-05-01 08:00 UTC));
        let target = Some(date!(2026 - 12 - 07));
        for state in ["SUSPENDED", "CLOSED", "PENDING_ACTIVATION", "SOMETHING_NEW"] {
            for phase in Phase::ALL {
                let f = run(phase, target, &with(state, old));
                assert_eq!(f.status, Status::Fail, "{state} {phase:?}: {}", f.summary);
                assert!(f.summary.contains(state), "{}", f.summary);
            }
        }
        assert_eq!(
            run(Phase::Pre, target, &with("ACTIVE", old)).status,
            Status::Pass
        );
        // Two days before the target date: AWS refuses; the finding says from when.
        let young = Some(datetime!(2026-12-05 10:30 UTC));
        let f = run(Phase::Pre, target, &with("ACTIVE", young));
        assert_eq!(f.status, Status::Fail, "{}", f.summary);
        assert!(
            f.summary
                .contains("2 days before the target date 2026-12-07"),
            "{}",
            f.summary
        );
        assert!(
            f.summary.contains("from 2026-12-09 10:30 UTC"),
            "{}",
            f.summary
        );
        // After the cut-over only the state matters.
        assert_eq!(
            run(Phase::Post, target, &with("ACTIVE", young)).status,
            Status::Pass
        );
        // Exactly 4 days before the start of the target day: may leave all day.
        let four = Some(datetime!(2026-12-03 00:00 UTC));
        assert_eq!(
            run(Phase::Pre, target, &with("ACTIVE", four)).status,
            Status::Pass
        );
        let almost = Some(datetime!(2026-12-03 00:01 UTC));
        assert_eq!(
            run(Phase::Pre, target, &with("ACTIVE", almost)).status,
            Status::Fail
        );
        // Without a target date, today (2026-11-24) decides.
        let f = run(
            Phase::Pre,
            None,
            &with("ACTIVE", Some(datetime!(2026-11-22 09:00 UTC))),
        );
        assert_eq!(f.status, Status::Fail, "{}", f.summary);
        assert!(f.summary.contains("today"), "{}", f.summary);
    }

    #[test]
    fn no_creation_date_is_an_error_before_the_cut_over() {
        let f = run(Phase::Pre, None, &with("ACTIVE", None));
        assert_eq!(f.status, Status::Error, "{}", f.summary);
        assert_eq!(
            run(Phase::Post, None, &with("ACTIVE", None)).status,
            Status::Pass
        );
    }

    #[test]
    fn fails_closed() {
        assert_fails_closed(&AccountStanding);
    }
}
