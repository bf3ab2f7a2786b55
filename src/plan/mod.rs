//! The validated plan of one run: what the user typed ([`crate::cli`]) checked once and
//! turned into the values the engine works with. Nothing past this point sees raw input.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

// What the plan is made of, re-exported for the callers that build a plan.
pub use crate::input::{
    AccountId, InputError, one_line, parse_date, parse_endpoint_url, parse_partition, read_file,
};
pub use crate::policy::{
    AccountAttestations, Attestations, Attested, LEAVER_FORMS, Leaver, Leavers, Move, MoveKind,
    Reseller, TicketWords,
};

use crate::aws::config::AwsOptions;
use crate::checks::{CHECKS, Check, Context, Phase};
use crate::cli::{AccountArgs, AccountList, AuditArgs, CheckSelection, PolicyArgs};
use crate::facts::FactKind;

/// Where facts come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Live AWS, read-only.
    Aws(AwsOptions),
    /// A snapshot written by `orgexit collect`.
    Fixture(PathBuf),
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
}

/// What the checks are evaluated against.
#[derive(Debug, Clone)]
pub struct Policy {
    pub phase: Phase,
    pub reseller: Reseller,
    pub new_org: Option<String>,
    pub target_date: Option<time::Date>,
    pub today: time::Date,
    pub attestations: Attestations,
    /// `--leaver`: who leaves in every account without a `leaver` attestation.
    pub leaver: Option<Leaver>,
    /// `--move`: how every account without a `move` attestation leaves; `None`: the
    /// default (direct with `--new-org`, else standalone).
    pub move_kind: Option<MoveKind>,
    pub checks: Vec<&'static dyn Check>,
}

static NO_ATTESTATIONS: std::sync::LazyLock<AccountAttestations> =
    std::sync::LazyLock::new(AccountAttestations::default);

impl Policy {
    /// The facts the selected checks need: the collector fetches exactly these.
    pub fn needs(&self) -> BTreeSet<FactKind> {
        self.checks
            .iter()
            .flat_map(|c| c.needs_under(self.phase, self.new_org.as_deref()))
            .collect()
    }

    /// Who leaves in each account: the attestations' `leaver`, else `--leaver`.
    pub fn leavers(&self) -> Leavers {
        Leavers::of(self.leaver.clone(), &self.attestations)
    }

    pub fn context<'a>(&'a self, account_id: &str, audited: &'a BTreeSet<String>) -> Context<'a> {
        let attestations = self
            .attestations
            .for_account(account_id)
            .unwrap_or(&NO_ATTESTATIONS);
        Context {
            phase: self.phase,
            reseller: &self.reseller,
            new_org: self.new_org.as_deref(),
            target_date: self.target_date,
            today: self.today,
            leaver: attestations.leaver.as_ref().or(self.leaver.as_ref()),
            moving: self.moving(attestations),
            trust: Default::default(),
            attestations,
            audited,
        }
    }

