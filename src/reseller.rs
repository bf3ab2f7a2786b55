//! Reseller definitions: what marks a resource as left behind by the reseller.
//!
//! The definitions live in `checks/<name>.toml` (built into the binary for `ctl`) so the
//! same checks serve any reseller; `--reseller FILE` loads another one. The checks read
//! the definition through their [`crate::checks::Context`]; [`crate::plan`] loads it.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;

use crate::input::{AccountId, InputError, parse_toml, read_file};

/// Built-in definitions: (name, TOML text).
const BUILT_IN: &[(&str, &str)] = &[("ctl", include_str!("../checks/ctl.toml"))];

/// The file as written; validated into [`Reseller`].
#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a reseller definition (name, markers, bucket_patterns, email_domains, ...)"
)]
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
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    products: Vec<ProductFile>,
    #[serde(default)]
    ticket: Option<TicketFile>,
}

/// `[ticket]` as written.
#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a [ticket] table (company, team, keep_product, routing)"
)]
struct TicketFile {
    company: String,
    #[serde(default)]
    team: Option<String>,
    #[serde(default)]
    keep_product: Option<String>,
    #[serde(default)]
    routing: Option<String>,
}

/// The reseller's words in the departure ticket (`[ticket]` of the definition).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketWords {
    /// How customers know the reseller (the definition's name when not given).
    pub company: String,
    /// Who the ticket asks to meet besides the account representative.
    pub team: Option<String>,
    /// The product (one of `[[products]]`) the ticket asks whether the customer keeps.
    pub keep_product: Option<String>,
    /// The closing line that routes the ticket.
    pub routing: Option<String>,
}

impl TicketWords {
    /// A reseller whose definition says nothing of the ticket: its name, and nothing more.
    pub(crate) fn plain(name: &str) -> TicketWords {
        TicketWords {
            company: name.to_string(),
            team: None,
            keep_product: None,
            routing: None,
        }
    }
}

/// `[[products]]` as written.
#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a [[products]] table (name, resources)"
)]
struct ProductFile {
    name: String,
    resources: Vec<String>,
}

/// A product of the reseller's that a customer may go on using after leaving, and the
/// names of the resources in the account that serve it (e.g. CAM for ALM and the CAM
/// provider policy). A `keep` waiver on one of them says the customer keeps the product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    pub name: String,
    /// Exact names or glob patterns, matched case-insensitively.
    pub resources: Vec<glob::Pattern>,
}

/// A validated reseller definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reseller {
    pub name: String,
    pub display_name: String,
    /// Markers as written, matched case-insensitively as words (see [`words`]).
    pub markers: Vec<String>,
    /// Each marker split into lower-case words, in the order of `markers`.
    marker_words: Vec<Vec<String>>,
    /// Exact names and glob patterns (`*`, `?`, `[...]`) for the reseller's names that
    /// do not carry a marker as a word; matched case-insensitively.
    pub names: Vec<glob::Pattern>,
    /// Bucket names with `{account_id}` placeholders.
    pub bucket_patterns: Vec<String>,
    /// Lower-cased email domains.
    pub email_domains: Vec<String>,
    /// The reseller's management accounts (definition plus `--reseller-account`).
    pub accounts: BTreeSet<String>,
    /// Those of [`Reseller::accounts`] given by `--reseller-account` (the rest are the
    /// definition's): a report says which of the two identified the organization.
    pub accounts_given: BTreeSet<String>,
    /// The reseller's products a customer may keep using, with their resources.
    pub products: Vec<Product>,
    /// The reseller's words in the departure ticket.
    pub ticket: TicketWords,
}

