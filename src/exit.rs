//! The exit status of every command, in one place: what a script or CI gate reads.

/// 0 every account ready (or the command did what it was asked); 1 some check fail or
/// manual; 2 bad invocation or input, or no account audited; 3 something could not be
/// evaluated (and nothing fail or manual).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Exit {
    Success = 0,
    Blocked = 1,
    Usage = 2,
    Error = 3,
}

impl Exit {
    /// The number the process exits with.
    pub(crate) fn code(self) -> u8 {
        self as u8
    }
}

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.code())
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_contracts_and_order_by_severity() {
        let codes: Vec<u8> = [Exit::Success, Exit::Blocked, Exit::Usage, Exit::Error]
            .into_iter()
            .map(Exit::code)
            .collect();
        assert_eq!(codes, [0, 1, 2, 3]);
        assert_eq!(Exit::Blocked.max(Exit::Error), Exit::Error);
        assert_eq!(Exit::Error.to_string(), "3");
    }
}
