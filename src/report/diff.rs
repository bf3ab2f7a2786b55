//! `orgexit diff OLD.json NEW.json`: what changed between two reports of the same
//! departure, account by account and check by check.
//!
//! A check *blocks* when its status keeps the account from being ready (`fail`, `manual`,
//! `error`: [`Status::blocks`]), so the comparison says the same as the reports' own
//! `ready`: **fixed** (blocking in OLD, not in NEW), **regressed** (not blocking in OLD,
//! blocking in NEW: a check that could not be read any more is a regression too, since
//! nothing shows it still holds), **still blocking** (in both, with the resources fixed
//! and added in between), and **changed** (a status change that blocks in neither, e.g.
//! `pass` → `warn`). Accounts in one report only are **new** or **gone**; a check run in
//! one report only is **not compared**. Nothing else (an unchanged pass) is listed.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use schemars::JsonSchema;
use serde::Serialize;

use super::{AccountReport, CheckResult, Report};
use crate::checks::{Phase, Severity, Status};

/// The comparison of two reports (`orgexit diff --format json`).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Diff {
    /// Always "orgexit".
    pub tool: &'static str,
    /// Always "diff": this is a comparison, not a report.
    pub kind: &'static str,
    pub old: Source,
    pub new: Source,
    /// Whether some check regressed (the exit status is then 1).
    pub regressed: bool,
    pub summary: DiffSummary,
    /// What makes the two reports less comparable (another phase, reseller, selection of
    /// checks, or NEW older than OLD). None of them changed a category.
    pub notes: Vec<String>,
    /// Per account and check, regressed first, then still blocking, fixed, changed and not
    /// compared; by account ID within each.
    pub changes: Vec<Change>,
    /// Accounts in NEW only.
    pub new_accounts: Vec<AccountSeen>,
    /// Accounts in OLD only.
    pub gone_accounts: Vec<AccountSeen>,
}

/// One of the two reports.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Source {
    /// The file it was read from, as given.
    pub file: String,
    /// When it was made (RFC 3339).
    pub generated_at: String,
    pub phase: Phase,
    pub ready: bool,
}

/// Counts of [`Diff::changes`] by kind, and of new and gone accounts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct DiffSummary {
    pub fixed: usize,
    pub regressed: usize,
    pub still_blocking: usize,
    pub changed: usize,
    pub not_compared: usize,
    pub new_accounts: usize,
    pub gone_accounts: usize,
}

/// How one check of one account changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Regressed,
    StillBlocking,
    Fixed,
    Changed,
    NotCompared,
}

impl ChangeKind {
    fn heading(self) -> &'static str {
        match self {
            ChangeKind::Regressed => "Regressed",
            ChangeKind::StillBlocking => "Still blocking",
            ChangeKind::Fixed => "Fixed",
            ChangeKind::Changed => "Changed, blocking in neither",
            ChangeKind::NotCompared => "Not compared (the check ran in one report only)",
        }
    }
}

/// One check of one account whose verdict differs, or that still blocks.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Change {
    pub account_id: String,
    /// The account's name, from NEW (else OLD).
    pub name: Option<String>,
    pub check: String,
    pub severity: Severity,
    pub change: ChangeKind,
    /// Null when the check did not run in OLD.
    pub old_status: Option<Status>,
    /// Null when the check did not run in NEW.
    pub new_status: Option<Status>,
    /// NEW's summary (OLD's when the check did not run in NEW).
    pub summary: String,
    /// Resources OLD named and NEW does not: closed in between (fixed, still blocking).
    pub resources_fixed: Vec<String>,
    /// Resources NEW names and OLD did not (regressed, still blocking).
    pub resources_new: Vec<String>,
}

/// An account in one report only.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AccountSeen {
    pub account_id: String,
    pub name: Option<String>,
    pub ready: bool,
    /// Its blocking checks in that report.
    pub blocking: Vec<String>,
}

