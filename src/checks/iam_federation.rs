#![doc = include_str!("../../checks/docs/iam-federation.md")]

use std::collections::BTreeSet;

use super::org_membership::is_reseller_org;
use std::borrow::Cow;

use super::trust_policy::{Grant, Trusted, account_of};
use super::{
    About, Check, Context, Finding, Item, Severity, Status, WAIVED, count, kept_list,
    leftover_status, name_list,
};
use crate::attestations::Waiver;
use crate::facts::{
    AccountFacts, FactKind, Membership, Missing, NamedEntity, ReachedThrough, Role, SamlProvider,
};

/// The item kinds: a role that lets the reseller in (principal: who, and what says so).
pub(crate) const RESELLER_TRUST: &str = "reseller-trust";
/// An identity provider of the reseller's (principal: what marks it).
pub(crate) const RESELLER_PROVIDER: &str = "reseller-provider";
/// A role trusting outside accounts that cannot be told apart from the reseller's.
pub(crate) const UNCLEAR_TRUST: &str = "unclear-trust";
/// A role trusting outside accounts known not to be the reseller's.
pub(crate) const OUTSIDE_TRUST: &str = "outside-trust";
/// A role whose trust policy could not be read (reason: why).
pub(crate) const UNREADABLE_TRUST: &str = "unreadable-trust";
/// A SAML provider whose metadata could not be read (reason: why).
pub(crate) const UNREADABLE_PROVIDER: &str = "unreadable-provider";
/// The organization could not be read, so whose accounts roles trust is not known.
pub(crate) const UNKNOWN_ORGANIZATION: &str = "unknown-organization";
const TRUSTS: [&str; 3] = [RESELLER_TRUST, UNCLEAR_TRUST, OUTSIDE_TRUST];

pub(crate) struct IamFederation;

about! {
    "iam-federation",
    title: "Trust and federation from outside",
    severity: Severity::Critical,
    needs: &[
        FactKind::Roles,
        FactKind::SamlProviders,
        FactKind::OidcProviders,
        FactKind::Organization,
    ],
    attestation: None,
    remediation: "Remove the reseller's accounts and organization from the listed trust policies (or delete the roles) and delete the reseller's identity providers.",
    item_kinds: &[
        RESELLER_TRUST,
        RESELLER_PROVIDER,
        UNCLEAR_TRUST,
        OUTSIDE_TRUST,
        UNREADABLE_TRUST,
        UNREADABLE_PROVIDER,
        UNKNOWN_ORGANIZATION,
        WAIVED,
    ],
}

/// The role AWS Organizations creates in every account it creates.
pub(super) const ORG_ACCESS_ROLE: &str = "OrganizationAccountAccessRole";

/// Who one trusted principal is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Who {
    /// This account, another audited one, the new organization, an AWS service. Named
    /// (e.g. "audited account 222233334444") when it is a way in from elsewhere that stays
    /// after the move; `None` for the account itself, a service, or the audit's own trust.
    Inside(Option<String>),
    /// The reseller, with what says so.
    Reseller(String),
    /// Someone else, known not to be the reseller.
    Outside(String),
    /// Someone outside who cannot be told apart from the reseller.
    Unclear(String),
}

/// What the account's facts and the policy say about who is who.
pub(super) struct Judge<'a> {
    ctx: &'a Context<'a>,
    account_id: &'a str,
    /// Reseller accounts: definition, `--reseller-account`, the reseller org's management
    /// account, accounts trusted by the reseller's marked roles.
    reseller_accounts: BTreeSet<String>,
    /// Whether the reseller's accounts are known well enough to tell others apart.
    reseller_known: bool,
    /// The reseller's organization, when the account is still in it.
    reseller_org: Option<String>,
    /// The new organization's management account, when the account is already in it.
    new_org_management: Option<String>,
    /// Providers of this account, by ARN, with what marks them as the reseller's.
    providers: Vec<(String, Option<String>)>,
    /// The audit role orgexit came in through, and the account it came from.
    reached_through: Option<&'a ReachedThrough>,
}

