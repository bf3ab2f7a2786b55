#![doc = include_str!("../../checks/docs/access-after-move.md")]

use std::collections::BTreeSet;

use super::iam_federation::{ORG_ACCESS_ROLE, Who, judge, provider_marks};
use super::trust_policy::Trusted;
use super::{
    About, Check, Context, Finding, Item, Phase, Severity, Status, Under, count, name_list,
};
use crate::facts::{AccountFacts, FactKind, Membership, Missing};

pub(crate) struct AccessAfterMove;

about! {
    "access-after-move",
    title: "Administrative access after the move",
    severity: Severity::Critical,
    needs: &[
        FactKind::Roles,
        FactKind::Users,
        FactKind::AccountSummary,
        FactKind::Organization,
        FactKind::SamlProviders,
        FactKind::OidcProviders,
        FactKind::Handshakes,
    ],
    attestation: Some("root_credentials"),
    remediation: "Before the cut-over, create a way in that stays: recover the root password (ask the reseller to allow root password recovery) with your own MFA and attest it, or a break-glass role trusted by one of your own audited accounts or the new organization's management account.",
    item_kinds: &[WAY_IN, GONE, NOT_COUNTED, UNREADABLE],
}

/// A way in that stays after the move (resource: the principal, reason: why it stays).
pub(crate) const WAY_IN: &str = "way-in";
/// A way in that goes with the move (resource: the role, reason: why).
pub(crate) const GONE: &str = "gone-with-move";
/// A role trusting someone orgexit cannot count as the customer's (principal: who).
pub(crate) const NOT_COUNTED: &str = "not-counted";
/// A role whose trust policy could not be read (reason: why).
pub(crate) const UNREADABLE: &str = "unreadable-trust";

/// Where AWS keeps the roles of IAM Identity Center.
pub(crate) const SSO_PATH: &str = "/aws-reserved/sso.amazonaws.com/";
pub(crate) const SERVICE_PATH: &str = "/aws-service-role/";
/// The reason of a role of the reseller organization's Identity Center, gone with the move.
pub(crate) const SSO_GONE: &str = "IAM Identity Center of the reseller's organization";

