//! # iam-federation: no way in for the reseller
//!
//! ## What it checks
//! Reads every role's trust policy (`iam:ListRoles`) and the identity providers
//! (`iam:ListSAMLProviders`, `iam:ListOpenIDConnectProviders`).
//!
//! - A role that trusts a reseller account (the reseller definition's accounts,
//!   `--reseller-account`, or the management account of the reseller's organization),
//!   and a SAML or OIDC provider named with a reseller marker: `warn` before the cut-over,
//!   `fail` after it. `OrganizationAccountAccessRole` usually shows up here.
//! - A role that trusts another outside account (not one of the audited accounts, not an
//!   AWS service), anyone (`"*"`), or a principal that names no account: `warn` in both
//!   phases, for review.
//! - A trust policy that cannot be read: `error`, naming the role.
//! - Outside trusts found while the organization could not be read
//!   (`organizations:DescribeOrganization`): `error`, since the reseller's management
//!   account cannot then be told from any other outside account.
//!
//! A role or provider kept by a `keep` waiver is shown with its reason and not counted.
//!
//! ## Why it blocks departure
//! Trust policies and identity providers are the doors the reseller's people and tools
//! walk through, whatever the roles are called. Deleting the `CTL` roles is not enough if
//! another role still trusts the reseller's account or its single sign-on.
//!
//! ## How to fix
//! For each listed role, remove the reseller's account from its trust policy
//! (`aws iam update-assume-role-policy`) or delete the role. Delete the reseller's SAML
//! and OIDC providers (IAM → Identity providers). Review the other outside accounts with
//! whoever owns them.

use std::collections::BTreeSet;

use super::org_membership::is_reseller_org;
use super::trust_policy::{Trusted, account_of, trusted_principals};
use super::{
    Check, Context, Finding, Severity, Status, count, kept_list, leftover_status, name_list,
};
use crate::facts::{AccountFacts, FactKind, Membership, Missing};
use crate::plan::Waiver;

pub struct IamFederation;

#[derive(Default)]
struct Doors {
    reseller: Vec<String>,
    outside: Vec<String>,
    unreadable: Vec<String>,
    waived: Vec<Waiver>,
    resources: Vec<String>,
}

