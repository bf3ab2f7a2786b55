//! `runbook --format sh`: a bash script a person reads, then runs. `set -euo pipefail`;
//! each account's AWS CLI profile in a variable at the top (empty: the environment's
//! credentials); one function per account; every command echoed before it runs; `bash
//! runbook.sh ACCOUNT_ID...` runs only those accounts. A command whose target is already
//! gone (AWS answers `NoSuchEntity`, `NoSuchBucket`, `NotFoundException`) is reported as
//! done and the script goes on, so a second run on a cleaned account fails nothing.

use std::fmt::Write;

use super::{AccountRunbook, Action, Command, Runbook, Stage, Step};

/// Quotes one word for bash: as it is when it is plainly safe, else in single quotes.
pub(crate) fn quote(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=@%+,".contains(c));
    if safe {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// A comment, each line `# `-prefixed.
fn comment(out: &mut String, indent: &str, text: &str) {
    for line in text.lines() {
        let _ = writeln!(out, "{indent}# {line}").map(|_| ());
    }
}

/// The profile variable of an account.
fn profile_var(account: &AccountRunbook) -> String {
    format!("PROFILE_{}", account.account_id)
}

const HEADER: &str = r#"set -euo pipefail

# run PROFILE ARGS...: echoes `aws ARGS...`, then runs it with PROFILE (empty: the
# environment's credentials). A target already gone counts as done.
run() {
  local profile=$1 out status=0
  shift
  printf '+ aws'
  printf ' %q' "$@"
  printf '\n'
  if [ -n "$profile" ]; then set -- --profile "$profile" "$@"; fi
  out=$(aws "$@" 2>&1) || status=$?
  if [ "$status" -eq 0 ]; then
    [ -z "$out" ] || printf '%s\n' "$out"
    return 0
  fi
  case $out in
    *NoSuchEntity* | *NoSuchBucket* | *NotFoundException*)
      printf '  already done: %s\n' "$(printf '%s' "$out" | head -n 1)"
      return 0
      ;;
  esac
  printf '%s\n' "$out" >&2
  return "$status"
}

# person TEXT...: a step only a person (or the reseller) can do; the script goes on.
person() {
  printf '  TODO (by hand): %s\n' "$*"
}
"#;

/// The helpers that list at run time what the facts did not hold, each emitted only
/// when a step uses it.
const HELPERS: &[(&str, &str)] = &[
    (
        "empty_role",
        r#"# empty_role PROFILE ROLE: detaches, deletes and removes what DeleteRole needs gone.
empty_role() {
  local p=$1 role=$2 arn name profile
  for arn in $(aws_text "$p" iam list-attached-role-policies --role-name "$role" --query 'AttachedPolicies[].PolicyArn'); do
    run "$p" iam detach-role-policy --role-name "$role" --policy-arn "$arn"
  done
  for name in $(aws_text "$p" iam list-role-policies --role-name "$role" --query 'PolicyNames[]'); do
    run "$p" iam delete-role-policy --role-name "$role" --policy-name "$name"
  done
  for profile in $(aws_text "$p" iam list-instance-profiles-for-role --role-name "$role" --query 'InstanceProfiles[].InstanceProfileName'); do
    run "$p" iam remove-role-from-instance-profile --instance-profile-name "$profile" --role-name "$role"
  done
}
"#,
    ),
    (
        "empty_user",
        r#"# empty_user PROFILE USER: removes what DeleteUser needs gone.
empty_user() {
  local p=$1 user=$2 id
  for id in $(aws_text "$p" iam list-access-keys --user-name "$user" --query 'AccessKeyMetadata[].AccessKeyId'); do
    run "$p" iam delete-access-key --user-name "$user" --access-key-id "$id"
  done
  for id in $(aws_text "$p" iam list-signing-certificates --user-name "$user" --query 'Certificates[].CertificateId'); do
    run "$p" iam delete-signing-certificate --user-name "$user" --certificate-id "$id"
  done
  for id in $(aws_text "$p" iam list-ssh-public-keys --user-name "$user" --query 'SSHPublicKeys[].SSHPublicKeyId'); do
    run "$p" iam delete-ssh-public-key --user-name "$user" --ssh-public-key-id "$id"
  done
  for id in $(aws_text "$p" iam list-service-specific-credentials --user-name "$user" --query 'ServiceSpecificCredentials[].ServiceSpecificCredentialId'); do
    run "$p" iam delete-service-specific-credential --user-name "$user" --service-specific-credential-id "$id"
  done
  for id in $(aws_text "$p" iam list-mfa-devices --user-name "$user" --query 'MFADevices[].SerialNumber'); do
    run "$p" iam deactivate-mfa-device --user-name "$user" --serial-number "$id"
    case $id in arn:*) run "$p" iam delete-virtual-mfa-device --serial-number "$id" ;; esac
  done
  run "$p" iam delete-login-profile --user-name "$user"
  for id in $(aws_text "$p" iam list-groups-for-user --user-name "$user" --query 'Groups[].GroupName'); do
    run "$p" iam remove-user-from-group --group-name "$id" --user-name "$user"
  done
  for id in $(aws_text "$p" iam list-attached-user-policies --user-name "$user" --query 'AttachedPolicies[].PolicyArn'); do
    run "$p" iam detach-user-policy --user-name "$user" --policy-arn "$id"
  done
  for id in $(aws_text "$p" iam list-user-policies --user-name "$user" --query 'PolicyNames[]'); do
    run "$p" iam delete-user-policy --user-name "$user" --policy-name "$id"
  done
}
"#,
    ),
    (
        "empty_group",
        r#"# empty_group PROFILE GROUP: removes what DeleteGroup needs gone.
empty_group() {
  local p=$1 group=$2 id
  for id in $(aws_text "$p" iam get-group --group-name "$group" --query 'Users[].UserName'); do
    run "$p" iam remove-user-from-group --group-name "$group" --user-name "$id"
  done
  for id in $(aws_text "$p" iam list-attached-group-policies --group-name "$group" --query 'AttachedPolicies[].PolicyArn'); do
    run "$p" iam detach-group-policy --group-name "$group" --policy-arn "$id"
  done
  for id in $(aws_text "$p" iam list-group-policies --group-name "$group" --query 'PolicyNames[]'); do
    run "$p" iam delete-group-policy --group-name "$group" --policy-name "$id"
  done
}
"#,
    ),
    (
        "empty_policy",
        r#"# empty_policy PROFILE ARN: detaches a policy everywhere, deletes its other versions.
empty_policy() {
  local p=$1 arn=$2 id
  for id in $(aws_text "$p" iam list-entities-for-policy --policy-arn "$arn" --query 'PolicyRoles[].RoleName'); do
    run "$p" iam detach-role-policy --role-name "$id" --policy-arn "$arn"
  done
  for id in $(aws_text "$p" iam list-entities-for-policy --policy-arn "$arn" --query 'PolicyUsers[].UserName'); do
    run "$p" iam detach-user-policy --user-name "$id" --policy-arn "$arn"
  done
  for id in $(aws_text "$p" iam list-entities-for-policy --policy-arn "$arn" --query 'PolicyGroups[].GroupName'); do
    run "$p" iam detach-group-policy --group-name "$id" --policy-arn "$arn"
  done
  for id in $(aws_text "$p" iam list-policy-versions --policy-arn "$arn" --query 'Versions[?!IsDefaultVersion].VersionId'); do
    run "$p" iam delete-policy-version --policy-arn "$arn" --version-id "$id"
  done
}
"#,
    ),
];

