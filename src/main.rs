use std::process::ExitCode;

fn main() -> ExitCode {
    orgexit::commands::run(orgexit::cli::Cli::parse_args())
}
