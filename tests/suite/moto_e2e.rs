//! End to end against moto: the real binary, the real SDK clients and a local AWS
//! emulator seeded by `tests/moto/seed.py` with the reseller's organization and its
//! departing accounts (dirty, clean, removed from the organization, and five that meet
//! AWS's 2025 departure rules: direct, idc, breakglass, young, gated), and the customer's
//! new organization with an account that has arrived in it.
//!
//! Needs a Python with moto and boto3: `scripts/test.sh` installs both into `./.venv` and
//! exports `ORGEXIT_PYTHON`. Without them these tests fail (they never skip): run
//! `scripts/test.sh --test moto_e2e`.
//!
//! Each test starts its own moto server on a free port and seeds it, so tests share no
//! state and run in parallel. The server is moto's, run by `tests/moto/server.py` with a
//! small plugin that answers, from data the seed script gives it, the reads moto does not
//! implement or answers short: the AWS Payments API's ListPaymentInstruments, the Account
//! API's GetContactInformation and GetAccountInformation, IAM's SimulatePrincipalPolicy
//! and GetAccountSummary's AccountPasswordPresent, Organizations'
//! ListDelegatedServicesForAccount (AccessDenied where nothing is seeded, as AWS answers a
//! member account), for the accounts seeded with one, ListHandshakesForAccount, and the
//! Account API's ListRegions (us-east-1 unless seeded). CloudFormation, S3 and KMS are
//! moto's own, read region by region as on AWS. The
//! real SDK clients (and orgexit's Payments client) talk to it over HTTP like to AWS.
//! What moto does not do, and how it shows here:
//! - ListHandshakesForAccount is not implemented (HTTP 500) for the accounts the plugin
//!   has no handshakes for: `org-invitation` must be `error` naming the operation, after
//!   the retries;
//! - GetAccountSummary always reports no root MFA and no root access keys (the plugin adds
//!   a root password, AccountPasswordPresent 1, unless seeded otherwise);
//! - AssumeRole succeeds for any role in any account unless IAM authorization is switched
//!   on, so the unreachable-account test seeds a runner user whose policy allows only the
//!   members' roles, and turns moto's authorization on.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

const RESELLER: &str = "123456789012";
/// The outside vendor the seed script trusts beside the reseller.
const OUTSIDE: &str = "210987654321";
const ROLE: &str = "OrganizationAccountAccessRole";
/// An account that exists nowhere in the emulator, and whose role the runner may not assume.
const STRANGER: &str = "111122223333";

const HOW_TO_RUN: &str = "run the moto tests with `scripts/test.sh --test moto_e2e` (it installs moto into ./.venv and exports ORGEXIT_PYTHON)";
/// The leaver the seed script gives a simulated LeaveOrganization in each account.
const LEAVER: &str = "role/AcmeAdmin";

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// `ORGEXIT_<VAR>`, else `./.venv/bin/<venv>`, else `fallback` when it is on the PATH.
fn tool(var: &str, venv: &str, fallback: &str) -> PathBuf {
    if let Some(path) = std::env::var_os(var) {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "{var}={} does not exist; {HOW_TO_RUN}",
            path.display()
        );
        return path;
    }
    let local = repo(".venv/bin").join(venv);
    if local.is_file() {
        return local;
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(fallback))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{fallback} not found ({var} unset, no .venv); {HOW_TO_RUN}"))
}

/// A moto server on 127.0.0.1, killed when dropped (also when the test panics).
struct Moto {
    child: Child,
    port: u16,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Moto {
    fn start() -> Moto {
        let python = tool("ORGEXIT_PYTHON", "python", "python3");
        let server = repo("tests/moto/server.py");
        let mut last_log = String::new();
        // The port is free between the probe and moto binding it unless something else
        // takes it meanwhile: then moto exits at once, and another port is tried.
        for _ in 0..3 {
            let port = TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let dir = tempfile::tempdir().unwrap();
            let log = dir.path().join("moto.log");
            let out = std::fs::File::create(&log).unwrap();
            let child = std::process::Command::new(&python)
                .arg(&server)
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .stdin(Stdio::null())
                .stdout(out.try_clone().unwrap())
                .stderr(out)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}; {HOW_TO_RUN}", python.display()));
            let mut moto = Moto {
                child,
                port,
                log,
                _dir: dir,
            };
            match moto.wait_until_ready() {
                Ok(()) => return moto,
                Err(true) => last_log = moto.log_text(),
                Err(false) => panic!(
                    "moto (tests/moto/server.py) did not answer on port {port} within 30 s:\n{}",
                    moto.log_text()
                ),
            }
        }
        panic!("moto (tests/moto/server.py) exited at start three times:\n{last_log}")
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Ok when moto answers HTTP; Err(true) when it exited, Err(false) on timeout.
    fn wait_until_ready(&mut self) -> Result<(), bool> {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return Err(true);
            }
            if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                let request = "GET /moto-api/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
                let mut head = [0u8; 7];
                if stream.write_all(request.as_bytes()).is_ok()
                    && stream.read_exact(&mut head).is_ok()
                    && &head == b"HTTP/1."
                {
                    return Ok(());
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(false)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A seeded moto: the departing accounts, and the runner's keys when moto's IAM
/// authorization is on.
struct Seeded {
    moto: Moto,
    dirty: String,
    clean: String,
    removed: String,
    /// Clean, with no payment instrument and no contact information, invited by the new
    /// organization: ready for a direct move only.
    direct: String,
    /// Reachable only through the reseller's Identity Center roles and the reseller's
    /// doors, no root password; only a billing-transfer handshake from the new org.
    idc: String,
    /// `idc`, plus the customer's BreakGlass role trusting `direct`; invited.
    breakglass: String,
    /// Clean and invited, created 2 days before [`Seeded::target_date`].
    young: String,
    /// Clean and invited; its leaver (role/AcmeAdmin) may LeaveOrganization but the
    /// reseller's SCP denies it AcceptHandshake.
    gated: String,
    /// `dirty`, with what deleting the reseller's IAM takes first (attached, inline and
    /// instance-profile roles, a two-version policy attached around, a user with a key,
    /// a password and a group) and a role trusting the reseller and a vendor both.
    messy: String,
    /// An account in the customer's new organization, [`Seeded::new_org`].
    arrived: String,
    new_org: String,
    /// The day after the seeding (UTC): the invitations are valid past it.
    target_date: String,
    runner: Option<(String, String)>,
}

impl Seeded {
    fn new(enforce_auth: bool) -> Seeded {
        let moto = Moto::start();
        let python = tool("ORGEXIT_PYTHON", "python", "python3");
        let mut seed = std::process::Command::new(&python);
        seed.arg(repo("tests/moto/seed.py")).arg(moto.endpoint());
        if enforce_auth {
            seed.arg("--enforce-auth");
        }
        let out = seed
            .env_remove("AWS_PROFILE")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}; {HOW_TO_RUN}", python.display()));
        assert!(
            out.status.success(),
            "seeding moto failed ({}); {HOW_TO_RUN}\n{}\nmoto log:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr),
            moto.log_text()
        );
        let ids: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "seed.py printed no JSON ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        });
        let id = |state: &str| {
            let id = ids[state].as_str().expect(state).to_string();
            assert!(
                id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()),
                "{id}"
            );
            id
        };
        let runner = ids["runner"].as_object().map(|r| {
            (
                r["access_key_id"].as_str().unwrap().to_string(),
                r["secret_access_key"].as_str().unwrap().to_string(),
            )
        });
        assert_eq!(runner.is_some(), enforce_auth);
        Seeded {
            dirty: id("dirty"),
            clean: id("clean"),
            removed: id("removed"),
            direct: id("direct"),
            idc: id("idc"),
            breakglass: id("breakglass"),
            young: id("young"),
            gated: id("gated"),
            messy: id("messy"),
            arrived: id("arrived"),
            new_org: ids["new_org"].as_str().expect("new_org").to_string(),
            target_date: ids["target_date"]
                .as_str()
                .expect("target_date")
                .to_string(),
            runner,
            moto,
        }
    }

    fn accounts(&self) -> String {
        [&self.dirty, &self.clean, &self.removed]
            .map(String::as_str)
            .join(",")
    }

    /// The binary as a user runs it, with the emulator's endpoint and dummy (or the
    /// runner's) credentials, and nothing from the developer's own AWS set-up.
    fn orgexit(&self) -> Command {
        let (key, secret) = self
            .runner
            .clone()
            .unwrap_or_else(|| ("testing".into(), "testing".into()));
        let nothing = Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-aws-config");
        let mut cmd = Command::cargo_bin("orgexit").unwrap();
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env_remove("AWS_PROFILE")
            .env("AWS_CONFIG_FILE", &nothing)
            .env("AWS_SHARED_CREDENTIALS_FILE", &nothing)
            .env("AWS_ENDPOINT_URL", self.moto.endpoint())
            .env("AWS_ACCESS_KEY_ID", key)
            .env("AWS_SECRET_ACCESS_KEY", secret)
            .env("AWS_REGION", "us-east-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("NO_COLOR", "1");
        cmd
    }

    /// `orgexit audit` of `accounts` through the members' role, as JSON, with the
    /// reseller's management account given.
    fn audit(&self, accounts: &str, extra: &[&str]) -> (Option<i32>, Value) {
        let mut args = vec!["--reseller-account", RESELLER];
        args.extend_from_slice(extra);
        self.audit_as_given(accounts, &args)
    }

    /// `orgexit collect` of `accounts` through the members' role into `output`.
    fn collect(&self, accounts: &str, extra: &[&str], output: &Path) -> Output {
        self.orgexit()
            .args(["collect", "--accounts", accounts, "--role-name", ROLE])
            .args(extra)
            .arg("--output")
            .arg(output)
            .output()
            .unwrap()
    }

    /// `orgexit audit` of `accounts` through the members' role, as JSON, with only
    /// `extra` for policy.
    fn audit_as_given(&self, accounts: &str, extra: &[&str]) -> (Option<i32>, Value) {
        let out = self
            .orgexit()
            .args(["audit", "--accounts", accounts, "--role-name", ROLE])
            .args(["--format", "json"])
            .args(extra)
            .output()
            .unwrap();
        (out.status.code(), report(&out, &self.moto))
    }
}

fn report(out: &Output, moto: &Moto) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not a JSON report ({e}; exit {:?}):\n{}\nstderr:\n{}\nmoto log:\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            moto.log_text()
        )
    })
}

