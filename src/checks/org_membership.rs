//! # org-membership: the account's AWS Organization
//!
//! ## What it checks
//! Reads `organizations:DescribeOrganization` and decides whether the account still sits
//! in the reseller's organization: the one whose management account is a known reseller
//! account (from the reseller definition or `--reseller-account`), or, when none is
//! known, any organization other than `--new-org`.
//!
//! Before the cut-over (`--phase pre`) being in the reseller's organization is expected:
//! `pass`, naming the organization and its management account. Anything else (no
//! organization, already in `--new-org`, some other organization) is `warn`: the
//! departure plan assumed otherwise. After the cut-over (`--phase post`) still being in
//! the reseller's organization is `fail`; anything else is `pass`.
//!
//! ## Why it blocks departure
//! Leaving the organization is the departure. Until the account has left, the reseller
//! pays AWS for it, governs it with service control policies and can reach into it
//! through `OrganizationAccountAccessRole`.
//!
//! ## How to fix
//! Have the reseller remove the account (Organizations console → AWS accounts → Remove),
//! or, with root or suitable IAM access in the account, open
//! <https://console.aws.amazon.com/organizations/> and choose *Leave organization*. The
//! account needs a payment method first (see `payment-method`). Then accept the
//! invitation from the new organization, if there is one (see `org-invitation`).

use super::{Check, Context, Finding, Phase, Severity, Status};
use crate::facts::{AccountFacts, FactKind, Membership, Missing, Organization};

pub struct OrgMembership;

/// Whether `org` is the reseller's organization under the policy's rule.
pub fn is_reseller_org(org: &Organization, ctx: &Context<'_>) -> bool {
    if ctx.reseller.accounts.is_empty() {
        ctx.new_org != Some(org.id.as_str())
    } else {
        ctx.reseller.accounts.contains(&org.management_account_id)
    }
}

impl Check for OrgMembership {
    fn id(&self) -> &'static str {
        "org-membership"
    }
    fn title(&self) -> &'static str {
        "Account has left the reseller's organization"
    }
    fn severity(&self) -> Severity {
        Severity::High
    }
    fn needs(&self) -> &'static [FactKind] {
        &[FactKind::Organization]
    }
    fn source(&self) -> &'static str {
        include_str!("org_membership.rs")
    }
    fn remediation(&self) -> &'static str {
        "Leave the reseller's organization (Organizations console → Leave organization) or ask the reseller to remove the account."
    }

    fn evaluate(&self, facts: &AccountFacts, ctx: &Context<'_>) -> Result<Finding, Missing> {
        let finding = match facts.organization()? {
            Membership::Member(org) if is_reseller_org(org, ctx) => {
                let place = format!(
                    "in the reseller's organization {} (management account {})",
                    org.id, org.management_account_id
                );
                match ctx.phase {
                    Phase::Pre => Finding::new(
                        Status::Pass,
                        format!("{place}, as expected before the cut-over"),
                    ),
                    Phase::Post => Finding::new(Status::Fail, format!("still {place}")),
                }
                .with_resources(vec![org.id.clone()])
            }
            Membership::Member(org) => {
                let what = if ctx.new_org == Some(org.id.as_str()) {
                    format!("already in the new organization {}", org.id)
                } else {
                    format!(
                        "in organization {} (management account {}), which is not the reseller's",
                        org.id, org.management_account_id
                    )
                };
                let status = match ctx.phase {
                    Phase::Pre => Status::Warn,
                    Phase::Post => Status::Pass,
                };
                Finding::new(status, what).with_resources(vec![org.id.clone()])
            }
            Membership::Standalone => {
                let status = match ctx.phase {
                    Phase::Pre => Status::Warn,
                    Phase::Post => Status::Pass,
                };
                Finding::new(status, "not in any organization (standalone account)")
            }
        };
        Ok(finding)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::facts::Fact;

    fn member_of(id: &str, mgmt: &str) -> AccountFacts {
        let mut f = facts();
        f.organization = Some(Fact::Ok(Membership::Member(Organization {
            id: id.into(),
            management_account_id: mgmt.into(),
            management_account_email: None,
        })));
        f
    }

    #[test]
    fn statuses_by_phase() {
        let standalone = AccountFacts {
            organization: Some(Fact::Ok(Membership::Standalone)),
            ..facts()
        };
        let cases = [
            (
                member_of("o-reseller001", RESELLER_MGMT),
                Status::Pass,
                Status::Fail,
            ),
            (
                member_of("o-other000001", "222222222222"),
                Status::Warn,
                Status::Pass,
            ),
            (standalone, Status::Warn, Status::Pass),
        ];
        for (facts, pre, post) in cases {
            assert_eq!(
                Setup::both(&OrgMembership, &facts),
                (pre, post),
                "{facts:?}"
            );
        }
    }

    #[test]
    fn names_org_and_management_account() {
        let f =
            Setup::new(Phase::Pre).run(&OrgMembership, &member_of("o-reseller001", RESELLER_MGMT));
        assert!(
            f.summary.contains("o-reseller001") && f.summary.contains(RESELLER_MGMT),
            "{}",
            f.summary
        );
    }

    #[test]
    fn without_known_reseller_accounts_any_org_but_the_new_one_is_the_resellers() {
        let mut setup = Setup::new(Phase::Post);
        setup.reseller.accounts.clear();
        setup.new_org = Some(NEW_ORG.into());
        assert_eq!(
            setup
                .run(&OrgMembership, &member_of("o-somebody001", "222222222222"))
                .status,
            Status::Fail
        );
        let moved = setup.run(&OrgMembership, &member_of(NEW_ORG, "333333333333"));
        assert_eq!(moved.status, Status::Pass);
        assert!(moved.summary.contains("new organization"));
        setup.phase = Phase::Pre;
        assert_eq!(
            setup
                .run(&OrgMembership, &member_of(NEW_ORG, "333333333333"))
                .status,
            Status::Warn
        );
    }

    #[test]
    fn fails_closed() {
        assert_fails_closed(&OrgMembership);
    }
}
