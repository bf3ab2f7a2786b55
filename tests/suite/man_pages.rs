//! `orgexit man`: a page for orgexit and for every subcommand, each naming all its options,
//! so the main page's `orgexit-audit(1)` references lead somewhere.

use crate::common;

use std::collections::BTreeSet;

use common::orgexit;
use orgexit::cli::Cli;

/// How a man page prints an option: roff escapes every `-`.
fn roff(option: &str) -> String {
    format!("\\fB{}\\fR", option.replace('-', "\\-"))
}

/// The options `--help` shows for a command (globals included, hidden ones not).
fn options(cmd: &clap::Command) -> Vec<String> {
    cmd.get_arguments()
        .filter(|a| !a.is_hide_set() && !a.is_positional())
        .filter_map(|a| a.get_long().map(|long| format!("--{long}")))
        .collect()
}

#[test]
fn every_subcommand_has_a_page_that_names_all_its_options() {
    let dir = tempfile::tempdir().unwrap();
    let out = orgexit()
        .args(["man", "--dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "--dir writes files, prints nothing");

    let mut cli = Cli::definition();
    cli.build();
    let written: BTreeSet<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let mut expected = BTreeSet::from(["orgexit.1".to_string()]);
    let subcommands: Vec<_> = cli
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        .collect();
    assert!(
        subcommands.len() >= 9,
        "every subcommand: {}",
        subcommands.len()
    );
    for sub in &subcommands {
        let file = format!("orgexit-{}.1", sub.get_name());
        expected.insert(file.clone());
        let page = std::fs::read_to_string(dir.path().join(&file))
            .unwrap_or_else(|e| panic!("no page {file}: {e}"));
        assert!(
            page.contains(&format!(
                ".TH orgexit-{} 1  \"orgexit {}\"",
                sub.get_name(),
                env!("CARGO_PKG_VERSION")
            )),
            "{file} is titled after its command:\n{}",
            page.lines().take(4).collect::<Vec<_>>().join("\n")
        );
        for option in options(sub) {
            assert!(
                page.contains(&roff(&option)),
                "{file} does not name {option}"
            );
        }
    }
    assert_eq!(written, expected);

    let main = std::fs::read_to_string(dir.path().join("orgexit.1")).unwrap();
    for sub in &subcommands {
        // The SUBCOMMANDS section points at each page, which now exists.
        assert!(
            main.contains(&format!("orgexit\\-{}(1)", sub.get_name())),
            "orgexit.1 does not refer to orgexit-{}(1)",
            sub.get_name()
        );
    }
    for option in options(&cli) {
        assert!(
            main.contains(&roff(&option)),
            "orgexit.1 does not name {option}"
        );
    }
    let audit = std::fs::read_to_string(dir.path().join("orgexit-audit.1")).unwrap();
    for option in [
        "--accounts-file",
        "--role-name",
        "--phase",
        "--attestations",
        "--also",
    ] {
        assert!(audit.contains(&roff(option)), "orgexit-audit.1: {option}");
    }
    assert!(
        !audit.contains(&roff("--today")),
        "hidden options stay hidden"
    );

    let printed = orgexit().arg("man").output().unwrap();
    assert!(printed.status.success());
    assert_eq!(
        String::from_utf8(printed.stdout).unwrap(),
        main,
        "no --dir: the main page"
    );
}

#[test]
fn a_missing_dir_exits_2_saying_to_create_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("man1");
    let out = orgexit()
        .args(["man", "--dir"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "--dir {}: not a directory; create it first",
            missing.display()
        )),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