/// Compares two reports; `old_file` and `new_file` name them as the user gave them.
pub(crate) fn compare(old: &Report, old_file: &str, new: &Report, new_file: &str) -> Diff {
    let old_accounts: BTreeMap<String, AccountReport> = old
        .accounts
        .iter()
        .map(|a| (a.account_id.clone(), a))
        .collect();
    let new_accounts: BTreeMap<String, AccountReport> = new
        .accounts
        .iter()
        .map(|a| (a.account_id.clone(), a))
        .collect();
    let mut changes = Vec::new();
    let mut diff_new = Vec::new();
    let mut gone = Vec::new();
    for (id, account) in &new_accounts {
        match old_accounts.get(id) {
            Some(before) => compare_account(before, account, &mut changes),
            None => diff_new.push(seen(account)),
        }
    }
    for (id, account) in &old_accounts {
        if !new_accounts.contains_key(id) {
            gone.push(seen(account));
        }
    }
    changes.sort_by(|a, b| (a.change, &a.account_id).cmp(&(b.change, &b.account_id)));
    let count = |kind| changes.iter().filter(|c| c.change == kind).count();
    let summary = DiffSummary {
        fixed: count(ChangeKind::Fixed),
        regressed: count(ChangeKind::Regressed),
        still_blocking: count(ChangeKind::StillBlocking),
        changed: count(ChangeKind::Changed),
        not_compared: count(ChangeKind::NotCompared),
        new_accounts: diff_new.len(),
        gone_accounts: gone.len(),
    };
    Diff {
        tool: super::TOOL,
        kind: "diff",
        old: source(old, old_file),
        new: source(new, new_file),
        regressed: summary.regressed > 0,
        summary,
        notes: notes(old, old_file, new, new_file),
        changes,
        new_accounts: diff_new,
        gone_accounts: gone,
    }
}

fn source(report: &Report, file: &str) -> Source {
    Source {
        file: file.to_string(),
        generated_at: report.generated_at_text(),
        phase: report.phase,
        ready: report.ready,
    }
}

fn seen(account: &AccountReport) -> AccountSeen {
    AccountSeen {
        account_id: account.account_id.clone(),
        name: account.name.clone(),
        ready: account.ready,
        blocking: account
            .checks
            .iter()
            .filter(|c| c.status.blocks())
            .map(|c| c.id.to_string())
            .collect(),
    }
}

fn compare_account(old: &AccountReport, new: &AccountReport, out: &mut Vec<Change>) {
    let name = new.name.clone().or_else(|| old.name.clone());
    let before: BTreeMap<&str, &CheckResult> = old.checks.iter().map(|c| (&*c.id, c)).collect();
    let after: BTreeMap<&str, &CheckResult> = new.checks.iter().map(|c| (&*c.id, c)).collect();
    let ids: BTreeSet<&str> = before.keys().chain(after.keys()).copied().collect();
    // In NEW's (catalog) order, then what only OLD ran.
    let mut ordered: Vec<&str> = new.checks.iter().map(|c| &*c.id).collect();
    ordered.extend(ids.iter().filter(|id| !after.contains_key(*id)));
    for id in ordered {
        let (was, now) = (before.get(id).copied(), after.get(id).copied());
        let Some(kind) = kind(was.map(|c| c.status), now.map(|c| c.status)) else {
            continue;
        };
        let shown = now.or(was).expect("the check is in one report at least");
        let resources = |c: Option<&CheckResult>| -> BTreeSet<String> {
            c.filter(|c| c.status.blocks())
                .map(|c| c.resources.iter().cloned().collect())
                .unwrap_or_default()
        };
        let (old_res, new_res) = (resources(was), resources(now));
        out.push(Change {
            account_id: new.account_id.clone(),
            name: name.clone(),
            check: id.to_string(),
            severity: shown.severity,
            change: kind,
            old_status: was.map(|c| c.status),
            new_status: now.map(|c| c.status),
            summary: shown.summary.clone(),
            resources_fixed: old_res.difference(&new_res).cloned().collect(),
            resources_new: new_res.difference(&old_res).cloned().collect(),
        });
    }
}

/// The kind of change from `was` to `now`; `None`: nothing to say (the same status,
/// blocking in neither).
fn kind(was: Option<Status>, now: Option<Status>) -> Option<ChangeKind> {
    let (was, now) = match (was, now) {
        (Some(was), Some(now)) => (was, now),
        _ => return Some(ChangeKind::NotCompared),
    };
    Some(match (was.blocks(), now.blocks()) {
        (true, false) => ChangeKind::Fixed,
        (false, true) => ChangeKind::Regressed,
        (true, true) => ChangeKind::StillBlocking,
        (false, false) if was != now => ChangeKind::Changed,
        (false, false) => return None,
    })
}

