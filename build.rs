//! Records the git commit the binary is built from, for `orgexit --version`:
//! `ORGEXIT_GIT_COMMIT` when the build is given one (the release workflow, the container
//! build, which has no `.git`), else `git rev-parse` of the checkout, else "unknown" (a
//! build from the crates.io package, which has no repository).

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=ORGEXIT_GIT_COMMIT");
    let commit = std::env::var("ORGEXIT_GIT_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .or_else(from_git)
        .map(|c| c.trim().chars().take(12).collect::<String>())
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=ORGEXIT_GIT_COMMIT={commit}");
}

/// The checkout's commit; rebuilt when HEAD moves (a new commit or another branch).
fn from_git() -> Option<String> {
    let git = |args: &[&str]| -> Option<String> {
        let out = Command::new("git").args(args).output().ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let dir = git(&["rev-parse", "--git-dir"])?;
    println!("cargo:rerun-if-changed={dir}/HEAD");
    if let Some(head) = git(&["symbolic-ref", "-q", "HEAD"]) {
        println!("cargo:rerun-if-changed={dir}/{head}");
        println!("cargo:rerun-if-changed={dir}/packed-refs");
    }
    git(&["rev-parse", "HEAD"])
}