impl Check for IamFederation {
    fn id(&self) -> &'static str {
        "iam-federation"
    }
    fn title(&self) -> &'static str {
        "No federation or trust to the reseller"
    }
    fn severity(&self) -> Severity {
        Severity::Critical
    }
    fn needs(&self) -> &'static [FactKind] {
        &[
            FactKind::Roles,
            FactKind::SamlProviders,
            FactKind::OidcProviders,
            FactKind::Organization,
        ]
    }
    fn source(&self) -> &'static str {
        include_str!("iam_federation.rs")
    }
    fn remediation(&self) -> &'static str {
        "Remove the reseller's accounts from the listed trust policies (or delete the roles) and delete the reseller's identity providers."
    }

    fn evaluate(&self, facts: &AccountFacts, ctx: &Context<'_>) -> Result<Finding, Missing> {
        let roles = facts.roles()?;
        let saml = facts.saml_providers()?;
        let oidc = facts.oidc_providers()?;
        let mut reseller_accounts: BTreeSet<&str> =
            ctx.reseller.accounts.iter().map(String::as_str).collect();
        // The organization adds a reseller account: its management account. Without it
        // a trust of that account would look merely "outside" (warn where it must fail),
        // so an unread organization is an error as soon as any outside trust is found.
        let organization = facts.organization();
        if let Ok(Membership::Member(org)) = organization
            && is_reseller_org(org, ctx)
        {
            reseller_accounts.insert(&org.management_account_id);
        }
        let inside = |account: &str| account == facts.account_id || ctx.audited.contains(account);
        let marked_provider = |arn: &str| {
            let name = arn.rsplit_once('/').map_or(arn, |(_, name)| name);
            ctx.reseller.marker_in(name).is_some()
        };

        let mut doors = Doors::default();
        for role in roles {
            if let Some(waiver) = ctx.attestations.waiver_for(&role.name) {
                doors.keep(&role.name, waiver);
                continue;
            }
            let trusted = match trusted_principals(&role.trust_policy) {
                Ok(trusted) => trusted,
                Err(reason) => {
                    doors.unreadable.push(format!("{}: {reason}", role.name));
                    continue;
                }
            };
            let mut to_reseller = BTreeSet::new();
            let mut to_outside = BTreeSet::new();
            for principal in &trusted {
                match principal {
                    Trusted::Account(id) if reseller_accounts.contains(id.as_str()) => {
                        to_reseller.insert(id.clone());
                    }
                    Trusted::Account(id) if !inside(id) => {
                        to_outside.insert(id.clone());
                    }
                    Trusted::Federated(arn) if marked_provider(arn) => {
                        to_reseller.insert(arn.clone());
                    }
                    Trusted::Federated(arn) => match account_of(arn) {
                        Some(id) if reseller_accounts.contains(id.as_str()) => {
                            to_reseller.insert(arn.clone());
                        }
                        Some(id) if inside(&id) => {}
                        _ => {
                            to_outside.insert(arn.clone());
                        }
                    },
                    Trusted::Anyone => {
                        to_outside.insert("anyone (*)".into());
                    }
                    Trusted::Unresolved(value) => {
                        to_outside.insert(format!("unresolved principal {value}"));
                    }
                    Trusted::Account(_) | Trusted::Service(_) => {}
                }
            }
            if !to_reseller.is_empty() {
                doors
                    .reseller
                    .push(format!("{} ({})", role.name, join(&to_reseller)));
                doors.resources.push(role.arn.clone());
            } else if !to_outside.is_empty() {
                doors
                    .outside
                    .push(format!("{} ({})", role.name, join(&to_outside)));
                doors.resources.push(role.arn.clone());
            }
        }
        if let (Err(missing), false) = (&organization, doors.outside.is_empty()) {
            return Err(Missing::Failed(format!(
                "cannot tell whether the outside accounts trusted by {} are the reseller's: {missing}",
                doors.outside.join(", ")
            )));
        }
        let mut reseller_providers = Vec::new();
        for provider in saml.iter().chain(oidc) {
            if !marked_provider(&provider.arn) {
                continue;
            }
            match ctx.attestations.waiver_for(&provider.name) {
                Some(waiver) => doors.keep(&provider.name, waiver),
                None => {
                    reseller_providers.push(provider.name.clone());
                    doors.resources.push(provider.arn.clone());
                }
            }
        }
        Ok(doors.finding(reseller_providers, ctx))
    }
}

fn join(items: &BTreeSet<String>) -> String {
    items.iter().cloned().collect::<Vec<_>>().join(", ")
}

impl Doors {
    fn keep(&mut self, name: &str, waiver: &Waiver) {
        self.waived.push(Waiver {
            name: name.to_string(),
            reason: waiver.reason.clone(),
        });
    }

