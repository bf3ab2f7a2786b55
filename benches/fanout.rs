//! The fan-out benchmark: audits N synthetic accounts through the real SDK clients, each
//! answered by the in-process replay (`src/aws/replay.rs`) after an injected latency, so
//! the figures show the tool's own overhead over AWS's latency, not a network's or an
//! emulator's. Optionally a share of calls is throttled, and a run against moto shows the
//! same audit beside moto's own ceiling.
//!
//! ```text
//! cargo bench --bench fanout                      # the suite (a few minutes)
//! cargo bench --bench fanout -- --accounts 1000 --latency-ms 50 --concurrency 64
//! cargo bench --bench fanout -- --accounts 1000 --throttle-pct 10
//! cargo bench --bench fanout -- --moto --accounts 50
//! ```
//!
//! Each configuration ends with one line:
//! `fanout: accounts=N latency_ms=L concurrency=C wall_s=W bound_s=B ratio=R
//! calls_per_account=K min_calls_per_account=M peak_rss_mb=P`, where `bound_s` is
//! `ceil(N / C) × longest chain of dependent calls in one account × L`, from the calls
//! really made. `--check` exits non-zero unless every account made exactly the minimum
//! calls and no check is `error` (the CI smoke test).

use std::collections::{BTreeMap, HashMap};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use orgexit::attestations::Leaver;
use orgexit::aws::Connection;
use orgexit::aws::config::{AwsOptions, resilience};
use orgexit::aws::guard::ReadOnlyGuard;
use orgexit::aws::replay::{Replay, World};
use orgexit::checks::{CHECKS, Phase};
use orgexit::engine::evaluate::Evaluator;
use orgexit::engine::{Silent, gather_from, stream_from};
use orgexit::facts::{
    AccountFacts, AccountInformation, AccountSummary, BucketPolicy, Contact, ContactInformation,
    DelegatedServices, Fact, FactKind, Handshake, KeyPolicy, LeaveOutcome, LeaveSimulation,
    Membership, NamedEntity, Organization, PaymentInstrument, Regional, Role, SamlProvider, Stack,
};
use orgexit::input::AccountId;
use orgexit::plan::{Criteria, Source, Targets};
use orgexit::reseller::Reseller;

/// The allocator of the `orgexit` binary (`src/main.rs`), so the figures are its figures.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(about = "orgexit fan-out benchmark")]
struct Args {
    /// Accounts to audit (without it: the whole suite).
    #[arg(long)]
    accounts: Option<usize>,
    /// Latency of every answer, in milliseconds.
    #[arg(long, default_value_t = 50)]
    latency_ms: u64,
    /// Accounts audited at once.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Percentage of calls answered with throttling (retried by the SDK).
    #[arg(long, default_value_t = 0)]
    throttle_pct: u64,
    /// Run against moto instead of the replay (moto_server from ORGEXIT_MOTO_SERVER,
    /// ./.venv or PATH).
    #[arg(long)]
    moto: bool,
    /// Fail unless every account made exactly the minimum calls and nothing is `error`.
    #[arg(long)]
    check: bool,
    /// Run the configuration under `valgrind --tool=callgrind` and add its instruction
    /// counts per account (the whole process; the replay's share; the rest, the tool's).
    #[arg(long)]
    callgrind: bool,
    /// Checks left out (comma-separated ids), e.g. the three added after issue 12 was
    /// measured (`payment-method,primary-contact,leave-permission`: 15 calls an account).
    #[arg(long, value_delimiter = ',')]
    skip: Vec<String>,
    /// Passed by `cargo bench`.
    #[arg(long, hide = true)]
    bench: bool,
}

/// Items an IAM page holds (IAM's default; it may answer fewer than asked).
const PAGE: usize = 100;
const ROLES: usize = 150;
const POLICIES: usize = 80;
const USERS: usize = 40;
const GROUPS: usize = 12;
const SAML_PROVIDERS: usize = 2;
const BUCKETS: usize = 25;
/// The 17 regions AWS enables by default, every one of them read by the regional checks.
const REGIONS: [&str; 17] = [
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];
/// Customer-managed keys: one in each of the first KEYS regions of [`REGIONS`]'s home
/// pair (us-east-1, eu-west-1), beside the AWS-managed key the replay lists everywhere.
const KEYS: usize = 2;
const RESELLER: &str = "999988887777";
const NEW_ORG: &str = "o-acmenew0001";
/// Who leaves in every account (`--leaver`): its permission is simulated.
const LEAVER: &str = "role/Admin";