impl Judge<'_> {
    fn inside(&self, account: &str) -> bool {
        account == self.account_id
            || self.ctx.audited.contains(account)
            || self.new_org_management.as_deref() == Some(account)
    }

    /// What marks a provider of this account as the reseller's: `None` when it is not
    /// one of the account's providers, `Some(None)` when it is and nothing marks it.
    pub(super) fn provider_mark(&self, arn: &str) -> Option<Option<&str>> {
        self.providers
            .iter()
            .find(|(a, _)| a == arn)
            .map(|(_, mark)| mark.as_deref())
    }

    /// An inside account other than this one, named: a way in that stays after the move.
    fn way_in_from(&self, account: &str) -> Option<String> {
        if account == self.account_id {
            None
        } else if self.new_org_management.as_deref() == Some(account) {
            Some(format!(
                "the new organization's management account {account}"
            ))
        } else {
            Some(format!("audited account {account}"))
        }
    }

    /// The audit role trusting the account orgexit ran from: the audit's own door.
    fn is_audit_role(&self, role: &str, account: &str) -> bool {
        self.reached_through
            .is_some_and(|r| r.role == role && r.from_account == account)
    }

    fn account(&self, id: &str, role: &str) -> Who {
        if self.reseller_accounts.contains(id) {
            Who::Reseller(id.to_string())
        } else if self.inside(id) {
            Who::Inside(self.way_in_from(id))
        } else if role == ORG_ACCESS_ROLE {
            Who::Reseller(format!(
                "{id}, which created the account: not audited, not the new organization's"
            ))
        } else if self.is_audit_role(role, id) {
            Who::Inside(None)
        } else if self.reseller_known {
            Who::Outside(id.to_string())
        } else {
            Who::Unclear(id.to_string())
        }
    }

    fn org(&self, id: &str) -> Who {
        if self.reseller_org.as_deref() == Some(id) {
            Who::Reseller(format!(
                "every principal of the reseller's organization {id}"
            ))
        } else if self.ctx.new_org == Some(id) {
            Who::Inside(Some(format!("principals of the new organization {id}")))
        } else if self.reseller_org.is_some() {
            // Knowing the reseller's accounts says nothing of its organization's id.
            Who::Outside(format!("principals of organization {id}"))
        } else {
            Who::Unclear(format!("principals of organization {id}"))
        }
    }

    /// Whether `id` is the reseller's organization (the account is still in it).
    pub(super) fn is_reseller_org(&self, id: &str) -> bool {
        self.reseller_org.as_deref() == Some(id)
    }

    /// Who a grant lets in: one answer per organization or account it names.
    pub(super) fn grant(&self, grant: &Grant, role: &str) -> Vec<Who> {
        let narrowed = || -> Vec<Who> {
            let by_org = grant.orgs.iter().map(|o| self.org(o));
            let by_account = grant.accounts.iter().map(|a| self.account(a, role));
            by_org.chain(by_account).collect()
        };
        match &grant.principal {
            Trusted::Service(_) => vec![Who::Inside(None)],
            Trusted::Account(id) => vec![self.account(id, role)],
            Trusted::Anyone if grant.orgs.is_empty() && grant.accounts.is_empty() => {
                vec![Who::Reseller("anyone (*), the reseller included".into())]
            }
            Trusted::Anyone => narrowed(),
            Trusted::Federated(arn) => {
                if let Some((_, Some(mark))) = self.providers.iter().find(|(a, _)| a == arn) {
                    return vec![Who::Reseller(format!("{arn} ({mark})"))];
                }
                match account_of(arn) {
                    Some(id) if self.inside(&id) => vec![Who::Inside(self.way_in_from(&id))],
                    Some(id) => match self.account(&id, role) {
                        Who::Reseller(_) => vec![Who::Reseller(arn.clone())],
                        Who::Outside(_) => vec![Who::Outside(arn.clone())],
                        other => vec![other],
                    },
                    // A public identity provider (accounts.google.com, cognito-identity…).
                    None => vec![Who::Outside(arn.clone())],
                }
            }
            Trusted::Unresolved(value) => {
                vec![Who::Outside(format!("unresolved principal {value}"))]
            }
        }
    }
}

/// Who is who in this account: the reseller's accounts and organization, the new
/// organization's management account (from the organization the account is in, else
/// `new_org_management` when the caller knows it), and every role's trust policy parsed.
pub(super) fn judge<'a>(
    facts: &'a AccountFacts,
    ctx: &'a Context<'a>,
    roles: &'a [Role],
    providers: Vec<(String, Option<String>)>,
    new_org_management: Option<String>,
) -> (Judge<'a>, ParsedRoles<'a>) {
    let organization = facts.organization();
    let mut judge = Judge {
        ctx,
        account_id: &facts.account_id,
        reseller_accounts: ctx.reseller.accounts.clone(),
        reseller_known: false,
        reseller_org: None,
        new_org_management: None,
        providers,
        reached_through: facts.reached_through.as_ref(),
    };
    match &organization {
        Ok(Membership::Member(org)) if is_reseller_org(org, ctx) => {
            judge
                .reseller_accounts
                .insert(org.management_account_id.clone());
            judge.reseller_org = Some(org.id.clone());
        }
        Ok(Membership::Member(org)) if ctx.new_org == Some(org.id.as_str()) => {
            judge.new_org_management = Some(org.management_account_id.clone());
        }
        _ => {}
    }
    if judge.new_org_management.is_none() {
        judge.new_org_management = new_org_management;
    }
    judge.reseller_known = !judge.reseller_accounts.is_empty();
    // The accounts the reseller's own (marked) roles trust are the reseller's too.
    let parsed: ParsedRoles<'a> = match ctx.trust.of(roles) {
        Cow::Borrowed(kept) => roles.iter().zip(kept.iter().map(Cow::Borrowed)).collect(),
        Cow::Owned(parsed) => roles
            .iter()
            .zip(parsed.into_iter().map(Cow::Owned))
            .collect(),
    };
    for (role, grants) in &parsed {
        if ctx.reseller.marks(&role.name).is_none() {
            continue;
        }
        for grant in grants.iter().flatten() {
            if let Trusted::Account(id) = &grant.principal
                && !judge.inside(id)
            {
                judge.reseller_accounts.insert(id.clone());
            }
        }
    }
    (judge, parsed)
}

/// Every role with what its trust policy grants, or why it could not be read.
pub(super) type ParsedRoles<'a> = Vec<(&'a Role, Cow<'a, Result<Vec<Grant>, String>>)>;

#[derive(Default)]
struct Doors {
    items: Vec<Item>,
    resources: Vec<String>,
}

