//! Which accounts, and where their facts come from: `--accounts`, `--accounts-file`
//! (with the names its comments give), and AWS or a snapshot.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::attestations::Leavers;
use crate::aws::config::AwsOptions;
use crate::cli::{AccountArgs, AccountList};
use crate::facts::FactKind;
use crate::input::{AccountId, InputError, parse_endpoint_url, read_file};

/// Where facts come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Live AWS, read-only.
    Aws(AwsOptions),
    /// A snapshot written by `orgexit collect`.
    Snapshot(PathBuf),
}

/// The accounts to audit and how to reach them.
#[derive(Debug, Clone)]
pub struct Targets {
    /// Deduplicated and sorted; empty means "every account the source has" (a snapshot's,
    /// or the caller's own).
    pub accounts: Vec<AccountId>,
    pub source: Source,
    pub concurrency: usize,
    /// Limit for one account as a whole, so one hung account cannot hold the run.
    pub account_deadline: Duration,
    /// Account names from the accounts file's comments (`111122223333  # prod`), by ID.
    pub names: BTreeMap<String, String>,
    /// Whose permission to leave is simulated, per account (`leave-permission`).
    pub leavers: Leavers,
    /// The accounts that need other facts than the run's (an attested move), with theirs.
    pub needs_by_account: BTreeMap<String, BTreeSet<FactKind>>,
    /// `--regions`: the regions regional facts are read in (or, from a snapshot, kept);
    /// `None`: every enabled region.
    pub regions: Option<BTreeSet<String>>,
    /// What the account list left out, and why (an accounts file's suspended accounts).
    pub notes: Vec<String>,
    /// `runbook`, `collect --runbook`: which resources of an account, judged from its
    /// facts, need their cleanup details read; `None`: none are read.
    pub cleanup: Option<CleanupSelector>,
}

/// From an account's facts, the resources whose cleanup details the runbook needs (what
/// the account's findings name): read after the account's other facts, with the same
/// clients.
#[derive(Clone)]
pub struct CleanupSelector(
    pub  std::sync::Arc<
        dyn Fn(&crate::facts::AccountFacts) -> crate::facts::CleanupTargets + Send + Sync,
    >,
);

impl std::fmt::Debug for CleanupSelector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CleanupSelector")
    }
}

/// `--regions`: AWS region names (`us-east-1`, `eu-central-2`, `us-gov-west-1`).
fn region_list(values: &[String]) -> Result<Option<BTreeSet<String>>, InputError> {
    let mut regions = BTreeSet::new();
    for value in values.iter().flat_map(|v| v.split(',')) {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let parts: Vec<&str> = value.split('-').collect();
        let shaped = parts.len() >= 3
            && parts[..parts.len() - 1]
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
            && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
            && !parts[parts.len() - 1].is_empty();
        if !shaped {
            return Err(InputError::new(format_args!(
                "--regions: {value:?} is not an AWS region name: give names such as us-east-1,eu-west-1"
            )));
        }
        regions.insert(value.to_string());
    }
    if regions.is_empty() && !values.is_empty() {
        return Err(InputError::new(
            "--regions: no region given: name at least one, such as us-east-1",
        ));
    }
    Ok((!regions.is_empty()).then_some(regions))
}

/// The accounts of `--accounts` and `--accounts-file`, deduplicated and sorted.
pub fn account_list(list: &AccountList) -> Result<BTreeSet<AccountId>, InputError> {
    Ok(named_account_list(list)?.0)
}

/// [`account_list`], with the names the accounts file gives them (by ID); what the file
/// left out is said on stderr.
pub(crate) fn named_account_list(
    list: &AccountList,
) -> Result<(BTreeSet<AccountId>, BTreeMap<String, String>), InputError> {
    let (accounts, names, notes) = listed_accounts(list)?;
    for note in notes {
        eprintln!("orgexit: note: {note}");
    }
    Ok((accounts, names))
}

/// The accounts of `--accounts` and `--accounts-file`, the names the file gives them (by
/// account ID), and notes on what the file left out.
type Listing = (BTreeSet<AccountId>, BTreeMap<String, String>, Vec<String>);

fn listed_accounts(list: &AccountList) -> Result<Listing, InputError> {
    let mut accounts = BTreeSet::new();
    for value in list.accounts.iter().flat_map(|v| v.split(',')) {
        if value.trim().is_empty() {
            continue;
        }
        accounts.insert(AccountId::parse(value, "--accounts")?);
    }
    let mut names = BTreeMap::new();
    let mut notes = Vec::new();
    if let Some(path) = &list.accounts_file {
        let text = read_file(path, "accounts file")?;
        let file = accounts_file(&text, path)?;
        for entry in file.entries {
            if let Some(name) = entry.name {
                names.insert(entry.id.to_string(), name);
            }
            accounts.insert(entry.id);
        }
        if !file.left_out.is_empty() {
            notes.push(format!(
                "accounts file {}: left out {} account{} that {} not ACTIVE: {}",
                path.display(),
                file.left_out.len(),
                if file.left_out.len() == 1 { "" } else { "s" },
                if file.left_out.len() == 1 {
                    "is"
                } else {
                    "are"
                },
                file.left_out.join(", ")
            ));
        }
        if accounts.is_empty() {
            return Err(InputError::new(format_args!(
                "accounts file {}: lists no account ID to audit (one 12-digit ID a line with # for comments, the JSON of `aws organizations list-accounts`, or a CSV with an Id column){}",
                path.display(),
                notes.first().map(|n| format!("; {n}")).unwrap_or_default()
            )));
        }
    }
    Ok((accounts, names, notes))
}

