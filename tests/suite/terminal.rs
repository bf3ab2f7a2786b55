//! What a person at a terminal sees, and what a pipe or CI log must not: the progress
//! bar, `--quiet`, colours, completions, the man page and the examples in `--help`.

use crate::common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::*;

/// A port where the base credentials check is answered and every account's calls hang,
/// so each account takes until `--timeout` and a progress bar has time to be drawn.
fn silent_endpoint() -> u16 {
    HangingServer::knowing_the_caller().port
}

/// The environment of an audit against `port`, nothing from the developer's set-up.
fn aws_env(cmd: &mut Command, port: u16) {
    let empty = Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-aws-config");
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TERM", "xterm-256color")
        .env("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}"))
        .env("AWS_ACCESS_KEY_ID", "AKIAORGEXITTEST00001")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", &empty)
        .env("AWS_SHARED_CREDENTIALS_FILE", &empty);
}

const AUDIT: &[&str] = &[
    "audit",
    "--accounts",
    "111111111111,222222222222,333333333333",
    "--role-name",
    "R",
    "--timeout",
    "1",
    "--max-attempts",
    "1",
    "--format",
    "json",
    "--output",
];

/// An audit of three accounts that time out, stderr piped.
fn audit_piped(extra: &[&str]) -> (Output, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_orgexit"));
    aws_env(&mut cmd, silent_endpoint());
    let out = cmd
        .args(extra)
        .args(AUDIT)
        .arg(dir.path().join("report.json"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (out, dir)
}

fn assert_no_bar(stderr: &str) {
    assert!(!stderr.contains('\r'), "no carriage return: {stderr:?}");
    for drawn in ["━", "╸", "auditing", "\u{1b}["] {
        assert!(!stderr.contains(drawn), "{drawn:?} in {stderr:?}");
    }
}

#[test]
fn no_progress_bar_when_stderr_is_not_a_terminal() {
    let (out, dir) = audit_piped(&[]);
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The run said something on stderr (the unreachable accounts) to look through.
    assert!(stderr.contains("account unreachable"), "{stderr}");
    assert_no_bar(&stderr);
    assert!(dir.path().join("report.json").exists());
}

#[test]
fn quiet_silences_warnings_but_not_the_report_or_the_exit_status() {
    let (out, dir) = audit_piped(&["--quiet"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "the exit status still says error"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "",
        "nothing on stderr"
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    assert_eq!(report["summary"]["error"], 3 * 21);

    // Errors still print: bad input under --quiet.
    let out = orgexit()
        .args(["--quiet", "audit", "--accounts", "12345", "--fixture"])
        .arg(repo("fixtures/demo.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("\"12345\""));

    // And the note `collect` prints is a note.
    let dir = tempfile::tempdir().unwrap();
    for (quiet, expect_note) in [(false, true), (true, false)] {
        let mut cmd = orgexit();
        if quiet {
            cmd.arg("-q");
        }
        let out = cmd
            // The ready account: the demo's other accounts hold a failed read, which
            // `collect` reports even under --quiet.
            .args(["collect", "--accounts", "111122223333", "--fixture"])
            .arg(repo("fixtures/demo.json"))
            .arg("--output")
            .arg(dir.path().join("snap.json"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(
            String::from_utf8_lossy(&out.stderr).contains("wrote 1 account to"),
            expect_note
        );
    }
}

#[test]
fn quiet_and_verbose_contradict() {
    let out = orgexit().args(["-q", "-v", "checks"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--quiet"));
}

/// Runs the audit under `script`, which gives it a terminal; the pty's output is stderr
/// (the report goes to a file). `script` comes with util-linux (Debian: bsdutils, an
/// essential package); without it this test fails rather than pass untested.
fn audit_on_a_terminal(extra: &str) -> String {
    assert!(
        Command::new("script").arg("--version").output().is_ok(),
        "`script` (util-linux) is needed to give the audit a terminal: install util-linux/bsdutils"
    );
    let dir = tempfile::tempdir().unwrap();
    let command = format!(
        "{} {extra} {} {}",
        env!("CARGO_BIN_EXE_orgexit"),
        AUDIT.join(" "),
        dir.path().join("report.json").display()
    );
    let mut cmd = Command::new("script");
    aws_env(&mut cmd, silent_endpoint());
    let out = cmd
        .args(["-qec", &command, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(dir.path().join("report.json").exists(), "the audit ran");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_progress_bar_on_a_terminal_unless_quiet() {
    let screen = audit_on_a_terminal("");
    assert!(screen.contains("auditing"), "a bar was drawn: {screen:?}");
    assert!(screen.contains("/3 accounts"), "{screen:?}");
    let screen = audit_on_a_terminal("--quiet");
    assert!(!screen.contains("auditing"), "{screen:?}");
}

/// `--color always` wins over NO_COLOR, for colours and bold alike (no-color.org: a
/// command-line flag may override it); `never` and a pipe under `auto` style nothing.
#[test]
fn colour_follows_color_and_no_color() {
    // (any escape, a colour escape: crossterm paints a foreground as ESC[38;5;Nm)
    let styled = |args: &[&str], no_color: bool| {
        let mut cmd = orgexit();
        if !no_color {
            cmd.env_remove("NO_COLOR");
        }
        let out = cmd
            .args(["--color"])
            .args(args)
            .args(["audit", "--today", "2026-12-06", "--fixture"])
            .arg(repo("fixtures/demo.json"))
            .output()
            .unwrap();
        let text = stdout(&out);
        (text.contains("\u{1b}["), text.contains("\u{1b}[38;5;"))
    };
    assert_eq!(
        styled(&["always"], true),
        (true, true),
        "always wins over NO_COLOR, colours included"
    );
    assert_eq!(styled(&["always"], false), (true, true));
    assert_eq!(styled(&["never"], false), (false, false));
    assert_eq!(styled(&["never"], true), (false, false));
    assert_eq!(
        styled(&["auto"], false),
        (false, false),
        "auto: not a terminal"
    );
}

#[test]
fn completions_for_every_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef orgexit"),
        ("fish", "complete -c orgexit"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[orgexit]"),
    ] {
        let out = orgexit().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = stdout(&out);
        assert!(script.contains(marker), "{shell}: {marker:?} missing");
        assert!(
            script.contains("ticket"),
            "{shell}: the subcommands are in it"
        );
    }
    let out = orgexit().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn man_page_is_roff() {
    let out = orgexit().arg("man").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let page = stdout(&out);
    assert!(
        page.starts_with(".ie") || page.contains(".TH orgexit"),
        "{page}"
    );
    assert!(page.contains(".TH orgexit 1"), "{page}");
    assert!(page.contains("ticket"), "subcommands are listed");
}

#[test]
fn every_subcommand_help_has_examples() {
    let root = orgexit().arg("--help").output().unwrap();
    assert!(stdout(&root).contains("Examples:"));
    for sub in [
        "audit",
        "collect",
        "checks",
        "explain",
        "policy",
        "ticket",
        "schema",
        "completions",
        "man",
    ] {
        let out = orgexit().args([sub, "--help"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{sub}");
        let help = stdout(&out);
        let examples = help
            .split_once("Examples:\n")
            .unwrap_or_else(|| panic!("{sub} --help has no Examples:\n{help}"))
            .1;
        assert!(
            examples
                .lines()
                .next()
                .unwrap()
                .trim_start()
                .starts_with("orgexit "),
            "{sub}: {examples}"
        );
    }
}

/// `--help` groups the options under headings, the global ones (-v, -q, --color) apart
/// from the audit's own: what each is for reads at a glance.
#[test]
fn help_groups_options_under_headings() {
    let help = stdout(&orgexit().args(["audit", "--help"]).output().unwrap());
    // (heading, the text under it), in order.
    let mut sections: Vec<(&str, String)> = Vec::new();
    for line in help.lines().skip_while(|l| !l.starts_with("Options:")) {
        if !line.starts_with(' ') && line.ends_with(':') {
            sections.push((line.trim_end_matches(':'), String::new()));
        } else if let Some((_, text)) = sections.last_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    let headings: Vec<&str> = sections.iter().map(|(h, _)| *h).collect();
    assert_eq!(
        headings,
        [
            "Options",
            "Scope",
            "AWS",
            "Policy inputs",
            "Output",
            "Global options",
            "Examples"
        ],
        "{help}"
    );
    for (heading, flag) in [
        ("Global options", "-v, --verbose"),
        ("Global options", "-q, --quiet"),
        ("Global options", "--color <COLOR>"),
        ("Scope", "--accounts-file <FILE>"),
        ("Scope", "--select <ID,...>"),
        ("AWS", "--role-name <NAME>"),
        ("AWS", "--snapshot <PATH>"),
        ("Policy inputs", "--new-org <o-xxxxxxxxxx>"),
        ("Output", "--format <FORMAT>"),
        ("Output", "--all\n"),
    ] {
        let (_, text) = sections.iter().find(|(h, _)| *h == heading).unwrap();
        assert!(text.contains(flag), "{flag} under {heading}:\n{help}");
    }
    insta::assert_snapshot!("audit_help", help);
    let root = stdout(&orgexit().arg("--help").output().unwrap());
    assert!(
        root.contains("\nGlobal options:\n  -v, --verbose"),
        "{root}"
    );
    insta::assert_snapshot!("root_help", root);
}
