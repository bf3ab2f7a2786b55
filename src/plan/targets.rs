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
    Ok(listed_accounts(list)?.0)
}

/// The accounts of `--accounts` and `--accounts-file`, and the names the file's comments
/// give them (by account ID).
fn listed_accounts(
    list: &AccountList,
) -> Result<(BTreeSet<AccountId>, BTreeMap<String, String>), InputError> {
    let mut accounts = BTreeSet::new();
    for value in list.accounts.iter().flat_map(|v| v.split(',')) {
        if value.trim().is_empty() {
            continue;
        }
        accounts.insert(AccountId::parse(value, "--accounts")?);
    }
    let mut names = BTreeMap::new();
    if let Some(path) = &list.accounts_file {
        let text = read_file(path, "accounts file")?;
        for entry in accounts_file(&text, path)? {
            if let Some(name) = entry.name {
                names.insert(entry.id.to_string(), name);
            }
            accounts.insert(entry.id);
        }
        if accounts.is_empty() {
            return Err(InputError::new(format_args!(
                "accounts file {}: lists no account ID (one 12-digit ID a line, # for comments)",
                path.display()
            )));
        }
    }
    Ok((accounts, names))
}

impl Targets {
    pub(crate) fn from_args(args: &AccountArgs) -> Result<Targets, InputError> {
        let (accounts, names) = listed_accounts(&args.list)?;
        let source = match &args.snapshot {
            Some(path) => {
                if args.role_name.is_some() || args.profile.is_some() || args.endpoint_url.is_some()
                {
                    return Err(InputError::new(
                        "--snapshot reads a snapshot and calls no AWS API: drop --role-name/--profile/--endpoint-url, or drop --snapshot",
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

/// Parses an accounts file: one 12-digit ID a line, `#` starts a comment; the comment
/// after an ID names the account (`111122223333   # prod`), a line with only a comment
/// is only a comment. An ID listed again is audited once, and may repeat its name or give
/// none; two different names for one ID are refused, as a label the report cannot trust.
pub fn accounts_file(text: &str, path: &Path) -> Result<Vec<AccountsFileEntry>, InputError> {
    let mut entries: Vec<AccountsFileEntry> = Vec::new();
    let mut named_on: BTreeMap<AccountId, (String, usize)> = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let (value, comment) = line.split_once('#').unwrap_or((line, ""));
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let origin = format!("accounts file {}, line {}", path.display(), n + 1);
        let id = AccountId::parse(value, &origin)?;
        let name = Some(comment.trim()).filter(|c| !c.is_empty());
        if let Some(name) = name {
            match named_on.get(&id) {
                Some((first, line)) if first != name => {
                    return Err(InputError::new(format_args!(
                        "{origin}: account {id} is named {name:?} here but {first:?} on line {line}: give each account one name"
                    )));
                }
                Some(_) => {}
                None => {
                    named_on.insert(id.clone(), (name.to_string(), n + 1));
                }
            }
        }
        entries.push(AccountsFileEntry {
            id,
            name: name.map(str::to_string),
        });
    }
    // Each ID once, with the name given anywhere for it.
    let mut seen = BTreeSet::new();
    entries.retain(|e| seen.insert(e.id.clone()));
    for entry in &mut entries {
        entry.name = named_on.get(&entry.id).map(|(name, _)| name.clone());
    }
    Ok(entries)
}