impl Targets {
    pub(crate) fn from_args(args: &AccountArgs) -> Result<Targets, InputError> {
        let (accounts, names, notes) = listed_accounts(&args.list)?;
        let source = match &args.snapshot {
            Some(path) => {
                if args.role_name.is_some()
                    || args.profile.is_some()
                    || args.endpoint_url.is_some()
                    || args.region.is_some()
                {
                    return Err(InputError::new(
                        "--snapshot reads a snapshot and calls no AWS API: drop --role-name/--profile/--region/--endpoint-url, or drop --snapshot",
                    ));
                }
                Source::Snapshot(path.clone())
            }
            None => {
                if args.role_name.is_none() && accounts.len() > 1 {
                    return Err(InputError::new(format_args!(
                        "--accounts lists {} accounts, but without --role-name only the caller's own account can be audited: give --role-name NAME (a role in each account)",
                        accounts.len()
                    )));
                }
                if let Some(name) = &args.role_name
                    && (name.is_empty()
                        || name.contains(|c: char| {
                            !(c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c))
                        }))
                {
                    return Err(InputError::new(format_args!(
                        "--role-name: invalid role name {name:?}: use letters, digits and +=,.@_-"
                    )));
                }
                Source::Aws(AwsOptions {
                    profile: args.profile.clone(),
                    region: args.region.clone(),
                    role_name: args.role_name.clone(),
                    external_id: args.external_id.clone(),
                    endpoint_url: args
                        .endpoint_url
                        .as_deref()
                        .map(|url| parse_endpoint_url(url, "--endpoint-url"))
                        .transpose()?,
                    operation_timeout: Duration::from_secs(args.timeout),
                    max_attempts: args.max_attempts,
                    regional_concurrency: usize::from(args.regional_concurrency),
                    ..AwsOptions::default()
                })
            }
        };
        Ok(Targets {
            accounts: accounts.into_iter().collect(),
            source,
            concurrency: usize::from(args.concurrency),
            account_deadline: Duration::from_secs(args.timeout.saturating_mul(4).max(30)),
            names,
            notes,
            leavers: Leavers::default(),
            needs_by_account: BTreeMap::new(),
            cleanup: None,
            regions: region_list(&args.regions)?,
        })
    }
}

/// One account of an accounts file, with the name its comment gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountsFileEntry {
    pub id: AccountId,
    pub name: Option<String>,
}

/// An accounts file read: its accounts, and those it lists that are not ACTIVE, left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountsFile {
    pub entries: Vec<AccountsFileEntry>,
    /// "111122223333 (old-sandbox, SUSPENDED)", in the file's order.
    pub left_out: Vec<String>,
}

/// Parses an accounts file, in whichever of its three forms it is:
/// - the JSON that `aws organizations list-accounts` prints (`{"Accounts": [{"Id",
///   "Name", "State"}]}`; `Status` where an older answer has no `State`);
/// - a CSV with a header row naming an `Id` column (also `Account ID`), and optionally
///   `Name` (`Account name`) and `State` or `Status`;
/// - one 12-digit ID a line, `#` starting a comment, the comment after an ID naming the
///   account (`111122223333   # prod`).
///
/// Accounts that are not ACTIVE (suspended, closed, pending) are left out and listed. An
/// ID listed again is audited once, and may repeat its name or give none; two different
/// names for one ID are refused, as a label the report cannot trust.
pub fn accounts_file(text: &str, path: &Path) -> Result<AccountsFile, InputError> {
    let text = text.trim_start_matches('\u{feff}');
    let head = text.trim_start();
    let listed = if head.starts_with('{') || head.starts_with('[') {
        list_accounts_json(text, path)?
    } else if looks_like_csv(text) {
        accounts_csv(text, path)?
    } else {
        accounts_lines(text, path)?
    };
    let mut file = AccountsFile::default();
    let mut named: BTreeMap<AccountId, (String, String)> = BTreeMap::new();
    for row in listed {
        if let Some(state) = row
            .state
            .as_deref()
            .filter(|s| !s.eq_ignore_ascii_case("ACTIVE"))
        {
            let label = match &row.name {
                Some(name) => format!("{} ({name}, {state})", row.id),
                None => format!("{} ({state})", row.id),
            };
            file.left_out.push(label);
            continue;
        }
        if let Some(name) = &row.name {
            match named.get(&row.id) {
                Some((first, at)) if first != name => {
                    return Err(InputError::new(format_args!(
                        "{}: account {} is named {name:?} here but {first:?} on {at}: give each account one name",
                        row.origin, row.id
                    )));
                }
                Some(_) => {}
                None => {
                    named.insert(row.id.clone(), (name.clone(), row.at.clone()));
                }
            }
        }
        file.entries.push(AccountsFileEntry {
            id: row.id,
            name: None,
        });
    }
    // Each ID once, with the name given anywhere for it.
    let mut seen = BTreeSet::new();
    file.entries.retain(|e| seen.insert(e.id.clone()));
    for entry in &mut file.entries {
        entry.name = named.get(&entry.id).map(|(name, _)| name.clone());
    }
    Ok(file)
}

