//! The AWS CLI's habits against moto: `--endpoint-url` and `--debug`; and README's
//! *Set-up in the departing accounts* followed as printed (its `sh setup-walk*` blocks run
//! in bash, with the AWS CLI from ./.venv) for three accounts.

use std::collections::BTreeSet;

use super::*;

/// Refused at once: anything sent there is a test failure, not a hang.
const NOWHERE: &str = "http://127.0.0.1:1";

#[test]
fn endpoint_url_reaches_moto_without_the_environment_and_wins_over_it() {
    let moto = Seeded::new(false);
    let out = moto
        .orgexit()
        .env_remove("AWS_ENDPOINT_URL")
        // What --endpoint-url must win over, as the AWS CLI's flag does.
        .env("AWS_ENDPOINT_URL_IAM", NOWHERE)
        .env("AWS_ENDPOINT_URL_ORGANIZATIONS", NOWHERE)
        .args(["audit", "--accounts", &moto.accounts(), "--role-name", ROLE])
        .args(["--reseller-account", RESELLER, "--format", "json"])
        .args(["--endpoint-url", &moto.moto.endpoint()])
        .output()
        .unwrap();
    let via_flag = report(&out, &moto.moto);
    assert_consistent(&via_flag, 3, CATALOG);
    expect(
        &via_flag,
        &moto.dirty,
        &[
            ("org-membership", "pass"),
            ("iam-reseller-roles", "warn"),
            ("s3-reseller-buckets", "warn"),
        ],
    );
    assert!(
        resources(&via_flag, &moto.dirty, "iam-reseller-roles")
            .iter()
            .any(|r| r.contains("CTL")),
        "the roles were read from moto"
    );
    assert_eq!(out.status.code(), Some(1));

    // Without it, and without AWS_ENDPOINT_URL, the same run goes where the environment
    // says: the refused endpoints make those reads error (exit 3 for a clean selection).
    let out = moto
        .orgexit()
        .env("AWS_ENDPOINT_URL", moto.moto.endpoint())
        .env("AWS_ENDPOINT_URL_IAM", NOWHERE)
        .args(["audit", "--accounts", &moto.clean, "--role-name", ROLE])
        .args(["--select", "iam-reseller-roles", "--format", "json"])
        .args(["--max-attempts", "1"])
        .output()
        .unwrap();
    let via_environment = report(&out, &moto.moto);
    expect(
        &via_environment,
        &moto.clean,
        &[("iam-reseller-roles", "error")],
    );
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn a_bad_endpoint_url_exits_2_naming_it_before_any_call() {
    for (url, why) in [
        ("127.0.0.1:5000", "it must start with http:// or https://"),
        ("http://", "no host"),
        ("https://host name", "not a host name or address"),
        (
            "http://localhost:0",
            "the port must be a number from 1 to 65535",
        ),
    ] {
        let out = Command::cargo_bin("orgexit")
            .unwrap()
            .args(["audit", "--accounts", STRANGER, "--endpoint-url", url])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{url}: {stderr}");
        assert_eq!(
            stderr.trim_end(),
            format!(
                "orgexit: error: --endpoint-url: {url:?} is not an endpoint URL ({why}): give one like https://host[:port], e.g. http://127.0.0.1:5000"
            )
        );
    }
}

#[test]
fn debug_logs_every_request_as_the_aws_cli_does_and_no_secret() {
    let moto = Seeded::new(false);
    let secret = "orgexit-test-secret-never-logged";
    let run = |flag: Option<&str>| {
        let mut cmd = moto.orgexit();
        cmd.env("AWS_SECRET_ACCESS_KEY", secret);
        if let Some(flag) = flag {
            cmd.arg(flag);
        }
        cmd.args(["audit", "--accounts", &moto.clean, "--role-name", ROLE])
            .args(["--select", "iam-reseller-roles", "--format", "json"])
            .output()
            .unwrap()
    };
    let quiet = run(None);
    assert_eq!(quiet.status.code(), Some(0));
    assert!(
        quiet.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&quiet.stderr)
    );

    let debug = run(Some("--debug"));
    assert_eq!(debug.status.code(), Some(0));
    let log = String::from_utf8_lossy(&debug.stderr);
    let debug_lines = log.lines().filter(|l| l.contains(" DEBUG ")).count();
    assert!(debug_lines > 10, "the SDK's debug log: {log}");
    for operation in ["GetCallerIdentity", "AssumeRole", "ListRoles"] {
        assert!(log.contains(operation), "{operation} is logged: {log}");
    }
    assert!(
        log.contains(&moto.moto.endpoint()),
        "the endpoint is logged"
    );
    assert!(!log.contains(secret), "no secret in the log");
    assert_eq!(
        report(&debug, &moto.moto)["accounts"],
        report(&quiet, &moto.moto)["accounts"],
        "logging changes no verdict"
    );

    let conflict = Command::cargo_bin("orgexit")
        .unwrap()
        .args(["--debug", "--quiet", "checks"])
        .output()
        .unwrap();
    assert_eq!(conflict.status.code(), Some(2));
}

