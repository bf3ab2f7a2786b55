//! The report: one [`Report`] value built from the findings, rendered by one module per
//! format. The JSON shape is the contract of DESIGN.md: fields may be added, none removed.

pub mod json;
pub mod table;

use std::collections::BTreeSet;

use serde::Serialize;

use crate::checks::{Check, Phase, Severity, Status};
use crate::facts::AccountFacts;
use crate::plan::Policy;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: &'static str,
    pub version: &'static str,
    pub generated_at: String,
    pub phase: Phase,
    pub reseller: String,
    pub target_date: Option<String>,
    pub new_org: Option<String>,
    pub ready: bool,
    pub summary: Summary,
    pub accounts: Vec<AccountReport>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub accounts: usize,
    pub ready_accounts: usize,
    pub pass: usize,
    pub fail: usize,
    pub warn: usize,
    pub manual: usize,
    pub error: usize,
    pub skipped: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountReport {
    pub account_id: String,
    pub ready: bool,
    pub error: Option<String>,
    pub checks: Vec<CheckResult>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckResult {
    pub id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    pub status: Status,
    pub summary: String,
    pub resources: Vec<String>,
    pub remediation: String,
}

impl Summary {
    fn add(&mut self, status: Status) {
        *match status {
            Status::Pass => &mut self.pass,
            Status::Fail => &mut self.fail,
            Status::Warn => &mut self.warn,
            Status::Manual => &mut self.manual,
            Status::Error => &mut self.error,
            Status::Skipped => &mut self.skipped,
        } += 1;
    }

    pub fn count(&self, status: Status) -> usize {
        match status {
            Status::Pass => self.pass,
            Status::Fail => self.fail,
            Status::Warn => self.warn,
            Status::Manual => self.manual,
            Status::Error => self.error,
            Status::Skipped => self.skipped,
        }
    }
}

fn check_result(check: &dyn Check, finding: crate::checks::Finding) -> CheckResult {
    let remediation = match finding.status {
        Status::Pass | Status::Skipped => String::new(),
        _ => check.remediation().to_string(),
    };
    CheckResult {
        id: check.id(),
        title: check.title(),
        severity: check.severity(),
        status: finding.status,
        summary: finding.summary,
        resources: finding.resources,
        remediation,
    }
}

impl Report {
    /// Evaluates every selected check for every account: accounts sorted by ID, checks
    /// in catalog order, an unreachable account's checks all `error`.
    pub fn evaluate(
        policy: &Policy,
        facts: &[AccountFacts],
        generated_at: time::OffsetDateTime,
    ) -> Report {
        let audited: BTreeSet<String> = facts.iter().map(|f| f.account_id.clone()).collect();
        let mut sorted: Vec<&AccountFacts> = facts.iter().collect();
        sorted.sort_by(|a, b| a.account_id.cmp(&b.account_id));
        sorted.dedup_by(|a, b| a.account_id == b.account_id);

        let mut summary = Summary::default();
        let accounts: Vec<AccountReport> = sorted
            .into_iter()
            .map(|account| {
                let ctx = policy.context(&account.account_id, &audited);
                let checks: Vec<CheckResult> = policy
                    .checks
                    .iter()
                    .map(|check| check_result(*check, check.run(account, &ctx)))
                    .collect();
                let ready = !checks.iter().any(|c| c.status.blocks());
                for c in &checks {
                    summary.add(c.status);
                }
                summary.accounts += 1;
                summary.ready_accounts += usize::from(ready);
                AccountReport {
                    account_id: account.account_id.clone(),
                    ready,
                    error: account.error.clone(),
                    checks,
                }
            })
            .collect();
        Report {
            schema_version: SCHEMA_VERSION,
            tool: "orgexit",
            version: env!("CARGO_PKG_VERSION"),
            generated_at: generated_at
                .replace_nanosecond(0)
                .unwrap_or(generated_at)
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            phase: policy.phase,
            reseller: policy.reseller.name.clone(),
            target_date: policy.target_date.map(|d| d.to_string()),
            new_org: policy.new_org.clone(),
            ready: accounts.iter().all(|a| a.ready),
            summary,
            accounts,
        }
    }

    /// 0 every account ready; 1 some check fail or manual; 3 some error and none
    /// fail/manual. (2 is for bad input, before any report exists.)
    pub fn exit_code(&self) -> u8 {
        if self.summary.fail > 0 || self.summary.manual > 0 {
            1
        } else if self.summary.error > 0 {
            3
        } else {
            0
        }
    }
}