fn main() {
    let args = Args::parse();
    if args.accounts.is_none() && !args.moto {
        return suite();
    }
    let accounts = args.accounts.unwrap_or(50);
    if args.callgrind {
        callgrind::run(accounts);
    }
    let line = if args.moto {
        moto::run(accounts, args.concurrency)
    } else {
        replay_run(&args, accounts)
    };
    println!("{line}");
    if args.check && !line.ok {
        eprintln!("fanout --check failed: {}", line.why);
        std::process::exit(1);
    }
}

/// Runs each configuration in a process of its own, so each peak RSS is its own.
fn suite() {
    let me = std::env::current_exe().expect("the benchmark's own path");
    let runs: &[&[&str]] = &[
        &["--accounts", "10"],
        &["--accounts", "100"],
        &["--accounts", "5000"],
        &["--accounts", "1000", "--throttle-pct", "10"],
        &["--moto", "--accounts", "50", "--concurrency", "16"],
        &[
            "--accounts",
            "1000",
            "--latency-ms",
            "50",
            "--concurrency",
            "64",
        ],
    ];
    let mut rss_mb = HashMap::new();
    for run in runs {
        let out = Command::new(&me)
            .args(*run)
            .stderr(std::process::Stdio::inherit())
            .output()
            .expect("runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        print!("{stdout}");
        if !out.status.success() {
            eprintln!("fanout {}: {}", run.join(" "), out.status);
        }
        if let Some(rss) = stdout
            .lines()
            .filter_map(|l| l.strip_prefix("fanout: "))
            .filter(|l| l.contains("latency_ms=50 ") && !run.contains(&"--throttle-pct"))
            .find_map(|l| field(l, "peak_rss_mb"))
        {
            rss_mb.insert(run[1], rss);
        }
    }
    // Memory per account: the slope between 1000 and 5000 accounts (the start-up's
    // arenas and the runtime cancel out).
    if let (Some(small), Some(large)) = (rss_mb.get("1000"), rss_mb.get("5000")) {
        println!(
            "fanout-memory: peak_rss_mb_1000={small:.1} peak_rss_mb_5000={large:.1} growth_kb_per_account={:.1}",
            (large - small) * 1024.0 / 4000.0
        );
    }
}

/// The value of `name=` in a `fanout:` line.
fn field(line: &str, name: &str) -> Option<f64> {
    line.split_whitespace()
        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
        .and_then(|v| v.parse().ok())
}

/// CPU time of the whole process so far (user + system, every thread), in seconds.
fn cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // After the command name (in parentheses): state is field 3, utime 14, stime 15.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| fields.get(i - 3).and_then(|v| v.parse::<f64>().ok());
    // Linux's USER_HZ is 100 on every architecture the benchmark runs on.
    ticks(14)
        .zip(ticks(15))
        .map_or(0.0, |(u, s)| (u + s) / 100.0)
}

struct Line {
    text: String,
    ok: bool,
    why: String,
}

