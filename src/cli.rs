//! The command line as the user types it. Values here are raw; [`crate::plan`] validates
//! them once, and the commands in [`crate::commands`] run on the validated plan.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::checks::Phase;

/// `orgexit --version`: the version and the commit it was built from.
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("ORGEXIT_GIT_COMMIT"),
    ")"
);

#[derive(Debug, Parser)]
#[command(
    name = "orgexit",
    version = VERSION,
    about = "Read-only audit of AWS accounts leaving a reseller's AWS Organization",
    long_about = "orgexit audits every AWS account that is leaving a reseller's AWS Organization, \
read-only, and says what is ready and what still blocks departure: a table for a person, \
JSON for the support ticket, an exit status for a CI gate.\n\n\
Exit status: 0 every account ready; 1 some check is fail or manual; 3 some check is error \
(and none fail/manual); 2 bad invocation or input.",
    after_help = "Examples:\n  orgexit audit --snapshot fixtures/demo.json\n  orgexit audit --accounts-file accounts.txt --role-name OrgExitAudit --new-org o-a1b2c3d4e5 --target-date 2026-12-15\n  orgexit audit --accounts-file accounts.txt --role-name OrgExitAudit --phase post --new-org o-a1b2c3d4e5 --format junit --output orgexit.xml\n  orgexit ticket --report report.json\n  orgexit explain iam-federation"
)]
pub struct Cli {
    /// More log output on stderr (-v info, -vv debug, -vvv as --debug); RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = GLOBAL)]
    pub verbose: u8,

    /// Only errors on stderr: no progress bar, no warnings or notes.
    #[arg(short, long, global = true, conflicts_with = "verbose", help_heading = GLOBAL)]
    pub quiet: bool,

    /// Colour in the table: auto (a terminal, NO_COLOR unset), always (also with
    /// NO_COLOR set) or never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, help_heading = GLOBAL)]
    pub color: ColorChoice,

