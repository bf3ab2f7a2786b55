#![doc = include_str!("../../checks/docs/org-membership.md")]

use super::{About, Check, Context, Finding, Phase, Severity, Status};
use crate::facts::{AccountFacts, FactKind, Membership, Missing, Organization};

pub(crate) struct OrgMembership;

about! {
    "org-membership",
    title: "Organization membership",
    severity: Severity::High,
    needs: &[FactKind::Organization],
    attestation: None,
    remediation: "Leave the reseller's organization (Organizations console → Leave organization) or ask the reseller to remove the account, then accept the new organization's invitation; if orgexit cannot tell whose organization it is, give --new-org or --reseller-account.",
    item_kinds: &[],
}

/// Whose an organization is, as far as orgexit can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Owner {
    /// The reseller's, and what shows it.
    Reseller(ResellerEvidence),
    /// The customer's new organization (`--new-org`).
    New,
    /// The customer's own organization: its management account is one of the accounts
    /// audited (a customer whose reseller pays through a billing transfer keeps it).
    Own,
    /// Neither known: orgexit does not guess.
    Unknown,
}

/// What identifies an organization as the reseller's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ResellerEvidence {
    /// The management account is one of the reseller definition's.
    DefinitionAccount,
    /// The management account was given with `--reseller-account`.
    GivenAccount,
    /// The management account's email is in this reseller email domain.
    EmailDomain(String),
}

impl Owner {
    /// Why the organization was judged so, in words: for the reseller's, its management
    /// account and what marks it ("management account 999988887777, given as
    /// --reseller-account").
    pub(crate) fn why(&self, org: &Organization, ctx: &Context<'_>) -> String {
        let mgmt = &org.management_account_id;
        let email = org.management_account_email.as_deref().unwrap_or_default();
        match self {
            Owner::Reseller(ResellerEvidence::DefinitionAccount) => format!(
                "management account {mgmt}, a known account of the reseller definition `{}`",
                ctx.reseller.name
            ),
            Owner::Reseller(ResellerEvidence::GivenAccount) => {
                format!("management account {mgmt}, given as --reseller-account")
            }
            Owner::Reseller(ResellerEvidence::EmailDomain(domain)) => format!(
                "management account {mgmt}, whose email {email} is in the reseller's domain {domain}"
            ),
            Owner::New => format!("its id {} was given as --new-org", org.id),
            Owner::Own => format!("its management account {mgmt} is one of the accounts audited"),
            Owner::Unknown => {
                let email = if email.is_empty() {
                    String::new()
                } else {
                    format!(", email {email}")
                };
                format!(
                    "neither --new-org nor a known reseller account or email domain (management account {mgmt}{email})"
                )
            }
        }
    }
}

/// Whose `org` is: the reseller's by its management account (definition,
/// `--reseller-account`) or that account's email domain; the new one by `--new-org`;
/// otherwise unknown. The reseller's evidence wins over `--new-org`: an account still in
/// the reseller's organization must never pass as arrived.
pub(crate) fn whose(org: &Organization, ctx: &Context<'_>) -> Owner {
    let mgmt = &org.management_account_id;
    if ctx.reseller.accounts_given.contains(mgmt) {
        return Owner::Reseller(ResellerEvidence::GivenAccount);
    }
    if ctx.reseller.accounts.contains(mgmt) {
        return Owner::Reseller(ResellerEvidence::DefinitionAccount);
    }
    if let Some(email) = &org.management_account_email
        && ctx.reseller.owns_email(email)
    {
        let domain = email.rsplit_once('@').map_or("", |(_, d)| d);
        return Owner::Reseller(ResellerEvidence::EmailDomain(domain.to_lowercase()));
    }
    if ctx.new_org == Some(org.id.as_str()) {
        return Owner::New;
    }
    if ctx.audited.contains(mgmt) {
        return Owner::Own;
    }
    Owner::Unknown
}

/// Whether `org` is the reseller's organization (see [`whose`]).
pub(crate) fn is_reseller_org(org: &Organization, ctx: &Context<'_>) -> bool {
    matches!(whose(org, ctx), Owner::Reseller(_))
}

