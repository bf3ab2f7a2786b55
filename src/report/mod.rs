//! The report: one [`Report`] value built from the findings, rendered by one module per
//! format. The JSON shape is the contract of DESIGN.md: fields may be added, none removed.

pub mod json;
pub mod junit;
pub mod load;
pub mod markdown;
mod notes;
pub mod schema;
pub mod table;
pub mod ticket;

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::checks::{Check, Phase, Severity, Status};
use crate::facts::AccountFacts;
use crate::plan::Policy;

pub const SCHEMA_VERSION: u32 = 1;
/// The `tool` of every report orgexit writes.
pub const TOOL: &str = "orgexit";

/// An orgexit audit report (`orgexit audit --format json`): is every departing AWS account ready to leave the reseller's organization, and what still blocks it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "orgexit report")]
pub struct Report {
    /// The version of this format; a reader refuses any other.
    #[schemars(range(min = 1, max = 1))]
    pub schema_version: u32,
    /// Always "orgexit".
    #[schemars(extend("const" = "orgexit"))]
    pub tool: String,
    /// The orgexit version that wrote the report.
    pub version: String,
    /// When the report was made (RFC 3339, UTC).
    #[schemars(extend("format" = "date-time"))]
    pub generated_at: String,
    /// pre: before the cut-over (what still blocks); post: after it (what was left behind).
    pub phase: Phase,
    /// The reseller definition the checks used, e.g. "ctl".
    pub reseller: String,
    /// The planned cut-over date (YYYY-MM-DD), if given.
    #[schemars(extend("format" = "date"))]
    pub target_date: Option<String>,
    /// The organization the accounts are moving to, if given.
    #[schemars(pattern(r"^o-[a-z0-9]{10,32}$"))]
    pub new_org: Option<String>,
    /// The checks this run evaluated (`--select`/`--skip`), in catalog order: fewer than
    /// the catalog means `ready` speaks for these checks only.
    // Added after the first release: reports without it read as an empty list (unknown).
    #[serde(default)]
    pub selected_checks: Vec<String>,
    /// Where the facts came from when not read from AWS during this run: the snapshot
    /// (`audit --fixture`) and when it was collected; null when read live.
    #[serde(default)]
    pub snapshot: Option<SnapshotSource>,
    /// Whether every account is ready: no check is fail, manual or error.
    pub ready: bool,
    pub summary: Summary,
    /// What looked stale or mistyped in the input (a target date in the past,
    /// attestations or waivers that match nothing audited, attestations dated after
    /// today). None of them changed a verdict.
    // Added after the first release: reports without it read as none.
    #[serde(default)]
    pub notes: Vec<String>,
    /// Sorted by account ID.
    pub accounts: Vec<AccountReport>,
}

/// The snapshot a report was made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SnapshotSource {
    /// When `orgexit collect` read the facts (RFC 3339); null when the snapshot does not say.
    #[schemars(extend("format" = "date-time"))]
    pub collected_at: Option<String>,
}

/// Counts over the whole report: accounts, and checks by status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
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

/// One departing account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AccountReport {
    #[schemars(pattern(r"^[0-9]{12}$"))]
    pub account_id: String,
    /// No check is fail, manual or error.
    pub ready: bool,
    /// Why the account could not be audited at all (then every check is error).
    pub error: Option<String>,
    /// The organization the account was seen in, and whose orgexit judged it to be; null
    /// when the organization was not read (not selected, or the read failed).
    // Added after the first release: reports without it read as null.
    #[serde(default)]
    pub organization: Option<OrganizationSeen>,
    /// Every selected check, in catalog order.
    pub checks: Vec<CheckResult>,
}

/// The organization an account was seen in (`organizations:DescribeOrganization`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OrganizationSeen {
    /// The organization's id; null for a standalone account.
    #[schemars(pattern(r"^o-[a-z0-9]{10,32}$"))]
    pub id: Option<String>,
    /// Its management account; null for a standalone account.
    #[schemars(pattern(r"^[0-9]{12}$"))]
    pub management_account_id: Option<String>,
    /// The management account's email, when AWS gave it.
    pub management_account_email: Option<String>,
    /// Whose organization it was judged to be.
    pub owner: OrgOwner,
    /// Why, in words (e.g. "management account 999988887777, given as --reseller-account").
    pub why: String,
}

