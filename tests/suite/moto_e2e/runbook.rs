//! `orgexit runbook` proved by running it: the runbook of the `messy` account, run with
//! the real AWS CLI (the tests' Python environment) against moto, with that account's
//! credentials; then the audit again, and `orgexit diff` between the two reports.

use super::*;

/// A customer's shell in front of moto: the AWS CLI on the PATH, and a profile that acts
/// in `account` (moto lets any role in).
fn shell(moto: &Moto, home: &Path, account: &str) -> impl Fn(&[&str]) -> Output {
    let venv = tool("ORGEXIT_MOTO_SERVER", "moto_server", "moto_server")
        .parent()
        .unwrap()
        .to_path_buf();
    assert!(
        venv.join("aws").is_file(),
        "no AWS CLI in {}; {HOW_TO_RUN}",
        venv.display()
    );
    std::fs::write(
        home.join("config"),
        format!(
            "[profile customer]\nrole_arn = arn:aws:iam::{account}:role/RunbookRunner\nsource_profile = base\nregion = us-east-1\ns3 =\n  addressing_style = path\n"
        ),
    )
    .unwrap();
    std::fs::write(
        home.join("credentials"),
        "[base]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
    )
    .unwrap();
    let path =
        std::env::join_paths([venv.as_path(), Path::new("/usr/bin"), Path::new("/bin")]).unwrap();
    let (endpoint, home, account) = (moto.endpoint(), home.to_path_buf(), account.to_string());
    move |args: &[&str]| {
        std::process::Command::new("bash")
            .args(args)
            .current_dir(&home)
            .env_clear()
            .env("PATH", &path)
            .env("HOME", &home)
            .env("AWS_CONFIG_FILE", home.join("config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", home.join("credentials"))
            .env("AWS_ENDPOINT_URL", &endpoint)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env(format!("PROFILE_{account}"), "customer")
            .output()
            .unwrap()
    }
}

const LEFTOVERS: &[&str] = &[
    "iam-reseller-policies",
    "iam-reseller-roles",
    "iam-reseller-users-groups",
    "iam-federation",
    "resource-policies",
    "s3-reseller-buckets",
];

#[test]
fn the_runbook_run_with_the_aws_cli_removes_every_reseller_leftover_and_runs_again_cleanly() {
    let moto = Seeded::new(false);
    let messy = moto.messy.as_str();
    let dir = tempfile::tempdir().unwrap();
    let attested = attestations_file(dir.path(), messy);
    let policy = [
        "--phase",
        "post",
        "--reseller-account",
        RESELLER,
        "--attestations",
        attested.to_str().unwrap(),
    ];
    let audit = |name: &str| -> (PathBuf, Value) {
        let (_, report) = moto.audit_as_given(messy, &policy);
        let path = dir.path().join(name);
        std::fs::write(&path, report.to_string()).unwrap();
        (path, report)
    };
    let (before_path, before) = audit("before.json");
    for check in LEFTOVERS {
        let found = super::check(&before, messy, check);
        if *check == "s3-reseller-buckets" {
            // A decision attested is a pass; the buckets are there to act on.
            assert_eq!(found["resources"].as_array().unwrap().len(), 2, "{found:#}");
            continue;
        }
        let status = &found["status"];
        assert!(
            matches!(status.as_str(), Some("fail" | "warn" | "manual")),
            "{check} is {status} before the runbook: the seed is not dirty"
        );
    }

    let script = dir.path().join("runbook.sh");
    let out = moto
        .orgexit()
        .args(["runbook", "--accounts", messy, "--role-name", ROLE])
        .args(policy)
        .arg("--output")
        .arg(&script)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\nmoto log:\n{}",
        String::from_utf8_lossy(&out.stderr),
        moto.moto.log_text()
    );
    crate::common::assert_clean_bash(&script);
    let text = std::fs::read_to_string(&script).unwrap();
    // The chain AWS wants, read from the account, not guessed.
    for command in [
        "iam detach-role-policy --role-name CTL-Admin --policy-arn",
        "iam delete-role-policy --role-name CTL-Admin --policy-name ctl-inline",
        "iam remove-role-from-instance-profile --instance-profile-name CTL-Admin-Profile --role-name CTL-Admin",
        "iam delete-access-key --user-name ctl-operator --access-key-id",
        "iam delete-login-profile --user-name ctl-operator",
        "iam remove-user-from-group --group-name CTLAdmins --user-name ctl-operator",
        "iam detach-role-policy --role-name PartnerAudit --policy-arn",
        "iam delete-policy-version --policy-arn",
        "iam update-assume-role-policy --role-name SharedOps",
        "s3api delete-bucket-policy --bucket",
        "kms put-key-policy --key-id",
    ] {
        assert!(
            text.contains(command),
            "no `{command}` in the runbook:\n{text}"
        );
    }
    assert!(
        !text.contains("empty_role"),
        "every detail was read, none left to the script:\n{text}"
    );
    // The waived policy is named as kept, and no command touches it.
    assert!(text.contains("# Left alone: CTL-CAM-Provider"), "{text}");
    assert!(
        !text
            .lines()
            .any(|l| !l.trim_start().starts_with('#') && l.contains("policy/CTL-CAM-Provider")),
        "{text}"
    );

    // `collect --runbook` records the same details: the runbook of the snapshot is the
    // live one, but for where its facts came from.
    let snapshot = dir.path().join("snapshot.json");
    let out = moto.collect(
        messy,
        &[
            "--runbook",
            "--reseller-account",
            RESELLER,
            "--attestations",
            attested.to_str().unwrap(),
        ],
        &snapshot,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let from_snapshot = moto
        .orgexit()
        .args(["runbook", "--snapshot"])
        .arg(&snapshot)
        .args(policy)
        .output()
        .unwrap();
    assert_eq!(from_snapshot.status.code(), Some(0));
    let body = |text: &str| -> String {
        text.lines()
            .filter(|l| !l.starts_with("# orgexit runbook:"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        body(&String::from_utf8_lossy(&from_snapshot.stdout)),
        body(&text)
    );

    let home = tempfile::tempdir().unwrap();
    let run = shell(&moto.moto, home.path(), messy);
    let first = run(&[script.to_str().unwrap(), messy]);
    assert!(
        first.status.success(),
        "the runbook failed ({}):\n{}\n{}\nmoto log:\n{}",
        first.status,
        String::from_utf8_lossy(&first.stdout),
        String::from_utf8_lossy(&first.stderr),
        moto.moto.log_text()
    );
    let echoed = String::from_utf8_lossy(&first.stdout);
    assert!(
        echoed.contains("+ aws iam delete-role --role-name CTL-Admin"),
        "{echoed}"
    );

    let (after_path, after) = audit("after.json");
    for check in LEFTOVERS {
        let found = super::check(&after, messy, check);
        let status = found["status"].as_str().unwrap();
        if *check == "iam-federation" {
            // The vendor's trust stays (a warning to review), the reseller's is gone.
            assert_eq!(status, "warn", "{found:#}");
            let kinds: BTreeSet<&str> = found["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["kind"].as_str().unwrap())
                .collect();
            assert_eq!(kinds, BTreeSet::from(["outside-trust"]), "{found:#}");
            let vendor = found["items"].as_array().unwrap().iter().any(|i| {
                i["resource"] == "SharedOps"
                    && i["principal"].as_str().unwrap_or("").contains(OUTSIDE)
            });
            assert!(vendor, "the vendor's trust in SharedOps is kept: {found:#}");
        } else {
            assert_eq!(status, "pass", "{check} after the runbook: {found:#}");
            assert!(
                found["resources"].as_array().unwrap().is_empty(),
                "{found:#}"
            );
        }
    }
    let policies = super::check(&after, messy, "iam-reseller-policies");
    assert!(
        policies["summary"]
            .as_str()
            .unwrap()
            .contains("CTL-CAM-Provider"),
        "the waived policy is still there: {policies:#}"
    );

    let diff = moto
        .orgexit()
        .args(["diff"])
        .arg(&before_path)
        .arg(&after_path)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        diff.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&diff.stdout)
    );
    let diff: Value = serde_json::from_slice(&diff.stdout).unwrap();
    assert_eq!(diff["summary"]["regressed"], 0, "{diff:#}");
    let fixed: BTreeSet<&str> = diff["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["change"] == "fixed")
        .map(|c| c["check"].as_str().unwrap())
        .collect();
    for check in LEFTOVERS {
        let was = super::check(&before, messy, check)["status"]
            .as_str()
            .unwrap();
        if matches!(was, "fail" | "manual") {
            assert!(
                fixed.contains(check),
                "{check} ({was} before) is not fixed: {diff:#}"
            );
        }
    }

    // A second run on the cleaned account fails nothing.
    let second = run(&[script.to_str().unwrap()]);
    assert!(
        second.status.success(),
        "the second run failed:\n{}\n{}",
        String::from_utf8_lossy(&second.stdout),
        String::from_utf8_lossy(&second.stderr)
    );
    assert!(String::from_utf8_lossy(&second.stdout).contains("already done"));
    // An account that is not in the runbook runs nothing.
    let stranger = run(&[script.to_str().unwrap(), STRANGER]);
    assert_eq!(stranger.status.code(), Some(2));
    assert!(
        stranger.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&stranger.stdout)
    );
}

/// The attestations of the runbook's case: delete the reseller's buckets, keep the CAM
/// provider policy.
fn attestations_file(dir: &Path, account: &str) -> PathBuf {
    let path = dir.join("attestations.toml");
    std::fs::write(
        &path,
        format!(
            "[accounts.\"{account}\"]\nbuckets = \"delete\"\nkeep = [{{ name = \"CTL-CAM-Provider\", reason = \"continuing CAM for ALM\" }}]\n"
        ),
    )
    .unwrap();
    path
}
