//! The report: one [`Report`] value assembled from the findings the engine evaluated
//! ([`crate::engine::evaluate`]), rendered by one module per format. Nothing here runs a
//! check. The JSON shape is docs/reference.md's *JSON report*: fields may be added, none removed.

pub(crate) mod accounts;
pub(crate) mod csv;
pub(crate) mod diff;
pub mod json;
pub(crate) mod junit;
pub mod load;
pub(crate) mod markdown;
mod notes;
pub(crate) mod schema;
pub mod table;
pub(crate) mod ticket;
mod wrap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::checks::{Item, Phase, Severity, Status};
use crate::exit::Exit;
use crate::plan::Criteria;
pub(crate) use accounts::Accounts;

pub(crate) const SCHEMA_VERSION: u32 = 1;
/// The `tool` of every report orgexit writes.
pub(crate) const TOOL: &str = "orgexit";

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
    #[serde(with = "time::serde::rfc3339")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub generated_at: time::OffsetDateTime,
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
    /// `--status` / `--min-severity`: the findings this report shows of each account;
    /// `ready`, `summary` and the exit status judge every check. Null: every finding.
    // Added after the first release: reports without it show every finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<Shown>,
    /// The checks this run evaluated (`--select`/`--skip`), in catalog order: fewer than
    /// the catalog means `ready` speaks for these checks only.
    // Added after the first release: reports without it read as an empty list (unknown).
    #[serde(default)]
    pub selected_checks: Vec<String>,
    /// Where the facts came from when not read from AWS during this run: the snapshot
    /// (`audit --snapshot`) and when it was collected; null when read live.
    #[serde(default)]
    pub snapshot: Option<SnapshotSource>,
    /// `--regions`: the only regions the regional checks (`control-tower`,
    /// `stackset-stacks`, `resource-policies`) read; absent: every enabled region. Each
    /// such check names the enabled regions left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<Vec<String>>,
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
    pub accounts: Accounts,
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
    /// The account's name from the accounts file (`111122223333  # prod`); absent when
    /// it has none.
    // Added after the first release: reports without it read as none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// No check is fail, manual or error.
    pub ready: bool,
    /// Why the account could not be audited at all (then every check is error).
    pub error: Option<String>,
    /// The organization the account was seen in, and whose orgexit judged it to be; null
    /// when the organization was not read (not selected, or the read failed).
    // Added after the first release: reports without it read as null.
    #[serde(default)]
    pub organization: Option<OrganizationSeen>,
    /// How the account was assumed to leave (`--move`, the attestation's `move`, or the
    /// default: direct with `--new-org`, else standalone), and why.
    // Added after the first release: reports without it read as null.
    #[serde(default, rename = "move")]
    pub moving: Option<crate::attestations::Move>,
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

/// Whose organization an account is in: the reseller's, the new one (`--new-org`), the
/// customer's own (its management account is audited too), one orgexit cannot tell (it
/// does not guess), or none (a standalone account).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum OrgOwner {
    Reseller,
    New,
    // Added for billing transfer (issue 25): reports without it never say it.
    Own,
    Unknown,
    None,
}

/// Text that is most often the check catalog's own (an id, a title, a remediation):
/// borrowed from it, not copied into each of thousands of accounts; owned when read from
/// a report file or made for one finding.
pub(crate) type Text = std::borrow::Cow<'static, str>;

/// What one check found in one account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CheckResult {
    /// The check id, as `orgexit checks` lists it.
    #[schemars(pattern(r"^[a-z0-9]+(-[a-z0-9]+)*$"))]
    pub id: Text,
    pub title: Text,
    pub severity: Severity,
    pub status: Status,
    /// One line.
    pub summary: String,
    /// Names or ARNs of what the finding is about.
    pub resources: Vec<String>,
    /// What to do; empty when the check passed or was skipped.
    pub remediation: Text,
    /// Reseller-marked resources kept on purpose by a `keep` waiver, with the reason (e.g. the CAM provider policy, to go on using CAM for ALM).
    // Added after the first release: `orgexit ticket` reads reports without it as none.
    #[serde(default)]
    pub waived: Vec<Waived>,
    /// What the finding is about, as data: a kind (a code stable per check, listed by
    /// `orgexit explain`), the resource, the principal or account involved, the reason
    /// (a waiver's, or why it could not be read). Absent when there are none.
    // Added after the first release: reports without it read as none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<Item>,
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

impl Summary {
    fn add_many(&mut self, status: Status, n: usize) {
        *match status {
            Status::Pass => &mut self.pass,
            Status::Fail => &mut self.fail,
            Status::Warn => &mut self.warn,
            Status::Manual => &mut self.manual,
            Status::Error => &mut self.error,
            Status::Skipped => &mut self.skipped,
        } += n;
    }

