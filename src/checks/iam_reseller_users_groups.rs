//! # iam-reseller-users-groups: the reseller's IAM users and groups are gone
//!
//! ## What it checks
//! Reads `iam:ListUsers` and `iam:ListGroups` and lists the users and groups whose name
//! contains a reseller marker (for `ctl`: `CTL`, any case). Any such user or group is
//! `warn` before the cut-over and `fail` after it; one kept by a `keep` waiver counts as
//! gone, with its reason shown.
//!
//! ## Why it blocks departure
//! A reseller IAM user has long-lived credentials (password, access keys) that nobody in
//! the customer's company controls; a reseller group grants whatever its policies say to
//! whoever is put in it.
//!
//! ## How to fix
//! IAM → Users and IAM → User groups, search for `CTL`. For each user: delete its access
//! keys, login profile, MFA devices and group memberships, then the user. For each
//! group: remove its members and policies, then the group.

use super::marked::{Entity, leftover_finding};
use super::{Check, Context, Finding, Severity};
use crate::facts::{AccountFacts, FactKind, Missing};

pub struct IamResellerUsersGroups;

/// The check's id: what the report, the ticket and `--select` name it by.
pub const ID: &str = "iam-reseller-users-groups";

impl Check for IamResellerUsersGroups {
    fn id(&self) -> &'static str {
        ID
    }
    fn title(&self) -> &'static str {
        "Reseller's IAM users and groups"
    }
    fn severity(&self) -> Severity {
        Severity::High
    }
    fn needs(&self) -> &'static [FactKind] {
        &[FactKind::Users, FactKind::Groups]
    }
    fn source(&self) -> &'static str {
        include_str!("iam_reseller_users_groups.rs")
    }
    fn remediation(&self) -> &'static str {
        "Delete the listed users (keys, login profile, MFA first) and groups, or attest a keep waiver with a reason."
    }
    fn item_kinds(&self) -> &'static [&'static str] {
        &["marked-user-or-group", super::WAIVED]
    }

    fn evaluate(&self, facts: &AccountFacts, ctx: &Context<'_>) -> Result<Finding, Missing> {
        let users = facts.users()?;
        let groups = facts.groups()?;
        Ok(leftover_finding(
            ("user or group", "users and groups"),
            "marked-user-or-group",
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