fn notes(old: &Report, old_file: &str, new: &Report, new_file: &str) -> Vec<String> {
    let mut notes = Vec::new();
    if old.phase != new.phase {
        notes.push(format!(
            "{old_file} is phase {} and {new_file} phase {}: some checks judge the two \
             phases differently, so a change may come from the phase alone",
            old.phase.as_str(),
            new.phase.as_str()
        ));
    }
    if old.reseller != new.reseller {
        notes.push(format!(
            "{old_file} was made with reseller {:?} and {new_file} with {:?}",
            old.reseller, new.reseller
        ));
    }
    if old.selected_checks != new.selected_checks
        && !old.selected_checks.is_empty()
        && !new.selected_checks.is_empty()
    {
        notes.push(format!(
            "the two reports ran different checks ({} and {}): a check run in one only is \
             not compared",
            old.selected_checks.len(),
            new.selected_checks.len()
        ));
    }
    if new.generated_at < old.generated_at {
        notes.push(format!(
            "{new_file} ({}) is older than {old_file} ({}): are they swapped? `orgexit diff \
             OLD.json NEW.json`",
            new.generated_at_text(),
            old.generated_at_text()
        ));
    }
    notes
}

impl Diff {
    /// 1 when something regressed, else 0.
    pub(crate) fn exit_code(&self) -> crate::exit::Exit {
        if self.regressed {
            crate::exit::Exit::Blocked
        } else {
            crate::exit::Exit::Success
        }
    }

    /// "2 fixed · 0 regressed · 1 still blocking · …", the empty counts of new, gone,
    /// changed and not compared left out.
    pub(crate) fn counts(&self) -> String {
        let s = &self.summary;
        let mut parts = vec![
            format!("{} fixed", s.fixed),
            format!("{} regressed", s.regressed),
            format!("{} still blocking", s.still_blocking),
        ];
        for (n, what) in [
            (s.changed, "changed"),
            (s.not_compared, "not compared"),
            (s.new_accounts, "new accounts"),
            (s.gone_accounts, "gone accounts"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        }
        parts.join(" · ")
    }

    fn verdict(&self) -> &'static str {
        if self.regressed {
            "something regressed (exit 1)"
        } else {
            "nothing regressed (exit 0)"
        }
    }

    fn of_kind(&self, kind: ChangeKind) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.change == kind)
    }

    fn kinds(&self) -> impl Iterator<Item = (ChangeKind, Vec<&Change>)> {
        [
            ChangeKind::Regressed,
            ChangeKind::StillBlocking,
            ChangeKind::Fixed,
            ChangeKind::Changed,
            ChangeKind::NotCompared,
        ]
        .into_iter()
        .map(|kind| (kind, self.of_kind(kind).collect::<Vec<_>>()))
        .filter(|(_, changes)| !changes.is_empty())
    }

    /// What fixed and what regressed, per account, for the ticket (`ticket --since`).
    pub(crate) fn ticket_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for (kind, verb) in [
            (ChangeKind::Fixed, "fixed"),
            (ChangeKind::Regressed, "regressed"),
        ] {
            let mut by_account: BTreeMap<String, Vec<&str>> = BTreeMap::new();
            for change in self.of_kind(kind) {
                by_account
                    .entry(change.label())
                    .or_default()
                    .push(&change.check);
            }
            for (account, checks) in by_account {
                lines.push(format!("{account}: {verb} {}", checks.join(", ")));
            }
        }
        let still = self.summary.still_blocking;
        if still > 0 {
            lines.push(format!(
                "{still} {} still open",
                if still == 1 {
                    "finding is"
                } else {
                    "findings are"
                }
            ));
        }
        if lines.is_empty() {
            lines.push("no check changed".to_string());
        }
        lines
    }
}

impl Change {
    fn label(&self) -> String {
        match &self.name {
            Some(name) => format!("{} ({name})", self.account_id),
            None => self.account_id.clone(),
        }
    }

    fn statuses(&self) -> String {
        let text = |s: Option<Status>| s.map_or("not run", Status::as_str);
        format!("{} → {}", text(self.old_status), text(self.new_status))
    }