impl Check for AccessAfterMove {
    fn about(&self) -> &'static About {
        &ABOUT
    }
    fn needs_under(&self, under: Under<'_>) -> Vec<FactKind> {
        // The invitation names the new organization's management account: read only when
        // there is one to read.
        self.needs()
            .iter()
            .copied()
            .filter(|k| {
                *k != FactKind::Handshakes || (under.phase == Phase::Pre && under.new_org.is_some())
            })
            .collect()
    }

    fn evaluate(&self, facts: &AccountFacts, ctx: &Context<'_>) -> Result<Finding, Missing> {
        let roles = facts.roles()?;
        let users = facts.users()?;
        let summary = facts.account_summary()?;
        let organization = facts.organization()?;
        // The identity providers tell whose federated roles are whose; unread, no such
        // role counts (and it matters only when nothing else lets anyone in).
        let (saml, oidc) = (facts.saml_providers(), facts.oidc_providers());
        let unread_providers = saml.as_ref().err().or(oidc.as_ref().err()).cloned();
        let providers = provider_marks(
            saml.map_or(&[][..], |p| p.as_slice()),
            oidc.map_or(&[][..], |p| p.as_slice()),
            ctx,
        );
        // Before the cut-over the new organization's management account is named by its
        // invitation (handshakes are read only then, and only with --new-org).
        // A failed read of them matters only when nothing else lets anyone in.
        let (invited_by, unread_invitation) = match (ctx.phase, ctx.new_org) {
            (Phase::Pre, Some(org)) => match facts.handshakes() {
                Ok(handshakes) => (
                    handshakes
                        .iter()
                        .filter(|h| h.is_pending_invite_from(org))
                        .find_map(|h| h.management_account_id.clone()),
                    None,
                ),
                Err(missing) => (None, Some(missing)),
            },
            _ => (None, None),
        };
        let (judge, parsed) = judge(facts, ctx, roles, providers, invited_by);
        let in_new_org =
            matches!(organization, Membership::Member(o) if ctx.new_org == Some(o.id.as_str()));
        let audit_role = facts.reached_through.as_ref();

        let mut items = Vec::new();
        match summary.account_password_present {
            Some(true) => {
                items.push(Item::new(WAY_IN, "root").with_reason("AWS shows a root password"))
            }
            Some(false) => {}
            None => items.push(Item::new(NOT_COUNTED, "root").with_reason(
                "AWS did not say whether the root user has a password (AccountPasswordPresent)",
            )),
        }
        if let Some(a) = &ctx.attestations.root_credentials {
            items.push(
                Item::new(WAY_IN, "root")
                    .with_reason(format!("root credentials attested by {} on {}", a.by, a.on)),
            );
        }
        for user in users {
            if ctx.reseller.marks(&user.name).is_none() {
                items.push(
                    Item::new(WAY_IN, format!("user/{}", user.name))
                        .with_reason("an IAM user of the account"),
                );
            }
        }
        for (role, grants) in &parsed {
            let name = format!("role/{}", role.name);
            if audit_role.is_some_and(|r| r.role == role.name)
                || role.path.starts_with(SERVICE_PATH)
            {
                continue;
            }
            if role.path.starts_with(SSO_PATH) {
                items.push(if in_new_org && ctx.phase == Phase::Post {
                    Item::new(WAY_IN, name).with_reason(format!(
                        "IAM Identity Center of the new organization {}",
                        ctx.new_org.unwrap_or_default()
                    ))
                } else {
                    Item::new(GONE, name).with_reason(format!(
                        "{SSO_GONE}: AWS removes its roles when the account leaves"
                    ))
                });
                continue;
            }
            if ctx.reseller.marks(&role.name).is_some() {
                items.push(Item::new(GONE, name).with_reason("the reseller's own role"));
                continue;
            }
            let grants = match &**grants {
                Ok(grants) => grants,
                Err(reason) => {
                    items.push(Item::new(UNREADABLE, name).with_reason(reason.clone()));
                    continue;
                }
            };
            let mut stays = BTreeSet::new();
            let mut reseller = BTreeSet::new();
            let mut outside = BTreeSet::new();
            for grant in grants {
                // The account orgexit ran from, unless it is the reseller's.
                let from_runner = matches!(&grant.principal, Trusted::Account(id)
                    if audit_role.is_some_and(|r| &r.from_account == id));
                for who in judge.grant(grant, &role.name) {
                    match who {
                        Who::Inside(Some(label)) => {
                            stays.insert(label);
                        }
                        Who::Inside(None) => {}
                        Who::Reseller(why) => {
                            reseller.insert(why);
                        }
                        Who::Outside(x) | Who::Unclear(x) if from_runner => {
                            stays.insert(format!("the account orgexit ran from, {x}"));
                        }
                        Who::Outside(x) | Who::Unclear(x) => {
                            // A SAML provider of the account, not the reseller's: the
                            // customer's own single sign-on.
                            match &grant.principal {
                                Trusted::Federated(arn)
                                    if arn.contains(":saml-provider/")
                                        && judge.provider_mark(arn) == Some(None) =>
                                {
                                    stays.insert(format!("single sign-on through {arn}"));
                                }
                                _ => {
                                    outside.insert(x);
                                }
                            }
                        }
                    }
                }
            }
            if !stays.is_empty() {
                let why: Vec<String> = stays.into_iter().collect();
                items.push(
                    Item::new(WAY_IN, name).with_reason(format!("trusted by {}", why.join(", "))),
                );
            } else if !reseller.is_empty() {
                let why: Vec<String> = reseller.into_iter().collect();
                let what = if role.name == ORG_ACCESS_ROLE {
                    "created by the reseller's organization, trusting"
                } else {
                    "a door of the reseller's, trusting"
                };
                items.push(Item::new(GONE, name).with_reason(format!("{what} {}", why.join(", "))));
            } else if !outside.is_empty() {
                let who: Vec<String> = outside.into_iter().collect();
                items.push(
                    Item::new(NOT_COUNTED, name)
                        .with_principal(who.join(", "))
                        .with_reason("trusted by an account not audited here: audit it with the others to count it"),
                );
            }
        }

        let ways: Vec<String> = items
            .iter()
            .filter(|i| i.is(WAY_IN))
            .map(|i| i.resource().to_string())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let when = match ctx.phase {
            Phase::Pre => "after the move",
            Phase::Post => "now",
        };
        if ways.is_empty() {
            // Not knowing is not "nobody": the answer that could count is missing.
            if summary.account_password_present.is_none() {
                return Err(Missing::Failed(
                    "iam:GetAccountSummary did not say whether the root user has a password (AccountPasswordPresent), and nothing else lets anyone in (a snapshot from an older orgexit lacks it: collect it again)".into(),
                ));
            }
            if let Some(missing) = unread_invitation.or(unread_providers) {
                return Err(missing);
            }
            let gone: Vec<String> = items
                .iter()
                .filter(|i| i.is(GONE))
                .map(|i| i.resource().to_string())
                .collect();
            let mut summary = format!(
                "{when} nobody can sign in: no root password shown or attested, no IAM user, no role that stays"
            );
            if !gone.is_empty() {
                summary.push_str(&format!("; gone with the move: {}", name_list(&gone)));
            }
            let uncounted: Vec<String> = items
                .iter()
                .filter(|i| i.is(NOT_COUNTED) || i.is(UNREADABLE))
                .map(|i| i.resource().to_string())
                .collect();
            if !uncounted.is_empty() {
                summary.push_str(&format!("; not counted: {}", name_list(&uncounted)));
            }
            return Ok(Finding::new(Status::Fail, summary).with_items(items));
        }
        // Who gets in is the finding. Of what goes, only the sign-in through the reseller's
        // Identity Center is news here: its doors are iam-federation's findings.
        items.retain(|i| i.is(WAY_IN) || (i.is(GONE) && i.reason().starts_with(SSO_GONE)));
        let sso_gone = items.iter().filter(|i| i.is(GONE)).count();
        let mut summary = format!(
            "{when} the account can still be administered through {}",
            name_list(&ways)
        );
        if sso_gone > 0 {
            summary.push_str(&format!(
                "; sign-in through the reseller's IAM Identity Center ({}) goes with the move",
                count(sso_gone, "role", "roles")
            ));
        }
        Ok(Finding::new(Status::Pass, summary)
            .with_resources(ways)
            .with_items(items))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attestations::Attested;
    use crate::checks::testing::*;
    use crate::facts::{AccountSummary, Fact, NamedEntity, Organization, ReachedThrough, Role};

    const OTHER: &str = "222222222222";

    fn trust(principal: &str) -> String {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"}}]}}"#
        )
    }

    fn role(name: &str, path: &str, principal: &str) -> Role {
        Role {
            name: name.into(),
            arn: format!("arn:aws:iam::{ACCOUNT}:role{path}{name}"),
            path: path.into(),
            trust_policy: trust(principal),
        }
    }

    fn account(id: &str) -> String {
        format!(r#"{{"AWS":"arn:aws:iam::{id}:root"}}"#)
    }

    /// Only the reseller organization's Identity Center, its doors, a service role and
    /// the audit role; no root password.
    fn locked_out() -> AccountFacts {
        let saml = format!(
            r#"{{"Federated":"arn:aws:iam::{ACCOUNT}:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE"}}"#
        );
        AccountFacts {
            organization: Some(Fact::Ok(Membership::Member(Organization {
                id: "o-ctlreseller1".into(),
                management_account_id: RESELLER_MGMT.into(),
                management_account_email: Some("aws@ctl.io".into()),
            }))),
            roles: Some(Fact::Ok(vec![
                role("AWSReservedSSO_Admin_0123456789abcdef", SSO_PATH, &saml),
                role(ORG_ACCESS_ROLE, "/", &account(RESELLER_MGMT)),
                role("CTL-Support", "/", &account(RESELLER_MGMT)),
                role(
                    "AWSServiceRoleForSupport",
                    "/aws-service-role/support.amazonaws.com/",
                    r#"{"Service":"support.amazonaws.com"}"#,
                ),
                role("OrgExitAudit", "/", &account(OTHER)),
                role("SelfOnly", "/", &account(ACCOUNT)),
            ])),
            users: Some(Fact::Ok(vec![NamedEntity {
                name: "ctl-automation".into(),
                arn: format!("arn:aws:iam::{ACCOUNT}:user/ctl-automation"),
            }])),
            account_summary: Some(Fact::Ok(AccountSummary {
                account_mfa_enabled: false,
                account_access_keys_present: false,
                account_signing_certificates_present: Some(false),
                account_password_present: Some(false),
            })),
            saml_providers: Some(Fact::Ok(vec![])),
            oidc_providers: Some(Fact::Ok(vec![])),
            handshakes: Some(Fact::Ok(vec![])),
            reached_through: Some(ReachedThrough {
                role: "OrgExitAudit".into(),
                from_account: OTHER.into(),
            }),
            ..facts()
        }
    }

    fn run(facts: &AccountFacts) -> Finding {
        Setup::new(Phase::Pre).run(&AccessAfterMove, facts)
    }

    fn kinds(f: &Finding, kind: &str) -> Vec<String> {
        f.items
            .iter()
            .filter(|i| i.is(kind))
            .map(|i| i.resource().to_string())
            .collect()
    }

    #[test]
    fn only_identity_center_and_the_resellers_doors_is_nobody() {
        let f = run(&locked_out());
        assert_eq!(f.status, Status::Fail, "{}", f.summary);
        assert!(
            f.summary.starts_with("after the move nobody can sign in"),
            "{}",
            f.summary
        );
        assert_eq!(
            kinds(&f, GONE),
            [
                "role/AWSReservedSSO_Admin_0123456789abcdef",
                "role/OrganizationAccountAccessRole",
                "role/CTL-Support"
            ]
        );
        // The audit role and the service role are neither ways in nor gone; the role
        // trusting only its own account lets in nobody from outside.
        for r in [
            "role/OrgExitAudit",
            "role/AWSServiceRoleForSupport",
            "role/SelfOnly",
        ] {
            assert!(
                !f.items.iter().any(|i| i.resource() == r),
                "{r}: {:?}",
                f.items
            );
        }
        assert!(kinds(&f, WAY_IN).is_empty());
    }

    #[test]
    fn each_way_in_that_stays_is_named() {
        let password = AccountFacts {
            account_summary: Some(Fact::Ok(AccountSummary {
                account_password_present: Some(true),
                ..*locked_out().account_summary().unwrap()
            })),
            ..locked_out()
        };
        let f = run(&password);
        assert_eq!(f.status, Status::Pass, "{}", f.summary);
        assert_eq!(kinds(&f, WAY_IN), ["root"]);
        // Of what goes, a pass says only the Identity Center sign-in (the doors are
        // iam-federation's).
        assert!(
            f.summary.ends_with(
                "sign-in through the reseller's IAM Identity Center (1 role) goes with the move"
            ),
            "{}",
            f.summary
        );
        assert_eq!(
            kinds(&f, GONE),
            ["role/AWSReservedSSO_Admin_0123456789abcdef"]
        );

        let mut user = locked_out();
        if let Some(Fact::Ok(users)) = user.users.as_mut() {
            users.push(NamedEntity {
                name: "alice".into(),
                arn: format!("arn:aws:iam::{ACCOUNT}:user/alice"),
            });
        }
        assert_eq!(kinds(&run(&user), WAY_IN), ["user/alice"]);

        // A break-glass role trusted by another audited account.
        let mut breakglass = locked_out();
        if let Some(Fact::Ok(roles)) = breakglass.roles.as_mut() {
            roles.push(role("BreakGlass", "/", &account("333333333333")));
        }
        let mut s = Setup::new(Phase::Pre);
        let f = s.run(&AccessAfterMove, &breakglass);
        assert_eq!(
            f.status,
            Status::Fail,
            "not audited, not counted: {}",
            f.summary
        );
        assert_eq!(kinds(&f, NOT_COUNTED), ["role/BreakGlass"]);
        s.audited.insert("333333333333".into());
        let f = s.run(&AccessAfterMove, &breakglass);
        assert_eq!(f.status, Status::Pass, "{}", f.summary);
        assert_eq!(kinds(&f, WAY_IN), ["role/BreakGlass"]);
        assert!(f.summary.contains("role/BreakGlass"), "{}", f.summary);

        // Attested root credentials.
        let mut s = Setup::new(Phase::Pre);
        s.attestations.root_credentials = Some(Attested {
            by: "secops@acme.example".into(),
            on: time::macros::date!(2026 - 11 - 20),
        });
        let f = s.run(&AccessAfterMove, &locked_out());
        assert_eq!(f.status, Status::Pass, "{}", f.summary);
        assert_eq!(kinds(&f, WAY_IN), ["root"]);
    }

    /// A role trusted by the new organization's management account stays, known from the
    /// invitation's MANAGEMENT_ACCOUNT.
    #[test]
    fn the_new_organizations_management_account_is_known_from_the_invitation() {
        const NEW_MGMT: &str = "555566667777";
        let mut facts = locked_out();
        if let Some(Fact::Ok(roles)) = facts.roles.as_mut() {
            roles.push(role("AcmeBreakGlass", "/", &account(NEW_MGMT)));
        }
        let mut s = Setup::new(Phase::Pre);
        s.new_org = Some(NEW_ORG.into());
        assert_eq!(s.run(&AccessAfterMove, &facts).status, Status::Fail);
        facts.handshakes = Some(Fact::Ok(vec![crate::facts::Handshake {
            id: "h-0123456789".into(),
            action: "INVITE".into(),
            state: "OPEN".into(),
            organization_id: Some(NEW_ORG.into()),
            expires_at: None,
            management_account_id: Some(NEW_MGMT.into()),
            management_account_email: None,
            management_account_name: None,
        }]));
        let f = s.run(&AccessAfterMove, &facts);
        assert_eq!(f.status, Status::Pass, "{}", f.summary);
        assert_eq!(kinds(&f, WAY_IN), ["role/AcmeBreakGlass"]);
    }

    /// Not knowing is not "nobody": with nothing else in, a missing answer is an error.
    #[test]
    fn an_unknown_root_password_or_unread_invitation_is_an_error_not_a_verdict() {
        let unknown = AccountFacts {
            account_summary: Some(Fact::Ok(AccountSummary {
                account_password_present: None,
                ..*locked_out().account_summary().unwrap()
            })),
            ..locked_out()
        };
        let f = run(&unknown);
        assert_eq!(f.status, Status::Error, "{}", f.summary);
        assert!(
            f.summary.contains("AccountPasswordPresent"),
            "{}",
            f.summary
        );

        let unread = AccountFacts {
            handshakes: Some(Fact::Error("AccessDenied: no".into())),
            ..locked_out()
        };
        let mut s = Setup::new(Phase::Pre);
        s.new_org = Some(NEW_ORG.into());
        assert_eq!(s.run(&AccessAfterMove, &unread).status, Status::Error);
        let providers = AccountFacts {
            saml_providers: Some(Fact::Error("Throttling: Rate exceeded".into())),
            ..locked_out()
        };
        let f = run(&providers);
        assert_eq!(f.status, Status::Error, "{}", f.summary);
        assert!(f.summary.contains("Throttling"), "{}", f.summary);
        // ...but a way in that stays needs no invitation.
        let mut s2 = Setup::new(Phase::Pre);
        s2.new_org = Some(NEW_ORG.into());
        s2.attestations.root_credentials = Some(Attested {
            by: "secops@acme.example".into(),
            on: time::macros::date!(2026 - 11 - 20),
        });
        assert_eq!(s2.run(&AccessAfterMove, &unread).status, Status::Pass);
    }

    /// After the cut-over, in the new organization, its Identity Center roles count.
    #[test]
    fn after_the_move_the_new_organizations_identity_center_counts() {
        let arrived = AccountFacts {
            organization: Some(Fact::Ok(Membership::Member(Organization {
                id: NEW_ORG.into(),
                management_account_id: "555566667777".into(),
                management_account_email: None,
            }))),
            ..locked_out()
        };
        let mut s = Setup::new(Phase::Post);
        s.new_org = Some(NEW_ORG.into());
        let f = s.run(&AccessAfterMove, &arrived);
        assert_eq!(f.status, Status::Pass, "{}", f.summary);
        assert_eq!(
            kinds(&f, WAY_IN),
            ["role/AWSReservedSSO_Admin_0123456789abcdef"]
        );
        assert!(f.summary.starts_with("now "), "{}", f.summary);
    }

    #[test]
    fn fails_closed() {
        assert_fails_closed(&AccessAfterMove);
    }
}
