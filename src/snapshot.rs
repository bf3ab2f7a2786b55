//! Snapshots: the facts of a run, written by `orgexit collect` and read by
//! `audit --snapshot`. A snapshot is a list of [`AccountFacts`] with a small header; a bare
//! JSON list of them is accepted too.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::facts::AccountFacts;
use crate::input::{AccountId, InputError, one_line, read_file};

pub(crate) const SNAPSHOT_VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    pub snapshot_version: u32,
    pub tool: String,
    pub version: String,
    pub collected_at: String,
    pub accounts: Vec<AccountFacts>,
}

impl Snapshot {
    pub(crate) fn new(accounts: Vec<AccountFacts>, collected_at: time::OffsetDateTime) -> Snapshot {
        Snapshot {
            snapshot_version: SNAPSHOT_VERSION,
            tool: "orgexit".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            collected_at: collected_at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            accounts,
        }
    }

    pub(crate) fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("facts always serialize");
        text.push('\n');
        text
    }

    /// Reads and validates a snapshot file: its accounts.
    pub fn load(path: &Path) -> Result<Vec<AccountFacts>, InputError> {
        Self::read(path).map(|s| s.accounts)
    }

    /// Reads and validates a snapshot file, header included.
    pub(crate) fn read(path: &Path) -> Result<Snapshot, InputError> {
        let text = read_file(path, "snapshot")?;
        Self::from_text(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Vec<AccountFacts>, InputError> {
        Self::from_text(text, path).map(|s| s.accounts)
    }

    /// When the facts were collected; `None` for a bare list of facts (no header).
    pub(crate) fn collected_at(&self) -> Option<&str> {
        Some(self.collected_at.as_str()).filter(|t| !t.is_empty())
    }

    pub(crate) fn from_text(text: &str, path: &Path) -> Result<Snapshot, InputError> {
        let bad = |why: String| InputError::new(format_args!("snapshot {}: {why}", path.display()));
        // Parse as a value first: serde's untagged errors say nothing useful.
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            bad(format!(
                "not valid JSON at line {}, column {}: {}",
                e.line(),
                e.column(),
                one_line(&e.to_string())
            ))
        })?;
        let snapshot = match &value {
            serde_json::Value::Object(map) => {
                match map.get("snapshot_version").and_then(serde_json::Value::as_u64) {
                    Some(v) if v == u64::from(SNAPSHOT_VERSION) => {}
                    Some(v) => {
                        return Err(bad(format!(
                            "snapshot_version {v} is not supported (this orgexit reads version {SNAPSHOT_VERSION})"
                        )));
                    }
                    None => return Err(bad("not an orgexit snapshot: no snapshot_version (write one with `orgexit collect`)".into())),
                }
                let written_by = map
                    .get("version")
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_string);
                serde_json::from_value::<Snapshot>(value).map_err(|e| {
                    let why = one_line(&e.to_string());
                    let ours = env!("CARGO_PKG_VERSION");
                    // A field this build does not know: most likely a newer orgexit's.
                    match written_by {
                        Some(theirs) if why.contains("unknown field") && theirs != ours => {
                            bad(format!(
                                "written by orgexit {theirs}, and this is orgexit {ours}: {why}; read it with orgexit {theirs} or later, or collect it again with this one"
                            ))
                        }
                        _ => bad(format!("unexpected content: {why}")),
                    }
                })
            }
            serde_json::Value::Array(_) => serde_json::from_value::<Vec<AccountFacts>>(value)
                .map(|accounts| Snapshot {
                    snapshot_version: SNAPSHOT_VERSION,
                    tool: String::new(),
                    version: String::new(),
                    collected_at: String::new(),
                    accounts,
                })
                .map_err(|e| bad(format!("unexpected content: {}", one_line(&e.to_string())))),
            _ => {
                return Err(bad(
                    "expected a JSON object written by `orgexit collect`".into()
                ));
            }
        }?;
        let mut seen = BTreeSet::new();
        for facts in &snapshot.accounts {
            let origin = format!("snapshot {}: account_id", path.display());
            AccountId::parse(&facts.account_id, &origin)?;
            if !seen.insert(facts.account_id.as_str()) {
                return Err(bad(format!("account {} appears twice", facts.account_id)));
            }
        }
        if let Some(at) = snapshot.collected_at()
            && time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
                .is_err()
        {
            return Err(bad(format!(
                "collected_at {at:?} is not an RFC 3339 time (e.g. 2026-11-24T09:00:00Z)"
            )));
        }
        Ok(snapshot)
    }
}