/// `aws_text`, which the helpers list with (nothing when the target is gone).
const AWS_TEXT: &str = r#"# aws_text PROFILE ARGS...: the answer as words (`--output text`); none when the
# target is already gone.
aws_text() {
  local profile=$1 out status=0
  shift
  if [ -n "$profile" ]; then set -- --profile "$profile" "$@"; fi
  out=$(aws "$@" --output text 2>&1) || status=$?
  if [ "$status" -ne 0 ]; then
    case $out in *NoSuchEntity*) return 0 ;; esac
    printf '%s\n' "$out" >&2
    return "$status"
  fi
  [ "$out" = None ] || printf '%s\n' "$out"
}
"#;

pub(crate) fn render(runbook: &Runbook) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "#!/usr/bin/env bash");
    // Right after the shebang, the directive covers the whole script.
    let _ = writeln!(
        out,
        "# shellcheck disable=SC2016 # the TODO texts quote commands in backticks: printed, never run"
    );
    comment(
        &mut out,
        "",
        &format!(
            "orgexit runbook: the remaining departure steps of {} account{} (reseller {}, phase {}), from {}, written {}.\n\
             orgexit ran none of it. Read it, then run it: `bash runbook.sh` for every account, `bash runbook.sh ACCOUNT_ID...` for some.\n\
             Steps marked TODO are a person's (or the reseller's): the script prints them and goes on. Check again afterwards with\n\
             `orgexit audit --phase post ...`, and compare with `orgexit diff`.",
            runbook.accounts.len(),
            if runbook.accounts.len() == 1 { "" } else { "s" },
            runbook.reseller,
            runbook.phase.as_str(),
            runbook.source,
            runbook.generated_at
        ),
    );
    out.push_str(HEADER);
    let uses = |helper: &str| {
        runbook
            .accounts
            .iter()
            .flat_map(|a| &a.steps)
            .any(|s| match &s.action {
                Action::Commands { commands, .. } => commands
                    .iter()
                    .any(|c| matches!(c, Command::Helper(h, _) if *h == helper)),
                _ => false,
            })
    };
    let helpers: Vec<&str> = HELPERS
        .iter()
        .filter(|(name, _)| uses(name))
        .map(|(_, text)| *text)
        .collect();
    if runbook.accounts.iter().any(waits_for_the_move) {
        out.push('\n');
        out.push_str(AWS_ORG);
    }
    if !helpers.is_empty() {
        out.push('\n');
        out.push_str(AWS_TEXT);
        for helper in helpers {
            out.push('\n');
            out.push_str(helper);
        }
    }
    let break_glass = runbook.accounts.iter().flat_map(|a| &a.steps).any(|s| {
        matches!(&s.action, Action::Commands { commands, .. }
            if commands.iter().any(|c| matches!(c, Command::Aws(args) if args.iter().any(|a| a.contains("${BREAK_GLASS_TRUSTED_ACCOUNT}")))))
    });
    out.push_str(
        "\n# The AWS CLI profile of each account; empty: the environment's credentials.\n",
    );
    for account in &runbook.accounts {
        let _ = writeln!(
            out,
            "{}=\"${{{}:-}}\"",
            profile_var(account),
            profile_var(account)
        );
    }
    if break_glass {
        out.push_str(
            "# The account that may assume the break-glass role (12 digits): set it before running.\n\
             BREAK_GLASS_TRUSTED_ACCOUNT=\"${BREAK_GLASS_TRUSTED_ACCOUNT:-}\"\n",
        );
    }
    for account in &runbook.accounts {
        out.push('\n');
        account_function(&mut out, account);
    }
    let ids: Vec<&str> = runbook
        .accounts
        .iter()
        .map(|a| a.account_id.as_str())
        .collect();
    let _ = write!(
        out,
        r#"
ACCOUNTS=({ids})
if [ "$#" -eq 0 ]; then set -- "${{ACCOUNTS[@]}}"; fi
# Every account asked for must be in the runbook before any runs.
for id in "$@"; do
  case " ${{ACCOUNTS[*]}} " in
    *" $id "*) ;;
    *)
      printf 'runbook: %s is not in this runbook (accounts: %s)\n' "$id" "${{ACCOUNTS[*]}}" >&2
      exit 2
      ;;
  esac
