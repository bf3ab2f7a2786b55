//! Why a read failed, as data.
//!
//! A fact that could not be read keeps one line of reason ([`super::Fact::Error`]), which
//! is what a snapshot stores and what a person reads. That line has a grammar, written
//! by the collector (`aws::error::describe`) and read back here, once:
//!
//! ```text
//! <service>:<Operation>: <Code> (HTTP <status>): <AWS's message>
//! <service>:<Operation>: timed out …  |  connection failed …  |  unrecognised error response …
//! ```
//!
//! optionally after a prefix ("cannot assume arn:…: sts:AssumeRole: AccessDenied …").
//! [`Unread::of`] turns it into what a reader acts on: the action that was refused and
//! the kind of failure. A check in `error` carries it as an item, so the ticket and every
//! other reader use the item, never the sentence.

/// The kind of read failure: who can do something about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The caller's IAM policies do not allow the action: grant it to the audit role.
    Denied,
    /// A service control policy denies it: only the organization's owner can change that.
    DeniedByScp,
    /// AWS asked to slow down: run again (orgexit already retried).
    Throttled,
    /// No answer in time, or no connection.
    TimedOut,
    /// Any other failure (a server error, an answer that is not the service's, an
    /// operation the endpoint does not know).
    Failed,
    /// The fact is not in the snapshot the audit reads.
    NotCollected,
}

impl Failure {
    /// Every kind, in the order of [`Failure::code`]s.
    pub(crate) const ALL: [Failure; 6] = [
        Failure::Denied,
        Failure::DeniedByScp,
        Failure::Throttled,
        Failure::TimedOut,
        Failure::Failed,
        Failure::NotCollected,
    ];

    /// The item kind a check in `error` carries (stable, like every item kind).
    pub fn code(self) -> &'static str {
        match self {
            Failure::Denied => "access-denied",
            Failure::DeniedByScp => "denied-by-scp",
            Failure::Throttled => "throttled",
            Failure::TimedOut => "timed-out",
            Failure::Failed => "read-failed",
            Failure::NotCollected => "not-collected",
        }
    }

    /// The kind an item code names, if it is one of these.
    pub(crate) fn from_code(code: &str) -> Option<Failure> {
        Failure::ALL.into_iter().find(|f| f.code() == code)
    }
}

/// A failed read: the action (e.g. `iam:ListRoles`) when the reason names one, and what
/// kind of failure it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unread {
    pub action: Option<String>,
    pub failure: Failure,
}

/// Error codes AWS services use for "your policies do not allow this".
const DENIED: [&str; 4] = [
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "AuthorizationError",
];
/// Error codes AWS services use for "slow down".
const THROTTLED: [&str; 6] = [
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "SlowDown",
];

impl Unread {
    /// Reads a reason as the collector words it (see the module's grammar).
    pub fn of(reason: &str) -> Unread {
        let Some((at, action)) = first_action(reason) else {
            return Unread {
                action: None,
                failure: Failure::Failed,
            };
        };
        let detail = reason[at + action.len()..]
            .trim_start_matches(':')
            .trim_start();
        let code = detail
            .split(|c: char| c.is_whitespace() || c == ':')
            .next()
            .unwrap_or_default();
        let failure = if DENIED.contains(&code) || detail.contains("(HTTP 403)") {
            if detail.contains("service control policy") {
                Failure::DeniedByScp
            } else {
                Failure::Denied
            }
        } else if THROTTLED.contains(&code) {
            Failure::Throttled
        } else if detail.starts_with("timed out") || detail.starts_with("connection failed") {
            Failure::TimedOut
        } else {
            Failure::Failed
        };
        Unread {
            action: Some(action.to_string()),
            failure,
        }
    }

    /// A fact the snapshot does not hold.
    pub(crate) fn not_collected() -> Unread {
        Unread {
            action: None,
            failure: Failure::NotCollected,
        }
    }
}