    /// The most log output, as the AWS CLI's --debug: orgexit's trace and the AWS SDK's
    /// debug log of every request on stderr (the same as -vvv; never a secret).
    #[arg(long, global = true, conflicts_with = "quiet", help_heading = GLOBAL)]
    pub debug: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// The headings of `--help`: what an option is for, so a long list reads in groups.
const GLOBAL: &str = "Global options";
const SCOPE: &str = "Scope";
const OUTPUT: &str = "Output";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit the departing accounts and report what is ready and what blocks.
    #[command(
        after_help = "Examples:\n  orgexit audit --snapshot fixtures/demo.json\n  orgexit audit --accounts 111111111111,222222222222 --role-name OrgExitAudit --format json --output report.json\n  orgexit audit --accounts-file accounts.txt --role-name OrgExitAudit --phase post --new-org o-a1b2c3d4e5 --reseller-account 999999999999 --format junit --output orgexit.xml\n  orgexit audit --snapshot snapshot.json --format markdown > audit.md\n  orgexit audit --accounts-file accounts.txt --role-name OrgExitAudit --phase post --new-org o-a1b2c3d4e5 --also junit=orgexit.xml --also json=report.json"
    )]
    Audit(AuditArgs),
    /// Record the facts of the accounts in a snapshot file, changing nothing.
    #[command(
        after_help = "Examples:\n  orgexit collect --accounts-file accounts.txt --role-name OrgExitAudit --output snapshot.json\n  orgexit audit --snapshot snapshot.json"
    )]
    Collect(CollectArgs),
    /// List the checks: id, title, severity and what each reads.
    #[command(after_help = "Examples:\n  orgexit checks\n  orgexit checks --format json")]
    Checks(ChecksArgs),
    /// Explain a check: what it checks, why it blocks departure, how to fix it.
    #[command(after_help = "Examples:\n  orgexit explain org-invitation")]
    Explain {
        /// A check id, as listed by `orgexit checks`.
        check_id: String,
    },
    /// Print the least-privilege IAM policy (JSON) for the audit role, or a CloudFormation
    /// template or Terraform configuration that creates the role with it.
    #[command(
        after_help = "Examples:\n  orgexit policy > orgexit-audit-policy.json\n  orgexit policy --trust-account 123456789012 --external-id departure-2026\n  orgexit policy --trust-account 123456789012 --partition aws-cn\n  orgexit policy --format cloudformation --trust-account 123456789012 > orgexit-audit.json\n  orgexit policy --format terraform --trust-account 123456789012 > orgexit-audit.tf"
    )]
    Policy(PolicyCmdArgs),
    /// Print the departure support ticket, filled from a JSON report.
    #[command(
        long_about = "Print the departure support ticket of the reseller's wiki (\"Ticket Information\"), \
filled from a JSON report: goal, target date, departing accounts (those that already left apart), \
accounts without root access, whether CAM for ALM continues (a keep waiver on a resource the reseller \
definition names for it), and what the reseller must act on: its access to remove, accounts without a \
payment method, what could not be read and who must grant it. What the report cannot tell stays a \
visible blank (________) to fill in.",
        after_help = "Examples:\n  orgexit audit --snapshot snapshot.json --format json --output report.json\n  orgexit ticket --report report.json\n  orgexit audit --snapshot snapshot.json --format json | orgexit ticket --report - --output ticket.txt"
    )]
    Ticket(TicketArgs),
    /// Write the remaining departure steps per account, with the exact AWS CLI commands to
    /// review and run (orgexit runs none of them).
    #[command(
        long_about = "Audit like `orgexit audit` (AWS or --snapshot) and write, per account, what is still \
open in the order the departure needs it: the payment method and contacts, the invitation, root \
credentials and a way in, then (after the move) the reseller's leftovers, each with the exact AWS CLI \
commands that close it: a role's policies detached, inline policies deleted and instance profiles \
emptied before delete-role; a policy detached everywhere and its other versions deleted; a user's keys, \
certificates, MFA devices, password and groups; a trust, bucket or key policy rewritten without the \
reseller (the diff in a comment). What only a person or the reseller can do is a step in words. \
Waived (keep) resources are left alone and named. --format sh is a bash script: read it, then run it \
(`bash runbook.sh [ACCOUNT_ID...]`); --format markdown is the same as a checklist. Reading AWS, the \
runbook reads what each resource a finding names holds (the reads of `orgexit policy --for runbook`); \
from a snapshot, those collected with `orgexit collect --runbook`.",
        after_help = "Examples:\n  orgexit runbook --snapshot fixtures/demo.json --format sh --output runbook.sh\n  orgexit runbook --accounts-file accounts.txt --role-name OrgExitAudit --phase post --new-org o-a1b2c3d4e5 --output runbook.sh\n  orgexit runbook --snapshot snapshot.json --format markdown > runbook.md"
    )]
    Runbook(RunbookArgs),
    /// Compare two JSON reports: what was fixed, what regressed, what still blocks.
    #[command(
        long_about = "Compare two JSON reports of the same departure (`orgexit audit --format json`, \
the same schema_version), account by account and check by check. A check blocks when it is fail, \
manual or error, as the reports' own `ready` says: fixed (blocking, then not), regressed (not \
blocking, then blocking: a check that could not be read any more is a regression too), still \
blocking (with the resources closed and added in between), changed (a status change that blocks in \
neither), new and gone accounts. Exit 0 when nothing regressed, 1 when something did, 2 when a \
report cannot be read (missing, not JSON, another schema_version).",
        after_help = "Examples:\n  orgexit diff monday.json friday.json\n  orgexit diff before.json after.json --format markdown --output progress.md\n  orgexit diff before.json after.json --format json | jq .summary"
    )]
    Diff(DiffArgs),
    /// Write a commented attestations skeleton for the accounts, or check one against them.
    #[command(
        long_about = "Write a commented attestations skeleton for the accounts (--init), or check \
an attestations file against them (--check FILE). The skeleton has a table for every account and a \
commented-out line for every field, with what each means: as written it attests nothing. --check \
refuses unknown fields, bad values, accounts not in the list and listed accounts without a table, \
each on its own line, and exits 2; a valid file exits 0 and prints what each account attests.",
        after_help = "Examples:\n  orgexit attest --init --accounts-file accounts.txt --output attestations.toml\n  orgexit attest --check attestations.toml --accounts-file accounts.txt\n  orgexit audit --accounts-file accounts.txt --role-name OrgExitAudit --attestations attestations.toml"
    )]
    Attest(AttestArgs),
    /// Print the JSON Schema of the report (`audit --format json`).
    #[command(after_help = "Examples:\n  orgexit schema > report.schema.json")]
    Schema,
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  orgexit completions bash > ~/.local/share/bash-completion/completions/orgexit\n  orgexit completions zsh > \"${fpath[1]}/_orgexit\"\n  orgexit completions fish > ~/.config/fish/completions/orgexit.fish\n  orgexit completions powershell >> $PROFILE"
    )]
    Completions {
        /// The shell: bash, zsh, fish, powershell or elvish.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or write a page for orgexit and each subcommand.
    #[command(
        after_help = "Examples:\n  orgexit man > orgexit.1 && man ./orgexit.1\n  orgexit man --dir /usr/local/share/man/man1   # orgexit.1, orgexit-audit.1, ...\n  mkdir -p man/man1 && orgexit man --dir man/man1 && man -M man orgexit-audit"
    )]
    Man(ManArgs),
}

