use std::process::ExitCode;

/// mimalloc: an audit allocates many small strings (names, ARNs, policies) from several
/// threads at once; the benchmark (`benches/fanout.rs`) measured glibc's malloc and free
/// as a third of the CPU time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    orgexit::commands::run(orgexit::cli::Cli::parse_args())
}