impl std::fmt::Display for Line {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// A realistic departing account: many roles and policies (several IAM pages), users,
/// groups, buckets, a handshake, reseller leftovers among them.
fn template() -> AccountFacts {
    let account = "100000000000";
    let trust = |principal: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"}}]}}"#
        )
    };
    let roles = (0..ROLES)
        .map(|i| {
            let (name, principal) = match i % 10 {
                0 => (format!("CTL-Managed-{i}"), format!(r#"{{"AWS":"arn:aws:iam::{RESELLER}:root"}}"#)),
                1..=3 => (format!("app-{i}-lambda"), r#"{"Service":"lambda.amazonaws.com"}"#.to_string()),
                4 => (format!("ci-deploy-{i}"), r#"{"Federated":"arn:aws:iam::100000000000:oidc-provider/token.actions.githubusercontent.com"}"#.to_string()),
                _ => (format!("team-{i}-admin"), format!(r#"{{"AWS":["arn:aws:iam::{account}:root"]}}"#)),
            };
            Role {
                arn: format!("arn:aws:iam::{account}:role/{name}"),
                name,
                path: "/".into(),
                trust_policy: trust(&principal),
            }
        })
        .collect();
    let named = |kind: &str, prefix: &str, n: usize, marked: usize| -> Vec<NamedEntity> {
        (0..n)
            .map(|i| {
                let name = if i < marked {
                    format!("CTL-{prefix}-{i}")
                } else {
                    format!("{prefix}-{i}")
                };
                NamedEntity {
                    arn: format!("arn:aws:iam::{account}:{kind}/{name}"),
                    name,
                }
            })
            .collect()
    };
    let mut buckets: Vec<String> = (0..BUCKETS - 2)
        .map(|i| format!("acme-data-{i:03}"))
        .collect();
    buckets.push(format!("config-bucket-{account}"));
    buckets.push(format!("ctlaudit-{account}"));
    let region_of = |i: usize| {
        if i.is_multiple_of(3) {
            "eu-west-1"
        } else {
            "us-east-1"
        }
    };
    let bucket_policies = buckets
        .iter()
        .enumerate()
        .map(|(i, bucket)| BucketPolicy {
            bucket: bucket.clone(),
            region: Some(region_of(i).into()),
            // One bucket in five has a policy: the account's own root.
            policy: Fact::Ok(i.is_multiple_of(5).then(|| {
                format!(
                    r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{account}:root"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::{bucket}/*"}}]}}"#
                )
            })),
        })
        .collect();
    let stack = |region: &str, name: &str| Stack {
        id: format!(
            "arn:aws:cloudformation:{region}:{account}:stack/{name}/0a1b2c3d-0000-4000-8000-000000000001"
        ),
        name: name.into(),
        status: "CREATE_COMPLETE".into(),
    };
    fn regional<T>(in_region: impl Fn(&str) -> Vec<T>) -> Regional<Vec<T>> {
        Regional {
            regions: REGIONS
                .iter()
                .map(|r| (r.to_string(), Fact::Ok(in_region(r))))
                .collect(),
            left_out: vec![],
        }
    }
    let stacks = regional(|region| match region {
        "us-east-1" => vec![
            stack(region, "acme-network-baseline"),
            stack(
                region,
                "StackSet-CTL-Logging-9f8e7d6c-5b4a-3210-fedc-ba9876543210",
            ),
        ],
        "eu-west-1" => vec![stack(region, "acme-security-tooling")],
        _ => vec![],
    });
    let key_policies = regional(|region| {
        ["us-east-1", "eu-west-1"][..KEYS]
            .iter()
            .filter(|home| **home == region)
            .map(|_| {
                let key_id = "6f1c2a3b-0000-4000-8000-00000000e001";
                KeyPolicy {
                    key_id: key_id.into(),
                    arn: format!("arn:aws:kms:{region}:{account}:key/{key_id}"),
                    policy: Fact::Ok(format!(
                        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{account}:root"}},"Action":"kms:*","Resource":"*"}}]}}"#
                    )),
                }
            })
            .collect()
    });
    // Facts left out answer as the replay does for a fact it has no value for.
    AccountFacts {
        regions: Some(Fact::Ok(REGIONS.iter().map(|r| r.to_string()).collect())),
        stacks: Some(Fact::Ok(stacks)),
        bucket_policies: Some(Fact::Ok(bucket_policies)),
        key_policies: Some(Fact::Ok(key_policies)),
        organization: Some(Fact::Ok(Membership::Member(Organization {
            id: "o-ctlreseller1".into(),
            management_account_id: RESELLER.into(),
            management_account_email: Some("aws-root@ctl.io".into()),
        }))),
        handshakes: Some(Fact::Ok(vec![Handshake {
            id: "h-benchinvite1".into(),
            action: "INVITE".into(),
            state: "OPEN".into(),
            organization_id: Some(NEW_ORG.into()),
            expires_at: Some(time::macros::datetime!(2026-12-20 09:00 UTC)),
            management_account_id: Some("555566667777".into()),
            management_account_email: Some("aws-root@acme.example".into()),
            management_account_name: Some("Acme management".into()),
        }])),
        billing_contact: Some(Fact::Ok(Some(Contact {
            name: Some("Acme AP".into()),
            email: Some("ap@acme.example".into()),
        }))),
        policies: Some(Fact::Ok(named("policy", "Criteria", POLICIES, 3))),
        roles: Some(Fact::Ok(roles)),
        users: Some(Fact::Ok(named("user", "user", USERS, 1))),
        groups: Some(Fact::Ok(named("group", "Group", GROUPS, 1))),
        saml_providers: Some(Fact::Ok(
            named("saml-provider", "SSO", SAML_PROVIDERS, 1)
                .into_iter()
                .map(|p| SamlProvider {
                    issuer: Some(Fact::Ok(format!("http://www.okta.com/{}", p.name))),
                    name: p.name,
                    arn: p.arn,
                })
                .collect(),
        )),
        oidc_providers: Some(Fact::Ok(vec![NamedEntity {
            name: "token.actions.githubusercontent.com".into(),
            arn: format!(
                "arn:aws:iam::{account}:oidc-provider/token.actions.githubusercontent.com"
            ),
        }])),
        buckets: Some(Fact::Ok(buckets)),
        account_summary: Some(Fact::Ok(AccountSummary {
            account_mfa_enabled: true,
            account_access_keys_present: false,
            account_signing_certificates_present: Some(false),
            account_password_present: Some(true),
        })),
        payment_instruments: Some(Fact::Ok(vec![PaymentInstrument {
            id: Some("pi-bench-card".into()),
            arn: None,
            method: "CARD".into(),
            status: "ACTIVE".into(),
        }])),
        primary_contact: Some(Fact::Ok(Some(ContactInformation {
            full_name: Some("Jane Doe".into()),
            company_name: Some("Acme Corp".into()),
            address_line1: Some("1 Main St".into()),
            city: Some("Springfield".into()),
            country_code: Some("US".into()),
            phone_number: Some("+1 555 0100".into()),
            ..ContactInformation::default()
        }))),
        leave_permission: Some(Fact::Ok(LeaveSimulation {
            principal: format!("arn:aws:iam::{account}:{LEAVER}"),
            outcome: LeaveOutcome::Evaluated {
                eval_decision: "allowed".into(),
                allowed_by_organizations: Some(true),
            },
            accept_handshake: Some(LeaveOutcome::Evaluated {
                eval_decision: "allowed".into(),
                allowed_by_organizations: Some(true),
            }),
        })),
        account_information: Some(Fact::Ok(AccountInformation {
            state: "ACTIVE".into(),
            created_at: Some(time::macros::datetime!(2020-01-01 00:00 UTC)),
            name: None,
        })),
        // A member account is denied the read: the attestation-less answer.
        delegated_services: Some(Fact::Ok(DelegatedServices::Unanswered {
            reason: "organizations:ListDelegatedServicesForAccount: AccessDeniedException".into(),
        })),
        ..AccountFacts::new(account)
    }
}