    /// "28 pass · 3 fail · …", every status in order.
    pub(crate) fn counts(&self) -> String {
        self.count_parts().join(" · ")
    }

    /// "28 pass", "3 fail", …: every status in order.
    pub(crate) fn count_parts(&self) -> Vec<String> {
        Status::ALL
            .iter()
            .map(|status| format!("{} {}", self.count(*status), status.as_str()))
            .collect()
    }

    pub(crate) fn count(&self, status: Status) -> usize {
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

/// Which findings a report shows (`--status`, `--min-severity`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Shown {
    /// Only findings of these statuses; empty: of any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statuses: Vec<Status>,
    /// Only findings of this severity or above.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_severity: Option<Severity>,
}

impl Shown {
    /// Whether a finding is shown.
    pub(crate) fn shows(&self, check: &CheckResult) -> bool {
        (self.statuses.is_empty() || self.statuses.contains(&check.status))
            // Critical is the first severity: "or above" is "or before".
            && self.min_severity.is_none_or(|min| check.severity <= min)
    }

    /// "only fail, manual findings, high severity or above (--status, --min-severity)".
    pub(crate) fn said(&self) -> String {
        let mut parts = Vec::new();
        let mut flags = Vec::new();
        if !self.statuses.is_empty() {
            let statuses: Vec<&str> = self.statuses.iter().map(|s| s.as_str()).collect();
            parts.push(format!("{} findings", statuses.join(", ")));
            flags.push("--status");
        }
        if let Some(min) = self.min_severity {
            parts.push(format!("{} severity or above", min.as_str()));
            flags.push("--min-severity");
        }
        format!("only {} ({})", parts.join(", "), flags.join(", "))
    }
}

/// Assembles a [`Report`] from accounts already evaluated (by the engine), in any order.
pub(crate) struct ReportBuilder<'p> {
    criteria: &'p Criteria,
    accounts: Accounts,
    snapshot: Option<SnapshotSource>,
    names: std::collections::BTreeMap<String, String>,
    regions: Option<Vec<String>>,
    /// Notes of the run's inputs (e.g. accounts an accounts file leaves out).
    notes: Vec<String>,
    /// Every check's status counted, each account once, shown or not (`--status` keeps
    /// only some).
    totals: Summary,
    /// What the notes need of each account's checks, shown or not.
    seen: std::collections::BTreeMap<String, notes::Seen>,
}

impl ReportBuilder<'_> {
    /// A note on the run's inputs, reported before the report's own.
    pub(crate) fn note(&mut self, note: String) {
        self.notes.push(note);
    }

    /// One account's findings, named from [`ReportBuilder::names`], packed.
    pub(crate) fn push(&mut self, mut account: AccountReport) {
        // The accounts file's name, else the one the snapshot recorded.
        if let Some(name) = self.names.get(&account.account_id) {
            account.name = Some(name.clone());
        }
        // Counted as the report keeps it: each account once, the first pushed (as
        // `Accounts::sort_unique` keeps it), every check, shown or not.
        if let std::collections::btree_map::Entry::Vacant(entry) =
            self.seen.entry(account.account_id.clone())
        {
            entry.insert(notes::Seen::of(&account));
            for check in &account.checks {
                self.totals.add_many(check.status, 1);
            }
        }
        // `ready` was judged on every check; only the shown ones are kept.
        if let Some(shown) = &self.criteria.shown {
            account.checks.retain(|c| shown.shows(c));
        }
        self.accounts.push(&account);
    }

    /// `--regions`: the only regions regional facts were read in.
    pub(crate) fn regions(&mut self, regions: Option<&std::collections::BTreeSet<String>>) {
        self.regions = regions.map(|r| r.iter().cloned().collect());
    }

    /// The facts came from a snapshot collected at this time (`None`: not recorded).
    pub(crate) fn snapshot(&mut self, collected_at: Option<&str>) {
        self.snapshot = Some(SnapshotSource {
            collected_at: collected_at.map(str::to_string),
        });
    }

    /// The accounts' names (from the accounts file), by ID. Given before the accounts (as
    /// `audit` does), each account is named as it is packed; an account already packed is
    /// unpacked to be named.
    pub(crate) fn names(&mut self, names: std::collections::BTreeMap<String, String>) {
        let packed: Vec<(usize, String)> = self
            .accounts
            .ids()
            .enumerate()
            .filter_map(|(at, id)| Some((at, names.get(id)?.clone())))
            .collect();
        for (at, name) in packed {
            self.accounts.update(at, |a| a.name = Some(name));
        }
        self.names = names;
    }

    /// The report: accounts sorted by ID (each once), checks in catalog order.
    pub(crate) fn finish(self, generated_at: time::OffsetDateTime) -> Report {
        let mut accounts = self.accounts;
        accounts.sort_unique();
        let collected_at = self.snapshot.as_ref().and_then(|s| s.collected_at.clone());
        let summary = Summary {
            accounts: accounts.len(),
            ready_accounts: accounts.ready_count(),
            ..self.totals
        };
        Report {
            schema_version: SCHEMA_VERSION,
            tool: TOOL.to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            generated_at: generated_at
                .to_offset(time::UtcOffset::UTC)
                .replace_nanosecond(0)
                .unwrap_or(generated_at),
            phase: self.criteria.phase,
            reseller: self.criteria.reseller.name.clone(),
            target_date: self.criteria.target_date.map(|d| d.to_string()),
            new_org: self.criteria.new_org.clone(),
            filter: self.criteria.shown.clone(),
            selected_checks: self
                .criteria
                .checks
                .iter()
                .map(|c| c.id().to_string())
                .collect(),
            snapshot: self.snapshot,
            regions: self.regions,
            // A run that covered no account has shown nothing to be ready.
            ready: accounts.all_ready(),
            summary,
            notes: self
                .notes
                .into_iter()
                .chain(notes::notes(
                    self.criteria,
                    &accounts,
                    &self.seen,
                    collected_at.as_deref(),
                ))
                .collect(),
            accounts,
        }
    }
}

