//! Attestations: what a person vouches for that no API can show (payment method, root
//! credentials), decisions about the reseller's buckets, and waivers (`keep`); who leaves
//! ([`Leaver`]) and how ([`MoveKind`]); and the skeleton `attest --init` writes.
//!
//! The checks read them through their [`crate::checks::Context`]; [`crate::plan`] loads
//! and validates them.

mod leaver;
pub mod skeleton;

pub use leaver::{LEAVER_FORMS, Leaver, Leavers};

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::input::{AccountId, InputError, parse_date, parse_toml, read_file};

#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "[defaults] and a table of accounts: [accounts.\"123456789012\"]"
)]
struct AttestationsFile {
    /// What every account attests unless its own entry says otherwise.
    defaults: Option<AccountFile>,
    #[serde(default)]
    accounts: BTreeMap<String, AccountFile>,
}

#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a table of attestations for one account (payment_method, root_credentials, buckets, leaver, move, delegated_admin, keep)"
)]
struct AccountFile {
    payment_method: Option<AttestedFile>,
    root_credentials: Option<AttestedFile>,
    buckets: Option<BucketDecision>,
    leaver: Option<String>,
    r#move: Option<MoveKind>,
    delegated_admin: Option<bool>,
    #[serde(default)]
    keep: Vec<Waiver>,
}

#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a table like { by = \"you@example.com\", on = \"2026-11-20\" }"
)]
struct AttestedFile {
    by: String,
    on: String,
}

/// Who vouched, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attested {
    pub by: String,
    pub on: time::Date,
}

/// What the customer decided to do with the reseller's buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BucketDecision {
    Keep,
    Archive,
    Delete,
}

impl BucketDecision {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            BucketDecision::Keep => "keep",
            BucketDecision::Archive => "archive",
            BucketDecision::Delete => "delete",
        }
    }
}

/// How an account leaves the reseller's organization.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Deserialize,
    serde::Serialize,
    schemars::JsonSchema,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum MoveKind {
    /// It accepts the new organization's invitation while still a member (a direct
    /// transfer, since November 2025): it never stands alone.
    Direct,
    /// It leaves first (LeaveOrganization, or the reseller removes it) and stands alone,
    /// if only until it joins another organization.
    Standalone,
}

impl MoveKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            MoveKind::Direct => "direct",
            MoveKind::Standalone => "standalone",
        }
    }
}

/// The move assumed for one account, and why (`accounts[].move` in the report).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema)]
pub struct Move {
    pub kind: MoveKind,
    /// Where the assumption comes from: the attestation, `--move`, or the default.
    pub why: String,
}

impl Move {
    pub(crate) fn is_direct(&self) -> bool {
        self.kind == MoveKind::Direct
    }

    /// "move: direct (default with --new-org: …)", as the table and Markdown say it.
    pub(crate) fn said(&self) -> String {
        format!("move: {} ({})", self.kind.as_str(), self.why)
    }
}

/// A reseller-marked resource the customer keeps on purpose.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a waiver like { name = \"CTL-CAM-Provider\", reason = \"continuing CAM for ALM\" }"
)]
pub struct Waiver {
    pub name: String,
    pub reason: String,
}

/// The validated attestations of one account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountAttestations {
    pub payment_method: Option<Attested>,
    pub root_credentials: Option<Attested>,
    pub buckets: Option<BucketDecision>,
    /// Who will leave the organization in this account (`leave-permission`).
    pub leaver: Option<Leaver>,
    /// How the account leaves (`move`), over `--move` and the default.
    pub r#move: Option<MoveKind>,
    /// `delegated_admin = false`: attested not a delegated administrator of any service.
    pub delegated_admin: Option<bool>,
    pub keep: Vec<Waiver>,
}

impl AccountAttestations {
    /// The waiver for a resource name, if the customer keeps it (exact, case-insensitive).
    pub(crate) fn waiver_for(&self, name: &str) -> Option<&Waiver> {
        self.keep.iter().find(|w| w.name.eq_ignore_ascii_case(name))
    }
}

/// All attestations, by account ID.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attestations {
    /// Each listed account's, `[defaults]` filled in where its own entry is silent.
    pub accounts: BTreeMap<String, AccountAttestations>,
    /// `[defaults]`: what an account without an entry of its own attests.
    pub defaults: AccountAttestations,
}