/// Every synthetic account answers with the same template (shared, not copied: the
/// benchmark's memory is the tool's).
struct Synthetic {
    accounts: std::collections::HashSet<String>,
    template: Arc<AccountFacts>,
}

impl World for Synthetic {
    fn account(&self, account: &str) -> Option<Arc<AccountFacts>> {
        self.accounts
            .contains(account)
            .then(|| Arc::clone(&self.template))
    }
}

fn account_ids(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("{:012}", 200_000_000_000u64 + i as u64))
        .collect()
}

/// Every check but those `skip` names (an unknown id exits 2).
fn criteria(skip: &[String]) -> Criteria {
    if let Some(unknown) = skip.iter().find(|id| !CHECKS.iter().any(|c| c.id() == *id)) {
        eprintln!("fanout: --skip {unknown}: no such check (orgexit checks lists them)");
        std::process::exit(2);
    }
    let mut reseller = Reseller::ctl();
    reseller.accounts.insert(RESELLER.into());
    let checks = CHECKS
        .iter()
        .copied()
        .filter(|c| !skip.iter().any(|id| id == c.id()))
        .collect();
    Criteria {
        reseller,
        new_org: Some(NEW_ORG.into()),
        target_date: Some(time::macros::date!(2026 - 12 - 15)),
        leaver: Some(Leaver::Named(LEAVER.into())),
        ..Criteria::new(Phase::Pre, time::macros::date!(2026 - 11 - 25), checks)
    }
}