/// `orgexit man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write orgexit.1 and orgexit-<subcommand>.1 for every subcommand into DIR (it must
    /// exist) instead of printing the main page.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Which accounts: the list part of the account options, which `attest` shares.
#[derive(Debug, Args)]
pub struct AccountList {
    /// Account IDs (12 digits), comma-separated; repeatable.
    #[arg(long, value_name = "ID[,ID...]", help_heading = SCOPE)]
    pub accounts: Vec<String>,

    /// File with one account ID a line; `#` starts a comment, and a comment after an ID
    /// names the account in the report (`111122223333  # prod`).
    #[arg(long, value_name = "FILE", help_heading = SCOPE)]
    pub accounts_file: Option<PathBuf>,
}

/// Which accounts (heading Scope), and how to reach them (heading AWS, where options
/// added later land too).
#[derive(Debug, Args)]
#[command(next_help_heading = "AWS")]
pub struct AccountArgs {
    #[command(flatten)]
    pub list: AccountList,

    /// Assume arn:<partition>:iam::<ID>:role/NAME in each account from the base
    /// credentials (the partition is theirs: aws, aws-cn or aws-us-gov).
    #[arg(long, value_name = "NAME")]
    pub role_name: Option<String>,

    /// External ID to pass when assuming --role-name.
    #[arg(long, value_name = "X", requires = "role_name")]
    pub external_id: Option<String>,

    /// AWS profile for the base credentials (default: the standard chain).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// AWS region for the base credentials (default: the chain's, else us-east-1).
    #[arg(long, value_name = "R")]
    pub region: Option<String>,

    /// Send every AWS request to this URL (e.g. a local emulator), as the AWS CLI's
    /// --endpoint-url; it wins over AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// Evaluate a snapshot written by `orgexit collect` instead of calling AWS.
    #[arg(long, visible_alias = "fixture", value_name = "PATH")]
    pub snapshot: Option<PathBuf>,

    /// Read the regional facts (stacks, key policies) only in these regions,
    /// comma-separated; repeatable. The report names the enabled regions left out.
    /// Default: every region enabled in each account (account:ListRegions).
    #[arg(long, value_name = "R[,R...]")]
    pub regions: Vec<String>,

    /// Regional calls one account may have in flight at once.
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub regional_concurrency: u16,

    /// Accounts audited at once.
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub concurrency: u16,

    /// Seconds one AWS operation may take, retries included.
    #[arg(long, value_name = "SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,

    /// Attempts per AWS operation (throttling and 5xx are retried with backoff).
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub max_attempts: u32,
}