/// Whose organization an account is in: the reseller's, the new one (`--new-org`), one
/// orgexit cannot tell (it does not guess), or none (a standalone account).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum OrgOwner {
    Reseller,
    New,
    Unknown,
    None,
}

impl OrganizationSeen {
    /// What the account's facts show, judged under `ctx`; `None` when not read.
    fn of(facts: &AccountFacts, ctx: &crate::checks::Context<'_>) -> Option<OrganizationSeen> {
        use crate::checks::Owner;
        use crate::facts::Membership;
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
                        Owner::Unknown => OrgOwner::Unknown,
                    },
                    why: owner.why(org, ctx),
                }
            }
        })
    }
}

/// What one check found in one account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CheckResult {
    /// The check id, as `orgexit checks` lists it.
    #[schemars(pattern(r"^[a-z0-9]+(-[a-z0-9]+)*$"))]
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
    /// One line.
    pub summary: String,
    /// Names or ARNs of what the finding is about.
    pub resources: Vec<String>,
    /// What to do; empty when the check passed or was skipped.
    pub remediation: String,
    /// Reseller-marked resources kept on purpose by a `keep` waiver, with the reason (e.g. the CAM provider policy, to go on using CAM for ALM).
    // Added after the first release: `orgexit ticket` reads reports without it as none.
    #[serde(default)]
    pub waived: Vec<Waived>,
}

/// A resource kept by a waiver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Waived {
    pub name: String,
    pub reason: String,
    /// The reseller's product this resource serves, when the reseller definition names it
    /// (e.g. "CAM for ALM" for the CAM provider policy): keeping it keeps the product.
    // Added after the first release: reports without it read as null.
    #[serde(default)]
    pub product: Option<String>,
}

impl CheckResult {
    /// What to do, as the text formats say it. An `error` is not a verdict on the
    /// account: first make the check readable, then its own remediation applies.
    pub fn fix(&self) -> String {
        match self.status {
            Status::Error if !self.remediation.is_empty() => format!(
                "the check could not be evaluated: fix what the summary names (often the audit role's permissions, see `orgexit policy`) and run again; if it then fails: {}",
                self.remediation
            ),
            _ => self.remediation.clone(),
        }
    }
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

    /// "28 pass · 3 fail · …", every status in order.
    pub fn counts(&self) -> String {
        Status::ALL
            .iter()
            .map(|status| format!("{} {}", self.count(*status), status.as_str()))
            .collect::<Vec<_>>()
            .join(" · ")
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

fn check_result(
    check: &dyn Check,
    finding: crate::checks::Finding,
    reseller: &crate::plan::Reseller,
) -> CheckResult {
    let remediation = match finding.status {
        Status::Pass | Status::Skipped => String::new(),
        _ => check.remediation().to_string(),
    };
    CheckResult {
        id: check.id().to_string(),
        title: check.title().to_string(),
        severity: check.severity(),
        status: finding.status,
        summary: finding.summary,
        resources: finding.resources,
        remediation,
        waived: finding
            .waived
            .into_iter()
            .map(|w| Waived {
                product: reseller.product_of(&w.name).map(str::to_string),
                name: w.name,
                reason: w.reason,
            })
            .collect(),
    }
}

/// Builds a [`Report`] one account at a time, as accounts finish: each account's facts
/// are evaluated when they arrive and can then be dropped, so a run holds the findings of
/// every account but the facts of only those in flight.
pub struct ReportBuilder<'p> {
    policy: &'p Policy,
    audited: BTreeSet<String>,
    accounts: Vec<AccountReport>,
    snapshot: Option<SnapshotSource>,
}

impl ReportBuilder<'_> {
    /// The accounts the run covers: an account trusted by another of them is not outside.
    pub fn audited(&mut self, ids: impl IntoIterator<Item = String>) {
        self.audited.extend(ids);
    }

    /// Evaluates every selected check for one account (an unreachable account's checks
    /// all `error`).
    pub fn add(&mut self, account: &AccountFacts) {
        let ctx = self.policy.context(&account.account_id, &self.audited);
        let checks: Vec<CheckResult> = self
            .policy
            .checks
            .iter()
            .map(|check| check_result(*check, check.run(account, &ctx), ctx.reseller))
            .collect();
        self.accounts.push(AccountReport {
            account_id: account.account_id.clone(),
            ready: !checks.iter().any(|c| c.status.blocks()),
            error: account.error.clone(),
            organization: OrganizationSeen::of(account, &ctx),
            checks,
        });
    }