/// One account as a form of the file lists it.
struct Listed {
    id: AccountId,
    name: Option<String>,
    /// `None`: the form says nothing of it (the plain list).
    state: Option<String>,
    /// Where it is, for messages: "accounts file F, line 3".
    origin: String,
    /// The same, short: "line 3".
    at: String,
}

fn accounts_lines(text: &str, path: &Path) -> Result<Vec<Listed>, InputError> {
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let (value, comment) = line.split_once('#').unwrap_or((line, ""));
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let origin = format!("accounts file {}, line {}", path.display(), n + 1);
        rows.push(Listed {
            id: AccountId::parse(value, &origin)?,
            name: Some(comment.trim())
                .filter(|c| !c.is_empty())
                .map(str::to_string),
            state: None,
            at: format!("line {}", n + 1),
            origin,
        });
    }
    Ok(rows)
}

/// The JSON of `aws organizations list-accounts` (or a bare list of its accounts).
fn list_accounts_json(text: &str, path: &Path) -> Result<Vec<Listed>, InputError> {
    let file = format!("accounts file {}", path.display());
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        InputError::new(format_args!(
            "{file}: not valid JSON at line {}, column {}: expected what `aws organizations list-accounts --output json` prints",
            e.line(),
            e.column()
        ))
    })?;
    let accounts = match &value {
        serde_json::Value::Array(list) => list,
        other => other
            .get("Accounts")
            .and_then(serde_json::Value::as_array)
            .ok_or_else(|| {
                InputError::new(format_args!(
                    "{file}: JSON without an \"Accounts\" list: expected what `aws organizations list-accounts --output json` prints"
                ))
            })?,
    };
    let text_of = |account: &serde_json::Value, key: &str| {
        account
            .get(key)
            .and_then(serde_json::Value::as_str)
            .map(str::to_string)
    };
    accounts
        .iter()
        .enumerate()
        .map(|(n, account)| {
            let at = format!("Accounts[{n}]");
            let origin = format!("{file}, {at}");
            let id = text_of(account, "Id").ok_or_else(|| {
                InputError::new(format_args!("{origin}: no \"Id\" (a 12-digit account ID)"))
            })?;
            Ok(Listed {
                id: AccountId::parse(&id, &origin)?,
                name: text_of(account, "Name").filter(|n| !n.is_empty()),
                // `State` since 2025; `Status` (retired in September 2026) before it.
                state: text_of(account, "State").or_else(|| text_of(account, "Status")),
                origin,
                at,
            })
        })
        .collect()
}

/// A CSV: its first line (not a comment) has a comma before any `#` (a plain list's
/// comment may have commas: `111122223333  # prod, EU`).
fn looks_like_csv(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .is_some_and(|first| first.split('#').next().unwrap_or_default().contains(','))
}

fn id_column(header: &str) -> bool {
    let h = header.trim().to_ascii_lowercase().replace(['_', ' '], "");
    h == "id" || h == "accountid"
}

fn accounts_csv(text: &str, path: &Path) -> Result<Vec<Listed>, InputError> {
    let file = format!("accounts file {}", path.display());
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| InputError::new(format_args!("{file}: not a readable CSV: {e}")))?
        .clone();
    let column = |wanted: &dyn Fn(&str) -> bool| headers.iter().position(wanted);
    let norm = |h: &str| h.to_ascii_lowercase().replace(['_', ' '], "");
    let id = column(&id_column).ok_or_else(|| {
        InputError::new(format_args!(
            "{file}: the CSV has no Id column (its columns: {})",
            headers.iter().collect::<Vec<_>>().join(", ")
        ))
    })?;
    let name = column(&|h| matches!(norm(h).as_str(), "name" | "accountname"));
    let state = column(&|h| norm(h) == "state").or_else(|| column(&|h| norm(h) == "status"));
    let mut rows = Vec::new();
    for record in reader.records() {
        let record =
            record.map_err(|e| InputError::new(format_args!("{file}: not a readable CSV: {e}")))?;
        let line = record.position().map_or(0, |p| p.line());
        let at = format!("line {line}");
        let origin = format!("{file}, {at}");
        let cell = |i: Option<usize>| {
            i.and_then(|i| record.get(i))
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let Some(value) = cell(Some(id)) else {
            continue;
        };
        rows.push(Listed {
            id: AccountId::parse(&value, &origin)?,
            name: cell(name),
            state: cell(state),
            origin,
            at,
        });
    }
    Ok(rows)
}
