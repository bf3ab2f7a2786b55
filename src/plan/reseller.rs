//! Reseller definitions: what marks a resource as left behind by the reseller.
//!
//! The definitions live in `checks/<name>.toml` (built into the binary for `ctl`) so the
//! same checks serve any reseller; `--reseller FILE` loads another one.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;

use super::input::{AccountId, InputError, parse_toml, read_file};

/// Built-in definitions: (name, TOML text).
const BUILT_IN: &[(&str, &str)] = &[("ctl", include_str!("../../checks/ctl.toml"))];

/// The file as written; validated into [`Reseller`].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ResellerFile {
    name: String,
    #[serde(default)]
    display_name: Option<String>,
    markers: Vec<String>,
    #[serde(default)]
    bucket_patterns: Vec<String>,
    #[serde(default)]
    email_domains: Vec<String>,
    #[serde(default)]
    management_accounts: Vec<String>,
}

/// A validated reseller definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reseller {
    pub name: String,
    pub display_name: String,
    /// Upper-cased markers, matched case-insensitively as substrings.
    pub markers: Vec<String>,
    /// Bucket names with `{account_id}` placeholders.
    pub bucket_patterns: Vec<String>,
    /// Lower-cased email domains.
    pub email_domains: Vec<String>,
    /// The reseller's management accounts (definition plus `--reseller-account`).
    pub accounts: BTreeSet<String>,
    /// Those of [`Reseller::accounts`] given by `--reseller-account` (the rest are the
    /// definition's): a report says which of the two identified the organization.
    pub accounts_given: BTreeSet<String>,
}

impl Reseller {
    /// `NAME` of a built-in definition, or a path to a TOML file.
    pub fn load(name_or_path: &str) -> Result<Reseller, InputError> {
        if let Some((_, text)) = BUILT_IN.iter().find(|(name, _)| *name == name_or_path) {
            let path = Path::new("checks").join(format!("{name_or_path}.toml"));
            return Self::parse(text, &path);
        }
        let path = Path::new(name_or_path);
        if !path.exists() {
            let names: Vec<_> = BUILT_IN.iter().map(|(name, _)| *name).collect();
            return Err(InputError::new(format_args!(
                "--reseller: {name_or_path:?} is neither a built-in reseller ({}) nor an existing TOML file",
                names.join(", ")
            )));
        }
        Self::parse(&read_file(path, "reseller file")?, path)
    }

    /// The built-in `ctl` definition.
    pub fn ctl() -> Reseller {
        Self::load("ctl").expect("the built-in ctl definition is valid")
    }

    pub fn parse(text: &str, path: &Path) -> Result<Reseller, InputError> {
        let file: ResellerFile = parse_toml(text, path, "reseller file")?;
        let bad = |field: &str, why: String| {
            InputError::new(format_args!(
                "reseller file {}: {field}: {why}",
                path.display()
            ))
        };
        if file.name.trim().is_empty() {
            return Err(bad("name", "must not be empty".into()));
        }
        if file.markers.is_empty() {
            return Err(bad(
                "markers",
                "list at least one marker, e.g. [\"CTL\"]".into(),
            ));
        }
        for marker in &file.markers {
            if marker.trim().len() < 2 {
                return Err(bad(
                    "markers",
                    format!("{marker:?} is too short: a marker has at least 2 characters"),
                ));
            }
        }
        for pattern in &file.bucket_patterns {
            let rest = pattern.replace("{account_id}", "");
            let valid = !rest.is_empty()
                && rest
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
            if !valid {
                return Err(bad(
                    "bucket_patterns",
                    format!(
                        "{pattern:?} is not a bucket name pattern: use lower-case letters, digits, '-', '.' and the placeholder {{account_id}}"
                    ),
                ));
            }
        }
        for domain in &file.email_domains {
            if !domain.contains('.') || domain.contains('@') || domain.contains(char::is_whitespace)
            {
                return Err(bad(
                    "email_domains",
                    format!("{domain:?} is not a domain: write it as example.com"),
                ));
            }
        }
        let mut accounts = BTreeSet::new();
        for id in &file.management_accounts {
            let origin = format!("reseller file {}: management_accounts", path.display());
            accounts.insert(AccountId::parse(id, &origin)?.to_string());
        }
        Ok(Reseller {
            display_name: file.display_name.unwrap_or_else(|| file.name.clone()),
            name: file.name,
            markers: file
                .markers
                .iter()
                .map(|m| m.trim().to_uppercase())
                .collect(),
            bucket_patterns: file.bucket_patterns,
            email_domains: file
                .email_domains
                .iter()
                .map(|d| d.to_lowercase())
                .collect(),
            accounts,
            accounts_given: BTreeSet::new(),
        })
    }

