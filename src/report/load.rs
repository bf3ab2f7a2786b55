//! Reading a JSON report back (`orgexit ticket --report FILE`): a report written by
//! `orgexit audit --format json`, by this version or an older one of the same schema.
//!
//! Unknown fields are ignored (a newer orgexit may add fields), but the version, the tool
//! and every field a reader relies on are checked, and any problem is one line naming the
//! file and what was expected.

use std::io::Read;
use std::path::Path;

use serde_json::Value;

use super::{Report, SCHEMA_VERSION, TOOL};
use crate::input::{InputError, one_line, read_file};

/// Reads a report from `path`, or from stdin when `path` is `-`.
pub(crate) fn load(path: &Path) -> Result<Report, InputError> {
    let text = if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| InputError::new(format_args!("cannot read the report from stdin: {e}")))?;
        text
    } else {
        read_file(path, "report")?
    };
    parse(&text, &name(path))
}

/// How a report path is named in messages: `<stdin>` for `-`.
pub(crate) fn name(path: &Path) -> String {
    if path == Path::new("-") {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

const EXPECTED: &str = "expected a JSON report written by `orgexit audit --format json`";

/// Parses and checks a report; `name` says where it came from, for the message.
pub fn parse(text: &str, name: &str) -> Result<Report, InputError> {
    let bad = |why: String| InputError::new(format_args!("report {name}: {why}"));
    // As a value first, so that a wrong file gets a message about what it is, not
    // about the first field serde happened to miss.
    let value: Value = serde_json::from_str(text).map_err(|e| {
        bad(format!(
            "not valid JSON at line {}, column {} ({}); {EXPECTED}",
            e.line(),
            e.column(),
            one_line(&e.to_string())
        ))
    })?;
    let Value::Object(map) = &value else {
        return Err(bad(format!("not an orgexit report: {EXPECTED}")));
    };
    if map.contains_key("snapshot_version") {
        return Err(bad(
            "this is a snapshot (from `orgexit collect`), not a report; make a report with \
             `orgexit audit --snapshot SNAPSHOT --format json`"
                .to_string(),
        ));
    }
    if map.get("tool").and_then(Value::as_str) != Some(TOOL) {
        return Err(bad(format!(
            "not an orgexit report (no \"tool\": \"orgexit\"): {EXPECTED}"
        )));
    }
    match map.get("schema_version") {
        Some(Value::Number(n)) if n.as_u64() == Some(u64::from(SCHEMA_VERSION)) => {}
        Some(other) => {
            return Err(bad(format!(
                "schema_version {other} is not supported: this orgexit reads schema_version {SCHEMA_VERSION}"
            )));
        }
        None => {
            return Err(bad(format!(
                "no schema_version: this orgexit reads schema_version {SCHEMA_VERSION}"
            )));
        }
    }
    // Where in the report a field is wrong, not only which: `accounts[2].checks[5]`.
    let report: Report = serde_path_to_error::deserialize(value).map_err(|e| {
        let at = e.path().to_string();
        let why = one_line(&e.into_inner().to_string());
        match at.as_str() {
            "" | "." => bad(format!("malformed report: {why}")),
            _ => bad(format!("malformed report at {at}: {why}")),
        }
    })?;
    for account in &report.accounts {
        let origin = format!("report {name}: account_id");
        crate::input::AccountId::parse(&account.account_id, &origin)?;
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse(text, "r.json").unwrap_err().0
    }

    /// A hand-edited report that lost a field says where.
    #[test]
    fn a_missing_field_is_named_with_its_place() {
        let mut account = crate::checks::testing::facts();
        account.error = Some("unreachable".into());
        let criteria = crate::plan::Criteria::new(
            crate::checks::Phase::Pre,
            time::macros::date!(2026 - 11 - 24),
            crate::checks::CHECKS.to_vec(),
        );
        let report = crate::engine::evaluate::evaluate(
            &criteria,
            &[account],
            time::OffsetDateTime::UNIX_EPOCH,
        );
        let mut value = serde_json::to_value(&report).unwrap();
        value["accounts"][0]["checks"][3]
            .as_object_mut()
            .unwrap()
            .remove("severity");
        let message = err(&value.to_string());
        assert!(
            message.contains("malformed report at accounts[0].checks[3]: missing field `severity`"),
            "{message}"
        );
    }

    #[test]
    fn wrong_files_are_named_on_one_line() {
        let cases = [
            ("{", "not valid JSON"),
            ("[]", "not an orgexit report"),
            ("{\"tool\": \"other\"}", "not an orgexit report"),
            (
                "{\"snapshot_version\": 1, \"tool\": \"orgexit\"}",
                "snapshot (from `orgexit collect`)",
            ),
            (
                "{\"tool\": \"orgexit\", \"schema_version\": 2}",
                "schema_version 2 is not supported",
            ),
            (
                "{\"tool\": \"orgexit\", \"schema_version\": \"1\"}",
                "schema_version \"1\"",
            ),
            ("{\"tool\": \"orgexit\"}", "no schema_version"),
            (
                "{\"tool\": \"orgexit\", \"schema_version\": 1}",
                "malformed report: missing field",
            ),
        ];
        for (text, expected) in cases {
            let message = err(text);
            assert!(message.starts_with("report r.json: "), "{message}");
            assert!(message.contains(expected), "{text}: {message}");
            assert!(!message.contains('\n'), "one line: {message}");
        }
    }
}