/// The calls the selected checks need at least: AssumeRole, then each fact once, pages
/// counted.
fn min_calls(policy: &Criteria) -> usize {
    let pages = |n: usize| n.div_ceil(PAGE).max(1);
    let size = |kind: FactKind| match kind {
        FactKind::Roles => pages(ROLES),
        FactKind::Policies => pages(POLICIES),
        FactKind::Users => pages(USERS),
        FactKind::Groups => pages(GROUPS),
        // The list, then each provider's metadata (its issuer).
        FactKind::SamlProviders => 1 + SAML_PROVIDERS,
        // One ListStacks a region; ListKeys and ListAliases a region, and GetKeyPolicy
        // a customer-managed key (the AWS-managed ones are not asked).
        FactKind::Stacks => REGIONS.len(),
        FactKind::KeyPolicies => 2 * REGIONS.len() + KEYS,
        // One GetBucketPolicy a bucket (ListBuckets names their regions); the list
        // itself is the buckets' fact's call when that is read too.
        FactKind::BucketPolicies => {
            BUCKETS + usize::from(!policy.needs().contains(&FactKind::Buckets))
        }
        _ => 1,
    };
    1 + policy.needs().into_iter().map(size).sum::<usize>()
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

fn replay_run(args: &Args, n: usize) -> Line {
    let ids = account_ids(n);
    let template = Arc::new(template());
    let policy = criteria(&args.skip);
    let min = min_calls(&policy);
    let latency = Duration::from_millis(args.latency_ms);
    let mut builder = Replay::builder()
        .latency(latency)
        .page_size(PAGE)
        .without_params();
    if let Some(one_in) = 100u64.checked_div(args.throttle_pct) {
        builder = builder.throttle_one_in(one_in.max(1));
    }
    let replay = builder.build(Synthetic {
        accounts: ids.iter().cloned().collect(),
        template,
    });
    let options = AwsOptions {
        role_name: Some("OrgExitAudit".into()),
        ..AwsOptions::default()
    };
    let targets = Targets {
        accounts: ids
            .iter()
            .map(|a| AccountId::parse(a, "bench").unwrap())
            .collect(),
        source: Source::Aws(options.clone()),
        concurrency: args.concurrency,
        account_deadline: Duration::from_secs(600),
        names: Default::default(),
        notes: Vec::new(),
        leavers: policy.leavers(),
        needs_by_account: policy.needs_by_account(),
        regions: None,
        cleanup: None,
    };
    let rt = runtime();
    let (wall, report) = rt.block_on(async {
        let (retry, timeout) = resilience(&options);
        let connection = Connection::from_config(
            replay.sdk_config(retry, timeout),
            &options,
            ReadOnlyGuard::new(),
        );
        let started = Instant::now();
        // As `orgexit audit` does: each account evaluated as it finishes.
        let mut builder = Evaluator::new(&policy);
        stream_from(
            &connection,
            &targets,
            &policy.needs(),
            &Silent,
            std::future::pending(),
            &mut builder,
        )
        .await
        .expect("gathers");
        let report = builder.finish(time::OffsetDateTime::now_utc());
        // As `--format json` writes it: streamed, never one string.
        orgexit::report::json::write(&report, &mut std::io::sink()).expect("serializes");
        (started.elapsed(), report)
    });

    // Moved out, not copied: the replay's log is the benchmark's memory, not the tool's.
    let calls = replay.take_calls();
    let mut per_account: HashMap<&str, BTreeMap<&str, usize>> = HashMap::new();
    for call in &calls {
        *per_account
            .entry(call.account.as_str())
            .or_default()
            .entry(call.operation.as_str())
            .or_default() += 1;
    }
    // Within an account every fact's calls run side by side after AssumeRole; one list's
    // pages and one call's retries run one after the other. A read that fans out (a
    // region each, a bucket, key or provider each) runs its calls side by side after the
    // list it depends on: its depth is that list's, plus its calls over its width (exact
    // without throttling; with it, retries spread evenly, an estimate).
    let chain = per_account
        .values()
        .map(|ops| {
            let calls = |op: &str| ops.get(op).copied().unwrap_or(0);
            let spread = |op: &str, width: usize| calls(op).div_ceil(width.max(1));
            let regions = calls("ListRegions");
            let depth = |op: &str| match op {
                "ListStacks" | "ListKeys" | "ListAliases" => regions + spread(op, REGIONS.len()),
                "GetKeyPolicy" => regions + spread("ListKeys", REGIONS.len()) + spread(op, KEYS),
                "GetBucketPolicy" | "GetBucketLocation" => {
                    calls("ListBuckets") + calls("GetBucketLocation").min(1) + spread(op, BUCKETS)
                }
                "GetSAMLProvider" => calls("ListSAMLProviders") + spread(op, SAML_PROVIDERS),
                _ => calls(op),
            };
            calls("AssumeRole")
                + ops
                    .keys()
                    .filter(|op| **op != "AssumeRole")
                    .map(|op| depth(op))
                    .max()
                    .unwrap_or(0)
        })
        .max()
        .unwrap_or(0);
    let bound = n.div_ceil(args.concurrency) as f64 * chain as f64 * latency.as_secs_f64();
    let wall_s = wall.as_secs_f64();
    let per_account_calls: Vec<usize> =
        per_account.values().map(|ops| ops.values().sum()).collect();
    let fewest = per_account_calls.iter().copied().min().unwrap_or(0);
    let most = per_account_calls.iter().copied().max().unwrap_or(0);
    let errors = report.summary.error;
    // Throttled answers only: a member account's AccessDenied from
    // ListDelegatedServicesForAccount is an answer (HTTP 400), not a throttle.
    let throttled = calls
        .iter()
        .filter(|c| c.status == 400 || c.status == 429 || c.status == 503)
        .filter(|c| c.operation != "ListDelegatedServicesForAccount")
        .count();
    println!(
        "fanout: accounts={n} throttle_pct={} errors={errors} throttled_calls={throttled} calls_total={} calls_per_account_min={fewest} calls_per_account_max={most} longest_chain={chain} statuses=pass:{} warn:{} fail:{} manual:{} error:{}",
        args.throttle_pct,
        calls.len(),
        report.summary.pass,
        report.summary.warn,
        report.summary.fail,
        report.summary.manual,
        report.summary.error,
    );
    println!(
        "rerun: cargo bench --bench fanout -- --accounts {n} --latency-ms {} --concurrency {}{}",
        args.latency_ms,
        args.concurrency,
        if args.throttle_pct > 0 {
            format!(" --throttle-pct {}", args.throttle_pct)
        } else {
            String::new()
        } + &if args.skip.is_empty() {
            String::new()
        } else {
            format!(" --skip {}", args.skip.join(","))
        }
    );
    let calls_per_account = calls.len() as f64 / n as f64;
    let text = format!(
        "fanout: accounts={n} latency_ms={} concurrency={} wall_s={wall_s:.3} bound_s={bound:.3} ratio={:.3} calls_per_account={} min_calls_per_account={min} peak_rss_mb={:.1} cpu_ms_per_account={:.2}",
        args.latency_ms,
        args.concurrency,
        wall_s / bound,
        fmt_calls(calls_per_account),
        peak_rss_mb(),
        cpu_s() * 1000.0 / n as f64,
    );
    let all_minimal = fewest == min && most == min && per_account.len() == n;
    Line {
        text,
        ok: all_minimal && errors == 0,
        why: format!(
            "calls per account {fewest}..={most} over {} accounts (minimum {min}), {errors} checks error",
            per_account.len()
        ),
    }
}

fn fmt_calls(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as u64)
    } else {
        format!("{x:.2}")
    }
}