fn account<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["account_id"] == id)
        .unwrap_or_else(|| panic!("no account {id} in the report"))
}

fn check<'a>(report: &'a Value, id: &str, check: &str) -> &'a Value {
    account(report, id)["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == check)
        .unwrap_or_else(|| panic!("no check {check} for {id}"))
}

/// account → check → status, for the whole report.
fn statuses(report: &Value) -> BTreeMap<String, BTreeMap<String, String>> {
    report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let checks = a["checks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    (
                        c["id"].as_str().unwrap().to_string(),
                        c["status"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            (a["account_id"].as_str().unwrap().to_string(), checks)
        })
        .collect()
}

/// Asserts the status of each (check, status) pair for one account, all at once, so a
/// failure shows every difference with the check summaries.
fn expect(report: &Value, id: &str, expected: &[(&str, &str)]) {
    let wrong: Vec<String> = expected
        .iter()
        .filter_map(|(name, status)| {
            let c = check(report, id, name);
            (c["status"] != *status).then(|| {
                format!(
                    "  {name}: expected {status}, got {} ({})",
                    c["status"], c["summary"]
                )
            })
        })
        .collect();
    assert!(wrong.is_empty(), "account {id}:\n{}", wrong.join("\n"));
}

fn resources(report: &Value, id: &str, name: &str) -> Vec<String> {
    check(report, id, name)["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect()
}

/// Whether some listed resource ends with `suffix` (names and ARNs both qualify).
fn lists(report: &Value, id: &str, name: &str, suffix: &str) -> bool {
    resources(report, id, name)
        .iter()
        .any(|r| r == suffix || r.ends_with(&format!("/{suffix}")))
}

/// Accounts sorted by ID, every check there for every account, and the summary's counts
/// agree with the checks.
fn assert_consistent(report: &Value, accounts: usize, checks: usize) {
    let summary = &report["summary"];
    assert_eq!(summary["accounts"], accounts as u64);
    let ids: Vec<&str> = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["account_id"].as_str().unwrap())
        .collect();
    assert!(ids.is_sorted(), "accounts sorted by ID: {ids:?}");
    let mut counted: BTreeMap<String, u64> = BTreeMap::new();
    for a in report["accounts"].as_array().unwrap() {
        assert_eq!(
            a["checks"].as_array().unwrap().len(),
            checks,
            "{}",
            a["account_id"]
        );
        for c in a["checks"].as_array().unwrap() {
            *counted
                .entry(c["status"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
    }
    for status in ["pass", "fail", "warn", "manual", "error", "skipped"] {
        assert_eq!(
            summary[status].as_u64().unwrap(),
            counted.get(status).copied().unwrap_or(0),
            "summary count of {status}"
        );
    }
}

/// The checks of the catalog: DESIGN.md's fourteen, issue 19's account-standing,
/// access-after-move and delegated-admin, and issue 21's control-tower, stackset-stacks
/// and resource-policies.
const CATALOG: usize = 21;

#[test]
fn pre_phase_reports_each_account_as_it_is() {
    let moto = Seeded::new(false);
    let (code, report) = moto.audit(&moto.accounts(), &[]);
    assert_consistent(&report, 3, CATALOG);
    assert_eq!(report["phase"], "pre");
    let (dirty, clean, removed) = (&moto.dirty, &moto.clean, &moto.removed);

    expect(
        &report,
        dirty,
        &[
            ("org-membership", "pass"),
            ("org-invitation", "skipped"),
            // No leaver named: the reseller removes the account.
            ("leave-permission", "skipped"),
            // The plugin's Payments API lists only an INVALID card.
            ("payment-method", "fail"),
            ("root-credentials", "manual"),
            ("billing-contact", "fail"),
            // GetContactInformation: ResourceNotFoundException.
            ("primary-contact", "fail"),
            ("iam-reseller-policies", "warn"),
            ("iam-reseller-roles", "warn"),
            ("iam-reseller-users-groups", "warn"),
            ("iam-federation", "warn"),
            ("s3-reseller-buckets", "warn"),
            // moto's GetAccountSummary: AccountMFAEnabled 0, AccountAccessKeysPresent 0.
            ("root-mfa", "warn"),
            ("root-access-keys", "pass"),
            // The plugin's GetAccountInformation: ACTIVE, created 2020-01-01.
            ("account-standing", "pass"),
            // The plugin's GetAccountSummary: a root password (AccountPasswordPresent 1).
            ("access-after-move", "pass"),
            // ListDelegatedServicesForAccount: AccessDenied (a member account), not attested.
            ("delegated-admin", "warn"),
            // AWSControlTowerExecution and the baseline stack in us-east-1.
            ("control-tower", "fail"),
            // The reseller's StackSet stack in eu-west-1, the second enabled region.
            ("stackset-stacks", "warn"),
            // A bucket policy by aws:PrincipalOrgID and a key policy naming the reseller.
            ("resource-policies", "warn"),
        ],
    );
    regional_findings(&report, dirty);
    // What was found is listed, and only that.
    assert_eq!(
        resources(&report, dirty, "iam-reseller-policies"),
        [format!("arn:aws:iam::{dirty}:policy/CTL-CAM-Provider")]
    );
    assert_eq!(
        resources(&report, dirty, "iam-reseller-roles"),
        [format!("arn:aws:iam::{dirty}:role/CTL-Admin")]
    );
    assert!(lists(
        &report,
        dirty,
        "iam-reseller-users-groups",
        "ctl-operator"
    ));
    assert!(lists(
        &report,
        dirty,
        "iam-reseller-users-groups",
        "CTLAdmins"
    ));
    for door in ["CTL-Admin", "PartnerAudit", "CTL-SSO", ROLE] {
        assert!(
            lists(&report, dirty, "iam-federation", door),
            "{door} not in {:?}",
            resources(&report, dirty, "iam-federation")
        );
    }
    let summary = check(&report, dirty, "iam-federation")["summary"]
        .as_str()
        .unwrap();
    assert!(summary.contains("210987654321"), "{summary}");
    for bucket in [
        format!("config-bucket-{dirty}"),
        format!("ctlaudit-{dirty}"),
    ] {
        assert!(lists(&report, dirty, "s3-reseller-buckets", &bucket));
    }
    assert!(lists(&report, dirty, "billing-contact", "billing@ctl.io"));
    let org = check(&report, dirty, "org-membership")["summary"]
        .as_str()
        .unwrap();
    assert!(org.contains(RESELLER), "{org}");
    let payment = check(&report, dirty, "payment-method")["summary"]
        .as_str()
        .unwrap();
    assert!(payment.contains(ROLE), "reseller-created: {payment}");

    // An ACTIVE card (on the Payments API's second page): pass, with no attestation.
    expect(&report, clean, &[("payment-method", "pass")]);
    let card = check(&report, clean, "payment-method")["summary"]
        .as_str()
        .unwrap();
    assert!(card.contains("CARD"), "{card}");
    // The Payments read denied, nothing attested: manual, naming the read error.
    expect(&report, removed, &[("payment-method", "manual")]);
    let denied = check(&report, removed, "payment-method")["summary"]
        .as_str()
        .unwrap();
    assert!(
        denied.contains("payments:ListPaymentInstruments")
            && denied.contains("AccessDeniedException"),
        "{denied}"
    );
    for id in [clean, removed] {
        expect(
            &report,
            id,
            &[
                ("org-invitation", "skipped"),
                ("leave-permission", "skipped"),
                ("root-credentials", "manual"),
                ("billing-contact", "pass"),
                ("primary-contact", "pass"),
                ("iam-reseller-policies", "pass"),
                ("iam-reseller-roles", "pass"),
                ("iam-reseller-users-groups", "pass"),
                // OrganizationAccountAccessRole, which Organizations created in every
                // member, trusts the reseller's management account.
                ("iam-federation", "warn"),
                ("s3-reseller-buckets", "pass"),
                ("root-mfa", "warn"),
                ("root-access-keys", "pass"),
                ("account-standing", "pass"),
                ("access-after-move", "pass"),
                // A member is denied ListDelegatedServicesForAccount; an account in no
                // organization administers nothing.
                (
                    "delegated-admin",
                    if id == removed { "pass" } else { "warn" },
                ),
                // Their own stack, bucket policy and key policy (in eu-west-1 for clean,
                // which has it enabled; removed has us-east-1 alone).
                ("control-tower", "pass"),
                ("stackset-stacks", "pass"),
                ("resource-policies", "pass"),
            ],
        );
        assert_eq!(
            resources(&report, id, "iam-federation"),
            [format!("arn:aws:iam::{id}:role/{ROLE}")],
            "only the organization's role; the customer's own AppDeploy role trusts a service"
        );
    }
    expect(&report, clean, &[("org-membership", "pass")]);
    // Removed from the organization: DescribeOrganization says AWSOrganizationsNotInUse.
    expect(&report, removed, &[("org-membership", "warn")]);
    let standalone = check(&report, removed, "org-membership")["summary"]
        .as_str()
        .unwrap();
    assert!(!standalone.contains(RESELLER), "{standalone}");

    for id in [dirty, clean, removed] {
        assert_eq!(account(&report, id)["ready"], false, "{id}: manual checks");
        assert!(account(&report, id)["error"].is_null());
    }
    assert_eq!(report["ready"], false);
    assert_eq!(code, Some(1), "fail and manual checks: exit 1");

    // Attested, the clean account has nothing left that blocks: ready, exit 0.
    let dir = tempfile::tempdir().unwrap();
    let attestations = dir.path().join("attestations.toml");
    std::fs::write(
        &attestations,
        format!(
            "[accounts.\"{clean}\"]\n\
             payment_method = {{ by = \"ap@acme.example\", on = \"2026-11-20\" }}\n\
             root_credentials = {{ by = \"secops@acme.example\", on = \"2026-11-21\" }}\n"
        ),
    )
    .unwrap();
    let (code, attested) = moto.audit(clean, &["--attestations", attestations.to_str().unwrap()]);
    expect(
        &attested,
        clean,
        &[
            ("payment-method", "pass"),
            ("root-credentials", "pass"),
            // Not attested, and AWS does not tell a member account: a warning only.
            ("delegated-admin", "warn"),
        ],
    );
    assert_eq!(attested["ready"], true, "warnings do not block");
    assert_eq!(attested["summary"]["ready_accounts"], 1);
    assert_eq!(code, Some(0));
}

/// What AWS says of the payment method wins over an attestation; where AWS does not
/// answer, the attestation decides and the report says AWS could not confirm it.
#[test]
fn aws_evidence_of_the_payment_method_outranks_an_attestation() {
    let moto = Seeded::new(false);
    let (dirty, removed) = (&moto.dirty, &moto.removed);
    let dir = tempfile::tempdir().unwrap();
    let attestations = dir.path().join("attestations.toml");
    let attested = "payment_method = { by = \"ap@acme.example\", on = \"2026-11-20\" }";
    std::fs::write(
        &attestations,
        format!("[accounts.\"{dirty}\"]\n{attested}\n[accounts.\"{removed}\"]\n{attested}\n"),
    )
    .unwrap();
    let (_, report) = moto.audit(
        &format!("{dirty},{removed}"),
        &["--attestations", attestations.to_str().unwrap()],
    );
    // The only instrument is INVALID: fail although attested, and the report shows both.
    let invalid = check(&report, dirty, "payment-method");
    assert_eq!(invalid["status"], "fail", "{invalid}");
    let summary = invalid["summary"].as_str().unwrap();
    assert!(
        summary.contains("CARD INVALID") && summary.contains("ap@acme.example"),
        "{summary}"
    );
    let kinds: Vec<&str> = invalid["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"inactive-instrument") && kinds.contains(&"attested"),
        "{kinds:?}"
    );
    // The read denied: the attestation decides, saying why AWS could not confirm it.
    let fallback = check(&report, removed, "payment-method");
    assert_eq!(fallback["status"], "pass", "{fallback}");
    let summary = fallback["summary"].as_str().unwrap();
    assert!(
        summary.contains("AWS could not confirm") && summary.contains("AccessDeniedException"),
        "{summary}"
    );
}

/// The leaver's LeaveOrganization, simulated: the reseller's SCP denies it in one
/// account, it is allowed in another, and a leaver that does not exist is said so.
#[test]
fn the_leaver_is_simulated_against_iam_and_the_scps() {
    let moto = Seeded::new(false);
    let (dirty, clean, removed) = (&moto.dirty, &moto.clean, &moto.removed);
    let (code, live) = moto.audit(&moto.accounts(), &["--leaver", LEAVER]);
    assert_consistent(&live, 3, CATALOG);
    expect(&live, dirty, &[("leave-permission", "fail")]);
    let denied = check(&live, dirty, "leave-permission");
    let summary = denied["summary"].as_str().unwrap();
    assert!(
        summary.contains("service control policies")
            && summary.contains(&format!("arn:aws:iam::{dirty}:{LEAVER}")),
        "{summary}"
    );
    assert_eq!(denied["items"][0]["kind"], "leave-denied-by-scp");
    expect(&live, clean, &[("leave-permission", "pass")]);
    expect(&live, removed, &[("leave-permission", "pass")]);
    assert_eq!(code, Some(1));

    // An attestation's leaver overrides --leaver for its account.
    let dir = tempfile::tempdir().unwrap();
    let attestations = dir.path().join("attestations.toml");
    std::fs::write(
        &attestations,
        format!("[accounts.\"{clean}\"]\nleaver = \"arn:aws:iam::{clean}:user/nobody\"\n"),
    )
    .unwrap();
    let (_, overridden) = moto.audit(
        clean,
        &[
            "--leaver",
            LEAVER,
            "--attestations",
            attestations.to_str().unwrap(),
        ],
    );
    let missing = check(&overridden, clean, "leave-permission");
    assert_eq!(missing["status"], "fail", "{missing}");
    assert!(
        missing["summary"]
            .as_str()
            .unwrap()
            .contains("user/nobody does not exist"),
        "{missing}"
    );

    // collect reads the same attestations: the snapshot holds each account's own leaver,
    // and support's audit of it says what the live audit said.
    let snapshot = dir.path().join("snap.json");
    let attested = attestations.to_str().unwrap();
    let out = moto.collect(
        &format!("{clean},{dirty}"),
        &[
            "--select",
            "leave-permission",
            "--leaver",
            LEAVER,
            "--attestations",
            attested,
        ],
        &snapshot,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = moto
        .orgexit()
        .args(["audit", "--fixture"])
        .arg(&snapshot)
        .args(["--leaver", LEAVER, "--attestations"])
        .arg(&attestations)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let replayed = report(&out, &moto.moto);
    expect(&replayed, clean, &[("leave-permission", "fail")]);
    expect(&replayed, dirty, &[("leave-permission", "fail")]);
    assert_eq!(
        check(&replayed, clean, "leave-permission"),
        missing,
        "the snapshot's audit says what the live audit said"
    );
}

#[test]
fn post_phase_fails_what_the_reseller_left_behind() {
    let moto = Seeded::new(false);
    let (code, report) = moto.audit(&moto.accounts(), &["--phase", "post"]);
    assert_consistent(&report, 3, CATALOG);
    assert_eq!(report["phase"], "post");
    let (dirty, clean, removed) = (&moto.dirty, &moto.clean, &moto.removed);

    expect(
        &report,
        dirty,
        &[
            ("org-membership", "fail"),
            ("org-invitation", "skipped"),
            ("leave-permission", "skipped"),
            ("payment-method", "fail"),
            ("root-credentials", "manual"),
            ("billing-contact", "fail"),
            ("primary-contact", "fail"),
            ("iam-reseller-policies", "fail"),
            ("iam-reseller-roles", "fail"),
            ("iam-reseller-users-groups", "fail"),
            ("iam-federation", "fail"),
            ("s3-reseller-buckets", "warn"),
            ("root-mfa", "fail"),
            ("root-access-keys", "pass"),
            ("account-standing", "pass"),
            ("access-after-move", "pass"),
            ("delegated-admin", "skipped"),
            // After the move, what the reseller left is no longer a warning.
            ("control-tower", "fail"),
            ("stackset-stacks", "fail"),
            ("resource-policies", "fail"),
        ],
    );
    regional_findings(&report, dirty);
    for id in [clean, removed] {
        expect(
            &report,
            id,
            &[
                ("org-invitation", "skipped"),
                ("billing-contact", "pass"),
                ("primary-contact", "pass"),
                ("iam-reseller-policies", "pass"),
                ("iam-reseller-roles", "pass"),
                ("iam-reseller-users-groups", "pass"),
                // The organization's role still lets the reseller in.
                ("iam-federation", "fail"),
                ("s3-reseller-buckets", "pass"),
                ("root-mfa", "fail"),
                ("root-access-keys", "pass"),
                ("account-standing", "pass"),
                ("access-after-move", "pass"),
                ("delegated-admin", "skipped"),
                ("control-tower", "pass"),
                ("stackset-stacks", "pass"),
                ("resource-policies", "pass"),
            ],
        );
    }
    expect(&report, clean, &[("org-membership", "fail")]);
    expect(&report, removed, &[("org-membership", "pass")]);
    assert_eq!(report["summary"]["ready_accounts"], 0);
    assert_eq!(code, Some(1));
}

/// The false pass of issue 9: an account that left the reseller's organization still has
/// the OrganizationAccountAccessRole that AWS Organizations created trusting the
/// reseller's management account. Without `--reseller-account` nothing else names the
/// reseller, and the gate must still not say ready. (moto's root MFA is always off, so
/// the account is not ready for that too: the check's own status is what this proves.)
#[test]
fn a_departed_account_whose_organization_role_trusts_the_reseller_is_not_ready() {
    let moto = Seeded::new(false);
    let (code, report) = moto.audit_as_given(&moto.removed, &["--phase", "post"]);
    assert_consistent(&report, 1, CATALOG);
    let federation = check(&report, &moto.removed, "iam-federation");
    assert_eq!(federation["status"], "fail", "{federation}");
    let summary = federation["summary"].as_str().unwrap();
    assert!(
        summary.contains(&format!("OrganizationAccountAccessRole ({RESELLER}")),
        "{summary}"
    );
    assert!(
        lists(
            &report,
            &moto.removed,
            "iam-federation",
            "OrganizationAccountAccessRole"
        ),
        "{federation}"
    );
    assert_eq!(account(&report, &moto.removed)["ready"], false);
    assert_eq!(report["ready"], false);
    assert_eq!(code, Some(1));
}

/// Look-alike names are not the reseller's; an OIDC provider with a path in a reseller
/// domain and a trust of the reseller's whole organization by aws:PrincipalOrgID are.
#[test]
fn reseller_doors_by_url_and_organization_and_no_look_alikes() {
    let moto = Seeded::new(false);
    let accounts = format!("{},{}", moto.dirty, moto.clean);
    let (_, report) = moto.audit(&accounts, &["--phase", "post"]);
    for name in [
        "iam-reseller-policies",
        "iam-reseller-roles",
        "iam-reseller-users-groups",
    ] {
        let found = check(&report, &moto.clean, name);
        assert_eq!(found["status"], "pass", "{name}: {found}");
    }
    let federation = check(&report, &moto.dirty, "iam-federation");
    let summary = federation["summary"].as_str().unwrap();
    assert!(
        summary.contains("auth.ctl.io/realms/cam (ctl.io")
            || summary.contains("auth.ctl.io/realms/cam (CTL"),
        "the OIDC provider with a path: {summary}"
    );
    assert!(
        lists(
            &report,
            &moto.dirty,
            "iam-federation",
            "auth.ctl.io/realms/cam"
        ),
        "{federation}"
    );
    assert!(
        summary.contains("OrgWideReadOnly (every principal of the reseller's organization o-"),
        "the aws:PrincipalOrgID trust: {summary}"
    );
    assert!(
        lists(&report, &moto.dirty, "iam-federation", "OrgWideReadOnly"),
        "{federation}"
    );
    assert_eq!(federation["status"], "fail");
}

#[test]
fn an_operation_moto_does_not_implement_is_an_error_naming_it() {
    let moto = Seeded::new(false);
    // Only checks that pass or warn besides org-invitation: the exit status is then 3.
    let accounts = format!("{},{}", moto.clean, moto.removed);
    let (code, report) = moto.audit(
        &accounts,
        &[
            "--new-org",
            "o-abcdefghij",
            "--select",
            "org-membership,org-invitation,billing-contact,root-access-keys",
        ],
    );
    assert_consistent(&report, 2, 4);
    assert_eq!(report["new_org"], "o-abcdefghij");
    for id in [&moto.clean, &moto.removed] {
        expect(
            &report,
            id,
            &[
                ("org-invitation", "error"),
                ("billing-contact", "pass"),
                ("root-access-keys", "pass"),
            ],
        );
        let reason = check(&report, id, "org-invitation")["summary"]
            .as_str()
            .unwrap();
        assert!(
            reason.contains("ListHandshakesForAccount"),
            "the reason names the operation: {reason}"
        );
        assert_eq!(account(&report, id)["ready"], false);
        assert!(
            account(&report, id)["error"].is_null(),
            "the account was reached"
        );
    }
    // Still in the reseller's org (pass) / standalone, with --new-org given (warn).
    expect(&report, &moto.clean, &[("org-membership", "pass")]);
    expect(&report, &moto.removed, &[("org-membership", "warn")]);
    assert_eq!(code, Some(3), "error and no fail or manual: exit 3");
}

#[test]
fn a_collected_snapshot_audits_like_the_live_accounts() {
    let moto = Seeded::new(false);
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("snap.json");
    let out = moto.collect(&moto.accounts(), &["--leaver", LEAVER], &snapshot);
    // moto cannot answer ListHandshakesForAccount, and the removed account's Payments
    // read is denied: the snapshot is written, records those reads as errors, and the
    // exit status says it is incomplete.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("wrote 3 accounts") && stderr.contains("4 reads failed"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "the snapshot goes to --output only");
    let text = std::fs::read_to_string(&snapshot).unwrap();
    // moto's temporary keys start with ASIA, as AWS's do.
    for secret in ["\"testing\"", "ASIA", "SessionToken", "SecretAccessKey"] {
        assert!(!text.contains(secret), "{secret} in the snapshot");
    }

    for phase in ["pre", "post"] {
        let policy = [
            "--phase",
            phase,
            "--reseller-account",
            RESELLER,
            "--leaver",
            LEAVER,
            "--format",
            "json",
        ];
        let (live_code, live) =
            moto.audit(&moto.accounts(), &["--phase", phase, "--leaver", LEAVER]);
        let out = moto
            .orgexit()
            .args(["audit", "--fixture"])
            .arg(&snapshot)
            .args(policy)
            .output()
            .unwrap();
        let replayed = report(&out, &moto.moto);
        let live_statuses = statuses(&live);
        assert_eq!(live_statuses.len(), 3);
        if phase == "pre" {
            // The simulation is in the snapshot: the leaver's verdict replays.
            assert_eq!(live_statuses[&moto.dirty]["leave-permission"], "fail");
            assert_eq!(live_statuses[&moto.clean]["leave-permission"], "pass");
        }
        assert_eq!(statuses(&replayed), live_statuses, "{phase} phase");
        assert_eq!(out.status.code(), live_code, "{phase} phase exit status");
    }

    // The snapshot keeps the failed read: with --new-org, org-invitation is the same
    // error offline as it was live.
    let out = moto
        .orgexit()
        .args(["audit", "--fixture"])
        .arg(&snapshot)
        .args(["--new-org", "o-abcdefghij", "--format", "json"])
        .args(["--select", "org-invitation"])
        .output()
        .unwrap();
    let replayed = report(&out, &moto.moto);
    for id in [&moto.dirty, &moto.clean, &moto.removed] {
        let invitation = check(&replayed, id, "org-invitation");
        assert_eq!(invitation["status"], "error");
        let reason = invitation["summary"].as_str().unwrap();
        assert!(reason.contains("ListHandshakesForAccount"), "{reason}");
    }
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn an_account_whose_role_cannot_be_assumed_is_error_and_the_others_carry_on() {
    // Authorization on: the runner may assume only the members' role.
    let moto = Seeded::new(true);
    let accounts = format!("{},{},{STRANGER}", moto.dirty, moto.clean);
    let (code, report) = moto.audit(&accounts, &[]);
    assert_consistent(&report, 3, CATALOG);

    let stranger = account(&report, STRANGER);
    let reason = stranger["error"].as_str().expect("account-level error");
    assert!(
        reason.contains("sts:AssumeRole")
            && reason.contains(&format!("arn:aws:iam::{STRANGER}:role/{ROLE}"))
            && reason.contains("403"),
        "{reason}"
    );
    assert_eq!(stranger["ready"], false);
    for c in stranger["checks"].as_array().unwrap() {
        assert_eq!(c["status"], "error", "{}", c["id"]);
    }

    // The reachable accounts are audited in full, under IAM authorization.
    for id in [&moto.dirty, &moto.clean] {
        assert!(account(&report, id)["error"].is_null());
        for c in account(&report, id)["checks"].as_array().unwrap() {
            assert_ne!(c["status"], "error", "{id} {}: {}", c["id"], c["summary"]);
        }
    }
    expect(
        &report,
        &moto.dirty,
        &[
            ("org-membership", "pass"),
            ("iam-reseller-policies", "warn"),
            ("iam-federation", "warn"),
            ("s3-reseller-buckets", "warn"),
        ],
    );
    expect(
        &report,
        &moto.clean,
        &[("org-membership", "pass"), ("iam-reseller-roles", "pass")],
    );
    assert_eq!(code, Some(1), "fail and manual elsewhere outrank the error");

    // Alone, the unreachable account exits 3.
    let (code, alone) = moto.audit(STRANGER, &[]);
    assert_consistent(&alone, 1, CATALOG);
    assert_eq!(alone["summary"]["error"], CATALOG as u64);
    assert_eq!(code, Some(3));
}

#[test]
fn whose_organization_is_never_guessed_and_arrival_is_checked() {
    let moto = Seeded::new(false);
    let (arrived, removed, clean) = (&moto.arrived, &moto.removed, &moto.clean);
    let accounts = format!("{arrived},{removed},{clean}");
    let membership = ["--select", "org-membership", "--phase", "post"];

    // Without --new-org, the customer's new organization is one orgexit cannot place:
    // manual, saying what to give, never the fail of "still in the reseller's".
    let (code, report) = moto.audit(&accounts, &membership);
    expect(&report, arrived, &[("org-membership", "manual")]);
    let summary = check(&report, arrived, "org-membership")["summary"]
        .as_str()
        .unwrap();
    assert!(
        summary.contains(&format!("cannot tell whose organization {}", moto.new_org))
            && summary.contains(&format!("--new-org {}", moto.new_org)),
        "{summary}"
    );
    let seen = &account(&report, arrived)["organization"];
    assert_eq!(seen["id"], moto.new_org.as_str());
    assert_eq!(seen["owner"], "unknown");
    // The reseller's organization is known by --reseller-account; standalone passes.
    expect(&report, clean, &[("org-membership", "fail")]);
    assert_eq!(account(&report, clean)["organization"]["owner"], "reseller");
    assert!(
        account(&report, clean)["organization"]["why"]
            .as_str()
            .unwrap()
            .contains("--reseller-account")
    );
    expect(&report, removed, &[("org-membership", "pass")]);
    assert_eq!(code, Some(1));

    // Nor without --reseller-account: moto's management accounts have no reseller email,
    // so neither organization is guessed to be the reseller's.
    let (_, report) = moto.audit_as_given(&accounts, &membership);
    expect(&report, arrived, &[("org-membership", "manual")]);
    expect(&report, clean, &[("org-membership", "manual")]);

    // With --new-org: arrived passes; standalone has not arrived.
    let with_new = [&membership[..], &["--new-org", &moto.new_org]].concat();
    let (code, report) = moto.audit(&accounts, &with_new);
    expect(&report, arrived, &[("org-membership", "pass")]);
    assert_eq!(account(&report, arrived)["organization"]["owner"], "new");
    expect(&report, removed, &[("org-membership", "fail")]);
    let summary = check(&report, removed, "org-membership")["summary"]
        .as_str()
        .unwrap();
    assert!(summary.contains("has not arrived"), "{summary}");
    expect(&report, clean, &[("org-membership", "fail")]);
    assert_eq!(code, Some(1));

    // Alone, the arrived account is ready after the cut-over.
    let (code, report) = moto.audit(arrived, &with_new);
    assert_eq!(report["ready"], true, "{report}");
    assert_eq!(code, Some(0));
}

#[test]
fn an_empty_snapshot_audits_nothing_and_exits_2() {
    let moto = Seeded::new(false);
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("snap.json");
    // The collected snapshot of a real account, emptied: a well-formed file that covers
    // no account.
    moto.orgexit()
        .args(["collect", "--accounts", &moto.clean, "--role-name", ROLE])
        .args(["--select", "org-membership", "--output"])
        .arg(&snapshot)
        .assert()
        .success();
    let mut text: Value =
        serde_json::from_str(&std::fs::read_to_string(&snapshot).unwrap()).unwrap();
    text["accounts"] = Value::Array(Vec::new());
    let empty = dir.path().join("empty.json");
    std::fs::write(&empty, text.to_string()).unwrap();

    let out = moto
        .orgexit()
        .args(["audit", "--format", "json", "--fixture"])
        .arg(&empty)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty(), "no report that says 'ready'");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("lists no account"), "{stderr}");
}

#[test]
fn the_base_credentials_are_checked_once_and_the_profile_wins() {
    // IAM authorization on: only the runner's keys are good.
    let moto = Seeded::new(true);
    let (key, secret) = moto.runner.clone().unwrap();
    let audit = [
        "audit",
        "--accounts",
        &moto.accounts(),
        "--role-name",
        ROLE,
        "--reseller-account",
        RESELLER,
        "--format",
        "json",
    ];
    let one_line = |out: &Output, code: i32, says: &str| {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{stderr}");
        assert!(out.stdout.is_empty(), "no report");
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        assert!(stderr.contains(says), "{stderr}");
        for dump in ["SdkBody", "Some(", " { "] {
            assert!(!stderr.contains(dump), "{dump} in {stderr}");
        }
    };

    // --profile nosuch, with good credentials in the environment: not silently ignored.
    let out = moto
        .orgexit()
        .args(audit)
        .args(["--profile", "nosuch"])
        .output()
        .unwrap();
    one_line(&out, 2, "--profile nosuch: no such profile");

    // Keys AWS does not know: one line, exit 3, and no account was tried. (moto's log
    // has a line per request, without the action: count them.)
    let requests = || moto.moto.log_text().matches("POST / HTTP").count();
    let before = requests();
    let out = moto
        .orgexit()
        .env("AWS_ACCESS_KEY_ID", "AKIAORGEXITUNKNOWN00")
        .env("AWS_SECRET_ACCESS_KEY", "wrong")
        .args(audit)
        .output()
        .unwrap();
    one_line(&out, 3, "AWS rejected the base credentials");
    assert_eq!(
        requests() - before,
        1,
        "one request (GetCallerIdentity), nothing for any account:\n{}",
        moto.moto.log_text()
    );

    // The profile's keys win over the environment's bad ones, as with `aws --profile`.
    let dir = tempfile::tempdir().unwrap();
    let credentials = dir.path().join("credentials");
    std::fs::write(
        &credentials,
        format!("[runner]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n"),
    )
    .unwrap();
    let out = moto
        .orgexit()
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .env("AWS_ACCESS_KEY_ID", "AKIAORGEXITUNKNOWN00")
        .env("AWS_SECRET_ACCESS_KEY", "wrong")
        .args(audit)
        .args(["--profile", "runner"])
        .output()
        .unwrap();
    let report = report(&out, &moto.moto);
    assert_consistent(&report, 3, CATALOG);
    expect(&report, &moto.dirty, &[("org-membership", "pass")]);
    assert_eq!(out.status.code(), Some(1), "fail and manual, no error");
}

/// What the regional checks found in the dirty account, region by region, on moto's
/// CloudFormation, S3 and KMS: each thing seeded, named where it is.
fn regional_findings(report: &Value, dirty: &str) {
    let stacks = summary(report, dirty, "stackset-stacks");
    assert!(
        stacks.contains("eu-west-1: StackSet CTL-Logging"),
        "{stacks}"
    );
    let enrolment = resources(report, dirty, "control-tower");
    assert!(
        enrolment.contains(&format!(
            "arn:aws:iam::{dirty}:role/AWSControlTowerExecution"
        )),
        "{enrolment:?}"
    );
    assert!(
        enrolment
            .iter()
            .any(|r| r.contains(":stack/StackSet-AWSControlTowerBP-BASELINE-CONFIG-")),
        "{enrolment:?}"
    );
    let doors = resources(report, dirty, "resource-policies");
    assert!(
        doors.contains(&format!("arn:aws:s3:::acme-shared-{dirty}")),
        "{doors:?}"
    );
    assert!(
        doors
            .iter()
            .any(|d| d.starts_with(&format!("arn:aws:kms:eu-west-1:{dirty}:key/"))),
        "{doors:?}"
    );
    assert_eq!(doors.len(), 2, "only the two doors: {doors:?}");
    let said = summary(report, dirty, "resource-policies");
    assert!(said.contains("(eu-west-1)"), "{said}");
}

/// One check's summary line.
fn summary(report: &Value, id: &str, name: &str) -> String {
    check(report, id, name)["summary"]
        .as_str()
        .unwrap_or_else(|| panic!("{id} {name}: no summary"))
        .to_string()
}

/// The checks that keep an account from being ready (fail, manual, error).
fn blocking(report: &Value, id: &str) -> BTreeSet<String> {
    statuses(report)[id]
        .iter()
        .filter(|(_, status)| ["fail", "manual", "error"].contains(&status.as_str()))
        .map(|(check, _)| check.clone())
        .collect()
}

fn set(checks: &[&str]) -> BTreeSet<String> {
    checks.iter().map(|c| c.to_string()).collect()
}

/// Writes an attestations file: one `[accounts."ID"]` table of TOML lines per account.
fn attestations(dir: &Path, name: &str, accounts: &[(&str, &[&str])]) -> PathBuf {
    let path = dir.join(name);
    let text: String = accounts
        .iter()
        .map(|(id, lines)| format!("[accounts.\"{id}\"]\n{}\n", lines.join("\n")))
        .collect();
    std::fs::write(&path, text).unwrap();
    path
}

const ROOT_ATTESTED: &str =
    "root_credentials = { by = \"secops@acme.example\", on = \"2026-11-21\" }";

/// The names of what the reseller organization's Identity Center and the reseller leave
/// in the idc and breakglass accounts (seed.py), none of which lets anyone in after the
/// move, and the service role beside them.
const GONE_WITH_THE_MOVE: [&str; 6] = [
    "AWSReservedSSO_AdministratorAccess_0123456789abcdef",
    "AWSReservedSSO_ReadOnlyAccess_fedcba9876543210",
    "CTL-Admin",
    "ctl-operator",
    ROLE,
    "AppDeploy",
];

/// Issue 19, as AWS runs the departure since 2025: a direct transfer into the new
/// organization needs no payment method or contact information (and a standalone
/// departure still does), and after the move someone other than the reseller's Identity
/// Center and doors must still be able to get in.
#[test]
fn a_direct_move_needs_no_payment_method_and_someone_must_still_get_in() {
    let moto = Seeded::new(false);
    let (direct, idc, breakglass) = (&moto.direct, &moto.idc, &moto.breakglass);
    let dir = tempfile::tempdir().unwrap();
    let attested = attestations(
        dir.path(),
        "attested.toml",
        &[
            (direct, &[ROOT_ATTESTED]),
            (breakglass, &[ROOT_ATTESTED, "delegated_admin = false"]),
        ],
    );
    let departure = [
        "--new-org",
        &moto.new_org,
        "--target-date",
        &moto.target_date,
    ];
    let (code, report) = moto.audit(
        &format!("{direct},{idc},{breakglass}"),
        &[
            &departure[..],
            &["--attestations", attested.to_str().unwrap()],
        ]
        .concat(),
    );
    assert_consistent(&report, 3, CATALOG);
    for id in [direct, idc, breakglass] {
        let moving = &account(&report, id)["move"];
        assert_eq!(moving["kind"], "direct", "{id}: the default with --new-org");
        assert!(
            moving["why"].as_str().is_some_and(|why| !why.is_empty()),
            "{id}: {moving}"
        );
    }

    // (1) Payments answers and lists no instrument; no contact information at all. A
    // direct move needs neither: the new organization pays.
    expect(
        &report,
        direct,
        &[
            ("org-membership", "pass"),
            ("org-invitation", "pass"),
            ("payment-method", "pass"),
            ("root-credentials", "pass"),
            ("primary-contact", "pass"),
            ("account-standing", "pass"),
            ("access-after-move", "pass"),
            // ListDelegatedServicesForAccount lists no service.
            ("delegated-admin", "pass"),
        ],
    );
    let payment = summary(&report, direct, "payment-method");
    assert!(
        payment.contains("not needed") && payment.contains(&moto.new_org),
        "{payment}"
    );
    assert_eq!(blocking(&report, direct), set(&[]));
    assert_eq!(account(&report, direct)["ready"], true);

    // (3) Only the reseller's Identity Center roles and doors, no IAM user of the
    // customer's, no root password, nothing attested: nobody gets in after the move.
    expect(
        &report,
        idc,
        &[
            ("access-after-move", "fail"),
            ("payment-method", "pass"),
            ("primary-contact", "pass"),
            ("account-standing", "pass"),
            // Its only handshake is a billing transfer, never the invitation to join.
            ("org-invitation", "fail"),
        ],
    );
    assert_eq!(
        blocking(&report, idc),
        set(&["org-invitation", "root-credentials", "access-after-move"])
    );
    assert_eq!(account(&report, idc)["ready"], false);

    // (4) The same, and the customer's BreakGlass role, trusted by the direct account
    // (audited in the same run): that is who gets in, and it is named.
    expect(
        &report,
        breakglass,
        &[
            ("access-after-move", "pass"),
            ("org-invitation", "pass"),
            ("delegated-admin", "pass"),
        ],
    );
    assert!(
        lists(&report, breakglass, "access-after-move", "BreakGlass"),
        "{}",
        check(&report, breakglass, "access-after-move")
    );
    for gone in GONE_WITH_THE_MOVE {
        assert!(
            !resources(&report, breakglass, "access-after-move")
                .iter()
                .any(|r| r == gone || r.ends_with(&format!("/{gone}"))),
            "{gone} is counted: {}",
            check(&report, breakglass, "access-after-move")
        );
    }
    assert_eq!(blocking(&report, breakglass), set(&[]));
    assert_eq!(account(&report, breakglass)["ready"], true);
    assert_eq!(report["summary"]["ready_accounts"], 2);
    assert_eq!(report["ready"], false);
    assert_eq!(code, Some(1));

    // (2) The same accounts leaving first (standalone): the direct account now needs the
    // payment method and contact information it lacks. Root is attested for it only: the
    // BreakGlass role alone is what passes access-after-move.
    let root_only = attestations(dir.path(), "root.toml", &[(direct, &[ROOT_ATTESTED])]);
    let (code, standalone) = moto.audit(
        &format!("{direct},{breakglass}"),
        &[
            &departure[..],
            &["--move", "standalone"],
            &["--attestations", root_only.to_str().unwrap()],
        ]
        .concat(),
    );
    assert_consistent(&standalone, 2, CATALOG);
    for id in [direct, breakglass] {
        assert_eq!(
            account(&standalone, id)["move"]["kind"],
            "standalone",
            "{id}"
        );
    }
    expect(
        &standalone,
        direct,
        &[
            // Answered, and no instrument ACTIVE.
            ("payment-method", "fail"),
            // ResourceNotFoundException: AWS requires it of a standalone account.
            ("primary-contact", "fail"),
            ("access-after-move", "pass"),
        ],
    );
    assert_eq!(
        blocking(&standalone, direct),
        set(&["payment-method", "primary-contact"])
    );
    assert_eq!(account(&standalone, direct)["ready"], false);
    expect(
        &standalone,
        breakglass,
        &[
            ("access-after-move", "pass"),
            ("root-credentials", "manual"),
        ],
    );
    let found = resources(&standalone, breakglass, "access-after-move");
    assert!(
        !found.is_empty() && found.iter().all(|r| r.contains("BreakGlass")),
        "only BreakGlass lets anyone in: {found:?}"
    );
    assert_eq!(code, Some(1));
}

/// Issue 19: AWS refuses to let an account created in the organization fewer than 4 days
/// before leave, and a direct transfer is still a departure: the leaver needs
/// AcceptHandshake as well as LeaveOrganization, which the reseller's SCP may deny.
#[test]
fn aws_refuses_a_young_account_and_a_leaver_denied_accept_handshake() {
    let moto = Seeded::new(false);
    let (young, gated, direct) = (&moto.young, &moto.gated, &moto.direct);
    let dir = tempfile::tempdir().unwrap();
    let leaver = format!("leaver = \"{LEAVER}\"");
    let attested = attestations(
        dir.path(),
        "attested.toml",
        &[
            (young, &[ROOT_ATTESTED]),
            (gated, &[ROOT_ATTESTED, &leaver]),
            (direct, &[ROOT_ATTESTED]),
        ],
    );
    let (code, report) = moto.audit(
        &format!("{young},{gated},{direct}"),
        &[
            "--new-org",
            &moto.new_org,
            "--target-date",
            &moto.target_date,
            "--attestations",
            attested.to_str().unwrap(),
        ],
    );
    assert_consistent(&report, 3, CATALOG);

    // (5) Created 2 days before the target date: AWS would refuse it leaving.
    expect(
        &report,
        young,
        &[
            ("account-standing", "fail"),
            ("leave-permission", "skipped"),
        ],
    );
    assert_eq!(blocking(&report, young), set(&["account-standing"]));
    assert_eq!(account(&report, young)["ready"], false);

    // (6) LeaveOrganization allowed, AcceptHandshake denied by the reseller's SCP.
    expect(
        &report,
        gated,
        &[("leave-permission", "fail"), ("account-standing", "pass")],
    );
    let denied = summary(&report, gated, "leave-permission");
    assert!(denied.contains("AcceptHandshake"), "{denied}");
    assert_eq!(blocking(&report, gated), set(&["leave-permission"]));
    assert_eq!(account(&report, gated)["ready"], false);

    // The same world's ready account, for contrast: nothing seeded there blocks.
    assert_eq!(account(&report, direct)["ready"], true, "{report}");
    assert_eq!(report["summary"]["ready_accounts"], 1);
    assert_eq!(code, Some(1));

    // Leaving first (the gated account's own `move` attestation): LeaveOrganization alone
    // is simulated, and it is allowed. Without a target date, the young account is
    // judged against today, a day after it was created: still refused.
    let standalone = attestations(
        dir.path(),
        "standalone.toml",
        &[
            (young, &[ROOT_ATTESTED]),
            (gated, &[ROOT_ATTESTED, &leaver, "move = \"standalone\""]),
        ],
    );
    let (code, report) = moto.audit(
        &format!("{young},{gated}"),
        &[
            "--new-org",
            &moto.new_org,
            "--attestations",
            standalone.to_str().unwrap(),
        ],
    );
    assert_consistent(&report, 2, CATALOG);
    assert_eq!(account(&report, gated)["move"]["kind"], "standalone");
    assert_eq!(account(&report, young)["move"]["kind"], "direct");
    expect(&report, gated, &[("leave-permission", "pass")]);
    expect(&report, young, &[("account-standing", "fail")]);
    assert_eq!(code, Some(1));
}

/// `--endpoint-url`, `--debug`, and README's set-up walked against this same moto.
#[path = "moto_e2e/runbook.rs"]
mod runbook;
#[path = "moto_e2e/setup.rs"]
mod setup;

/// The management account of the customer's own organization (seed.py `NEW_MANAGEMENT`),
/// which a reseller may pay for through a billing transfer.
const OWN_MANAGEMENT: &str = "222244446666";

impl Seeded {
    /// Seeds the plugin's answers for one account (merged with what it has).
    fn seed(&self, account: &str, values: Value) {
        let python = tool("ORGEXIT_PYTHON", "python", "python3");
        let body = serde_json::json!({ account: values }).to_string();
        let out = std::process::Command::new(&python)
            .args([
                "-c",
                "import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1] + '/orgexit-plugin/seed', data=sys.argv[2].encode(), method='POST')).read()",
            ])
            .arg(self.moto.endpoint())
            .arg(body)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Issue 25: a reseller that pays through a billing transfer, seen from the customer's
/// own organization's management account against moto (the plugin serves the transfers,
/// which moto lacks): in force, fail in both phases; ending by the target date, pass;
/// requested by the reseller, warn; a member account cannot see them, skipped.
#[test]
fn a_billing_transfer_to_the_reseller_blocks_until_it_ends() {
    let moto = Seeded::new(false);
    let transfer = |status: &str, end: Option<String>| {
        let mut t = serde_json::json!({
            "id": "rt-acmebill0001",
            "status": status,
            "payer_account": RESELLER,
            "payer_email": "billing@reseller.example",
            "start": "2025-12-01T00:00:00Z",
        });
        if let Some(end) = end {
            t["end"] = end.into();
        }
        serde_json::json!({ "billing_transfers": [t] })
    };
    let select = [
        "--select",
        "billing-transfer",
        "--target-date",
        &moto.target_date,
    ];
    let status = |phase: &str| {
        let (_, report) = moto.audit(OWN_MANAGEMENT, &[&select[..], &["--phase", phase]].concat());
        let c = check(&report, OWN_MANAGEMENT, "billing-transfer");
        (
            c["status"].as_str().unwrap().to_string(),
            c["summary"].as_str().unwrap().to_string(),
        )
    };

    moto.seed(OWN_MANAGEMENT, transfer("ACCEPTED", None));
    let (pre, summary) = status("pre");
    assert_eq!(pre, "fail", "{summary}");
    assert!(
        summary.contains("rt-acmebill0001")
            && summary.contains(RESELLER)
            && summary.contains("in force since 2025-12-01 00:00 UTC, with no end")
            && summary.contains("at the earliest"),
        "{summary}"
    );
    assert_eq!(status("post").0, "fail");

    let by_the_target = format!("{}T00:00:00Z", moto.target_date);
    moto.seed(OWN_MANAGEMENT, transfer("WITHDRAWN", Some(by_the_target)));
    let (pre, summary) = status("pre");
    assert_eq!(pre, "pass", "{summary}");
    assert!(summary.contains("by the target date"), "{summary}");

    moto.seed(OWN_MANAGEMENT, transfer("REQUESTED", None));
    let (pre, summary) = status("pre");
    assert_eq!(pre, "warn", "{summary}");

    // A member of the reseller's organization: AWS denies it the list (the plugin answers
    // an account with nothing seeded as AWS answers a member).
    let (_, report) = moto.audit(&moto.clean, &select);
    let c = check(&report, &moto.clean, "billing-transfer");
    assert_eq!(c["status"], "skipped", "{c}");
    assert!(c["summary"].as_str().unwrap().contains(RESELLER), "{c}");
}