    /// The first marker the name carries, if any.
    pub fn marker_in(&self, name: &str) -> Option<&str> {
        let upper = name.to_uppercase();
        self.markers
            .iter()
            .find(|marker| upper.contains(marker.as_str()))
            .map(String::as_str)
    }

    /// The bucket names this reseller created in `account_id`.
    pub fn buckets_for(&self, account_id: &str) -> Vec<String> {
        self.bucket_patterns
            .iter()
            .map(|p| p.replace("{account_id}", account_id))
            .collect()
    }

    /// Whether the email address is in one of the reseller's domains (or a subdomain).
    pub fn owns_email(&self, email: &str) -> bool {
        let Some((_, domain)) = email.rsplit_once('@') else {
            return false;
        };
        let domain = domain.trim().to_lowercase();
        self.email_domains
            .iter()
            .any(|d| domain == *d || domain.ends_with(&format!(".{d}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Reseller, InputError> {
        Reseller::parse(text, Path::new("r.toml"))
    }

    #[test]
    fn built_in_ctl_is_valid() {
        let ctl = Reseller::ctl();
        assert_eq!(ctl.name, "ctl");
        assert_eq!(ctl.marker_in("ctl-Admin-Policy"), Some("CTL"));
        assert_eq!(ctl.marker_in("AdminPolicy"), None);
        assert_eq!(
            ctl.buckets_for("111122223333"),
            ["config-bucket-111122223333", "ctlaudit-111122223333"]
        );
        assert!(ctl.owns_email("billing@ctl.io"));
        assert!(ctl.owns_email("ap@eu.lumen.com"));
        assert!(!ctl.owns_email("ap@example.com"));
        assert!(!ctl.owns_email("ap@notlumen.com"));
    }

    #[test]
    fn unknown_name_or_missing_file_is_named() {
        let err = Reseller::load("acme").unwrap_err();
        assert!(err.0.contains("\"acme\"") && err.0.contains("ctl"), "{err}");
    }

    #[test]
    fn bad_fields_are_named() {
        let cases = [
            ("name = \"x\"\nmarkers = []", "markers"),
            ("name = \"x\"\nmarkers = [\"A\"]", "too short"),
            (
                "name = \"x\"\nmarkers = [\"AB\"]\nbucket_patterns = [\"Bad_Bucket\"]",
                "bucket_patterns",
            ),
            (
                "name = \"x\"\nmarkers = [\"AB\"]\nemail_domains = [\"a@b.com\"]",
                "email_domains",
            ),
            (
                "name = \"x\"\nmarkers = [\"AB\"]\nmanagement_accounts = [\"123\"]",
                "management_accounts",
            ),
            ("name = \"x\"\nmarkers = [\"AB\"]\ncolour = 1", "line 3"),
            ("name = \"x\"\nmarkers = \"AB\"", "line 2"),
        ];
        for (text, expected) in cases {
            let err = parse(text).unwrap_err();
            assert!(err.0.contains(expected), "{text:?} gave {err}");
            assert!(!err.0.contains('\n'), "one line: {err}");
        }
    }
}
