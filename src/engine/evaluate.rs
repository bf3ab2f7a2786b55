//! Evaluation: each account's facts → every selected check's finding → one
//! [`AccountReport`], handed to the report as a finished value. The report renders what it
//! is given; it never runs a check.

use std::collections::BTreeSet;

use crate::checks::{Check, Context, Finding, Owner, Status};
use crate::facts::{AccountFacts, Membership};
use crate::plan::Criteria;
use crate::report::{
    AccountReport, CheckResult, OrgOwner, OrganizationSeen, Report, ReportBuilder, Text, Waived,
};
use crate::reseller::Reseller;

/// Evaluates accounts as they arrive (a [`super::Sink`]) and hands each one's findings to
/// the report: a run holds the findings of every account but the facts of only those in
/// flight.
pub struct Evaluator<'p> {
    criteria: &'p Criteria,
    audited: BTreeSet<String>,
    report: ReportBuilder<'p>,
}

impl<'p> Evaluator<'p> {
    pub fn new(criteria: &'p Criteria) -> Self {
        Evaluator {
            criteria,
            audited: BTreeSet::new(),
            report: Report::builder(criteria),
        }
    }

    /// The accounts the run covers: an account trusted by another of them is not outside.
    pub(crate) fn audited(&mut self, ids: impl IntoIterator<Item = String>) {
        self.audited.extend(ids);
    }

    /// The accounts' names (from the accounts file), shown beside their IDs.
    pub(crate) fn names(&mut self, names: std::collections::BTreeMap<String, String>) {
        self.report.names(names);
    }

    /// Notes on the run's inputs, which the report carries.
    pub(crate) fn notes(&mut self, notes: &[String]) {
        for note in notes {
            self.report.note(note.clone());
        }
    }

    /// `--regions`: the regions regional facts were narrowed to, which the report states.
    pub(crate) fn regions(&mut self, regions: Option<&BTreeSet<String>>) {
        self.report.regions(regions);
    }

    /// Evaluates every selected check for one account (an unreachable account's checks
    /// all `error`).
    pub(crate) fn add(&mut self, account: &AccountFacts) {
        let report = account_report(self.criteria, account, &self.audited);
        self.report.push(report);
    }

    /// The report: accounts sorted by ID (each once), checks in catalog order.
    pub fn finish(self, generated_at: time::OffsetDateTime) -> Report {
        self.report.finish(generated_at)
    }
}

impl super::Sink for Evaluator<'_> {
    fn accounts(&mut self, ids: &[String]) {
        self.audited(ids.iter().cloned());
    }

    fn snapshot(&mut self, collected_at: Option<&str>) {
        self.report.snapshot(collected_at);
    }

    fn add(&mut self, facts: AccountFacts) {
        Evaluator::add(self, &facts);
    }
}

/// Evaluates every selected check for every account: accounts sorted by ID, checks in
/// catalog order, an unreachable account's checks all `error`.
pub fn evaluate(
    criteria: &Criteria,
    facts: &[AccountFacts],
    generated_at: time::OffsetDateTime,
) -> Report {
    let mut evaluator = Evaluator::new(criteria);
    evaluator.audited(facts.iter().map(|f| f.account_id.clone()));
    for account in facts {
        evaluator.add(account);
    }
    evaluator.finish(generated_at)
}

/// One account's findings, as the report carries them.
pub(crate) fn account_report(
    criteria: &Criteria,
    account: &AccountFacts,
    audited: &BTreeSet<String>,
) -> AccountReport {
    let ctx = criteria.context(&account.account_id, audited);
    let checks: Vec<CheckResult> = criteria
        .checks
        .iter()
        .map(|check| check_result(*check, check.run(account, &ctx), ctx.reseller))
        .collect();
    AccountReport {
        account_id: account.account_id.clone(),
        name: account.name.clone(),
        ready: !checks.iter().any(|c| c.status.blocks()),
        error: account.error.clone(),
        organization: organization_seen(account, &ctx),
        moving: Some(ctx.moving.clone()),
        checks,
    }
}