    /// How an account with these attestations leaves, and why.
    fn moving(&self, attestations: &AccountAttestations) -> Move {
        let (kind, why) = match (attestations.r#move, self.move_kind, &self.new_org) {
            (Some(kind), _, _) => (kind, format!("attested (move = \"{}\")", kind.as_str())),
            (None, Some(kind), _) => (kind, format!("--move {}", kind.as_str())),
            (None, None, Some(_)) => (MoveKind::Direct, "default with --new-org".to_string()),
            (None, None, None) => (
                MoveKind::Standalone,
                "default without --new-org".to_string(),
            ),
        };
        Move { kind, why }
    }
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
    pub fn from_args(args: &AccountArgs) -> Result<Targets, InputError> {
        let (accounts, names) = listed_accounts(&args.list)?;
        let source = match &args.snapshot {
            Some(path) => {
                if args.role_name.is_some() || args.profile.is_some() || args.endpoint_url.is_some()
                {
                    return Err(InputError::new(
                        "--snapshot reads a snapshot and calls no AWS API: drop --role-name/--profile/--endpoint-url, or drop --snapshot",
                    ));
                }
                Source::Fixture(path.clone())
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

/// The checks that `--select` and `--skip` leave, in catalog order.
pub fn select_checks(selection: &CheckSelection) -> Result<Vec<&'static dyn Check>, InputError> {
    let parse = |values: &[String], flag: &str| -> Result<BTreeSet<&'static str>, InputError> {
        let mut ids = BTreeSet::new();
        for id in values
            .iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            let check = crate::checks::find(id).ok_or_else(|| {
                let known: Vec<_> = CHECKS.iter().map(|c| c.id()).collect();
                InputError::new(format_args!(
                    "{flag}: unknown check id {id:?}; known ids: {}",
                    known.join(", ")
                ))
            })?;
            ids.insert(check.id());
        }
        Ok(ids)
    };
    let select = parse(&selection.select, "--select")?;
    let skip = parse(&selection.skip, "--skip")?;
    let checks: Vec<_> = CHECKS
        .iter()
        .copied()
        .filter(|c| select.is_empty() || select.contains(c.id()))
        .filter(|c| !skip.contains(c.id()))
        .collect();
    if checks.is_empty() {
        return Err(InputError::new("--select/--skip leave no check to run"));
    }
    Ok(checks)
}

impl Policy {
    pub fn from_args(args: &PolicyArgs, selection: &CheckSelection) -> Result<Policy, InputError> {
        let mut reseller = Reseller::load(&args.reseller)?;
        for value in args.reseller_account.iter().flat_map(|v| v.split(',')) {
            let id = AccountId::parse(value, "--reseller-account")?.to_string();
            reseller.accounts.insert(id.clone());
            reseller.accounts_given.insert(id);
        }
        if let Some(org) = &args.new_org {
            let body = org.strip_prefix("o-").unwrap_or("");
            let valid = (10..=32).contains(&body.len())
                && body
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
            if !valid {
                return Err(InputError::new(format_args!(
                    "--new-org: invalid organization ID {org:?}: expected o- followed by 10 to 32 lower-case letters or digits, e.g. o-a1b2c3d4e5"
                )));
            }
        }
        let today = match &args.today {
            Some(value) => parse_date(value, "--today")?,
            None => time::OffsetDateTime::now_utc().date(),
        };
        let attestations = match &args.attestations {
            Some(path) => Attestations::load(path)?,
            None => Attestations::default(),
        };
        // A direct transfer accepts an invitation from the organization it moves into:
        // without one named there is nothing to accept.
        if args.new_org.is_none() {
            if args.move_kind == Some(MoveKind::Direct) {
                return Err(InputError::new(
                    "--move direct: a direct move accepts the invitation of the organization the accounts move into: give it with --new-org o-xxxxxxxxxx, or use --move standalone",
                ));
            }
            if let Some((id, _)) = attestations
                .accounts
                .iter()
                .find(|(_, a)| a.r#move == Some(MoveKind::Direct))
            {
                return Err(InputError::new(format_args!(
                    "attestations file: [accounts.\"{id}\"] move = \"direct\" needs the organization the account moves into: give it with --new-org o-xxxxxxxxxx, or attest move = \"standalone\""
                )));
            }
        }
        Ok(Policy {
            phase: args.phase,
            reseller,
            new_org: args.new_org.clone(),
            target_date: args
                .target_date
                .as_deref()
                .map(|d| parse_date(d, "--target-date"))
                .transpose()?,
            today,
            attestations,
            move_kind: args.move_kind,
            leaver: args
                .leaver
                .as_deref()
                .map(|l| Leaver::parse_relative(l, "--leaver"))
                .transpose()?,
            checks: select_checks(selection)?,
        })
    }
}

/// Everything `orgexit audit` needs.
#[derive(Debug, Clone)]
pub struct AuditPlan {
    pub targets: Targets,
    pub policy: Policy,
}

impl AuditPlan {
    pub fn from_args(args: &AuditArgs) -> Result<AuditPlan, InputError> {
        let policy = Policy::from_args(&args.policy, &args.selection)?;
        let targets = Targets {
            leavers: policy.leavers(),
            ..Targets::from_args(&args.accounts)?
        };
        Ok(AuditPlan { targets, policy })
    }
}

impl std::fmt::Debug for dyn Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}