/// The set-up's fenced blocks whose info string is `sh <name>`, in order, as printed:
/// README's *Set-up in the departing accounts*, then the guide's *More ways to create the
/// audit role* (the self-managed StackSet).
fn readme_blocks(name: &str) -> Vec<String> {
    let readme = ["README.md", "docs/guide.md"]
        .map(|page| std::fs::read_to_string(repo(page)).unwrap())
        .join("\n");
    let fence = format!("```sh {name}\n");
    let blocks: Vec<String> = readme
        .split(&fence)
        .skip(1)
        .map(|rest| rest.split("\n```\n").next().unwrap().to_string() + "\n")
        .collect();
    assert!(
        !blocks.is_empty(),
        "neither README nor the guide has a ```sh {name} block"
    );
    blocks
}

/// The set-up's names (README, *Set-up in the departing accounts*): the departing
/// accounts and their admin profiles, and RUNNER with its profile.
const DEPARTING: [(&str, &str); 3] = [
    ("acme-prod", "111122223333"),
    ("acme-dev", "222233334444"),
    ("acme-test", "333344445555"),
];
const RUNNER: (&str, &str) = ("acme-runner", "444455556666");

/// A customer's machine in front of moto: the AWS CLI and orgexit on the PATH, and an AWS
/// config whose admin profiles assume a role in each account (moto lets them in, and then
/// acts in that account) from one pair of keys.
struct Walk {
    moto: Moto,
    dir: tempfile::TempDir,
    bin: String,
}

impl Walk {
    fn new() -> Walk {
        let moto = Moto::start();
        let venv = tool("ORGEXIT_MOTO_SERVER", "moto_server", "moto_server")
            .parent()
            .unwrap()
            .to_path_buf();
        assert!(
            venv.join("aws").is_file(),
            "no AWS CLI next to moto_server in {}; {HOW_TO_RUN}",
            venv.display()
        );
        let orgexit = PathBuf::from(env!("CARGO_BIN_EXE_orgexit"));
        let bin = std::env::join_paths([
            orgexit.parent().unwrap(),
            &venv,
            Path::new("/usr/bin"),
            Path::new("/bin"),
        ])
        .unwrap()
        .into_string()
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut config = String::new();
        for (profile, account) in DEPARTING.iter().chain([&RUNNER]) {
            config.push_str(&format!(
                "[profile {profile}]\nrole_arn = arn:aws:iam::{account}:role/Admin\nsource_profile = base\nregion = us-east-1\n\n"
            ));
        }
        std::fs::write(dir.path().join("config"), config).unwrap();
        std::fs::write(
            dir.path().join("credentials"),
            "[base]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
        )
        .unwrap();
        Walk { moto, dir, bin }
    }

