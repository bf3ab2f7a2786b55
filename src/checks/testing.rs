//! Shared set-up for the checks' table tests.

use std::collections::BTreeSet;

use super::{Check, Context, Finding, Phase, Status};
use crate::attestations::{AccountAttestations, Leaver, Move, MoveKind};
use crate::facts::AccountFacts;
use crate::reseller::Reseller;

pub(crate) const ACCOUNT: &str = "111111111111";
pub(crate) const RESELLER_MGMT: &str = "999999999999";
pub(crate) const NEW_ORG: &str = "o-newneworg01";

/// The policy side of a test: `ctl` with a known management account, today 2026-11-24.
pub(crate) struct Setup {
    pub phase: Phase,
    pub reseller: Reseller,
    pub new_org: Option<String>,
    pub target_date: Option<time::Date>,
    pub today: time::Date,
    pub attestations: AccountAttestations,
    pub leaver: Option<Leaver>,
    pub audited: BTreeSet<String>,
    /// `None`: standalone, as without `--new-org`.
    pub moving: Option<MoveKind>,
}

impl Setup {
    pub(crate) fn new(phase: Phase) -> Self {
        let mut reseller = Reseller::ctl();
        reseller.accounts.insert(RESELLER_MGMT.to_string());
        Setup {
            phase,
            reseller,
            new_org: None,
            target_date: None,
            today: time::macros::date!(2026 - 11 - 24),
            attestations: AccountAttestations::default(),
            leaver: None,
            audited: [ACCOUNT.to_string()].into(),
            moving: None,
        }
    }

    pub(crate) fn ctx(&self) -> Context<'_> {
        Context {
            phase: self.phase,
            reseller: &self.reseller,
            new_org: self.new_org.as_deref(),
            target_date: self.target_date,
            today: self.today,
            attestations: &self.attestations,
            leaver: self.leaver.as_ref(),
            audited: &self.audited,
            moving: Move {
                kind: self.moving.unwrap_or(MoveKind::Standalone),
                why: "set by the test".into(),
            },
            trust: Default::default(),
        }
    }

    pub(crate) fn run(&self, check: &dyn Check, facts: &AccountFacts) -> Finding {
        check.run(facts, &self.ctx())
    }

    /// Runs in both phases and returns (pre, post) statuses.
    pub(crate) fn both(check: &dyn Check, facts: &AccountFacts) -> (Status, Status) {
        (
            Setup::new(Phase::Pre).run(check, facts).status,
            Setup::new(Phase::Post).run(check, facts).status,
        )
    }
}

pub(crate) fn facts() -> AccountFacts {
    AccountFacts::new(ACCOUNT)
}

/// Every check must be `error`, never `pass`, on an unreachable account and on failed facts.
pub(crate) fn assert_fails_closed(check: &dyn Check) {
    for phase in [Phase::Pre, Phase::Post] {
        let setup = Setup::new(phase);
        let unreachable = AccountFacts::unreachable(ACCOUNT, "role could not be assumed");
        let finding = setup.run(check, &unreachable);
        assert_eq!(
            finding.status,
            Status::Error,
            "{} on unreachable",
            check.id()
        );
        assert!(finding.summary.contains("role could not be assumed"));

        let failed = AccountFacts::every_read_failed(ACCOUNT, "AccessDenied: no");
        let status = setup.run(check, &failed).status;
        // These two judge by attestation; the facts they read only enrich the message.
        let attestation_only = ["payment-method", "root-credentials"].contains(&check.id());
        assert!(
            status == Status::Error || (attestation_only && status != Status::Pass),
            "{} gave {status:?} on failed facts",
            check.id()
        );
        if !attestation_only {
            let finding = setup.run(check, &facts());
            assert_eq!(
                finding.status,
                Status::Error,
                "{} on uncollected facts",
                check.id()
            );
            assert!(
                finding.summary.contains("not collected"),
                "{}",
                finding.summary
            );
        }
    }
}

/// A StackSet instance's id, as CloudFormation appends it to the stack's name.
pub(crate) const UUID: &str = "0a1b2c3d-4e5f-6789-abcd-ef0123456789";

/// Facts with these stacks region by region (`Err`: the region did not answer).
pub(crate) fn with_stacks(regions: &[(&str, Result<Vec<&str>, &str>)]) -> AccountFacts {
    use crate::facts::{Fact, Regional, Stack};
    let stack = |name: &str, region: &str| Stack {
        name: name.to_string(),
        id: format!("arn:aws:cloudformation:{region}:{ACCOUNT}:stack/{name}/{UUID}"),
        status: "CREATE_COMPLETE".into(),
    };
    AccountFacts {
        stacks: Some(Fact::Ok(Regional {
            regions: regions
                .iter()
                .map(|(region, stacks)| {
                    let fact = match stacks {
                        Ok(names) => Fact::Ok(names.iter().map(|n| stack(n, region)).collect()),
                        Err(reason) => Fact::Error(reason.to_string()),
                    };
                    (region.to_string(), fact)
                })
                .collect(),
            left_out: Vec::new(),
        })),
        ..facts()
    }
}
