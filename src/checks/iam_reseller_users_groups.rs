#![doc = include_str!("../../checks/docs/iam-reseller-users-groups.md")]

use super::marked::{Entity, leftover_finding};
use super::{About, Check, Context, Finding, Severity};
use crate::facts::{AccountFacts, FactKind, Missing};

/// The item kind of a marked resource not kept by a waiver.
pub(crate) const MARKED_USER_OR_GROUP: &str = "marked-user-or-group";

pub(crate) struct IamResellerUsersGroups;

about! {
    "iam-reseller-users-groups",
    title: "Reseller's IAM users and groups",
    severity: Severity::High,
    needs: &[FactKind::Users, FactKind::Groups],
    attestation: None,
    remediation: "Delete the listed users (keys, login profile, MFA first) and groups, or attest a keep waiver with a reason.",
    item_kinds: &[MARKED_USER_OR_GROUP, super::WAIVED],
}

impl Check for IamResellerUsersGroups {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn evaluate(&self, facts: &AccountFacts, ctx: &Context<'_>) -> Result<Finding, Missing> {
        let users = facts.users()?;
        let groups = facts.groups()?;
        Ok(leftover_finding(
            ("user or group", "users and groups"),
            MARKED_USER_OR_GROUP,
            users.iter().chain(groups).map(|e| Entity {
                name: &e.name,
                arn: &e.arn,
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
    use crate::facts::{Fact, NamedEntity};

    fn entities(kind: &str, names: &[&str]) -> Option<Fact<Vec<NamedEntity>>> {
        Some(Fact::Ok(
            names
                .iter()
                .map(|n| NamedEntity {
                    name: n.to_string(),
                    arn: format!("arn:aws:iam::{ACCOUNT}:{kind}/{n}"),
                })
                .collect(),
        ))
    }

    #[test]
    fn table() {
        let cases = [
            (&["ctl-admin"][..], &[][..], Status::Warn, Status::Fail),
            (&[], &["CTL-Operators"], Status::Warn, Status::Fail),
            (&["alice"], &["Admins"], Status::Pass, Status::Pass),
        ];
        for (users, groups, pre, post) in cases {
            let f = AccountFacts {
                users: entities("user", users),
                groups: entities("group", groups),
                ..facts()
            };
            assert_eq!(
                Setup::both(&IamResellerUsersGroups, &f),
                (pre, post),
                "{users:?} {groups:?}"
            );
        }
        let both = AccountFacts {
            users: entities("user", &["ctl-admin"]),
            groups: entities("group", &["CTL-Ops"]),
            ..facts()
        };
        let f = Setup::new(crate::checks::Phase::Post).run(&IamResellerUsersGroups, &both);
        assert!(
            f.summary
                .starts_with("2 users and groups named with CTL: ctl-admin, CTL-Ops"),
            "{}",
            f.summary
        );
        assert_eq!(f.resources.len(), 2);
    }

    #[test]
    fn one_failed_list_is_an_error() {
        let f = AccountFacts {
            users: entities("user", &[]),
            groups: Some(Fact::Error("Throttling".into())),
            ..facts()
        };
        assert_eq!(
            Setup::new(crate::checks::Phase::Pre)
                .run(&IamResellerUsersGroups, &f)
                .status,
            Status::Error
        );
    }

    #[test]
    fn fails_closed() {
        assert_fails_closed(&IamResellerUsersGroups);
    }
}