#[derive(Debug, Args)]
#[command(next_help_heading = SCOPE)]
pub struct CheckSelection {
    /// Run only these checks (ids, comma-separated).
    #[arg(long, value_name = "ID,...")]
    pub select: Vec<String>,

    /// Leave out these checks (ids, comma-separated).
    #[arg(long, value_name = "ID,...")]
    pub skip: Vec<String>,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Policy inputs")]
pub struct CriteriaArgs {
    /// pre: before the cut-over (what still blocks); post: after it (what was left behind).
    #[arg(long, value_enum, default_value_t = Phase::Pre)]
    pub phase: Phase,

    /// Reseller definition: a built-in name (ctl) or a TOML file.
    #[arg(long, value_name = "NAME|FILE", default_value = "ctl")]
    pub reseller: String,

    /// The reseller's management account(s); adds to the definition. An organization
    /// managed by one of them is the reseller's. Repeatable.
    #[arg(long, value_name = "ID")]
    pub reseller_account: Vec<String>,

    /// The organization the accounts are moving to (o-xxxxxxxxxx). After the cut-over
    /// each account must be in it; an organization that is neither this nor the
    /// reseller's is `manual`, never guessed.
    #[arg(long, value_name = "o-xxxxxxxxxx")]
    pub new_org: Option<String>,

    /// How the accounts leave: direct (accept the new organization's invitation while
    /// still a member: no payment method or contact information of their own needed) or
    /// standalone (leave first, then stand alone or join). Default: direct with
    /// --new-org, else standalone; an attestation's `move` overrides it per account.
    #[arg(long = "move", value_enum, value_name = "direct|standalone")]
    pub move_kind: Option<crate::attestations::MoveKind>,

    /// The planned cut-over date.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub target_date: Option<String>,

    /// Human attestations (TOML): payment method, root credentials, bucket decisions,
    /// leavers, waivers.
    #[arg(long, value_name = "FILE")]
    pub attestations: Option<PathBuf>,

    /// The principal that will call LeaveOrganization in every account (role/NAME or
    /// user/NAME); an attestation's `leaver` overrides it per account. Without one,
    /// leave-permission is skipped: the reseller removes the accounts.
    #[arg(long, value_name = "role/NAME|user/NAME")]
    pub leaver: Option<String>,

    /// Evaluate as if today were this date (reproducible reports and tests).
    #[arg(long, value_name = "YYYY-MM-DD", hide = true)]
    pub today: Option<String>,
}

/// Formats of the audit report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For a person at a terminal.
    Table,
    /// The documented report (docs/reference.md, *JSON report*), for the ticket and for machines (`orgexit schema`).
    Json,
    /// JUnit XML, for CI test report views (GitLab, Jenkins).
    Junit,
    /// To paste into a ticket or a pull request.
    Markdown,
    /// A row per account and check, for a tracking spreadsheet (RFC 4180; a cell a
    /// spreadsheet would run as a formula is made text).
    Csv,
}

/// Formats of a list (`orgexit checks`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub accounts: AccountArgs,
    #[command(flatten)]
    pub criteria: CriteriaArgs,
    #[command(flatten)]
    pub selection: CheckSelection,

    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Table, help_heading = OUTPUT)]
    pub format: Format,

    /// Show only the findings of these statuses, in every format (the report records
    /// it); `ready`, the totals and the exit status still judge every check.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "STATUS,...", help_heading = OUTPUT)]
    pub status: Vec<crate::checks::Status>,

    /// Show only the findings of this severity or above (critical, high, medium, low,
    /// info), in every format; the exit status still judges every check.
    #[arg(long, value_enum, value_name = "SEVERITY", help_heading = OUTPUT)]
    pub min_severity: Option<crate::checks::Severity>,

    /// Write the report to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE", help_heading = OUTPUT)]
    pub output: Option<PathBuf>,

    /// Also write the report in FORMAT to FILE, from the same run (repeatable), e.g.
    /// `--also json=report.json --also junit=orgexit.xml`.
    #[arg(long, value_name = "FORMAT=FILE", value_parser = parse_also, help_heading = OUTPUT)]
    pub also: Vec<(Format, PathBuf)>,

    /// Table: every check of every account, passes included (by default passing and
    /// skipped checks are counted, and beyond 5 accounts only those not ready are listed).
    #[arg(long, help_heading = OUTPUT)]
    pub all: bool,
}