    fn command(&self, program: &str) -> std::process::Command {
        let mut cmd = std::process::Command::new(program);
        let home = self.dir.path();
        cmd.current_dir(home)
            .env_clear()
            .env("PATH", &self.bin)
            .env("HOME", home)
            .env("AWS_CONFIG_FILE", home.join("config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", home.join("credentials"))
            .env("AWS_ENDPOINT_URL", self.moto.endpoint())
            .env("AWS_PROFILE", RUNNER.0)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("NO_COLOR", "1");
        cmd
    }

    /// One README block, as printed, in bash with -e -u -o pipefail.
    fn run(&self, block: &str) -> Output {
        self.command("bash")
            .args(["-euo", "pipefail", "-c", block])
            .output()
            .unwrap()
    }

    fn set_up(&self, blocks: &[String]) {
        for block in blocks {
            let out = self.run(block);
            assert!(
                out.status.success(),
                "README block failed ({}):\n{block}\nstdout:\n{}\nstderr:\n{}\nmoto log:\n{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr),
                self.moto.log_text()
            );
        }
    }

    /// `aws ARGS --output json` in `profile`'s account.
    fn aws(&self, profile: &str, args: &[&str]) -> Value {
        let out = self
            .command("aws")
            .args(args)
            .args(["--profile", profile, "--output", "json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "aws {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// Each departing account has OrgExitAudit, trusting RUNNER with the external ID,
    /// granting exactly the guard's allow-list for an audit.
    fn assert_roles(&self) {
        let allowed: BTreeSet<String> = orgexit::aws::guard::ALLOWED
            .iter()
            .filter(|o| {
                o.fact
                    .is_some_and(|f| f != orgexit::facts::FactKind::Cleanup)
            })
            .map(|o| o.action.to_string())
            .collect();
        for (profile, account) in DEPARTING {
            let role =
                &self.aws(profile, &["iam", "get-role", "--role-name", "OrgExitAudit"])["Role"];
            assert_eq!(
                role["Arn"],
                format!("arn:aws:iam::{account}:role/OrgExitAudit")
            );
            let trust = &role["AssumeRolePolicyDocument"]["Statement"][0];
            assert_eq!(
                trust["Principal"]["AWS"],
                format!("arn:aws:iam::{}:root", RUNNER.1)
            );
            assert_eq!(
                trust["Condition"]["StringEquals"]["sts:ExternalId"],
                "departure-2026"
            );
            let policy = self.aws(
                profile,
                &[
                    "iam",
                    "get-role-policy",
                    "--role-name",
                    "OrgExitAudit",
                    "--policy-name",
                    "orgexit-read-only",
                ],
            );
            let actions: BTreeSet<String> = policy_document(&policy)["Statement"][0]["Action"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_string())
                .collect();
            assert_eq!(actions, allowed, "{account}");
        }
    }

    /// README's audit block: exit 1 (nothing attested yet), every account reached through
    /// the new role, the table on stdout and report.json beside it.
    fn assert_audit(&self, block: &str) {
        let out = self.run(block);
        let table = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(1),
            "the audit block:\n{block}\nstdout:\n{table}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for (_, account) in DEPARTING {
            assert!(table.contains(account), "{account} in the table:\n{table}");
        }
        let report: Value =
            serde_json::from_slice(&std::fs::read(self.dir.path().join("report.json")).unwrap())
                .unwrap();
        assert_consistent(&report, 3, CATALOG);
        assert_eq!(report["ready"], false);
        for (_, id) in DEPARTING {
            assert_eq!(account(&report, id)["error"], Value::Null, "{id}");
            // The skeleton attests nothing; what the role reads is read.
            expect(
                &report,
                id,
                &[
                    ("root-credentials", "manual"),
                    ("iam-reseller-policies", "pass"),
                    ("iam-reseller-roles", "pass"),
                    ("iam-reseller-users-groups", "pass"),
                    ("s3-reseller-buckets", "pass"),
                    ("root-access-keys", "pass"),
                    // The plugin's GetAccountInformation and root password defaults: an
                    // old, ACTIVE account whose root can sign in.
                    ("account-standing", "pass"),
                    ("access-after-move", "pass"),
                ],
            );
            // The audit role trusts the runner: the audit's own, not a door (a StackSet's
            // execution role, trusting its administration account, is one to review).
            let federation = &account(&report, id)["checks"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["id"] == "iam-federation")
                .unwrap()
                .clone();
            assert!(
                !federation.to_string().contains("OrgExitAudit"),
                "{id}: {federation}"
            );
            // moto does not implement ListHandshakesForAccount; nothing else is an error.
            let errors: Vec<_> = statuses(&report)[id]
                .iter()
                .filter(|(id, status)| *status == "error" && *id != "org-invitation")
                .map(|(id, _)| id.clone())
                .collect();
            assert!(errors.is_empty(), "{id}: {errors:?}");
        }
    }
}

/// GetRolePolicy's document. moto's CloudFormation keeps a role's inline policy as
/// Python's repr of the document (`{'Version': ...}`), which the AWS CLI then prints as a
/// string; AWS (and moto's IAM API) give the JSON document itself.
fn policy_document(answer: &Value) -> Value {
    match &answer["PolicyDocument"] {
        Value::String(repr) => serde_json::from_str(&repr.replace('\'', "\""))
            .unwrap_or_else(|e| panic!("{repr}: {e}")),
        document => document.clone(),
    }
}

/// README's set-up up to the audit: the template, then the deployment's blocks; the
/// roles are checked, and the audit block is returned for [`Walk::assert_audit`].
fn walk_up_to_the_audit(deployment: &str) -> (Walk, String) {
    let walk = Walk::new();
    let [generate, audit] = <[String; 2]>::try_from(readme_blocks("setup-walk"))
        .expect("two setup-walk blocks: the template, and the audit");
    walk.set_up(&[generate]);
    walk.set_up(&readme_blocks(deployment));
    walk.assert_roles();
    (walk, audit)
}

#[test]
fn readme_set_up_with_admin_profiles_works_as_printed() {
    let (walk, audit) = walk_up_to_the_audit("setup-walk-profiles");
    for (profile, _) in DEPARTING {
        let stacks = walk.aws(
            profile,
            &[
                "cloudformation",
                "describe-stacks",
                "--stack-name",
                "orgexit-audit",
            ],
        );
        assert_eq!(stacks["Stacks"][0]["StackStatus"], "CREATE_COMPLETE");
    }
    walk.assert_audit(&audit);
}

#[test]
fn readme_set_up_with_a_self_managed_stackset_works_as_printed() {
    let (walk, audit) = walk_up_to_the_audit("setup-walk-stackset");
    let instances = walk.aws(
        RUNNER.0,
        &[
            "cloudformation",
            "list-stack-instances",
            "--stack-set-name",
            "orgexit-audit",
        ],
    );
    let accounts: BTreeSet<&str> = instances["Summaries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["Account"].as_str().unwrap())
        .collect();
    assert_eq!(accounts, DEPARTING.map(|(_, a)| a).into_iter().collect());
    walk.assert_audit(&audit);
}