impl Check for OrgMembership {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn evaluate(&self, facts: &AccountFacts, ctx: &Context<'_>) -> Result<Finding, Missing> {
        let org = match facts.organization()? {
            Membership::Standalone => return Ok(standalone(ctx)),
            Membership::Member(org) => org,
        };
        let mgmt = &org.management_account_id;
        let owner = whose(org, ctx);
        let finding = match (&owner, ctx.phase) {
            (Owner::Reseller(_), phase) => {
                let place = format!(
                    "in the reseller's organization {} ({})",
                    org.id,
                    owner.why(org, ctx)
                );
                let conflict = if ctx.new_org == Some(org.id.as_str()) {
                    "; --new-org names this organization too: check --new-org"
                } else {
                    ""
                };
                match phase {
                    Phase::Pre => Finding::new(
                        Status::Pass,
                        format!("{place}, as expected before the cut-over{conflict}"),
                    ),
                    Phase::Post => Finding::new(Status::Fail, format!("still {place}{conflict}")),
                }
            }
            (Owner::New, Phase::Pre) => Finding::new(
                Status::Warn,
                format!(
                    "already in the new organization {} (management account {mgmt})",
                    org.id
                ),
            ),
            (Owner::New, Phase::Post) => Finding::new(
                Status::Pass,
                format!(
                    "in the new organization {} (management account {mgmt})",
                    org.id
                ),
            ),
            // It stays where it is; a reseller that pays its bill is billing-transfer's.
            (Owner::Own, _) => Finding::new(
                Status::Pass,
                format!(
                    "in the customer's own organization {} ({}): it does not move; if the reseller pays its bill through a billing transfer, billing is the open point (billing-transfer)",
                    org.id,
                    owner.why(org, ctx)
                ),
            ),
            (Owner::Unknown, Phase::Post) if ctx.new_org.is_some() => Finding::new(
                Status::Fail,
                format!(
                    "in organization {} (management account {mgmt}), not in the new organization {}: it has not arrived",
                    org.id,
                    ctx.new_org.unwrap_or_default()
                ),
            ),
            (Owner::Unknown, _) => {
                let what = match ctx.new_org {
                    None => format!(
                        "give --new-org {} if it is the new one, or --reseller-account {mgmt} if it is the reseller's",
                        org.id
                    ),
                    Some(new_org) => format!(
                        "it is not --new-org {new_org}; give --reseller-account {mgmt} if it is the reseller's"
                    ),
                };
                Finding::new(
                    Status::Manual,
                    format!(
                        "cannot tell whose organization {} (management account {mgmt}) is: {what}",
                        org.id
                    ),
                )
            }
        };
        Ok(finding.with_resources(vec![org.id.clone()]))
    }
}