    /// The report: accounts sorted by ID (each once), checks in catalog order.
    pub fn finish(self, generated_at: time::OffsetDateTime) -> Report {
        let mut accounts = self.accounts;
        accounts.sort_by(|a, b| a.account_id.cmp(&b.account_id));
        accounts.dedup_by(|a, b| a.account_id == b.account_id);
        let mut summary = Summary::default();
        for account in &accounts {
            for c in &account.checks {
                summary.add(c.status);
            }
            summary.accounts += 1;
            summary.ready_accounts += usize::from(account.ready);
        }
        Report {
            schema_version: SCHEMA_VERSION,
            tool: TOOL.to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            generated_at: generated_at
                .replace_nanosecond(0)
                .unwrap_or(generated_at)
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            phase: self.policy.phase,
            reseller: self.policy.reseller.name.clone(),
            target_date: self.policy.target_date.map(|d| d.to_string()),
            new_org: self.policy.new_org.clone(),
            selected_checks: self
                .policy
                .checks
                .iter()
                .map(|c| c.id().to_string())
                .collect(),
            snapshot: self.snapshot,
            // A run that covered no account has shown nothing to be ready.
            ready: !accounts.is_empty() && accounts.iter().all(|a| a.ready),
            summary,
            notes: notes::notes(self.policy, &accounts),
            accounts,
        }
    }
}

impl crate::engine::Sink for ReportBuilder<'_> {
    fn accounts(&mut self, ids: &[String]) {
        self.audited(ids.iter().cloned());
    }

    fn snapshot(&mut self, collected_at: Option<&str>) {
        self.snapshot = Some(SnapshotSource {
            collected_at: collected_at.map(str::to_string),
        });
    }

    fn add(&mut self, facts: AccountFacts) {
        ReportBuilder::add(self, &facts);
    }
}

impl Report {
    /// A builder that evaluates accounts as they come.
    pub fn builder(policy: &Policy) -> ReportBuilder<'_> {
        ReportBuilder {
            policy,
            audited: BTreeSet::new(),
            accounts: Vec::new(),
            snapshot: None,
        }
    }

    /// Whether only some checks of the catalog ran (`--select`/`--skip`); `false` too for
    /// a report that does not say.
    pub fn partial_selection(&self) -> bool {
        !self.selected_checks.is_empty() && self.selected_checks.len() < crate::checks::CHECKS.len()
    }

    /// "2 of 12 checks: root-mfa, root-access-keys", when only some ran.
    pub fn selection_text(&self) -> Option<String> {
        self.partial_selection().then(|| {
            format!(
                "{} of {} checks: {}",
                self.selected_checks.len(),
                crate::checks::CHECKS.len(),
                self.selected_checks.join(", ")
            )
        })
    }

    /// "the snapshot collected 2026-11-24T09:00:00Z", when the facts came from one.
    pub fn snapshot_text(&self) -> Option<String> {
        self.snapshot.as_ref().map(|s| match &s.collected_at {
            Some(at) => format!("the snapshot collected {at}"),
            None => "a snapshot that does not say when it was collected".to_string(),
        })
    }

    /// Evaluates every selected check for every account: accounts sorted by ID, checks
    /// in catalog order, an unreachable account's checks all `error`.
    pub fn evaluate(
        policy: &Policy,
        facts: &[AccountFacts],
        generated_at: time::OffsetDateTime,
    ) -> Report {
        let mut builder = Report::builder(policy);
        builder.audited(facts.iter().map(|f| f.account_id.clone()));
        for account in facts {
            builder.add(account);
        }
        builder.finish(generated_at)
    }

    /// What the exit status says, in words.
    pub fn verdict(&self) -> &'static str {
        match self.exit_code() {
            0 => "every account is ready (exit 0)",
            1 => "some check is fail or manual (exit 1)",
            2 => "no account was audited (exit 2)",
            _ => "some check could not be evaluated (exit 3)",
        }
    }

    /// 0 every account ready; 1 some check fail or manual; 3 some error and none
    /// fail/manual; 2 when no account was audited (a run refuses that before any report
    /// exists: this is the same answer for a report that says so).
    pub fn exit_code(&self) -> u8 {
        if self.accounts.is_empty() {
            2
        } else if self.summary.fail > 0 || self.summary.manual > 0 {
            1
        } else if self.summary.error > 0 {
            3
        } else {
            0
        }
    }
}
