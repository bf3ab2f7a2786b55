#![doc = include_str!("../../checks/docs/iam-reseller-roles.md")]

use super::marked::{Entity, leftover_finding};
use super::{About, Check, Context, Finding, Severity};
use crate::facts::{AccountFacts, FactKind, Missing, Role};

/// The item kind of a marked resource not kept by a waiver.
pub(crate) const MARKED_ROLE: &str = "marked-role";

pub(crate) struct IamResellerRoles;

about! {
    "iam-reseller-roles",
    title: "Reseller's IAM roles",
    severity: Severity::High,
    needs: &[FactKind::Roles],
    attestation: None,
    remediation: "Delete the listed roles (IAM → Roles, search CTL), or attest a keep waiver with a reason.",
    item_kinds: &[MARKED_ROLE, super::WAIVED],
}

/// Service-linked roles belong to AWS services, not to the reseller.
pub(crate) fn is_service_linked(role: &Role) -> bool {
    role.path.starts_with("/aws-service-role/")
}

impl Check for IamResellerRoles {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn evaluate(&self, facts: &AccountFacts, ctx: &Context<'_>) -> Result<Finding, Missing> {
        let roles = facts.roles()?;
        Ok(leftover_finding(
            ("role", "roles"),
            MARKED_ROLE,
            roles
                .iter()
                .filter(|r| !is_service_linked(r))
                .map(|r| Entity {
                    name: &r.name,
                    arn: &r.arn,
                }),
            ctx,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;
    use crate::checks::testing::*;
    use crate::facts::Fact;

    fn role(name: &str, path: &str) -> Role {
        Role {
            name: name.into(),
            arn: format!("arn:aws:iam::{ACCOUNT}:role{path}{name}"),
            path: path.into(),
            trust_policy: "{}".into(),
        }
    }

    fn with(roles: Vec<Role>) -> AccountFacts {
        AccountFacts {
            roles: Some(Fact::Ok(roles)),
            ..facts()
        }
    }

    #[test]
    fn table() {
        let marked = with(vec![role("CTL-Support", "/"), role("Admin", "/")]);
        assert_eq!(
            Setup::both(&IamResellerRoles, &marked),
            (Status::Warn, Status::Fail)
        );
        let clean = with(vec![role("Admin", "/")]);
        assert_eq!(
            Setup::both(&IamResellerRoles, &clean),
            (Status::Pass, Status::Pass)
        );
        let service_linked = with(vec![role(
            "AWSServiceRoleForCTLThing",
            "/aws-service-role/ctl.amazonaws.com/",
        )]);
        assert_eq!(
            Setup::both(&IamResellerRoles, &service_linked),
            (Status::Pass, Status::Pass)
        );
    }

    #[test]
    fn fails_closed() {
        assert_fails_closed(&IamResellerRoles);
    }
}