/// The first `service:Operation` word of a reason and where it starts.
fn first_action(reason: &str) -> Option<(usize, &str)> {
    let mut at = 0;
    for word in reason.split(' ') {
        let action = word.trim_end_matches([':', ',', ';']);
        if is_action(action) {
            return Some((at, action));
        }
        at += word.len() + 1;
    }
    None
}

/// `iam:ListRoles`, `organizations:ListHandshakesForAccount`: a service prefix, then an
/// operation name.
fn is_action(word: &str) -> bool {
    let Some((service, operation)) = word.split_once(':') else {
        return false;
    };
    !service.is_empty()
        && service
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && operation.starts_with(|c: char| c.is_ascii_uppercase())
        && operation.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_as_the_collector_words_them() {
        let cases = [
            (
                "iam:ListRoles: AccessDenied (HTTP 403): User: arn:aws:sts::1:assumed-role/OrgExitAudit/x is not authorized to perform: iam:ListRoles",
                Some("iam:ListRoles"),
                Failure::Denied,
            ),
            (
                "iam:ListUsers: AccessDenied (HTTP 403): User: arn:aws:sts::1:assumed-role/A/x is not authorized to perform: iam:ListUsers with an explicit deny in a service control policy",
                Some("iam:ListUsers"),
                Failure::DeniedByScp,
            ),
            (
                "organizations:DescribeOrganization: AccessDeniedException (HTTP 400): You don't have permissions",
                Some("organizations:DescribeOrganization"),
                Failure::Denied,
            ),
            (
                "cannot assume arn:aws:iam::1:role/OrgExitAudit: sts:AssumeRole: AccessDenied (HTTP 403): no",
                Some("sts:AssumeRole"),
                Failure::Denied,
            ),
            (
                "s3:ListBuckets: timed out (no answer within the operation timeout)",
                Some("s3:ListBuckets"),
                Failure::TimedOut,
            ),
            (
                "account:GetAlternateContact: connection failed: io error",
                Some("account:GetAlternateContact"),
                Failure::TimedOut,
            ),
            (
                "payments:ListPaymentInstruments: ThrottlingException (HTTP 429): Rate exceeded",
                Some("payments:ListPaymentInstruments"),
                Failure::Throttled,
            ),
            (
                "iam:ListRoles: Throttling (HTTP 400): Rate exceeded",
                Some("iam:ListRoles"),
                Failure::Throttled,
            ),
            (
                "iam:ListGroups: unrecognised error response (HTTP 404, text/html)",
                Some("iam:ListGroups"),
                Failure::Failed,
            ),
            (
                "iam:ListPolicies: ServiceFailure (HTTP 500): try again",
                Some("iam:ListPolicies"),
                Failure::Failed,
            ),
            ("the account is not in the snapshot", None, Failure::Failed),
        ];
        for (reason, action, failure) in cases {
            let unread = Unread::of(reason);
            assert_eq!(unread.action.as_deref(), action, "{reason}");
            assert_eq!(unread.failure, failure, "{reason}");
        }
    }

    /// The message after the code may name other actions ("not authorized to perform:
    /// iam:ListRoles"); the action is the first one, where the collector put it.
    #[test]
    fn the_action_is_the_first_one_named() {
        let unread = Unread::of(
            "iam:ListUsers: AccessDenied (HTTP 403): not authorized to perform: iam:ListRoles",
        );
        assert_eq!(unread.action.as_deref(), Some("iam:ListUsers"));
        assert!(!is_action("arn:aws:iam::1:role/X"));
        assert!(!is_action("https://x"));
    }

    #[test]
    fn codes_are_stable_and_unique() {
        let codes: Vec<&str> = Failure::ALL.iter().map(|f| f.code()).collect();
        assert_eq!(
            codes,
            [
                "access-denied",
                "denied-by-scp",
                "throttled",
                "timed-out",
                "read-failed",
                "not-collected"
            ]
        );
        for failure in Failure::ALL {
            assert_eq!(Failure::from_code(failure.code()), Some(failure));
        }
        assert_eq!(Failure::from_code("reseller-trust"), None);
    }
}