impl Format {
    /// The formats' names as the command line spells them, from the enum itself.
    pub(crate) fn names() -> Vec<String> {
        Format::value_variants()
            .iter()
            .filter_map(|f| f.to_possible_value())
            .map(|v| v.get_name().to_string())
            .collect()
    }

    /// This format's name as the command line spells it.
    pub(crate) fn name(self) -> String {
        self.to_possible_value()
            .map(|v| v.get_name().to_string())
            .unwrap_or_default()
    }
}

/// `json=report.json` → (Json, "report.json").
fn parse_also(value: &str) -> Result<(Format, PathBuf), String> {
    let expected = format!(
        "expected FORMAT=FILE, e.g. json=report.json, with FORMAT one of {}",
        Format::names().join(", ")
    );
    let (format, file) = value
        .split_once('=')
        .ok_or_else(|| format!("{value:?}: {expected}"))?;
    let format = Format::from_str(format, true)
        .map_err(|_| format!("unknown format {format:?}: {expected}"))?;
    if file.is_empty() {
        return Err(format!("{value:?}: no FILE: {expected}"));
    }
    Ok((format, PathBuf::from(file)))
}

#[derive(Debug, Args)]
pub struct CollectArgs {
    #[command(flatten)]
    pub accounts: AccountArgs,
    #[command(flatten)]
    pub selection: CheckSelection,

    /// The principal that will call LeaveOrganization in every account (role/NAME or
    /// user/NAME): its permission is simulated and recorded for leave-permission.
    #[arg(long, value_name = "role/NAME|user/NAME")]
    pub leaver: Option<String>,

    /// Attestations (TOML) whose per-account `leaver` overrides --leaver; the rest of the
    /// file is for `audit`.
    #[arg(long, value_name = "FILE")]
    pub attestations: Option<PathBuf>,

    /// Also record what `orgexit runbook` needs of the resources the findings name (what
    /// is attached to each reseller role, policy, user and group): the reads of `orgexit
    /// policy --for runbook`.
    #[arg(long)]
    pub runbook: bool,

    /// With --runbook: the reseller definition whose leftovers to record (as `audit
    /// --reseller`).
    #[arg(
        long,
        value_name = "NAME|FILE",
        default_value = "ctl",
        requires = "runbook"
    )]
    pub reseller: String,

    /// With --runbook: the reseller's management account(s) (as `audit --reseller-account`).
    #[arg(long, value_name = "ID", requires = "runbook")]
    pub reseller_account: Vec<String>,

    /// Snapshot file to write (JSON).
    #[arg(long, value_name = "SNAPSHOT.json")]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct ChecksArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct TicketArgs {
    /// A report written by `orgexit audit --format json`; `-` reads stdin.
    #[arg(long, value_name = "REPORT.json")]
    pub report: PathBuf,

    /// The reseller definition whose `[ticket]` words to use (NAME built in, or a TOML
    /// file); it must be the one the report was made with. Default: the report's, when
    /// built in.
    #[arg(long, value_name = "NAME|FILE")]
    pub reseller: Option<String>,

    /// An earlier report of the same departure: the ticket says what was fixed (and what
    /// regressed) since then, as `orgexit diff OLD.json REPORT.json` would.
    #[arg(long, value_name = "OLD.json")]
    pub since: Option<PathBuf>,

    /// Write the ticket to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `orgexit runbook`.
#[derive(Debug, Args)]
pub struct RunbookArgs {
    #[command(flatten)]
    pub accounts: AccountArgs,
    #[command(flatten)]
    pub criteria: CriteriaArgs,
    #[command(flatten)]
    pub selection: CheckSelection,

    /// Runbook format.
    #[arg(long, value_enum, default_value_t = RunbookFormat::Sh, help_heading = OUTPUT)]
    pub format: RunbookFormat,