impl Check for IamFederation {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn evaluate(&self, facts: &AccountFacts, ctx: &Context<'_>) -> Result<Finding, Missing> {
        let roles = facts.roles()?;
        let saml = facts.saml_providers()?;
        let oidc = facts.oidc_providers()?;
        let organization = facts.organization();
        let mut doors = Doors::default();
        let providers = judge_providers(saml, oidc, ctx, &mut doors);

        let (judge, parsed) = judge(facts, ctx, roles, providers, None);
        for (role, grants) in &parsed {
            if let Some(waiver) = ctx.attestations.waiver_for(&role.name) {
                doors.keep(&role.name, waiver);
                continue;
            }
            let grants = match &**grants {
                Ok(grants) => grants,
                Err(reason) => {
                    doors.items.push(
                        Item::new(UNREADABLE_TRUST, &role.name).with_reason(reason.to_string()),
                    );
                    continue;
                }
            };
            let mut who: Vec<Who> = grants
                .iter()
                .flat_map(|g| judge.grant(g, &role.name))
                .collect();
            who.sort();
            who.dedup();
            let list = |pick: fn(&Who) -> Option<&String>| -> Vec<String> {
                who.iter().filter_map(pick).cloned().collect()
            };
            let reseller = list(|w| match w {
                Who::Reseller(x) => Some(x),
                _ => None,
            });
            let unclear = list(|w| match w {
                Who::Unclear(x) => Some(x),
                _ => None,
            });
            let outside = list(|w| match w {
                Who::Outside(x) => Some(x),
                _ => None,
            });
            let (kind, who) = if !reseller.is_empty() {
                (RESELLER_TRUST, reseller)
            } else if !unclear.is_empty() {
                (UNCLEAR_TRUST, unclear)
            } else if !outside.is_empty() {
                (OUTSIDE_TRUST, outside)
            } else {
                continue;
            };
            doors
                .items
                .push(Item::new(kind, &role.name).with_principal(who.join(", ")));
            doors.resources.push(role.arn.clone());
        }
        let trusting = doors.of(&TRUSTS).len();
        if let (Err(missing), true) = (&organization, trusting > 0) {
            // Without the organization the reseller's management account (or the new
            // organization's) cannot be told from any other outside account: what was
            // judged without it may be incomplete. Only a door that already fails the
            // account after the cut-over is worth saying beside it.
            let why = format!(
                "the organization could not be read, so whose accounts {} is not known: {missing}",
                count(trusting, "role trusts", "roles trust")
            );
            if ctx.phase == super::Phase::Pre || doors.of(&[RESELLER_TRUST]).is_empty() {
                return Err(Missing::Failed(why));
            }
            doors.items.push(Item::about(UNKNOWN_ORGANIZATION, why));
        }
        Ok(doors.finding(ctx))
    }
}

/// Marks each provider as the reseller's or not, records the reseller's (unless waived)
/// and the unreadable ones, and returns (ARN, mark) for the roles that trust them.
/// The account's identity providers, by ARN, with what marks each as the reseller's.
pub(super) fn provider_marks(
    saml: &[SamlProvider],
    oidc: &[NamedEntity],
    ctx: &Context<'_>,
) -> Vec<(String, Option<String>)> {
    judge_providers(saml, oidc, ctx, &mut Doors::default())
}

fn judge_providers(
    saml: &[SamlProvider],
    oidc: &[NamedEntity],
    ctx: &Context<'_>,
    doors: &mut Doors,
) -> Vec<(String, Option<String>)> {
    let mut judged = Vec::new();
    for p in saml {
        let mark = match ctx.reseller.marks_url(&p.name) {
            Some(mark) => Some(mark),
            None => match &p.issuer {
                Some(crate::facts::Fact::Ok(issuer)) => ctx
                    .reseller
                    .marks_url(issuer)
                    .map(|m| format!("metadata issuer {issuer}: {m}")),
                Some(crate::facts::Fact::Error(reason)) => {
                    doors.items.push(
                        Item::new(UNREADABLE_PROVIDER, &p.name).with_reason(reason.to_string()),
                    );
                    None
                }
                None => {
                    doors
                        .items
                        .push(Item::new(UNREADABLE_PROVIDER, &p.name).with_reason(
                            "its metadata issuer is not in the snapshot (collect it again)",
                        ));
                    None
                }
            },
        };
        judged.push((p.arn.clone(), p.name.clone(), mark));
    }
    for p in oidc {
        judged.push((
            p.arn.clone(),
            p.name.clone(),
            ctx.reseller.marks_url(&p.name),
        ));
    }
    for (arn, name, mark) in &judged {
        let Some(mark) = mark else { continue };
        match ctx.attestations.waiver_for(name) {
            Some(waiver) => doors.keep(name, waiver),
            None => {
                doors
                    .items
                    .push(Item::new(RESELLER_PROVIDER, name).with_principal(mark.as_str()));
                doors.resources.push(arn.clone());
            }
        }
    }
    judged
        .into_iter()
        .map(|(arn, _, mark)| (arn, mark))
        .collect()
}

impl Doors {
    fn keep(&mut self, name: &str, waiver: &Waiver) {
        self.items.push(Item::waived(name, waiver));
    }

    /// The items of these kinds, each as the summary says it.
    fn of(&self, kinds: &[&str]) -> Vec<String> {
        self.items
            .iter()
            .filter(|i| kinds.contains(&&*i.kind))
            .map(|i| match &*i.kind {
                UNREADABLE_TRUST => format!("{}: {}", i.resource(), i.reason()),
                UNREADABLE_PROVIDER => format!("SAML provider {}: {}", i.resource(), i.reason()),
                UNKNOWN_ORGANIZATION => i.reason().to_string(),
                _ => format!("{} ({})", i.resource(), i.principal()),
            })
            .collect()
    }