/// The same configuration under callgrind: instruction counts do not depend on the
/// machine's load, unlike seconds.
mod callgrind {
    use super::*;

    /// The replay's own work: parsing each request and writing its answer (inclusive
    /// cost, the answer's future included).
    const REPLAY: &str = "orgexit::aws::replay::Replay as aws_smithy_runtime_api::client::http::HttpConnector>::call";

    /// The SDK deserializing every answer.
    const SDK_PARSE: &str = "<aws_smithy_runtime_api::client::ser_de::SharedResponseDeserializer as aws_smithy_runtime_api::client::ser_de::DeserializeResponse>::deserialize_nonstreaming_with_config";
    /// The SDK signing every request (SigV4).
    const SDK_SIGN: &str = "<aws_runtime::auth::sigv4::SigV4Signer as aws_smithy_runtime_api::client::auth::Sign>::sign_http_request";
    /// Every check of every account.
    const CHECKS_RUN: &str = "orgexit::checks::Check::run";
    /// Keeping each finished account, and writing the JSON.
    const REPORT: [&str; 2] = [
        "orgexit::report::accounts::Packed::new",
        "orgexit::report::json::write",
    ];

    pub fn run(n: usize) -> ! {
        let me = std::env::current_exe().expect("the benchmark's own path");
        let args: Vec<String> = std::env::args()
            .skip(1)
            .filter(|a| a != "--callgrind" && a != "--bench")
            .collect();
        let dir = tempfile::tempdir().expect("a temporary directory");
        let out = dir.path().join("callgrind.out");
        let status = Command::new("valgrind")
            .arg("--tool=callgrind")
            .arg(format!("--callgrind-out-file={}", out.display()))
            .arg(&me)
            .args(&args)
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap_or_else(|e| {
                eprintln!("fanout --callgrind: cannot run valgrind: {e}");
                std::process::exit(2)
            });
        let annotated = Command::new("callgrind_annotate")
            .args(["--inclusive=yes", "--threshold=100"])
            .arg(&out)
            .output()
            .expect("callgrind_annotate runs");
        let text = String::from_utf8_lossy(&annotated.stdout);
        let count = |line: &str| -> u64 {
            line.split_whitespace()
                .next()
                .map(|v| v.replace(',', ""))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        let total = text
            .lines()
            .find(|l| l.contains("PROGRAM TOTALS"))
            .map_or(0, count);
        // The call itself and the future it returns (`call::{{closure}}`).
        let replay: u64 = text.lines().filter(|l| l.contains(REPLAY)).map(count).sum();
        // Inclusive counts of one function (its first, non-recursive entry).
        let inclusive = |symbol: &str| -> u64 {
            let entry = format!(":{symbol} [");
            text.lines().find(|l| l.contains(&entry)).map_or(0, count)
        };
        let per = |x: u64| x as f64 / n as f64;
        println!(
            "fanout-callgrind: accounts={n} instructions_per_account={:.0} replay_instructions_per_account={:.0} tool_instructions_per_account={:.0}",
            per(total),
            per(replay),
            per(total.saturating_sub(replay)),
        );
        // Where the tool's go: the SDK parsing answers and signing requests (callgrind
        // cannot run SHA-NI, so SHA-256 is counted in software), orgexit evaluating the
        // checks, and keeping and writing the report.
        let parts = [
            ("sdk_parse", inclusive(SDK_PARSE)),
            ("sdk_sign", inclusive(SDK_SIGN)),
            ("checks", inclusive(CHECKS_RUN)),
            (
                "report",
                REPORT.iter().map(|symbol| inclusive(symbol)).sum::<u64>(),
            ),
        ];
        println!(
            "fanout-callgrind-parts: {}",
            parts
                .iter()
                .map(|(name, x)| format!("{name}_per_account={:.0}", per(*x)))
                .collect::<Vec<_>>()
                .join(" ")
        );
        println!(
            "rerun: cargo bench --bench fanout -- --callgrind {}",
            args.join(" ")
        );
        std::process::exit(if status.success() && total > 0 { 0 } else { 1 })
    }
}

/// The same audit against moto, beside moto's own ceiling.
mod moto {
    use super::*;
    use std::net::TcpListener;
    use std::path::PathBuf;
    use std::process::{Child, Stdio};