impl Attestations {
    pub fn load(path: &Path) -> Result<Attestations, InputError> {
        Self::parse(&read_file(path, "attestations file")?, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Attestations, InputError> {
        let file: AttestationsFile = parse_toml(text, path, "attestations file")?;
        let defaults = match file.defaults {
            Some(defaults) => {
                let origin = format!("attestations file {}: [defaults]", path.display());
                validated(defaults, &origin, |l, origin| {
                    Leaver::parse_relative(l, origin)
                })?
            }
            None => AccountAttestations::default(),
        };
        let mut accounts = BTreeMap::new();
        for (id, account) in file.accounts {
            let origin = format!("attestations file {}: [accounts.{id:?}]", path.display());
            if id.trim() == "*" {
                return Err(InputError::new(format_args!(
                    "{origin}: not an account ID; what every account attests goes in [defaults]"
                )));
            }
            let id = AccountId::parse(&id, &origin)?;
            let own = validated(account, &origin, |l, origin| {
                Leaver::parse_for(l, id.as_str(), origin)
            })?;
            accounts.insert(id.to_string(), own.over(&defaults));
        }
        Ok(Attestations { accounts, defaults })
    }

    /// Every problem of an attestations file, each with its line, for `attest --check`
    /// (an audit stops at the first). A file TOML cannot read has that one problem.
    pub fn problems(text: &str, path: &Path) -> Vec<String> {
        let table: toml::Table = match parse_toml(text, path, "attestations file") {
            Ok(table) => table,
            Err(err) => return vec![err.to_string()],
        };
        let file = format!("attestations file {}", path.display());
        let line_of = |needle: &str, from: usize| -> (usize, usize) {
            let at = text[from.min(text.len())..]
                .find(needle)
                .map_or(from, |i| from + i);
            (crate::input::line_column(text, at).0, at)
        };
        let mut problems = Vec::new();
        for key in table
            .keys()
            .filter(|k| !matches!(k.as_str(), "accounts" | "defaults"))
        {
            let (line, _) = line_of(key, 0);
            problems.push(format!(
                "{file}, line {line}: unknown table or field `{key}`: expected [defaults] and [accounts.\"<ID>\"] tables"
            ));
        }
        let mut tables: Vec<(String, String, &toml::Value)> = Vec::new();
        if let Some(defaults) = table.get("defaults") {
            tables.push(("[defaults]".into(), "defaults".into(), defaults));
        }
        match table.get("accounts") {
            Some(toml::Value::Table(accounts)) => {
                for (id, value) in accounts {
                    tables.push((format!("[accounts.{id:?}]"), id.clone(), value));
                }
            }
            Some(_) => problems.push(format!(
                "{file}: `accounts` must be tables: [accounts.\"123456789012\"]"
            )),
            None => {}
        }
        for (header, id, value) in tables {
            // The table's header where it has one, else the first mention of its key.
            let spelled = if id == "defaults" {
                "[defaults]".to_string()
            } else {
                format!("[accounts.\"{id}\"]")
            };
            let (line, start) = if text.contains(&spelled) {
                line_of(&spelled, 0)
            } else {
                line_of(&id, 0)
            };
            let origin = format!("{file}, line {line}: {header}");
            if id != "defaults" {
                if id.trim() == "*" {
                    problems.push(format!(
                        "{origin}: not an account ID; what every account attests goes in [defaults]"
                    ));
                    continue;
                }
                if let Err(err) = AccountId::parse(&id, &origin) {
                    problems.push(err.to_string());
                    continue;
                }
            }
            let parsed: Result<AccountFile, _> = value.clone().try_into();
            let table = match parsed {
                Ok(table) => table,
                Err(err) => {
                    let message = crate::input::one_line(err.message());
                    // The field the message names, found after the table's header.
                    let field_line = message
                        .split('`')
                        .nth(1)
                        .map(|field| line_of(&format!("{field} "), start).0)
                        .filter(|l| *l > line)
                        .map(|l| format!(" (line {l})"))
                        .unwrap_or_default();
                    problems.push(format!("{origin}{field_line}: {message}"));
                    continue;
                }
            };
            let checked = if id == "defaults" {
                validated(table, &origin, Leaver::parse_relative)
            } else {
                validated(table, &origin, |l, o| Leaver::parse_for(l, &id, o))
            };
            if let Err(err) = checked {
                problems.push(err.to_string());
            }
        }
        problems
    }

    /// The account's attestations: its own entry (with `[defaults]` where it is silent),
    /// else `[defaults]`.
    pub(crate) fn for_account(&self, account_id: &str) -> &AccountAttestations {
        self.accounts.get(account_id).unwrap_or(&self.defaults)
    }
}

/// One table of the file (an account's, or `[defaults]`), checked; `leaver` reads its
/// leaver (an account's may be a full ARN, `[defaults]`' only `role/NAME` or `user/NAME`).
fn validated(
    table: AccountFile,
    origin: &str,
    leaver: impl Fn(&str, &str) -> Result<Leaver, InputError>,
) -> Result<AccountAttestations, InputError> {
    let attested = |field: &str, value: Option<AttestedFile>| {
        value
            .map(|a| {
                let origin = format!("{origin}.{field}.on");
                if a.by.trim().is_empty() {
                    return Err(InputError::new(format_args!(
                        "{origin}: `by` must name who attests, e.g. \"ap@example.com\""
                    )));
                }
                Ok(Attested {
                    by: a.by,
                    on: parse_date(&a.on, &origin)?,
                })
            })
            .transpose()
    };
    for waiver in &table.keep {
        if waiver.name.trim().is_empty() || waiver.reason.trim().is_empty() {
            return Err(InputError::new(format_args!(
                "{origin}.keep: every waiver needs a name and a reason, e.g. {{ name = \"CTL-CAM-Provider\", reason = \"continuing CAM for ALM\" }}"
            )));
        }
    }
    Ok(AccountAttestations {
        payment_method: attested("payment_method", table.payment_method)?,
        root_credentials: attested("root_credentials", table.root_credentials)?,
        buckets: table.buckets,
        leaver: table
            .leaver
            .as_deref()
            .map(|l| leaver(l, &format!("{origin}.leaver")))
            .transpose()?,
        r#move: table.r#move,
        delegated_admin: table.delegated_admin,
        keep: table.keep,
    })
}

impl AccountAttestations {
    /// These attestations, `defaults` filling in every field they leave out; waivers are
    /// both lists (these first: their reason wins for a name in both).
    fn over(self, defaults: &AccountAttestations) -> AccountAttestations {
        let mut keep = self.keep;
        for waiver in &defaults.keep {
            if !keep
                .iter()
                .any(|w| w.name.eq_ignore_ascii_case(&waiver.name))
            {
                keep.push(waiver.clone());
            }
        }
        AccountAttestations {
            payment_method: self
                .payment_method
                .or_else(|| defaults.payment_method.clone()),
            root_credentials: self
                .root_credentials
                .or_else(|| defaults.root_credentials.clone()),
            buckets: self.buckets.or(defaults.buckets),
            leaver: self.leaver.or_else(|| defaults.leaver.clone()),
            r#move: self.r#move.or(defaults.r#move),
            delegated_admin: self.delegated_admin.or(defaults.delegated_admin),
            keep,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Attestations, InputError> {
        Attestations::parse(text, Path::new("att.toml"))
    }

    /// `[defaults]` fills in what an account's own entry leaves out, and is all an
    /// account without an entry attests; waivers add up.
    #[test]
    fn defaults_fill_in_and_an_accounts_own_entry_wins() {
        let a = parse(
            r#"
[defaults]
leaver = "role/Admin"
buckets = "delete"
keep = [{ name = "CTL-CAM-Provider", reason = "CAM for ALM" }]

[accounts."123456789012"]
leaver = "role/Other"
keep = [{ name = "CTL-Extra", reason = "kept here" }]
"#,
        )
        .unwrap();
        let own = a.for_account("123456789012");
        assert_eq!(own.leaver, Some(Leaver::Named("role/Other".into())));
        assert_eq!(own.buckets, Some(BucketDecision::Delete));
        assert!(
            own.waiver_for("ctl-extra").is_some() && own.waiver_for("CTL-CAM-Provider").is_some()
        );
        let other = a.for_account("999999999999");
        assert_eq!(other.leaver, Some(Leaver::Named("role/Admin".into())));
        assert_eq!(other.buckets, Some(BucketDecision::Delete));
        assert!(other.waiver_for("CTL-Extra").is_none());
        // A full ARN names one account: not a default.
        let err =
            parse("[defaults]\nleaver = \"arn:aws:iam::123456789012:role/Admin\"\n").unwrap_err();
        assert!(err.to_string().contains("[defaults].leaver"), "{err}");
    }

    #[test]
    fn the_design_example_parses() {
        let a = parse(
            r#"
[accounts."123456789012"]
payment_method = { by = "ap@example.com", on = "2026-11-20" }
root_credentials = { by = "secops@example.com", on = "2026-11-21" }
buckets = "archive"
leaver = "role/Admin"
keep = [{ name = "CTL-CAM-Provider", reason = "continuing CAM for ALM" }]
"#,
        )
        .unwrap();
        let account = a.for_account("123456789012");
        assert_eq!(
            account.payment_method.as_ref().unwrap().by,
            "ap@example.com"
        );
        assert_eq!(account.buckets, Some(BucketDecision::Archive));
        assert_eq!(account.leaver, Some(Leaver::Named("role/Admin".into())));
        assert_eq!(
            account.waiver_for("ctl-cam-provider").unwrap().reason,
            "continuing CAM for ALM"
        );
        assert!(account.waiver_for("CTL-Other").is_none());
    }

    /// The field names serde's derive gives `deserialize_struct` for `T`.
    fn field_names<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
        use serde::de::{Error, Visitor, value};
        struct Capture(Option<&'static [&'static str]>);
        impl<'de> serde::Deserializer<'de> for &mut Capture {
            type Error = value::Error;
            fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, value::Error> {
                Err(Error::custom("only a struct's fields are captured"))
            }
            fn deserialize_struct<V: Visitor<'de>>(
                self,
                _: &'static str,
                fields: &'static [&'static str],
                _: V,
            ) -> Result<V::Value, value::Error> {
                self.0 = Some(fields);
                Err(Error::custom("captured"))
            }
            serde::forward_to_deserialize_any! {
                bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
                byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map
                enum identifier ignored_any
            }
        }
        let mut capture = Capture(None);
        let _ = T::deserialize(&mut capture);
        capture.0.expect("a struct")
    }