    /// Write the runbook to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE", help_heading = OUTPUT)]
    pub output: Option<PathBuf>,
}

/// Formats of `orgexit runbook`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RunbookFormat {
    /// A bash script to read, then run (`bash runbook.sh [ACCOUNT_ID...]`).
    Sh,
    /// The same steps as a checklist.
    Markdown,
}

/// `orgexit diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier report (`orgexit audit --format json`); `-` reads stdin.
    #[arg(value_name = "OLD.json")]
    pub old: PathBuf,

    /// The later report; `-` reads stdin (one of the two at most).
    #[arg(value_name = "NEW.json")]
    pub new: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
    pub format: DiffFormat,

    /// Write the comparison to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Formats of `orgexit diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// For a person at a terminal.
    Table,
    /// For machines: the changes with both statuses and the resources closed and added.
    Json,
    /// To paste into a ticket or a pull request.
    Markdown,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("action").required(true).args(["init", "check"])))]
pub struct AttestArgs {
    /// Write the skeleton (to --output FILE, or stdout).
    #[arg(long)]
    pub init: bool,

    /// Check this attestations file against the accounts.
    #[arg(long, value_name = "FILE")]
    pub check: Option<PathBuf>,

    #[command(flatten)]
    pub list: AccountList,

    /// With --init: write the skeleton to FILE, which must not exist yet (a filled-in
    /// file is never overwritten).
    #[arg(long, value_name = "FILE", requires = "init")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct PolicyCmdArgs {
    #[command(flatten)]
    pub selection: CheckSelection,

    /// The command the role serves: audit (and collect), or runbook, which also reads what
    /// is attached to the reseller resources the findings name (and `collect --runbook`).
    #[arg(long = "for", value_enum, value_name = "COMMAND", default_value_t = PolicyFor::Audit)]
    pub for_command: PolicyFor,

    /// Also print the trust policy that lets this account assume the audit role.
    #[arg(long, value_name = "ID")]
    pub trust_account: Option<String>,

    /// Require this external ID in the trust policy (json: with --trust-account).
    #[arg(long, value_name = "X")]
    pub external_id: Option<String>,

    /// The partition of the trust policy's ARNs: aws, aws-cn or aws-us-gov (an audit
    /// takes it from the base credentials). Default: aws for json; the deploying
    /// account's for cloudformation and terraform.
    #[arg(long, value_name = "PARTITION")]
    pub partition: Option<String>,

    /// What to print: the policy as IAM JSON, or a template that creates the audit role
    /// (parameters: its name, default OrgExitAudit, and the account that runs orgexit,
    /// default --trust-account).
    #[arg(long, value_enum, default_value_t = PolicyFormat::Json)]
    pub format: PolicyFormat,
}

/// What the role of `orgexit policy` serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PolicyFor {
    /// `audit` and `collect`.
    Audit,
    /// `runbook` and `collect --runbook` too.
    Runbook,
}

/// Formats of `orgexit policy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PolicyFormat {
    /// The IAM policy documents (permissions, and trust with --trust-account).
    Json,
    /// A CloudFormation template (JSON) creating the audit role.
    Cloudformation,
    /// A Terraform configuration (HCL): aws_iam_role and aws_iam_role_policy.
    Terraform,
}

impl Cli {
    /// Parses the command line; clap exits 2 on a usage error.
    pub fn parse_args() -> Cli {
        Cli::parse()
    }

    /// The command line's definition, for completions and the man page.
    pub fn definition() -> clap::Command {
        <Cli as clap::CommandFactory>::command()
    }
}

/// `--phase pre|post`: the command line's spelling of the domain's [`Phase`].
impl ValueEnum for crate::checks::Status {
    fn value_variants<'a>() -> &'a [Self] {
        &crate::checks::Status::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}

impl ValueEnum for crate::checks::Severity {
    fn value_variants<'a>() -> &'a [Self] {
        &crate::checks::Severity::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}

impl ValueEnum for Phase {
    fn value_variants<'a>() -> &'a [Self] {
        &Phase::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}