impl AccountReport {
    /// "111122223333 (prod)": the ID, with the name the accounts file gives it.
    pub(crate) fn label(&self) -> String {
        match &self.name {
            Some(name) => format!("{} ({name})", self.account_id),
            None => self.account_id.clone(),
        }
    }
}

impl Report {
    /// A builder of the report of a run under `criteria`.
    pub(crate) fn builder(criteria: &Criteria) -> ReportBuilder<'_> {
        ReportBuilder {
            criteria,
            accounts: Accounts::default(),
            snapshot: None,
            names: Default::default(),
            regions: None,
            notes: Vec::new(),
            totals: Summary::default(),
            seen: Default::default(),
        }
    }

    /// Whether only some checks of the catalog ran (`--select`/`--skip`); `false` too for
    /// a report that does not say.
    pub(crate) fn partial_selection(&self) -> bool {
        !self.selected_checks.is_empty() && self.selected_checks.len() < crate::checks::CHECKS.len()
    }

    /// "2 of 12 checks: root-mfa, root-access-keys", when only some ran.
    pub(crate) fn selection_text(&self) -> Option<String> {
        self.partial_selection().then(|| {
            format!(
                "{} of {} checks: {}",
                self.selected_checks.len(),
                crate::checks::CHECKS.len(),
                self.selected_checks.join(", ")
            )
        })
    }

    /// "regional checks read only us-east-1, eu-west-1 (--regions)", when narrowed.
    pub(crate) fn regions_text(&self) -> Option<String> {
        self.regions
            .as_ref()
            .map(|r| format!("regional checks read only {} (--regions)", r.join(", ")))
    }

    /// "the snapshot collected 2026-11-24T09:00:00Z", when the facts came from one.
    pub(crate) fn snapshot_text(&self) -> Option<String> {
        self.snapshot.as_ref().map(|s| match &s.collected_at {
            Some(at) => format!("the snapshot collected {at}"),
            None => "a snapshot that does not say when it was collected".to_string(),
        })
    }

    /// When the report was made, as the reports write it (RFC 3339).
    pub(crate) fn generated_at_text(&self) -> String {
        self.generated_at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    }

    /// What the exit status says, in words.
    pub(crate) fn verdict(&self) -> &'static str {
        match self.exit_code() {
            Exit::Success => "every account is ready (exit 0)",
            Exit::Blocked => "some check is fail or manual (exit 1)",
            Exit::Usage => "no account was audited (exit 2)",
            Exit::Error => "some check could not be evaluated (exit 3)",
        }
    }

    /// 0 every account ready; 1 some check fail or manual; 3 some error and none
    /// fail/manual; 2 when no account was audited (a run refuses that before any report
    /// exists: this is the same answer for a report that says so).
    pub fn exit_code(&self) -> Exit {
        if self.accounts.is_empty() {
            Exit::Usage
        } else if self.summary.fail > 0 || self.summary.manual > 0 {
            Exit::Blocked
        } else if self.summary.error > 0 {
            Exit::Error
        } else {
            Exit::Success
        }
    }
}