    #[test]
    fn the_skeleton_shows_every_field_the_parser_accepts() {
        let skeleton: Vec<_> = crate::attestations::skeleton::FIELDS
            .iter()
            .map(|f| f.name)
            .collect();
        assert_eq!(skeleton, field_names::<AccountFile>());
    }

    #[test]
    fn bad_values_are_named_on_one_line() {
        let cases = [
            ("[accounts.\"12345\"]\nbuckets = \"keep\"", "\"12345\""),
            ("[accounts.\"123456789012\"]\nbuckets = \"burn\"", "line 2"),
            (
                "[accounts.\"123456789012\"]\npayment_method = { by = \"x\", on = \"soon\" }",
                "payment_method.on",
            ),
            (
                "[accounts.\"123456789012\"]\npayment_method = { by = \"\", on = \"2026-01-01\" }",
                "`by`",
            ),
            (
                "[accounts.\"123456789012\"]\nkeep = [{ name = \"CTL-X\", reason = \"\" }]",
                "keep",
            ),
            ("[accounts.\"123456789012\"]\npayment = 1", "line 2"),
            ("not toml at all", "line 1"),
            // A value where a table belongs says what the table looks like, not a Rust type.
            (
                "[accounts.\"123456789012\"]\npayment_method = \"yes\"",
                "expected a table like { by = \"you@example.com\", on = \"2026-11-20\" }",
            ),
            (
                "[accounts.\"123456789012\"]\nkeep = [\"CTL-X\"]",
                "expected a waiver like { name = ",
            ),
            ("accounts = [1]", "line 1"),
            (
                "[accounts.\"123456789012\"]\nleaver = \"Admin\"",
                "leaver: invalid leaver \"Admin\": expected role/NAME or user/NAME",
            ),
        ];
        for (text, expected) in cases {
            let err = parse(text).unwrap_err();
            assert!(err.0.contains(expected), "{text:?} gave {err}");
            assert!(err.0.contains("att.toml"), "{err}");
            assert!(!err.0.contains('\n'), "one line: {err}");
            assert!(
                !err.0.contains("struct ") && !err.0.contains("File"),
                "no Rust type name: {err}"
            );
        }
    }
}