done
for id in "$@"; do
  "account_$id"
done
echo "Done. Check with: orgexit audit --phase post (and orgexit diff OLD.json NEW.json)"
"#,
        ids = ids.join(" ")
    );
    out
}

fn account_function(out: &mut String, account: &AccountRunbook) {
    let _ = writeln!(out, "account_{}() {{", account.account_id);
    let _ = writeln!(out, "  local p=${}", profile_var(account));
    let _ = writeln!(out, "  echo {}", quote(&format!("== {}", account.label())));
    if let Some(error) = &account.error {
        comment(
            out,
            "  ",
            &format!("The account could not be audited: {error}"),
        );
        let _ = writeln!(
            out,
            "  person {}",
            quote("audit it again once it can be reached; nothing is known of it")
        );
    }
    for kept in &account.kept {
        comment(out, "  ", &format!("Left alone: {kept}"));
    }
    if account.steps.is_empty() && account.error.is_none() {
        let _ = writeln!(out, "  echo '  nothing left to do'");
    }
    let mut stage = None;
    for step in &account.steps {
        if stage != Some(step.stage) {
            stage = Some(step.stage);
            match step.stage {
                Stage::BeforeTheMove => {
                    comment(
                        out,
                        "  ",
                        "Before the move: a person does these first, in this order.",
                    );
                }
                Stage::AfterTheMove => {
                    comment(out, "  ", "After the move: the reseller's leftovers.");
                    if let Some(org) = &account.still_in {
                        comment(
                            out,
                            "  ",
                            &format!(
                                "Written while the account was in the reseller's organization {org}: skipped until it has left."
                            ),
                        );
                        let _ = writeln!(
                            out,
                            "  if [ \"$(aws_org \"$p\")\" = {org} ]; then\n    echo {}\n    return 0\n  fi",
                            quote(&format!(
                                "  still in {org}: the cleanup waits until the account has left; run again then"
                            ))
                        );
                    }
                }
            }
        }
        step_lines(out, step);
    }
    out.push_str("}\n");
}