fn check_result(check: &dyn Check, finding: Finding, reseller: &Reseller) -> CheckResult {
    // An `error` is not a verdict on the account: first make the check readable, then its
    // own remediation applies. Every format (JSON included) says it so.
    let remediation = match finding.status {
        Status::Pass | Status::Skipped => Text::Borrowed(""),
        Status::Error => Text::Owned(format!(
            "the check could not be evaluated: fix what the summary names (often the audit role's permissions, see `orgexit policy`) and run again; if it then fails: {}",
            check.remediation()
        )),
        _ => Text::Borrowed(check.remediation()),
    };
    CheckResult {
        id: Text::Borrowed(check.id()),
        title: Text::Borrowed(check.title()),
        severity: check.severity(),
        status: finding.status,
        waived: finding
            .waived()
            .into_iter()
            .map(|w| Waived {
                product: reseller.product_of(&w.name).map(str::to_string),
                name: w.name,
                reason: w.reason,
            })
            .collect(),
        summary: finding.summary,
        resources: finding.resources,
        remediation,
        items: finding.items,
    }
}

/// What the account's facts show of its organization, judged under `ctx`; `None` when
/// not read.
fn organization_seen(facts: &AccountFacts, ctx: &Context<'_>) -> Option<OrganizationSeen> {
    Some(match facts.organization().ok()? {
        Membership::Standalone => OrganizationSeen {
            id: None,
            management_account_id: None,
            management_account_email: None,
            owner: OrgOwner::None,
            why: "not in any organization (standalone account)".to_string(),
        },
        Membership::Member(org) => {
            let owner = crate::checks::whose(org, ctx);
            OrganizationSeen {
                id: Some(org.id.clone()),
                management_account_id: Some(org.management_account_id.clone()),
                management_account_email: org.management_account_email.clone(),
                owner: match owner {
                    Owner::Reseller(_) => OrgOwner::Reseller,
                    Owner::New => OrgOwner::New,
                    Owner::Own => OrgOwner::Own,
                    Owner::Unknown => OrgOwner::Unknown,
                },
                why: owner.why(org, ctx),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::facts;
    use crate::checks::{CHECKS, Phase};

    fn criteria() -> Criteria {
        Criteria::new(
            Phase::Pre,
            time::macros::date!(2026 - 11 - 24),
            CHECKS.to_vec(),
        )
    }

    /// Named before or after the accounts arrive, the report names them the same.
    #[test]
    fn accounts_are_named_whenever_the_names_come() {
        let criteria = criteria();
        let names: std::collections::BTreeMap<String, String> =
            [(facts().account_id, "prod".to_string())].into();
        let named = |before: bool| {
            let mut evaluator = Evaluator::new(&criteria);
            if before {
                evaluator.names(names.clone());
            }
            evaluator.add(&facts());
            if !before {
                evaluator.names(names.clone());
            }
            let report = evaluator.finish(time::OffsetDateTime::UNIX_EPOCH);
            report.accounts.iter().map(|a| a.name).collect::<Vec<_>>()
        };
        assert_eq!(named(true), [Some("prod".to_string())]);
        assert_eq!(named(false), [Some("prod".to_string())]);
    }

    /// An account given twice is one account of the report, counted once, whether or not
    /// a filter keeps only some of its findings.
    #[test]
    fn an_account_pushed_twice_is_counted_once() {
        for shown in [
            None,
            Some(crate::report::Shown {
                statuses: vec![Status::Fail],
                min_severity: None,
            }),
        ] {
            let mut criteria = criteria();
            criteria.shown = shown.clone();
            let mut evaluator = Evaluator::new(&criteria);
            evaluator.add(&facts());
            evaluator.add(&facts());
            let report = evaluator.finish(time::OffsetDateTime::UNIX_EPOCH);
            let checks = criteria.checks.len();
            let s = &report.summary;
            assert_eq!(s.accounts, 1, "{shown:?}");
            assert_eq!(
                s.pass + s.fail + s.warn + s.manual + s.error + s.skipped,
                checks,
                "{shown:?}"
            );
        }
    }
}