impl Reseller {
    /// `NAME` of a built-in definition, or a path to a TOML file.
    pub(crate) fn load(name_or_path: &str) -> Result<Reseller, InputError> {
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

    /// The built-in definition of this name, if there is one.
    pub(crate) fn built_in(name: &str) -> Option<Reseller> {
        BUILT_IN
            .iter()
            .any(|(built_in, _)| *built_in == name)
            .then(|| Self::load(name).ok())
            .flatten()
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
            if words(marker).is_empty() {
                return Err(bad(
                    "markers",
                    format!("{marker:?} has no letters or digits to match"),
                ));
            }
        }
        let patterns = |field: &str, names: &[String]| -> Result<Vec<glob::Pattern>, InputError> {
            names
                .iter()
                .map(|name| {
                    if name.trim().is_empty() {
                        return Err(bad(field, "an empty name matches nothing".into()));
                    }
                    glob::Pattern::new(name.trim()).map_err(|e| {
                        bad(
                            field,
                            format!(
                                "{name:?} is not a name or glob pattern ({e}): use *, ? and [...]"
                            ),
                        )
                    })
                })
                .collect()
        };
        let names = patterns("names", &file.names)?;
        let mut products = Vec::new();
        for product in &file.products {
            if product.name.trim().is_empty() || product.resources.is_empty() {
                return Err(bad(
                    "products",
                    "each product needs a name and at least one resource, e.g. { name = \"CAM for ALM\", resources = [\"CTL-CAM-*\"] }".into(),
                ));
            }
            products.push(Product {
                name: product.name.trim().to_string(),
                resources: patterns("products.resources", &product.resources)?,
            });
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
        let ticket = match &file.ticket {
            None => TicketWords::plain(file.name.trim()),
            Some(t) => {
                let line = |field: &str, text: &str| -> Result<String, InputError> {
                    let text = text.trim();
                    if text.is_empty() || text.contains('\n') {
                        return Err(bad(field, "write one line of text".into()));
                    }
                    Ok(text.to_string())
                };
                let keep_product = t
                    .keep_product
                    .as_deref()
                    .map(|p| line("ticket.keep_product", p))
                    .transpose()?;
                if let Some(product) = &keep_product
                    && !products.iter().any(|p: &Product| &p.name == product)
                {
                    return Err(bad(
                        "ticket.keep_product",
                        format!("{product:?} is not the name of one of [[products]]"),
                    ));
                }
                TicketWords {
                    company: line("ticket.company", &t.company)?,
                    team: t
                        .team
                        .as_deref()
                        .map(|x| line("ticket.team", x))
                        .transpose()?,
                    keep_product,
                    routing: t
                        .routing
                        .as_deref()
                        .map(|x| line("ticket.routing", x))
                        .transpose()?,
                }
            }
        };
        let mut accounts = BTreeSet::new();
        for id in &file.management_accounts {
            let origin = format!("reseller file {}: management_accounts", path.display());
            accounts.insert(AccountId::parse(id, &origin)?.to_string());
        }
        Ok(Reseller {
            display_name: file.display_name.unwrap_or_else(|| file.name.clone()),
            name: file.name,
            marker_words: file.markers.iter().map(|m| words(m)).collect(),
            markers: file.markers.iter().map(|m| m.trim().to_string()).collect(),
            names,
            bucket_patterns: file.bucket_patterns,
            email_domains: file
                .email_domains
                .iter()
                .map(|d| d.to_lowercase())
                .collect(),
            accounts,
            accounts_given: BTreeSet::new(),
            products,
            ticket,
        })
    }

    /// The product a resource serves, when the definition names it (the CAM provider
    /// policy → "CAM for ALM").
    pub(crate) fn product_of(&self, resource: &str) -> Option<&str> {
        self.products
            .iter()
            .find(|p| p.resources.iter().any(|r| name_matches(r, resource)))
            .map(|p| p.name.as_str())
    }

    /// What marks `name` as the reseller's: the first marker it carries as a word, or the
    /// first of the definition's names and patterns it matches.
    pub(crate) fn marks(&self, name: &str) -> Option<&str> {
        let has = |marker: &[String]| -> bool {
            if name.is_ascii() {
                // A name without the marker's first word in it, in any case, cannot match:
                // most names are ruled out by this one pass.
                let first = marker[0].as_bytes();
                if !name
                    .as_bytes()
                    .windows(first.len())
                    .any(|w| w.eq_ignore_ascii_case(first))
                {
                    return false;
                }
                // Names are ASCII but for rare exceptions: their words are read in place.
                let mut at = ascii_words(name);
                loop {
                    let matched = at
                        .clone()
                        .zip(marker)
                        .take_while(|(w, m)| w.eq_ignore_ascii_case(m))
                        .count();
                    if matched == marker.len() {
                        return true;
                    }
                    if at.next().is_none() {
                        return false;
                    }
                }
            }
            words(name)
                .windows(marker.len())
                .any(|window| window == marker)
        };
        self.markers
            .iter()
            .zip(&self.marker_words)
            .find(|(_, marker)| !marker.is_empty() && has(marker))
            .map(|(marker, _)| marker.as_str())
            .or_else(|| {
                self.names
                    .iter()
                    .find(|p| name_matches(p, name))
                    .map(glob::Pattern::as_str)
            })
    }

    /// What marks an identity provider's URL, ARN name or SAML issuer as the reseller's:
    /// a marker as a word anywhere in it, or a host in one of the reseller's domains.
    pub(crate) fn marks_url(&self, url: &str) -> Option<String> {
        if let Some(marker) = self.marks(url) {
            return Some(marker.to_string());
        }
        // Any host-like part (`sso.ctl.io` in a URL, `lumen.com` in a URN) in a domain.
        let lower = url.to_lowercase();
        lower
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
            .map(|part| part.trim_matches('.'))
            .find_map(|host| self.host_marked(host))
    }

    /// The reseller domain a host is in (itself or a subdomain of it), if any. `host` is
    /// lower-case.
    pub(crate) fn domain_of(&self, host: &str) -> Option<&str> {
        self.email_domains
            .iter()
            .map(String::as_str)
            .find(|d| host == *d || host.strip_suffix(d).is_some_and(|h| h.ends_with('.')))
    }

    /// "sso.ctl.io is in ctl.io" when `host` (lower-case) is in a reseller domain.
    pub(crate) fn host_marked(&self, host: &str) -> Option<String> {
        self.domain_of(host).map(|d| format!("{host} is in {d}"))
    }

    /// Every marker and name pattern, for messages: "CTL".
    pub(crate) fn marker_list(&self) -> String {
        self.markers
            .iter()
            .map(String::as_str)
            .chain(self.names.iter().map(glob::Pattern::as_str))
            .collect::<Vec<_>>()
            .join("/")
    }

    /// The bucket names this reseller created in `account_id`.
    pub(crate) fn buckets_for(&self, account_id: &str) -> Vec<String> {
        self.bucket_patterns
            .iter()
            .map(|p| p.replace("{account_id}", account_id))
            .collect()
    }

    /// Whether the email address is in one of the reseller's domains (or a subdomain).
    pub(crate) fn owns_email(&self, email: &str) -> bool {
        let Some((_, domain)) = email.rsplit_once('@') else {
            return false;
        };
        self.domain_of(&domain.trim().to_lowercase()).is_some()
    }
}

/// Whether a definition's name or glob pattern matches `name`, case-insensitively.
fn name_matches(pattern: &glob::Pattern, name: &str) -> bool {
    let options = glob::MatchOptions {
        case_sensitive: false,
        ..glob::MatchOptions::new()
    };
    pattern.matches_with(name.trim(), options)
}

/// The words of a name, lower-cased: split at anything that is not a letter or digit, at
/// a change between letters and digits, and at camel case (`CTLAdmin` is `ctl admin`,
/// `DirectLink` is `direct link`). A marker matches a name when its words stand together
/// among the name's, so `kubectl` and `DirectLink` never match `CTL`. ASCII names, nearly
/// all of them, are split in place by [`ascii_words`] instead.
pub(crate) fn words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut chars = text.chars().peekable();
    let mut prev: Option<char> = None;
    while let Some(c) = chars.next() {
        if !c.is_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            prev = Some(c);
            continue;
        }
        if let Some(prev) = prev {
            let next_lower = chars.peek().is_some_and(|n| n.is_lowercase());
            let boundary = prev.is_alphanumeric()
                && ((prev.is_alphabetic() != c.is_alphabetic())
                    || (prev.is_lowercase() && c.is_uppercase())
                    || (prev.is_uppercase() && c.is_uppercase() && next_lower));
            if boundary && !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
        }
        if c.is_ascii() {
            word.push(c.to_ascii_lowercase());
        } else {
            word.extend(c.to_lowercase());
        }
        prev = Some(c);
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// The words of an ASCII name, as [`words`] splits them, borrowed from the name (not
/// lower-cased).
fn ascii_words(text: &str) -> impl Iterator<Item = &str> + Clone {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < bytes.len() && !bytes[at].is_ascii_alphanumeric() {
            at += 1;
        }
        if at == bytes.len() {
            return None;
        }
        let start = at;
        at += 1;
        while at < bytes.len() {
            let (prev, c) = (bytes[at - 1], bytes[at]);
            let next_lower = bytes.get(at + 1).is_some_and(u8::is_ascii_lowercase);
            let boundary = !c.is_ascii_alphanumeric()
                || prev.is_ascii_alphabetic() != c.is_ascii_alphabetic()
                || (prev.is_ascii_lowercase() && c.is_ascii_uppercase())
                || (prev.is_ascii_uppercase() && c.is_ascii_uppercase() && next_lower);
            if boundary {
                break;
            }
            at += 1;
        }
        Some(&text[start..at])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_words_split_as_words_does() {
        for name in [
            "CTLAdmin",
            "DirectLink",
            "kubectl",
            "CTL-Managed-10",
            "ctl_audit2Role",
            "--x--",
            "",
            "ABCdefGHI9jk",
            "a1B2c3",
            "CTL",
            "MyCTLRole",
            "role/CTL.admin",
        ] {
            let ours: Vec<String> = ascii_words(name).map(str::to_ascii_lowercase).collect();
            assert_eq!(ours, words(name), "{name}");
        }
    }

    proptest::proptest! {
        #[test]
        fn ascii_words_agree_with_words(name in "[ -~]{0,24}") {
            let ours: Vec<String> = ascii_words(&name).map(str::to_ascii_lowercase).collect();
            proptest::prop_assert_eq!(ours, words(&name));
        }
    }

    fn parse(text: &str) -> Result<Reseller, InputError> {
        Reseller::parse(text, Path::new("r.toml"))
    }

    #[test]
    fn built_in_ctl_is_valid() {
        let ctl = Reseller::ctl();
        assert_eq!(ctl.name, "ctl");
        assert_eq!(ctl.marks("ctl-Admin-Policy"), Some("CTL"));
        assert_eq!(ctl.marks("AdminPolicy"), None);
        assert_eq!(
            ctl.buckets_for("111122223333"),
            ["config-bucket-111122223333", "ctlaudit-111122223333"]
        );
        assert!(ctl.owns_email("billing@ctl.io"));
        assert!(ctl.owns_email("ap@eu.lumen.com"));
        assert!(!ctl.owns_email("ap@example.com"));
        assert!(!ctl.owns_email("ap@notlumen.com"));
    }

    /// The examples of docs/reference.md (*Reseller definitions*: markers match as words).
    #[test]
    fn markers_match_as_words() {
        let ctl = Reseller::ctl();
        for name in [
            "CTL-Support",
            "ctl-automation",
            "CTL_Admin",
            "CTLAdmin",
            "Acme-CTL",
            "ctl",
            "myCtlRole",
            "CTL2",
            "Ops/CTL.readonly",
        ] {
            assert_eq!(ctl.marks(name), Some("CTL"), "{name} carries CTL as a word");
        }
        for name in [
            "eks-kubectl-deployer",
            "DirectLinkReadOnly",
            "kubectl-ci",
            "Control",
            "ctls",
            "",
        ] {
            assert_eq!(ctl.marks(name), None, "{name} does not carry CTL as a word");
        }
    }

    #[test]
    fn words_split_at_case_digits_and_punctuation() {
        let cases: &[(&str, &[&str])] = &[
            ("CTLAdmin", &["ctl", "admin"]),
            ("DirectLinkReadOnly", &["direct", "link", "read", "only"]),
            ("eks-kubectl-deployer", &["eks", "kubectl", "deployer"]),
            (
                "auth.ctl.io/realms/cam",
                &["auth", "ctl", "io", "realms", "cam"],
            ),
            ("S3Bucket2Go", &["s", "3", "bucket", "2", "go"]),
            ("CenturyLink", &["century", "link"]),
        ];
        for (text, expected) in cases {
            assert_eq!(words(text), *expected, "{text}");
        }
    }

    #[test]
    fn multi_word_markers_names_and_globs() {
        let r = parse(
            "name = \"x\"\nmarkers = [\"CenturyLink\"]\nnames = [\"Resold-*\", \"XYZ_CloudOps\"]",
        )
        .unwrap();
        assert_eq!(r.marks("CenturyLinkAdmin"), Some("CenturyLink"));
        assert_eq!(r.marks("century-link-ops"), Some("CenturyLink"));
        assert_eq!(r.marks("Century"), None);
        assert_eq!(r.marks("resold-billing"), Some("Resold-*"));
        assert_eq!(r.marks("xyz_cloudops"), Some("XYZ_CloudOps"));
        assert_eq!(r.marks("XYZ_CloudOps2"), None);
        assert_eq!(r.marker_list(), "CenturyLink/Resold-*/XYZ_CloudOps");
        let err = parse("name = \"x\"\nmarkers = [\"AB\"]\nnames = [\"[oops\"]").unwrap_err();
        assert!(err.0.contains("names") && err.0.contains("[oops"), "{err}");
    }

    #[test]
    fn products_name_the_resources_a_customer_keeps_to_go_on_using_them() {
        let ctl = Reseller::ctl();
        assert_eq!(ctl.product_of("CTL-CAM-Provider"), Some("CAM for ALM"));
        assert_eq!(ctl.product_of("ctl-cam-provider"), Some("CAM for ALM"));
        assert_eq!(ctl.product_of("CTL-Support"), None);
        let err =
            parse("name = \"x\"\nmarkers = [\"AB\"]\n[[products]]\nname = \"P\"\nresources = []")
                .unwrap_err();
        assert!(err.0.contains("products"), "{err}");
        let err = parse(
            "name = \"x\"\nmarkers = [\"AB\"]\n[[products]]\nname = \"P\"\nresources = [\"[oops\"]",
        )
        .unwrap_err();
        assert!(err.0.contains("products.resources"), "{err}");
    }

    #[test]
    fn provider_urls_match_markers_and_domains() {
        let ctl = Reseller::ctl();
        for url in [
            "auth.ctl.io/realms/cam",
            "https://sso.centurylink.com/idp/metadata",
            "https://login.example.com/ctl/saml",
            "urn:lumen.com:cam",
            "accounts.ctl.io",
        ] {
            assert!(ctl.marks_url(url).is_some(), "{url}");
        }
        for url in [
            "token.actions.githubusercontent.com",
            "https://portal.sso.eu-west-1.amazonaws.com/saml/assertion/abc",
            "https://notctl.io/x",
            "oidc.eks.us-east-1.amazonaws.com/id/ABC",
            "https://kubectl.example.com/auth",
        ] {
            assert_eq!(ctl.marks_url(url), None, "{url}");
        }
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
            (
                "name = \"x\"\nmarkers = [\"AB\"]\n[ticket]\ncompany = \" \"",
                "ticket.company",
            ),
            (
                "name = \"x\"\nmarkers = [\"AB\"]\n[ticket]\ncompany = \"X\"\nkeep_product = \"P\"",
                "ticket.keep_product",
            ),
            (
                "name = \"x\"\nmarkers = [\"AB\"]\n[ticket]\ncompany = \"X\"\nrouting = \"a\\nb\"",
                "ticket.routing",
            ),
            (
                "name = \"x\"\nmarkers = [\"AB\"]\n[ticket]\nteam = \"T\"",
                "company",
            ),
        ];
        for (text, expected) in cases {
            let err = parse(text).unwrap_err();
            assert!(err.0.contains(expected), "{text:?} gave {err}");
            assert!(!err.0.contains('\n'), "one line: {err}");
        }
    }
}