    /// "2 resources closed; 1 new: role/CTL-X", for a person.
    fn resources_text(&self) -> Option<String> {
        let mut parts = Vec::new();
        if !self.resources_fixed.is_empty() {
            parts.push(format!(
                "closed: {}",
                shown(&self.resources_fixed, RESOURCES_SHOWN)
            ));
        }
        if !self.resources_new.is_empty() {
            parts.push(format!(
                "new: {}",
                shown(&self.resources_new, RESOURCES_SHOWN)
            ));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// Resources listed per change in the table and Markdown; the JSON has them all.
const RESOURCES_SHOWN: usize = 5;

fn shown(items: &[String], at_most: usize) -> String {
    let mut text = items
        .iter()
        .take(at_most)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > at_most {
        let _ = write!(text, " … and {} more", items.len() - at_most);
    }
    text
}

/// `--format table`: for a person at a terminal.
pub(crate) fn render_text(diff: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "orgexit diff: {} ({}, phase {}) → {} ({}, phase {})",
        diff.old.file,
        diff.old.generated_at,
        diff.old.phase.as_str(),
        diff.new.file,
        diff.new.generated_at,
        diff.new.phase.as_str()
    );
    let _ = writeln!(out, "{}", diff.counts());
    for (kind, changes) in diff.kinds() {
        let _ = writeln!(out, "\n{} ({})", kind.heading(), changes.len());
        let width = changes
            .iter()
            .map(|c| c.check.chars().count())
            .max()
            .unwrap_or(0);
        let mut account = None;
        for change in changes {
            if account != Some(&change.account_id) {
                let _ = writeln!(out, "  {}", change.label());
                account = Some(&change.account_id);
            }
            let _ = writeln!(
                out,
                "    {:width$}  {}  {}",
                change.check,
                change.statuses(),
                change.summary
            );
            if let Some(resources) = change.resources_text() {
                let _ = writeln!(out, "    {:width$}  {resources}", "");
            }
        }
    }
    for (what, accounts) in [
        ("New accounts (in the new report only)", &diff.new_accounts),
        (
            "Gone accounts (in the old report only)",
            &diff.gone_accounts,
        ),
    ] {
        if accounts.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{what} ({})", accounts.len());
        for account in accounts {
            let _ = writeln!(out, "  {}", account.text());
        }
    }
    out.push('\n');
    for note in &diff.notes {
        let _ = writeln!(out, "Note: {note}");
    }
    let _ = writeln!(out, "Verdict: {}", diff.verdict());
    out
}

impl AccountSeen {
    fn label(&self) -> String {
        match &self.name {
            Some(name) => format!("{} ({name})", self.account_id),
            None => self.account_id.clone(),
        }
    }

    fn text(&self) -> String {
        if self.blocking.is_empty() {
            format!("{}: ready", self.label())
        } else {
            format!(
                "{}: not ready, blocked by {}",
                self.label(),
                self.blocking.join(", ")
            )
        }
    }
}

/// `--format markdown`: to paste into a ticket or a pull request.
pub(crate) fn render_markdown(diff: &Diff) -> String {
    let cell = |text: &str| text.replace('|', "\\|").replace('\n', " ");
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# orgexit diff: {}\n\n- **Old:** `{}` ({}, phase {})\n- **New:** `{}` ({}, phase {})\n- **Verdict:** {}",
        diff.counts(),
        cell(&diff.old.file),
        diff.old.generated_at,
        diff.old.phase.as_str(),
        cell(&diff.new.file),
        diff.new.generated_at,
        diff.new.phase.as_str(),
        diff.verdict()
    );
    for note in &diff.notes {
        let _ = writeln!(out, "- **Note:** {}", cell(note));
    }
    for (kind, changes) in diff.kinds() {
        let _ = writeln!(
            out,
            "\n## {} ({})\n\n| Account | Check | Was → now | Summary |\n|---|---|---|---|",
            kind.heading(),
            changes.len()
        );
        for change in changes {
            let mut summary = cell(&change.summary);
            if let Some(resources) = change.resources_text() {
                let _ = write!(summary, "<br>{}", cell(&resources));
            }
            let _ = writeln!(
                out,
                "| {} | `{}` | {} | {summary} |",
                cell(&change.label()),
                change.check,
                change.statuses()
            );
        }
    }
    for (what, accounts) in [
        ("New accounts", &diff.new_accounts),
        ("Gone accounts", &diff.gone_accounts),
    ] {
        if accounts.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n## {what} ({})\n", accounts.len());
        for account in accounts {
            let _ = writeln!(out, "- {}", cell(&account.text()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(id: &'static str, status: Status, resources: &[&str]) -> CheckResult {
        CheckResult {
            id: id.into(),
            title: id.into(),
            severity: Severity::High,
            status,
            summary: format!("{id} is {}", status.as_str()),
            resources: resources.iter().map(|r| r.to_string()).collect(),
            remediation: "".into(),
            waived: vec![],
            items: vec![],
        }
    }

    fn account(id: &str, checks: Vec<CheckResult>) -> AccountReport {
        AccountReport {
            account_id: id.to_string(),
            name: None,
            ready: checks.iter().all(|c| !c.status.blocks()),
            error: None,
            organization: None,
            moving: None,
            checks,
        }
    }

    fn report(at: i64, accounts: Vec<AccountReport>) -> Report {
        let json = serde_json::json!({
            "schema_version": 1, "tool": "orgexit", "version": "0", "phase": "post",
            "generated_at": time::OffsetDateTime::from_unix_timestamp(at).unwrap()
                .format(&time::format_description::well_known::Rfc3339).unwrap(),
            "reseller": "ctl", "target_date": null, "new_org": null, "ready": false,
            "summary": {"accounts": 0, "ready_accounts": 0, "pass": 0, "fail": 0, "warn": 0,
                        "manual": 0, "error": 0, "skipped": 0},
            "accounts": accounts,
        });
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn each_kind_of_change_is_sorted_out_and_only_a_regression_fails() {
        use Status::*;
        let old = report(
            0,
            vec![
                account(
                    "111111111111",
                    vec![
                        check("root-mfa", Fail, &[]),
                        check("iam-reseller-roles", Fail, &["role/A", "role/B"]),
                        check("root-access-keys", Pass, &[]),
                        check("iam-federation", Pass, &[]),
                        check("primary-contact", Pass, &[]),
                        check("payment-method", Pass, &[]),
                    ],
                ),
                account("222222222222", vec![check("root-mfa", Pass, &[])]),
            ],
        );
        let new = report(
            60,
            vec![
                account(
                    "111111111111",
                    vec![
                        check("root-mfa", Pass, &[]),
                        check("iam-reseller-roles", Fail, &["role/B", "role/C"]),
                        check("root-access-keys", Fail, &["root"]),
                        check("iam-federation", Error, &[]),
                        check("primary-contact", Warn, &[]),
                        check("payment-method", Pass, &[]),
                        check("control-tower", Fail, &[]),
                    ],
                ),
                account("333333333333", vec![check("root-mfa", Fail, &[])]),
            ],
        );
        let diff = compare(&old, "old.json", &new, "new.json");
        let kinds: Vec<(&str, ChangeKind)> = diff
            .changes
            .iter()
            .map(|c| (c.check.as_str(), c.change))
            .collect();
        assert_eq!(
            kinds,
            [
                ("root-access-keys", ChangeKind::Regressed),
                // Could not be read any more: nothing shows it still holds.
                ("iam-federation", ChangeKind::Regressed),
                ("iam-reseller-roles", ChangeKind::StillBlocking),
                ("root-mfa", ChangeKind::Fixed),
                ("primary-contact", ChangeKind::Changed),
                ("control-tower", ChangeKind::NotCompared),
            ]
        );
        let roles = &diff.changes[2];
        assert_eq!(roles.resources_fixed, ["role/A"]);
        assert_eq!(roles.resources_new, ["role/C"]);
        assert_eq!(diff.new_accounts[0].account_id, "333333333333");
        assert_eq!(diff.new_accounts[0].blocking, ["root-mfa"]);
        assert_eq!(diff.gone_accounts[0].account_id, "222222222222");
        assert!(diff.regressed);
        assert_eq!(diff.exit_code(), crate::exit::Exit::Blocked);
        let text = render_text(&diff);
        assert!(text.contains("Regressed (2)"), "{text}");
        assert!(text.contains("closed: role/A; new: role/C"), "{text}");
        assert!(text.contains("333333333333: not ready, blocked by root-mfa"));
        assert!(
            text.ends_with("Verdict: something regressed (exit 1)\n"),
            "{text}"
        );
        let markdown = render_markdown(&diff);
        assert!(markdown.contains("| 111111111111 | `root-mfa` | fail → pass |"));
    }

    #[test]
    fn no_regression_is_exit_0_and_swapped_files_are_noted() {
        let old = report(
            60,
            vec![account(
                "111111111111",
                vec![check("root-mfa", Status::Fail, &[])],
            )],
        );
        let new = report(
            0,
            vec![account(
                "111111111111",
                vec![check("root-mfa", Status::Pass, &[])],
            )],
        );
        let diff = compare(&old, "a.json", &new, "b.json");
        assert!(!diff.regressed);
        assert_eq!(diff.exit_code(), crate::exit::Exit::Success);
        assert_eq!(diff.summary.fixed, 1);
        assert!(
            diff.notes[0].contains("are they swapped?"),
            "{:?}",
            diff.notes
        );
        assert_eq!(diff.ticket_lines(), ["111111111111: fixed root-mfa"]);
    }

    #[test]
    fn an_unchanged_report_lists_nothing() {
        let old = report(
            0,
            vec![account(
                "111111111111",
                vec![check("root-mfa", Status::Pass, &[])],
            )],
        );
        let diff = compare(&old, "a.json", &old.clone(), "a.json");
        assert!(diff.changes.is_empty() && diff.notes.is_empty());
        assert_eq!(diff.counts(), "0 fixed · 0 regressed · 0 still blocking");
        assert_eq!(diff.ticket_lines(), ["no check changed"]);
    }
}
