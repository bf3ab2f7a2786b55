#![doc = include_str!("../../checks/docs/control-tower.md")]

use super::regional::Coverage;
use super::{About, Check, Context, Finding, Item, Phase, Severity, Status, name_list};
use crate::facts::{AccountFacts, FactKind, Membership, Missing};

pub(crate) struct ControlTower;

about! {
    "control-tower",
    title: "Control Tower enrolment",
    severity: Severity::Critical,
    needs: &[FactKind::Roles, FactKind::Regions, FactKind::Stacks, FactKind::Organization],
    attestation: None,
    remediation: "Have the reseller unenroll the account from its Control Tower (terminate its Account Factory product) before it leaves; after the cut-over delete the AWSControlTowerExecution role and the StackSet-AWSControlTowerBP-* stacks left behind.",
    item_kinds: &[CONTROL_TOWER_ROLE, CONTROL_TOWER_STACK],
}

/// The role Control Tower's management account works through in an enrolled account.
pub(crate) const CONTROL_TOWER_ROLE: &str = "control-tower-role";
/// A baseline stack Control Tower deployed (`StackSet-AWSControlTowerBP-*`).
pub(crate) const CONTROL_TOWER_STACK: &str = "control-tower-stack";

const EXECUTION_ROLE: &str = "AWSControlTowerExecution";
/// Every stack Control Tower's StackSets deploy starts so.
pub(crate) const CONTROL_TOWER_STACKS: &str = "StackSet-AWSControlTower";
/// The baselines an enrolled account carries.
const BASELINE_STACKS: &str = "StackSet-AWSControlTowerBP-";