    fn finding(self, reseller_providers: Vec<String>, ctx: &Context<'_>) -> Finding {
        let mut parts = Vec::new();
        if !self.reseller.is_empty() {
            parts.push(format!(
                "{} the reseller: {}",
                count(self.reseller.len(), "role trusts", "roles trust"),
                name_list(&self.reseller)
            ));
        }
        if !reseller_providers.is_empty() {
            let markers = ctx.reseller.markers.join("/");
            parts.push(format!(
                "{} named with {markers}: {}",
                count(
                    reseller_providers.len(),
                    "identity provider",
                    "identity providers"
                ),
                name_list(&reseller_providers)
            ));
        }
        if !self.outside.is_empty() {
            parts.push(format!(
                "{} outside accounts, to review: {}",
                count(self.outside.len(), "role trusts", "roles trust"),
                name_list(&self.outside)
            ));
        }
        if !self.unreadable.is_empty() {
            parts.push(format!(
                "unreadable trust policy: {}",
                name_list(&self.unreadable)
            ));
        }
        if !self.waived.is_empty() {
            parts.push(format!("kept by waiver: {}", kept_list(&self.waived)));
        }
        let status = if !self.unreadable.is_empty() {
            Status::Error
        } else if !self.reseller.is_empty() || !reseller_providers.is_empty() {
            leftover_status(ctx.phase)
        } else if !self.outside.is_empty() {
            Status::Warn
        } else {
            Status::Pass
        };
        let summary = if parts.is_empty() {
            "no role trusts the reseller or an outside account; no reseller identity provider"
                .to_string()
        } else {
            parts.join("; ")
        };
        Finding::new(status, summary)
            .with_resources(self.resources)
            .with_waived(self.waived)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Phase;
    use crate::checks::testing::*;
    use crate::facts::{Fact, NamedEntity, Organization, Role};
    use crate::plan::Waiver;

    fn role(name: &str, trusts: &str) -> Role {
        Role {
            name: name.into(),
            arn: format!("arn:aws:iam::{ACCOUNT}:role/{name}"),
            path: "/".into(),
            trust_policy: format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{trusts},"Action":"sts:AssumeRole"}}]}}"#
            ),
        }
    }

    fn provider(kind: &str, name: &str) -> NamedEntity {
        NamedEntity {
            name: name.into(),
            arn: format!("arn:aws:iam::{ACCOUNT}:{kind}/{name}"),
        }
    }

    fn with(roles: Vec<Role>, saml: Vec<NamedEntity>, oidc: Vec<NamedEntity>) -> AccountFacts {
        AccountFacts {
            roles: Some(Fact::Ok(roles)),
            saml_providers: Some(Fact::Ok(saml)),
            oidc_providers: Some(Fact::Ok(oidc)),
            organization: Some(Fact::Ok(Membership::Standalone)),
            ..facts()
        }
    }

    #[test]
    fn table() {
        let reseller = role(
            "OrganizationAccountAccessRole",
            r#"{"AWS":"arn:aws:iam::999999999999:root"}"#,
        );
        let outside = role("VendorAudit", r#"{"AWS":"444455556666"}"#);
        let own = role(
            "Admin",
            &format!(r#"{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}}"#),
        );
        let service = role("Lambda", r#"{"Service":"lambda.amazonaws.com"}"#);
        let anyone = role("Open", r#""*""#);
        let saml_trust = role(
            "SSO",
            &format!(r#"{{"Federated":"arn:aws:iam::{ACCOUNT}:saml-provider/CTL-Okta"}}"#),
        );
        let cases = [
            (
                with(vec![own.clone(), service.clone()], vec![], vec![]),
                Status::Pass,
                Status::Pass,
            ),
            (
                with(vec![reseller.clone(), own.clone()], vec![], vec![]),
                Status::Warn,
                Status::Fail,
            ),
            (
                with(vec![outside.clone()], vec![], vec![]),
                Status::Warn,
                Status::Warn,
            ),
            (
                with(vec![anyone], vec![], vec![]),
                Status::Warn,
                Status::Warn,
            ),
            (
                with(vec![], vec![provider("saml-provider", "CTL-Okta")], vec![]),
                Status::Warn,
                Status::Fail,
            ),
            (
                with(
                    vec![],
                    vec![provider("saml-provider", "Okta")],
                    vec![provider(
                        "oidc-provider",
                        "token.actions.githubusercontent.com",
                    )],
                ),
                Status::Pass,
                Status::Pass,
            ),
            (
                with(
                    vec![],
                    vec![],
                    vec![provider("oidc-provider", "ctl.example.com")],
                ),
                Status::Warn,
                Status::Fail,
            ),
            (
                with(vec![saml_trust], vec![], vec![]),
                Status::Warn,
                Status::Fail,
            ),
            (
                with(vec![outside, reseller], vec![], vec![]),
                Status::Warn,
                Status::Fail,
            ),
        ];
        for (facts, pre, post) in cases {
            assert_eq!(
                Setup::both(&IamFederation, &facts),
                (pre, post),
                "{facts:?}"
            );
        }
    }

    #[test]
    fn audited_accounts_are_not_outside() {
        let mut setup = Setup::new(Phase::Post);
        setup.audited.insert("222222222222".into());
        let f = setup.run(
            &IamFederation,
            &with(
                vec![role("Peer", r#"{"AWS":"222222222222"}"#)],
                vec![],
                vec![],
            ),
        );
        assert_eq!(f.status, Status::Pass, "{}", f.summary);
    }

    #[test]
    fn the_reseller_org_management_account_counts_as_reseller() {
        let mut setup = Setup::new(Phase::Post);
        setup.reseller.accounts.clear();
        let mut facts = with(
            vec![role(
                "OrganizationAccountAccessRole",
                r#"{"AWS":"arn:aws:iam::777777777777:root"}"#,
            )],
            vec![],
            vec![],
        );
        facts.organization = Some(Fact::Ok(Membership::Member(Organization {
            id: "o-reseller001".into(),
            management_account_id: "777777777777".into(),
            // The reseller's by its management account's email domain.
            management_account_email: Some("aws-root@ctl.io".into()),
        })));
        let f = setup.run(&IamFederation, &facts);
        assert_eq!(f.status, Status::Fail, "{}", f.summary);
        assert!(
            f.summary
                .contains("OrganizationAccountAccessRole (777777777777)"),
            "{}",
            f.summary
        );
        assert_eq!(
            f.resources,
            [format!(
                "arn:aws:iam::{ACCOUNT}:role/OrganizationAccountAccessRole"
            )]
        );
        // Without the organization fact the trust cannot be told from an outside one:
        // an error (never the warn that would let a post-phase gate through).
        facts.organization = Some(Fact::Error(
            "organizations:DescribeOrganization: AccessDenied".into(),
        ));
        let f = setup.run(&IamFederation, &facts);
        assert_eq!(f.status, Status::Error);
        assert!(
            f.summary
                .contains("OrganizationAccountAccessRole (777777777777)")
                && f.summary.contains("DescribeOrganization: AccessDenied"),
            "{}",
            f.summary
        );
        // With no outside trust at all, the organization does not matter.
        let mut inside_only = with(
            vec![role(
                "Admin",
                &format!(r#"{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}}"#),
            )],
            vec![],
            vec![],
        );
        inside_only.organization = facts.organization.clone();
        assert_eq!(setup.run(&IamFederation, &inside_only).status, Status::Pass);
    }

    #[test]
    fn waivers_and_unreadable_policies() {
        let mut setup = Setup::new(Phase::Post);
        setup.attestations.keep = vec![Waiver {
            name: "CTL-CAM".into(),
            reason: "CAM for ALM".into(),
        }];
        let f = setup.run(
            &IamFederation,
            &with(
                vec![role("CTL-CAM", r#"{"AWS":"999999999999"}"#)],
                vec![],
                vec![],
            ),
        );
        assert_eq!(f.status, Status::Pass);
        assert!(f.summary.contains("CAM for ALM"));
        assert_eq!(f.waived, setup.attestations.keep);
        let mut broken = role("Broken", "{}");
        broken.trust_policy = "%7Bnot json".into();
        let f = setup.run(&IamFederation, &with(vec![broken], vec![], vec![]));
        assert_eq!(f.status, Status::Error);
        assert!(f.summary.contains("Broken"));
    }

    #[test]
    fn fails_closed() {
        assert_fails_closed(&IamFederation);
    }
}