    /// The finding, its summary said from the items.
    fn finding(self, ctx: &Context<'_>) -> Finding {
        let mut parts = Vec::new();
        let mut statuses = vec![Status::Pass];
        let reseller = self.of(&[RESELLER_TRUST]);
        if !reseller.is_empty() {
            parts.push(format!(
                "{} the reseller in: {}",
                count(reseller.len(), "role lets", "roles let"),
                name_list(&reseller)
            ));
            statuses.push(leftover_status(ctx.phase));
        }
        let providers = self.of(&[RESELLER_PROVIDER]);
        if !providers.is_empty() {
            parts.push(format!(
                "{} of the reseller's: {}",
                count(providers.len(), "identity provider", "identity providers"),
                name_list(&providers)
            ));
            statuses.push(leftover_status(ctx.phase));
        }
        let unclear = self.of(&[UNCLEAR_TRUST]);
        if !unclear.is_empty() {
            parts.push(format!(
                "{} outside accounts that cannot be told apart from the reseller's: {} (give --reseller-account, or keep them by waiver once reviewed)",
                count(unclear.len(), "role trusts", "roles trust"),
                name_list(&unclear)
            ));
            statuses.push(match ctx.phase {
                super::Phase::Pre => Status::Warn,
                super::Phase::Post => Status::Manual,
            });
        }
        let outside = self.of(&[OUTSIDE_TRUST]);
        if !outside.is_empty() {
            parts.push(format!(
                "{} outside accounts, to review: {}",
                count(outside.len(), "role trusts", "roles trust"),
                name_list(&outside)
            ));
            statuses.push(Status::Warn);
        }
        let unreadable = self.of(&[UNREADABLE_PROVIDER, UNREADABLE_TRUST, UNKNOWN_ORGANIZATION]);
        if !unreadable.is_empty() {
            parts.push(format!("unreadable: {}", name_list(&unreadable)));
            statuses.push(Status::Error);
        }
        if self.items.iter().any(|i| i.is(WAIVED)) {
            parts.push(format!("kept by waiver: {}", kept_list(&self.items)));
        }
        let summary = if parts.is_empty() {
            "no role trusts the reseller or an outside account; no reseller identity provider"
                .to_string()
        } else {
            parts.join("; ")
        };
        Finding::new(super::worst(&statuses), summary)
            .with_resources(self.resources)
            .with_items(self.items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attestations::Waiver;
    use crate::checks::Phase;
    use crate::checks::testing::*;
    use crate::facts::{Fact, NamedEntity, Organization, Role, SamlProvider};

    fn role(name: &str, trusts: &str) -> Role {
        role_with(name, trusts, "")
    }

    /// A role whose one statement trusts `principal`, with an optional condition.
    fn role_with(name: &str, principal: &str, condition: &str) -> Role {
        let condition = if condition.is_empty() {
            String::new()
        } else {
            format!(r#","Condition":{condition}"#)
        };
        Role {
            name: name.into(),
            arn: format!("arn:aws:iam::{ACCOUNT}:role/{name}"),
            path: "/".into(),
            trust_policy: format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"{condition}}}]}}"#
            ),
        }
    }

    fn saml(name: &str, issuer: &str) -> SamlProvider {
        SamlProvider {
            name: name.into(),
            arn: format!("arn:aws:iam::{ACCOUNT}:saml-provider/{name}"),
            issuer: Some(Fact::Ok(issuer.into())),
        }
    }

    fn oidc(url: &str) -> NamedEntity {
        NamedEntity {
            name: url.into(),
            arn: format!("arn:aws:iam::{ACCOUNT}:oidc-provider/{url}"),
        }
    }

    fn with(roles: Vec<Role>, saml: Vec<SamlProvider>, oidc: Vec<NamedEntity>) -> AccountFacts {
        AccountFacts {
            roles: Some(Fact::Ok(roles)),
            saml_providers: Some(Fact::Ok(saml)),
            oidc_providers: Some(Fact::Ok(oidc)),
            organization: Some(Fact::Ok(Membership::Standalone)),
            ..facts()
        }
    }

    fn member(mut facts: AccountFacts, org: &str, management: &str) -> AccountFacts {
        facts.organization = Some(Fact::Ok(Membership::Member(Organization {
            id: org.into(),
            management_account_id: management.into(),
            management_account_email: None,
        })));
        facts
    }

    /// A setup that knows no reseller account at all: the definition has none and no
    /// `--reseller-account` was given (the usual case after the cut-over).
    fn unknowing(phase: Phase) -> Setup {
        let mut setup = Setup::new(phase);
        setup.reseller.accounts.clear();
        setup
    }

    #[test]
    fn table() {
        let reseller = role(
            ORG_ACCESS_ROLE,
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
            // Anyone, unconditionally: the reseller included.
            (
                with(vec![anyone], vec![], vec![]),
                Status::Warn,
                Status::Fail,
            ),
            (
                with(
                    vec![],
                    vec![saml("CTL-Okta", "http://www.okta.com/x")],
                    vec![],
                ),
                Status::Warn,
                Status::Fail,
            ),
            (
                with(
                    vec![],
                    vec![saml("Okta", "http://www.okta.com/exk1")],
                    vec![oidc("token.actions.githubusercontent.com")],
                ),
                Status::Pass,
                Status::Pass,
            ),
            (
                with(vec![], vec![], vec![oidc("ctl.example.com")]),
                Status::Warn,
                Status::Fail,
            ),
            (
                with(
                    vec![saml_trust],
                    vec![saml("CTL-Okta", "http://www.okta.com/x")],
                    vec![],
                ),
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

    /// The false pass of issue 9: a departed account whose OrganizationAccountAccessRole
    /// still trusts the reseller's management account, with no reseller account known.
    #[test]
    fn organization_access_role_trusting_an_unknown_account_is_a_reseller_door() {
        let facts = with(
            vec![role(
                ORG_ACCESS_ROLE,
                r#"{"AWS":"arn:aws:iam::777777777777:root"}"#,
            )],
            vec![],
            vec![],
        );
        let f = unknowing(Phase::Post).run(&IamFederation, &facts);
        assert_eq!(f.status, Status::Fail, "{}", f.summary);
        assert!(
            f.summary
                .contains("OrganizationAccountAccessRole (777777777777, which created the account"),
            "{}",
            f.summary
        );
        assert_eq!(
            unknowing(Phase::Pre).run(&IamFederation, &facts).status,
            Status::Warn
        );
        // Trusting an audited account, or the new organization's management account once
        // the account is in it, is not a door.
        let mut setup = unknowing(Phase::Post);
        setup.audited.insert("777777777777".into());
        assert_eq!(setup.run(&IamFederation, &facts).status, Status::Pass);
        let mut setup = unknowing(Phase::Post);
        setup.new_org = Some(NEW_ORG.into());
        let moved = member(facts.clone(), NEW_ORG, "777777777777");
        let f = setup.run(&IamFederation, &moved);
        assert_eq!(f.status, Status::Pass, "{}", f.summary);
        // …but not while the account is standalone (the new management account is not
        // known yet).
        assert_eq!(setup.run(&IamFederation, &facts).status, Status::Fail);
    }

    #[test]
    fn outside_trusts_that_cannot_be_told_from_the_resellers_are_manual_after_the_cut_over() {
        let facts = with(
            vec![role("VendorAudit", r#"{"AWS":"444455556666"}"#)],
            vec![],
            vec![],
        );
        let f = unknowing(Phase::Post).run(&IamFederation, &facts);
        assert_eq!(f.status, Status::Manual, "{}", f.summary);
        assert!(
            f.summary.contains("cannot be told apart") && f.summary.contains("--reseller-account"),
            "{}",
            f.summary
        );
        assert_eq!(
            unknowing(Phase::Pre).run(&IamFederation, &facts).status,
            Status::Warn
        );
        // Known reseller accounts tell it apart: a plain outside trust, to review.
        assert_eq!(
            Setup::new(Phase::Post).run(&IamFederation, &facts).status,
            Status::Warn
        );
        // A waiver after review keeps it.
        let mut setup = unknowing(Phase::Post);
        setup.attestations.keep = vec![Waiver {
            name: "VendorAudit".into(),
            reason: "our SIEM vendor".into(),
        }];
        assert_eq!(setup.run(&IamFederation, &facts).status, Status::Pass);
    }

    #[test]
    fn the_resellers_organization_by_condition() {
        let org_trust = role_with(
            "CrossOrg",
            r#"{"AWS":"*"}"#,
            r#"{"StringEquals":{"aws:PrincipalOrgID":"o-reseller001"}}"#,
        );
        let facts = member(
            with(vec![org_trust.clone()], vec![], vec![]),
            "o-reseller001",
            RESELLER_MGMT,
        );
        let f = Setup::new(Phase::Pre).run(&IamFederation, &facts);
        assert_eq!(f.status, Status::Warn);
        assert!(
            f.summary.contains("reseller's organization o-reseller001"),
            "{}",
            f.summary
        );
        assert_eq!(
            Setup::new(Phase::Post).run(&IamFederation, &facts).status,
            Status::Fail
        );
        // After the cut-over the reseller's organization is not known: manual, not warn.
        let departed = with(vec![org_trust], vec![], vec![]);
        assert_eq!(
            unknowing(Phase::Post).run(&IamFederation, &departed).status,
            Status::Manual
        );
        // Knowing the reseller's accounts does not tell its organization's id (found by
        // the property test below).
        assert_eq!(
            Setup::new(Phase::Post)
                .run(&IamFederation, &departed)
                .status,
            Status::Manual
        );
        // Org paths, source org and source/principal account conditions too.
        for condition in [
            r#"{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":["o-reseller001/r-ab12/*"]}}"#,
            r#"{"StringEquals":{"aws:SourceOrgID":"o-reseller001"}}"#,
            r#"{"StringEquals":{"aws:PrincipalAccount":"999999999999"}}"#,
            r#"{"StringEquals":{"aws:SourceAccount":["999999999999"]}}"#,
        ] {
            let facts = member(
                with(vec![role_with("X", r#""*""#, condition)], vec![], vec![]),
                "o-reseller001",
                RESELLER_MGMT,
            );
            let f = Setup::new(Phase::Post).run(&IamFederation, &facts);
            assert_eq!(f.status, Status::Fail, "{condition}: {}", f.summary);
        }
        // The customer's own new organization is inside.
        let mut setup = Setup::new(Phase::Post);
        setup.new_org = Some(NEW_ORG.into());
        let own = with(
            vec![role_with(
                "Mine",
                r#"{"AWS":"*"}"#,
                &format!(r#"{{"StringEquals":{{"aws:PrincipalOrgID":"{NEW_ORG}"}}}}"#),
            )],
            vec![],
            vec![],
        );
        assert_eq!(setup.run(&IamFederation, &own).status, Status::Pass);
    }

    #[test]
    fn accounts_trusted_by_the_resellers_marked_roles_are_the_resellers() {
        let facts = with(
            vec![
                role(
                    "CTL-Automation",
                    r#"{"AWS":"arn:aws:iam::555566667777:root"}"#,
                ),
                role("Deploy", r#"{"AWS":"arn:aws:iam::555566667777:role/ci"}"#),
            ],
            vec![],
            vec![],
        );
        let f = unknowing(Phase::Post).run(&IamFederation, &facts);
        assert_eq!(f.status, Status::Fail);
        assert!(
            f.summary.contains("Deploy (555566667777)") && f.summary.contains("CTL-Automation"),
            "{}",
            f.summary
        );
    }

    #[test]
    fn identity_providers_by_url_path_and_issuer() {
        let cases = [
            (
                with(vec![], vec![], vec![oidc("auth.ctl.io/realms/cam")]),
                true,
            ),
            (
                with(vec![], vec![], vec![oidc("sso.example.com/ctl")]),
                true,
            ),
            (
                with(
                    vec![],
                    vec![saml("Okta", "https://sso.centurylink.com/saml2")],
                    vec![],
                ),
                true,
            ),
            (
                with(vec![], vec![], vec![oidc("kubectl.example.com/auth")]),
                false,
            ),
            (
                with(
                    vec![],
                    vec![saml("Okta", "http://www.okta.com/exk1")],
                    vec![],
                ),
                false,
            ),
        ];
        for (facts, reseller) in cases {
            let f = Setup::new(Phase::Post).run(&IamFederation, &facts);
            let expected = if reseller { Status::Fail } else { Status::Pass };
            assert_eq!(f.status, expected, "{facts:?}: {}", f.summary);
        }
        // A role trusting such a provider is a door too.
        let facts = with(
            vec![role(
                "CamFederation",
                &format!(
                    r#"{{"Federated":"arn:aws:iam::{ACCOUNT}:oidc-provider/auth.ctl.io/realms/cam"}}"#
                ),
            )],
            vec![],
            vec![oidc("auth.ctl.io/realms/cam")],
        );
        let f = Setup::new(Phase::Post).run(&IamFederation, &facts);
        assert!(f.summary.contains("CamFederation"), "{}", f.summary);
        // An issuer that could not be read, or is not in the snapshot: error, naming it.
        let mut unread = saml("Okta", "");
        unread.issuer = Some(Fact::Error("iam:GetSAMLProvider: AccessDenied".into()));
        let f = Setup::new(Phase::Post).run(&IamFederation, &with(vec![], vec![unread], vec![]));
        assert_eq!(f.status, Status::Error);
        assert!(
            f.summary.contains("Okta") && f.summary.contains("AccessDenied"),
            "{}",
            f.summary
        );
        let mut old = saml("Okta", "");
        old.issuer = None;
        let f = Setup::new(Phase::Post).run(&IamFederation, &with(vec![], vec![old], vec![]));
        assert_eq!(f.status, Status::Error);
        // A name that already decides needs no issuer.
        let mut named = saml("CTL-SSO", "");
        named.issuer = None;
        let f = Setup::new(Phase::Post).run(&IamFederation, &with(vec![], vec![named], vec![]));
        assert_eq!(f.status, Status::Fail, "{}", f.summary);
    }

    #[test]
    fn look_alike_names_are_not_the_resellers() {
        let facts = with(
            vec![
                role("eks-kubectl-deployer", r#"{"Service":"eks.amazonaws.com"}"#),
                role("DirectLinkReadOnly", &format!(r#"{{"AWS":"{ACCOUNT}"}}"#)),
            ],
            vec![],
            vec![oidc("oidc.eks.us-east-1.amazonaws.com/id/KUBECTL")],
        );
        let f = unknowing(Phase::Post).run(&IamFederation, &facts);
        assert_eq!(f.status, Status::Pass, "{}", f.summary);
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

    /// The audit role trusting the account orgexit ran from is the audit's own door; the
    /// same role trusting another account, another role trusting the runner, and the
    /// audit role trusting a reseller account still count.
    #[test]
    fn the_audit_roles_trust_in_the_runner_is_not_a_door() {
        let runner = r#"{"AWS":"arn:aws:iam::555555555555:root"}"#;
        let reached = crate::facts::ReachedThrough {
            role: "OrgExitAudit".into(),
            from_account: "555555555555".into(),
        };
        // Reached through OrganizationAccountAccessRole: still the reseller's way back.
        let mut facts = with(vec![role(ORG_ACCESS_ROLE, runner)], vec![], vec![]);
        facts.reached_through = Some(crate::facts::ReachedThrough {
            role: ORG_ACCESS_ROLE.into(),
            from_account: "555555555555".into(),
        });
        let f = Setup::new(Phase::Post).run(&IamFederation, &facts);
        assert_eq!(f.status, Status::Fail, "{}", f.summary);

        for phase in [Phase::Pre, Phase::Post] {
            let setup = Setup::new(phase);
            let mut facts = with(vec![role("OrgExitAudit", runner)], vec![], vec![]);
            let before = setup.run(&IamFederation, &facts);
            assert_ne!(
                before.status,
                Status::Pass,
                "without the record it is outside"
            );
            facts.reached_through = Some(reached.clone());
            let f = setup.run(&IamFederation, &facts);
            assert_eq!(f.status, Status::Pass, "{phase:?}: {}", f.summary);

            for other in [
                role(
                    "OrgExitAudit",
                    r#"{"AWS":"arn:aws:iam::666666666666:root"}"#,
                ),
                role("Admin", runner),
                role("OrgExitAudit", r#"{"AWS":"999988887777"}"#),
            ] {
                let mut facts = with(vec![other.clone()], vec![], vec![]);
                facts.reached_through = Some(reached.clone());
                let f = setup.run(&IamFederation, &facts);
                assert_ne!(
                    f.status,
                    Status::Pass,
                    "{phase:?} {}: {}",
                    other.name,
                    f.summary
                );
            }
        }
    }

    #[test]
    fn the_reseller_org_management_account_counts_as_reseller() {
        let setup = unknowing(Phase::Post);
        let mut facts = member(
            with(
                vec![role("Ops", r#"{"AWS":"arn:aws:iam::777777777777:root"}"#)],
                vec![],
                vec![],
            ),
            "o-reseller001",
            "777777777777",
        );
        // The reseller's by its management account's email domain.
        if let Some(Fact::Ok(Membership::Member(org))) = &mut facts.organization {
            org.management_account_email = Some("aws-root@ctl.io".into());
        }
        let f = setup.run(&IamFederation, &facts);
        assert_eq!(f.status, Status::Fail, "{}", f.summary);
        assert!(f.summary.contains("Ops (777777777777)"), "{}", f.summary);
        assert_eq!(f.resources, [format!("arn:aws:iam::{ACCOUNT}:role/Ops")]);
        // Without the organization fact the trust cannot be told from an outside one:
        // an error (never the warn that would let a post-phase gate through).
        facts.organization = Some(Fact::Error(
            "organizations:DescribeOrganization: AccessDenied".into(),
        ));
        let f = Setup::new(Phase::Pre).run(&IamFederation, &facts);
        assert_eq!(f.status, Status::Error);
        assert_eq!(setup.run(&IamFederation, &facts).status, Status::Error);
        // After the cut-over a door known without the organization still fails.
        let mut door = facts.clone();
        door.roles = Some(Fact::Ok(vec![role(
            ORG_ACCESS_ROLE,
            r#"{"AWS":"777777777777"}"#,
        )]));
        let f = setup.run(&IamFederation, &door);
        assert_eq!(f.status, Status::Fail, "{}", f.summary);
        assert!(f.summary.contains("could not be read"), "{}", f.summary);
        let f = Setup::new(Phase::Pre).run(&IamFederation, &facts);
        assert!(
            f.summary.contains("1 role trusts")
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
        assert_eq!(f.waived(), setup.attestations.keep);
        let mut broken = role("Broken", "{}");
        broken.trust_policy = "%7Bnot json".into();
        let f = setup.run(&IamFederation, &with(vec![broken.clone()], vec![], vec![]));
        assert_eq!(f.status, Status::Error);
        assert!(f.summary.contains("Broken"));
        // A reseller door found beside an unreadable policy still fails after the cut-over.
        let door = role(ORG_ACCESS_ROLE, r#"{"AWS":"999999999999"}"#);
        let f = setup.run(&IamFederation, &with(vec![broken, door], vec![], vec![]));
        assert_eq!(f.status, Status::Fail, "{}", f.summary);
        assert!(f.summary.contains("Broken"), "{}", f.summary);
    }

    #[test]
    fn fails_closed() {
        assert_fails_closed(&IamFederation);
    }
}

/// Generated policies: whenever one lets a reseller account or the reseller's
/// organization in, iam-federation (as a role's trust policy) and resource-policies (as a
/// bucket's and a key's policy) are never `pass`, and after the cut-over they never let
/// the account be ready — whatever else the policy says, however it is written. One
/// definition of a door serves the three.
#[cfg(test)]
mod properties {
    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::*;
    use crate::checks::Phase;
    use crate::checks::resource_policies::ResourcePolicies;
    use crate::checks::testing::*;
    use crate::facts::{BucketPolicy, Fact, KeyPolicy, Organization, Regional, Role};

    const RESELLER_ORG: &str = "o-reseller001";
    const OTHER_ORG: &str = "o-someother01";
    const OTHER_ACCOUNT: &str = "444455556666";

    /// A principal value: the reseller (as an ID or an ARN of several kinds), the
    /// account itself, an outside account, anyone.
    fn aws_value() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(RESELLER_MGMT.to_string()),
            Just(format!("arn:aws:iam::{RESELLER_MGMT}:root")),
            Just(format!("arn:aws:iam::{RESELLER_MGMT}:role/Ops")),
            Just(format!("arn:aws:sts::{RESELLER_MGMT}:assumed-role/Ops/s")),
            Just(format!("arn:aws:iam::{ACCOUNT}:root")),
            Just(OTHER_ACCOUNT.to_string()),
            Just(format!("arn:aws:iam::{OTHER_ACCOUNT}:user/x")),
            Just("*".to_string()),
            Just("AROAEXAMPLEUNIQUEID".to_string()),
        ]
    }

    fn principal() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(json!("*")),
            aws_value().prop_map(|v| json!({ "AWS": v })),
            prop::collection::vec(aws_value(), 1..4).prop_map(|v| json!({ "AWS": v })),
            Just(json!({"Service": "ec2.amazonaws.com"})),
            Just(json!({"Federated": format!("arn:aws:iam::{ACCOUNT}:saml-provider/Okta")})),
            (aws_value(), Just("ec2.amazonaws.com"))
                .prop_map(|(a, s)| json!({ "AWS": [a], "Service": s })),
        ]
    }

    fn condition() -> impl Strategy<Value = Option<Value>> {
        let operator = prop_oneof![
            Just("StringEquals"),
            Just("StringLike"),
            Just("ForAnyValue:StringEquals"),
            Just("StringNotEquals"),
            Just("StringEqualsIfExists"),
        ];
        let key = prop_oneof![
            Just("aws:PrincipalOrgID"),
            Just("aws:SourceOrgID"),
            Just("aws:PrincipalOrgPaths"),
            Just("aws:PrincipalAccount"),
            Just("aws:SourceAccount"),
            Just("sts:ExternalId"),
        ];
        let value = prop_oneof![
            Just(RESELLER_ORG.to_string()),
            Just(format!("{RESELLER_ORG}/r-ab12/*")),
            Just(OTHER_ORG.to_string()),
            Just(RESELLER_MGMT.to_string()),
            Just(OTHER_ACCOUNT.to_string()),
            Just("o-*".to_string()),
        ];
        prop::option::of(
            prop::collection::vec((operator, key, value), 1..3).prop_map(|entries| {
                let mut condition = serde_json::Map::new();
                for (operator, key, value) in entries {
                    let block = condition
                        .entry(operator)
                        .or_insert_with(|| json!({}))
                        .as_object_mut()
                        .expect("an object");
                    block.insert(key.to_string(), json!(value));
                }
                Value::Object(condition)
            }),
        )
    }

    fn statement() -> impl Strategy<Value = Value> {
        (prop::bool::weighted(0.8), principal(), condition()).prop_map(|(allow, p, c)| {
            let mut s = json!({
                "Effect": if allow { "Allow" } else { "Deny" },
                "Principal": p,
                "Action": "sts:AssumeRole",
            });
            if let Some(c) = c {
                s["Condition"] = c;
            }
            s
        })
    }

    /// A value naming the reseller: its account as an ID or in an ARN.
    fn names_reseller(value: &str) -> bool {
        value == RESELLER_MGMT || value.contains(&format!("::{RESELLER_MGMT}:"))
    }

    /// The oracle, written apart from the check: does an `Allow` statement let the
    /// reseller in? (A principal naming its account; or anyone, with a plain condition
    /// naming the reseller's organization or account, or, when `public` counts, with no
    /// condition at all.)
    fn lets_reseller_in(statements: &[Value], public: bool) -> bool {
        statements.iter().any(|s| {
            if s["Effect"] != "Allow" {
                return false;
            }
            let principal = &s["Principal"];
            let aws: Vec<&str> = match &principal["AWS"] {
                Value::String(v) => vec![v.as_str()],
                Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                _ => vec![],
            };
            if aws.iter().any(|v| names_reseller(v)) {
                return true;
            }
            let anyone = principal == "*" || aws.contains(&"*");
            let Some(condition) = s.get("Condition").and_then(Value::as_object) else {
                return anyone && public;
            };
            anyone
                && condition.iter().any(|(operator, keys)| {
                    !operator.contains("Not")
                        && !operator.ends_with("IfExists")
                        && keys.as_object().is_some_and(|keys| {
                            keys.iter().any(|(key, value)| {
                                let value = value.as_str().unwrap_or("");
                                match key.as_str() {
                                    "aws:PrincipalOrgID" | "aws:SourceOrgID" => {
                                        value == RESELLER_ORG
                                    }
                                    "aws:PrincipalOrgPaths" => {
                                        value.starts_with(&format!("{RESELLER_ORG}/"))
                                    }
                                    "aws:PrincipalAccount" | "aws:SourceAccount" => {
                                        value == RESELLER_MGMT
                                    }
                                    _ => false,
                                }
                            })
                        })
                })
        })
    }

    fn facts_with(document: String, member: bool) -> AccountFacts {
        let mut facts = AccountFacts {
            roles: Some(Fact::Ok(vec![Role {
                name: "Generated".into(),
                arn: format!("arn:aws:iam::{ACCOUNT}:role/Generated"),
                path: "/".into(),
                trust_policy: document,
            }])),
            saml_providers: Some(Fact::Ok(vec![])),
            oidc_providers: Some(Fact::Ok(vec![])),
            organization: Some(Fact::Ok(Membership::Standalone)),
            ..facts()
        };
        if member {
            facts.organization = Some(Fact::Ok(Membership::Member(Organization {
                id: RESELLER_ORG.into(),
                management_account_id: RESELLER_MGMT.into(),
                management_account_email: None,
            })));
        }
        facts
    }

    /// The same document as a bucket's policy (S3 sends it verbatim) and as a key's.
    fn resources_with(document: &str, member: bool) -> AccountFacts {
        let region = "eu-west-1";
        let key_id = "1234abcd-12ab-34cd-56ef-1234567890ab";
        AccountFacts {
            roles: Some(Fact::Ok(vec![])),
            regions: Some(Fact::Ok(vec![region.into()])),
            bucket_policies: Some(Fact::Ok(vec![BucketPolicy {
                bucket: "generated".into(),
                region: Some(region.into()),
                policy: Fact::Ok(Some(document.into())),
            }])),
            key_policies: Some(Fact::Ok(Regional {
                regions: [(
                    region.to_string(),
                    Fact::Ok(vec![KeyPolicy {
                        key_id: key_id.into(),
                        arn: format!("arn:aws:kms:{region}:{ACCOUNT}:key/{key_id}"),
                        policy: Fact::Ok(document.into()),
                    }]),
                )]
                .into(),
                left_out: vec![],
            })),
            ..facts_with(String::new(), member)
        }
    }

    fn config() -> ProptestConfig {
        let cases = std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(2000);
        ProptestConfig::with_cases(cases)
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn a_policy_that_lets_the_reseller_in_never_passes(
            statements in prop::collection::vec(statement(), 1..4),
            as_object in any::<bool>(),
            encoded in any::<bool>(),
            member in any::<bool>(),
            known in any::<bool>(),
        ) {
            let body = if as_object && statements.len() == 1 {
                json!(statements[0])
            } else {
                json!(statements)
            };
            let text = json!({"Version": "2012-10-17", "Statement": body}).to_string();
            let resources = resources_with(&text, member);
            // As IAM sends it (URL-encoded) or as moto does, through the collector's decoding.
            let sent = if encoded { urlencoding::encode(&text).into_owned() } else { text };
            let document = crate::aws::collect::decode_policy(Some(sent));
            let facts = facts_with(document, member);
            // A role anyone may assume is a door; a bucket or key open to anyone is
            // often meant to be (a website, a shared key), not the reseller's: a warning
            // in both phases, so never `pass`, but not what blocks the cut-over.
            let judged: [(&dyn Check, &AccountFacts, bool); 2] =
                [(&IamFederation, &facts, true), (&ResourcePolicies, &resources, false)];
            for (phase, (check, facts, public_blocks)) in [Phase::Pre, Phase::Post]
                .into_iter()
                .flat_map(|phase| judged.map(|judged| (phase, judged)))
            {
                let mut setup = Setup::new(phase);
                if !known {
                    // After the cut-over with no --reseller-account: only what the
                    // account itself shows.
                    setup.reseller.accounts.clear();
                }
                let finding = setup.run(check, facts);
                // A departed account whose reseller is unknown to us cannot be judged on
                // the reseller's account ID alone: the oracle needs a way to know it.
                let knowable = known || member;
                if knowable && lets_reseller_in(&statements, true) {
                    prop_assert_ne!(finding.status, Status::Pass, "{} {}: {}", check.id(), phase.as_str(), finding.summary);
                    if phase == Phase::Post && lets_reseller_in(&statements, public_blocks) {
                        prop_assert!(
                            finding.status.blocks(),
                            "{} post lets the account be ready: {:?} {}", check.id(), finding.status, finding.summary
                        );
                    }
                }
            }
        }
    }
}