/// Not in any organization: already left before the cut-over; after it, arrived only if
/// no new organization was expected.
fn standalone(ctx: &Context<'_>) -> Finding {
    match (ctx.phase, ctx.new_org) {
        (Phase::Pre, _) => Finding::new(
            Status::Warn,
            "not in any organization (standalone account): it has already left",
        ),
        (Phase::Post, None) => {
            Finding::new(Status::Pass, "not in any organization (standalone account)")
        }
        (Phase::Post, Some(new_org)) => Finding::new(
            Status::Fail,
            format!(
                "not in any organization (standalone account): it has not arrived in the new organization {new_org}; accept its invitation"
            ),
        )
        .with_resources(vec![new_org.to_string()]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::facts::Fact;

    fn member(id: &str, mgmt: &str, email: Option<&str>) -> AccountFacts {
        let mut f = facts();
        f.organization = Some(Fact::Ok(Membership::Member(Organization {
            id: id.into(),
            management_account_id: mgmt.into(),
            management_account_email: email.map(str::to_string),
        })));
        f
    }

    fn member_of(id: &str, mgmt: &str) -> AccountFacts {
        member(id, mgmt, None)
    }

    fn standalone() -> AccountFacts {
        AccountFacts {
            organization: Some(Fact::Ok(Membership::Standalone)),
            ..facts()
        }
    }

    /// (phase, --new-org given) → status, for each place the account can be.
    #[test]
    fn statuses_by_phase_and_new_org() {
        use Status::*;
        let reseller = member_of("o-reseller001", RESELLER_MGMT);
        let by_email = member("o-reseller002", "555555555555", Some("aws@CTL.io"));
        let new = member_of(NEW_ORG, "333333333333");
        let other = member("o-other000001", "222222222222", Some("it@acme.example"));
        // (facts, pre, post, pre with --new-org, post with --new-org)
        let cases = [
            (&reseller, Pass, Fail, Pass, Fail),
            (&by_email, Pass, Fail, Pass, Fail),
            // Without --new-org, NEW_ORG is just another organization.
            (&new, Manual, Manual, Warn, Pass),
            (&other, Manual, Manual, Manual, Fail),
            (&standalone(), Warn, Pass, Warn, Fail),
        ];
        for (facts, pre, post, pre_new, post_new) in cases {
            let mut got = Vec::new();
            for new_org in [None, Some(NEW_ORG)] {
                for phase in [Phase::Pre, Phase::Post] {
                    let mut setup = Setup::new(phase);
                    setup.new_org = new_org.map(str::to_string);
                    got.push(setup.run(&OrgMembership, facts).status);
                }
            }
            assert_eq!(got, [pre, post, pre_new, post_new], "{facts:?}");
        }
    }

    #[test]
    fn an_unknown_organization_is_never_guessed_and_says_what_to_pass() {
        let mut setup = Setup::new(Phase::Post);
        setup.reseller.accounts.clear();
        let f = setup.run(&OrgMembership, &member_of("o-somebody001", "222222222222"));
        assert_eq!(f.status, Status::Manual);
        assert!(
            f.summary.contains(
                "cannot tell whose organization o-somebody001 (management account 222222222222) is"
            ) && f.summary.contains("--new-org o-somebody001")
                && f.summary.contains("--reseller-account 222222222222"),
            "{}",
            f.summary
        );
        setup.phase = Phase::Pre;
        setup.new_org = Some(NEW_ORG.into());
        let f = setup.run(&OrgMembership, &member_of("o-somebody001", "222222222222"));
        assert_eq!(f.status, Status::Manual);
        assert!(
            f.summary
                .contains(&format!("it is not --new-org {NEW_ORG}")),
            "{}",
            f.summary
        );
    }

    /// Issue 25: an organization whose management account is audited (the account itself,
    /// or another of the audit) is the customer's own: it does not move, in either phase,
    /// with or without --new-org; the reseller's evidence still wins.
    #[test]
    fn the_customers_own_organization_passes_and_names_billing_as_the_open_point() {
        for (management, audited) in [(ACCOUNT, vec![]), ("222222222222", vec!["222222222222"])] {
            for new_org in [None, Some(NEW_ORG)] {
                for phase in [Phase::Pre, Phase::Post] {
                    let mut setup = Setup::new(phase);
                    setup.new_org = new_org.map(str::to_string);
                    setup.audited.extend(audited.iter().map(|a| a.to_string()));
                    let f = setup.run(&OrgMembership, &member_of("o-customer001", management));
                    assert_eq!(f.status, Status::Pass, "{phase:?}: {}", f.summary);
                    assert!(
                        f.summary
                            .contains("the customer's own organization o-customer001")
                            && f.summary.contains("billing-transfer"),
                        "{}",
                        f.summary
                    );
                }
            }
        }
        let mut setup = Setup::new(Phase::Post);
        setup.audited.insert(RESELLER_MGMT.to_string());
        let f = setup.run(&OrgMembership, &member_of("o-reseller001", RESELLER_MGMT));
        assert_eq!(f.status, Status::Fail, "{}", f.summary);
    }

    #[test]
    fn after_the_cut_over_the_account_must_have_arrived() {
        let mut setup = Setup::new(Phase::Post);
        setup.new_org = Some(NEW_ORG.into());
        let f = setup.run(&OrgMembership, &standalone());
        assert_eq!(f.status, Status::Fail);
        assert!(
            f.summary.contains("has not arrived") && f.summary.contains(NEW_ORG),
            "{}",
            f.summary
        );
        let f = setup.run(&OrgMembership, &member_of(NEW_ORG, "333333333333"));
        assert_eq!(f.status, Status::Pass, "{}", f.summary);
        assert!(f.summary.contains("new organization"), "{}", f.summary);
    }

    #[test]
    fn whose_says_why() {
        let mut setup = Setup::new(Phase::Pre);
        setup.reseller.accounts_given.insert("444444444444".into());
        setup.reseller.accounts.insert("444444444444".into());
        setup.new_org = Some(NEW_ORG.into());
        let ctx = setup.ctx();
        let org = |id: &str, mgmt: &str, email: Option<&str>| Organization {
            id: id.into(),
            management_account_id: mgmt.into(),
            management_account_email: email.map(str::to_string),
        };
        let cases = [
            (
                org("o-a000000001", RESELLER_MGMT, None),
                Owner::Reseller(ResellerEvidence::DefinitionAccount),
                "known account of the reseller definition `ctl`",
            ),
            (
                org("o-a000000002", "444444444444", None),
                Owner::Reseller(ResellerEvidence::GivenAccount),
                "given as --reseller-account",
            ),
            (
                org("o-a000000003", "555555555555", Some("root@eu.lumen.com")),
                Owner::Reseller(ResellerEvidence::EmailDomain("eu.lumen.com".into())),
                "root@eu.lumen.com is in the reseller's domain",
            ),
            (
                org(NEW_ORG, "666666666666", Some("root@acme.example")),
                Owner::New,
                "given as --new-org",
            ),
            (
                org("o-a000000004", "777777777777", Some("root@acme.example")),
                Owner::Unknown,
                "email root@acme.example",
            ),
            // The reseller's evidence wins over a --new-org that names its organization.
            (
                org(NEW_ORG, RESELLER_MGMT, None),
                Owner::Reseller(ResellerEvidence::DefinitionAccount),
                "reseller definition",
            ),
        ];
        for (org, owner, why) in cases {
            assert_eq!(whose(&org, &ctx), owner, "{org:?}");
            assert!(
                owner.why(&org, &ctx).contains(why),
                "{}",
                owner.why(&org, &ctx)
            );
            assert_eq!(
                is_reseller_org(&org, &ctx),
                matches!(owner, Owner::Reseller(_))
            );
        }
    }

    #[test]
    fn a_new_org_that_is_the_resellers_never_passes_as_arrived() {
        let mut setup = Setup::new(Phase::Post);
        setup.new_org = Some("o-reseller001".into());
        let f = setup.run(&OrgMembership, &member_of("o-reseller001", RESELLER_MGMT));
        assert_eq!(f.status, Status::Fail);
        assert!(f.summary.contains("check --new-org"), "{}", f.summary);
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
    fn fails_closed() {
        assert_fails_closed(&OrgMembership);
    }
}