impl Check for ControlTower {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn evaluate(&self, facts: &AccountFacts, ctx: &Context<'_>) -> Result<Finding, Missing> {
        let roles = facts.roles()?;
        let stacks = facts.stacks()?;
        let coverage = Coverage::of(stacks);
        let mut items = Vec::new();
        let mut signs = Vec::new();
        for role in roles
            .iter()
            .filter(|r| r.name.eq_ignore_ascii_case(EXECUTION_ROLE))
        {
            signs.push(format!("role {}", role.name));
            items.push(Item::new(CONTROL_TOWER_ROLE, &role.arn));
        }
        for (region, listed) in stacks.answered() {
            for stack in listed
                .iter()
                .filter(|s| s.name.starts_with(BASELINE_STACKS))
            {
                signs.push(super::stackset_stacks::said(region, stack));
                let stackset = super::stackset_stacks::stackset_of(&stack.name).unwrap_or_default();
                items.push(
                    Item::new(CONTROL_TOWER_STACK, &stack.id)
                        .with_principal(format!("StackSet {stackset}"))
                        .with_reason(region),
                );
            }
        }
        let resources: Vec<String> = items.iter().map(|i| i.resource().to_string()).collect();
        let unread = coverage.parts();
        let with_unread = |mut line: String| {
            for part in &unread {
                line.push_str("; ");
                line.push_str(part);
            }
            line
        };
        if signs.is_empty() {
            let finding = if coverage.incomplete() {
                Finding::new(
                    Status::Error,
                    with_unread(format!(
                        "no {EXECUTION_ROLE} role and no baseline stack so far"
                    )),
                )
            } else {
                Finding::new(
                    Status::Pass,
                    with_unread(format!(
                        "not enrolled: no {EXECUTION_ROLE} role, no {BASELINE_STACKS}* stack {}",
                        coverage.where_read()
                    )),
                )
            };
            return Ok(finding.with_items(coverage.items));
        }
        let listed = name_list(&signs);
        let finding = match facts.organization() {
            Ok(Membership::Member(org)) if ctx.new_org == Some(org.id.as_str()) => Finding::new(
                Status::Pass,
                format!(
                    "enrolled in the new organization {}'s Control Tower: {listed}",
                    org.id
                ),
            ),
            Err(missing) => Finding::new(
                Status::Error,
                format!(
                    "Control Tower's marks are present ({listed}), but whose organization the account is in could not be read: {missing}"
                ),
            ),
            Ok(_) => match ctx.phase {
                Phase::Pre => Finding::new(
                    Status::Fail,
                    with_unread(format!(
                        "enrolled in the reseller's Control Tower ({listed}): it must be unenrolled before the account can leave"
                    )),
                ),
                Phase::Post => Finding::new(
                    Status::Fail,
                    with_unread(format!("Control Tower left behind: {listed}")),
                ),
            },
        };
        items.extend(coverage.items);
        Ok(finding.with_resources(resources).with_items(items))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::facts::{Fact, Organization, Role};

    fn enrolled(role: bool, stack: bool) -> AccountFacts {
        let baseline =
            "StackSet-AWSControlTowerBP-BASELINE-CONFIG-0a1b2c3d-4e5f-6789-abcd-ef0123456789";
        let mut facts = with_stacks(&[
            ("us-east-1", Ok(if stack { vec![baseline] } else { vec![] })),
            ("eu-west-1", Ok(vec![])),
        ]);
        let mut roles = vec![Role {
            name: "Admin".into(),
            arn: format!("arn:aws:iam::{ACCOUNT}:role/Admin"),
            path: "/".into(),
            trust_policy: "{}".into(),
        }];
        if role {
            roles.push(Role {
                name: EXECUTION_ROLE.into(),
                arn: format!("arn:aws:iam::{ACCOUNT}:role/{EXECUTION_ROLE}"),
                path: "/".into(),
                trust_policy: "{}".into(),
            });
        }
        facts.roles = Some(Fact::Ok(roles));
        facts.organization = Some(Fact::Ok(Membership::Member(Organization {
            id: "o-reseller01".into(),
            management_account_id: RESELLER_MGMT.into(),
            management_account_email: None,
        })));
        facts
    }

    #[test]
    fn table() {
        let cases = [
            (enrolled(false, false), Status::Pass, Status::Pass),
            (enrolled(true, false), Status::Fail, Status::Fail),
            (enrolled(false, true), Status::Fail, Status::Fail),
            (enrolled(true, true), Status::Fail, Status::Fail),
        ];
        for (facts, pre, post) in cases {
            assert_eq!(Setup::both(&ControlTower, &facts), (pre, post));
        }
    }

    #[test]
    fn the_new_organizations_control_tower_passes_and_an_unread_region_is_an_error() {
        let mut facts = enrolled(true, true);
        facts.organization = Some(Fact::Ok(Membership::Member(Organization {
            id: NEW_ORG.into(),
            management_account_id: "222222222222".into(),
            management_account_email: None,
        })));
        let mut setup = Setup::new(Phase::Post);
        setup.new_org = Some(NEW_ORG.into());
        assert_eq!(setup.run(&ControlTower, &facts).status, Status::Pass);

        let mut facts = enrolled(false, false);
        if let Some(Fact::Ok(stacks)) = &mut facts.stacks {
            stacks.regions.insert(
                "ap-south-1".into(),
                Fact::Error(
                    "cloudformation:ListStacks: ThrottlingException (HTTP 400): slow".into(),
                ),
            );
        }
        let finding = Setup::new(Phase::Pre).run(&ControlTower, &facts);
        assert_eq!(finding.status, Status::Error);
        assert!(
            finding
                .summary
                .contains("(ap-south-1): cloudformation:ListStacks: Throttling"),
            "{}",
            finding.summary
        );
        assert!(
            finding.items.iter().any(|i| i.is("throttled")),
            "{:?}",
            finding.items
        );
    }

    #[test]
    fn a_failing_enrolment_names_its_marks_by_region() {
        let finding = Setup::new(Phase::Pre).run(&ControlTower, &enrolled(true, true));
        assert!(finding.summary.contains("role AWSControlTowerExecution, us-east-1: StackSet AWSControlTowerBP-BASELINE-CONFIG"), "{}", finding.summary);
        assert!(
            finding.summary.contains("must be unenrolled"),
            "{}",
            finding.summary
        );
        assert_eq!(finding.resources.len(), 2);
    }

    #[test]
    fn fails_closed() {
        assert_fails_closed(&ControlTower);
    }
}
