//! Errors in what the user gave us, and the small parsers every input path shares.
//!
//! Every bad input becomes one [`InputError`]: one line that names the source (flag or
//! file, with line number where there is one), the bad value and what would be right.
//! The binary prints it and exits 2.

use std::fmt;
use std::path::Path;

/// A bad flag value or input file. `Display` is the one-line message the user sees.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

impl InputError {
    pub(crate) fn new(message: impl fmt::Display) -> Self {
        InputError(message.to_string())
    }
}

/// A 12-digit AWS account ID.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct AccountId(String);

impl AccountId {
    /// Parses an account ID; `origin` says where it came from, for the message.
    pub fn parse(value: &str, origin: &str) -> Result<Self, InputError> {
        let trimmed = value.trim();
        if trimmed.len() == 12 && trimmed.bytes().all(|b| b.is_ascii_digit()) {
            Ok(AccountId(trimmed.to_string()))
        } else {
            Err(InputError::new(format_args!(
                "{origin}: invalid account ID {value:?}: an AWS account ID is exactly 12 digits, e.g. 123456789012"
            )))
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks an endpoint URL (`--endpoint-url`): `http://` or `https://`, a host, an optional
/// port and path, as the AWS CLI takes it.
pub fn parse_endpoint_url(value: &str, origin: &str) -> Result<String, InputError> {
    let bad = |why: &str| {
        InputError::new(format_args!(
            "{origin}: {value:?} is not an endpoint URL ({why}): give one like https://host[:port], e.g. http://127.0.0.1:5000"
        ))
    };
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .ok_or_else(|| bad("it must start with http:// or https://"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    // A host name, an IPv4 address or a bracketed IPv6 one, then an optional :port.
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (address, after) = v6
                .split_once(']')
                .ok_or_else(|| bad("an unclosed [ in the host"))?;
            if address.is_empty()
                || !address
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
            {
                return Err(bad("not a host name or address"));
            }
            match after {
                "" => (v6, None),
                _ => (
                    v6,
                    Some(
                        after
                            .strip_prefix(':')
                            .ok_or_else(|| bad("not a host name or address"))?,
                    ),
                ),
            }
        }
        None => match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    if host.is_empty() {
        return Err(bad("no host"));
    }
    if value.contains(|c: char| c.is_whitespace() || c.is_control())
        || (!authority.starts_with('[')
            && !host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-.".contains(c)))
    {
        return Err(bad("not a host name or address"));
    }
    if let Some(port) = port
        && port.parse::<u16>().map_or(true, |p| p == 0)
    {
        return Err(bad("the port must be a number from 1 to 65535"));
    }
    Ok(value.to_string())
}

/// The AWS partitions whose ARNs orgexit builds.
pub(crate) const PARTITIONS: [&str; 3] = ["aws", "aws-cn", "aws-us-gov"];

/// Parses a partition name (`aws`, `aws-cn`, `aws-us-gov`).
pub(crate) fn parse_partition(value: &str, origin: &str) -> Result<&'static str, InputError> {
    PARTITIONS
        .iter()
        .copied()
        .find(|p| *p == value.trim())
        .ok_or_else(|| {
            InputError::new(format_args!(
                "{origin}: unknown partition {value:?}: use {}",
                PARTITIONS.join(", ")
            ))
        })
}

/// Parses `YYYY-MM-DD`.
pub(crate) fn parse_date(value: &str, origin: &str) -> Result<time::Date, InputError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(value.trim(), &format).map_err(|_| {
        InputError::new(format_args!(
            "{origin}: invalid date {value:?}: expected YYYY-MM-DD, e.g. 2026-12-31"
        ))
    })
}

/// Reads a whole input file, with a message that names it.
pub(crate) fn read_file(path: &Path, what: &str) -> Result<String, InputError> {
    std::fs::read_to_string(path).map_err(|err| {
        InputError::new(format_args!(
            "cannot read {what} {}: {}",
            path.display(),
            io_reason(&err)
        ))
    })
}

fn io_reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::InvalidData => "not UTF-8 text".to_string(),
        _ => err.to_string(),
    }
}

/// Parses TOML into `T`, turning the parser's multi-line diagnostic into one line with
/// the file, line and column.
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(
    text: &str,
    path: &Path,
    what: &str,
) -> Result<T, InputError> {
    toml::from_str(text).map_err(|err| {
        let place = err
            .span()
            .map(|span| {
                let (line, column) = line_column(text, span.start);
                format!(", line {line}, column {column}")
            })
            .unwrap_or_default();
        InputError::new(format_args!(
            "{what} {}{place}: {}",
            path.display(),
            one_line(err.message())
        ))
    })
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Folds a message onto one line.
pub(crate) fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The directory a file is written in (`report.json` is in `.`).
pub(crate) fn directory_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids_are_exactly_twelve_digits() {
        assert!(AccountId::parse("123456789012", "--accounts").is_ok());
        assert_eq!(
            AccountId::parse(" 123456789012 ", "x").unwrap().as_str(),
            "123456789012"
        );
        for bad in [
            "12345678901",
            "1234567890123",
            "12345678901a",
            "",
            "１２３４５６７８９０１２",
        ] {
            let err = AccountId::parse(bad, "--accounts").unwrap_err();
            assert!(err.0.contains("--accounts"), "{err}");
            assert!(err.0.contains("12 digits"), "{err}");
        }
    }

    #[test]
    fn dates_are_iso() {
        assert_eq!(
            parse_date("2026-12-01", "--target-date").unwrap(),
            time::macros::date!(2026 - 12 - 01)
        );
        let err = parse_date("12/01/2026", "--target-date").unwrap_err();
        assert!(err.0.contains("\"12/01/2026\"") && err.0.contains("YYYY-MM-DD"));
    }

    #[test]
    fn line_column_counts_from_one() {
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_column("ab", 0), (1, 1));
    }

    #[test]
    fn endpoint_urls_are_http_with_a_host_and_an_optional_port() {
        for good in [
            "http://127.0.0.1:5000",
            "http://localhost:4566/",
            "https://s3.eu-west-1.amazonaws.com",
            "http://[::1]",
            "http://[::1]:5000/path",
        ] {
            assert_eq!(parse_endpoint_url(good, "--endpoint-url").unwrap(), good);
        }
        for (bad, why) in [
            ("localhost:4566", "it must start with http:// or https://"),
            ("https://", "no host"),
            ("http://:80", "no host"),
            ("http://a:b:80", "the port must be a number from 1 to 65535"),
            (
                "http://host:99999",
                "the port must be a number from 1 to 65535",
            ),
            ("http://[::1", "an unclosed [ in the host"),
            ("http://[zz]:80", "not a host name or address"),
            ("http://user@host", "not a host name or address"),
            ("http://a b", "not a host name or address"),
        ] {
            let err = parse_endpoint_url(bad, "--endpoint-url").unwrap_err();
            assert_eq!(
                err.0,
                format!(
                    "--endpoint-url: {bad:?} is not an endpoint URL ({why}): give one like https://host[:port], e.g. http://127.0.0.1:5000"
                )
            );
        }
    }
}