/// `aws_org PROFILE`: the organization the account is in now (what a pre-move runbook
/// waits on before its cleanup).
const AWS_ORG: &str = r#"# aws_org PROFILE: the organization the account is in now (none when it left).
aws_org() {
  local profile=$1
  if [ -n "$profile" ]; then set -- --profile "$profile"; else set --; fi
  aws "$@" organizations describe-organization --query Organization.Id --output text 2>/dev/null || true
}
"#;

fn waits_for_the_move(account: &AccountRunbook) -> bool {
    account.still_in.is_some() && account.steps.iter().any(|s| s.stage == Stage::AfterTheMove)
}

fn step_lines(out: &mut String, step: &Step) {
    let _ = writeln!(out);
    comment(
        out,
        "  ",
        &format!("{} ({}): {}", step.check, step.status.as_str(), step.title),
    );
    match &step.action {
        Action::Person { what, link } => {
            let text = match link {
                Some(link) => format!("{}: {what} {link}", step.title),
                None => format!("{}: {what}", step.title),
            };
            let _ = writeln!(out, "  person {}", quote(&text));
        }
        Action::Reseller { what } => {
            let _ = writeln!(
                out,
                "  person {}",
                quote(&format!("for the reseller: {}: {what}", step.title))
            );
        }
        Action::Commands {
            notes,
            diff,
            commands,
        } => {
            for note in notes {
                comment(out, "  ", note);
            }
            if !diff.is_empty() {
                comment(out, "  ", "The policy, before → after:");
                for line in diff {
                    comment(out, "  ", line);
                }
            }
            for command in commands {
                let (head, args) = match command {
                    Command::Aws(args) => ("run \"$p\"", args),
                    Command::Helper(name, args) => (*name, args),
                };
                let head = match command {
                    Command::Helper(..) => format!("{head} \"$p\""),
                    Command::Aws(_) => head.to_string(),
                };
                let words: Vec<String> = args.iter().map(|a| word(a)).collect();
                let _ = writeln!(out, "  {head} {}", words.join(" "));
            }
        }
    }
}

/// A command word: quoted, except the break-glass account variable, which the shell
/// fills in (double quotes, and `:?` so that an unset variable stops the script).
fn word(arg: &str) -> String {
    const VAR: &str = "${BREAK_GLASS_TRUSTED_ACCOUNT}";
    if !arg.contains(VAR) {
        return quote(arg);
    }
    let escaped = arg
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('`', "\\`")
        .replace('$', "\\$");
    let filled = escaped.replace(
        "\\${BREAK_GLASS_TRUSTED_ACCOUNT}",
        "${BREAK_GLASS_TRUSTED_ACCOUNT:?set BREAK_GLASS_TRUSTED_ACCOUNT at the top of the script}",
    );
    format!("\"{filled}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_leaves_plain_words_and_quotes_the_rest() {
        assert_eq!(
            quote("arn:aws:iam::111122223333:role/CTL-X"),
            "arn:aws:iam::111122223333:role/CTL-X"
        );
        assert_eq!(quote(r#"{"a": "b"}"#), r#"'{"a": "b"}'"#);
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("$(rm -rf /)"), "'$(rm -rf /)'");
    }
}