    struct Server {
        child: Child,
        endpoint: String,
    }

    impl Drop for Server {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    fn moto_server() -> Option<PathBuf> {
        if let Some(path) = std::env::var_os("ORGEXIT_MOTO_SERVER") {
            return Some(PathBuf::from(path));
        }
        let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/moto_server");
        if venv.exists() {
            return Some(venv);
        }
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|p| p.join("moto_server"))
                .find(|p| p.exists())
        })
    }

    fn start() -> Server {
        let binary = moto_server().unwrap_or_else(|| {
            eprintln!("fanout --moto: moto_server not found; run scripts/test.sh once (it installs moto into .venv) or set ORGEXIT_MOTO_SERVER");
            std::process::exit(2);
        });
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(binary)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server starts");
        let endpoint = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "moto did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        Server { child, endpoint }
    }

    pub fn run(n: usize, concurrency: usize) -> Line {
        let server = start();
        let rt = runtime();
        let options = AwsOptions {
            role_name: Some("OrganizationAccountAccessRole".into()),
            ..AwsOptions::default()
        };
        let policy = super::criteria(&[]);
        rt.block_on(async {
            // Seed, outside the guard: the organization and its accounts.
            let base = {
                let loaded = aws_config::defaults(aws_config::BehaviorVersion::latest())
                    .http_client(orgexit::aws::config::https_client(Default::default()))
                    .region(aws_config::Region::new("us-east-1"))
                    .endpoint_url(&server.endpoint)
                    .credentials_provider(aws_credential_types::Credentials::new(
                        "testing", "testing", None, None, "bench",
                    ))
                    .load()
                    .await;
                let (retry, timeout) = resilience(&options);
                loaded.to_builder().retry_config(retry).timeout_config(timeout).build()
            };
            let org = aws_sdk_organizations::Client::new(&base);
            org.create_organization().send().await.expect("create organization");
            let mut ids = Vec::new();
            for i in 0..n {
                let created = org
                    .create_account()
                    .account_name(format!("bench-{i}"))
                    .email(format!("bench-{i}@acme.example"))
                    .send()
                    .await
                    .expect("create account");
                ids.push(created.create_account_status.and_then(|s| s.account_id).expect("an id"));
            }
            let targets = Targets {
                accounts: ids.iter().map(|a| AccountId::parse(a, "bench").unwrap()).collect(),
                source: Source::Aws(options.clone()),
                concurrency,
                account_deadline: Duration::from_secs(600),
                names: Default::default(),
                notes: Vec::new(),
                leavers: Default::default(),
                needs_by_account: Default::default(),
                regions: None,
        cleanup: None,
            };
            let guard = ReadOnlyGuard::new();
            let connection = Connection::from_config(base.clone(), &options, guard.clone());
            // moto alone cannot answer ListHandshakesForAccount, nor the reads its plugin
            // (tests/moto/server.py) adds for the end-to-end tests: leave them out.
            let mut needs = policy.needs();
            for unanswered in [
                FactKind::Handshakes,
                FactKind::PaymentInstruments,
                FactKind::PrimaryContact,
                FactKind::LeavePermission,
                FactKind::AccountInformation,
                FactKind::DelegatedServices,
            ] {
                needs.remove(&unanswered);
            }
            let started = Instant::now();
            let gathered = gather_from(&connection, &targets, &needs, &Silent, std::future::pending())
                .await
                .expect("gathers");
            let wall = started.elapsed();
            let sent = guard.log().total();
            let errors = gathered.facts.iter().map(|f| f.failed_reads() + usize::from(f.error.is_some())).sum::<usize>();

            // moto's ceiling: the same number of its cheapest call, same concurrency.
            let sts = aws_sdk_sts::Client::new(&base);
            let started = Instant::now();
            futures::stream::iter(0..sent)
                .map(|_| {
                    let sts = sts.clone();
                    async move { sts.get_caller_identity().send().await.map(|_| ()) }
                })
                .buffer_unordered(concurrency)
                .for_each(|r| async move { r.expect("moto answers") })
                .await;
            let ceiling = started.elapsed();
            println!(
                "fanout-moto: accounts={n} concurrency={concurrency} calls={sent} failed_reads={errors} wall_s={:.3} moto_ceiling_s={:.3} (the ceiling: moto serving as many GetCallerIdentity calls, its cheapest, at the same concurrency; moto shares the 2 cores with the tool)",
                wall.as_secs_f64(),
                ceiling.as_secs_f64(),
            );
            println!("rerun: cargo bench --bench fanout -- --moto --accounts {n} --concurrency {concurrency}");
            Line {
                text: format!(
                    "fanout: accounts={n} latency_ms=moto concurrency={concurrency} wall_s={:.3} bound_s={:.3} ratio={:.3} calls_per_account={} min_calls_per_account={} peak_rss_mb={:.1}",
                    wall.as_secs_f64(),
                    ceiling.as_secs_f64(),
                    wall.as_secs_f64() / ceiling.as_secs_f64(),
                    fmt_calls(sent as f64 / n as f64),
                    1 + needs.len() ,
                    peak_rss_mb()
                ),
                ok: errors == 0,
                why: format!("{errors} failed reads"),
            }
        })
    }

    use futures::StreamExt;
}
