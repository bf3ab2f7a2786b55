//! A table cell's text wrapped to its column before comfy-table sees it, so that an ARN
//! or an ID is never cut where a character count falls (comfy-table cuts a word longer
//! than its column anywhere, and drops the indent of the rest).
//!
//! Words break at spaces. A token that does not fit in what is left of a line goes whole
//! to the next one; one longer than the whole column breaks only after its separators
//! (`:` and `/` first; within a name, `-`, `_`, `.`, `,` or `@`). An indented line (a
//! resource under its finding) continues two columns deeper, so its next line cannot be
//! read as another resource. Only a run with no separator, longer than the column, is cut.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Where an ARN or path breaks first.
const MAJOR: &[char] = &[':', '/'];
/// Where a name within it breaks, when a piece between major separators is still too long.
const MINOR: &[char] = &['-', '_', '.', ',', '@'];

/// The narrowest column wrapped: below it every line is kept whole (a terminal this narrow
/// wraps anyway, and a whole token at least survives a copy).
const NARROWEST: usize = 12;

/// `text` with each of its lines wrapped to `width` columns.
pub(crate) fn wrap(text: &str, width: usize) -> String {
    if width < NARROWEST {
        return text.to_string();
    }
    let mut out = Vec::new();
    for line in text.split('\n') {
        wrap_line(line, width, &mut out);
    }
    out.join("\n")
}

fn wrap_line(line: &str, width: usize, out: &mut Vec<String>) {
    let words = line.trim_start_matches(' ');
    let indent = &line[..line.len() - words.len()];
    // A summary's next line starts where it did; a resource's is two columns deeper.
    let continuation = if indent.is_empty() {
        String::new()
    } else {
        format!("{indent}  ")
    };
    let mut current = Line::new(indent);
    for word in words.split(' ').filter(|w| !w.is_empty()) {
        if current.fits(word, width) {
            current.push(word);
            continue;
        }
        if current.has_words {
            out.push(std::mem::replace(&mut current, Line::new(&continuation)).text);
        }
        if current.fits(word, width) {
            current.push(word);
            continue;
        }
        // Longer than a line: its pieces, packed without spaces between them.
        let room = width.saturating_sub(continuation.width()).max(1);
        for piece in pieces(word, room) {
            if current.has_words && current.width + piece.width() > width {
                out.push(std::mem::replace(&mut current, Line::new(&continuation)).text);
            }
            current.text.push_str(piece);
            current.width += piece.width();
            current.has_words = true;
        }
    }
    out.push(current.text);
}

/// A line being filled.
struct Line {
    text: String,
    width: usize,
    has_words: bool,
}

impl Line {
    fn new(indent: &str) -> Self {
        Line {
            text: indent.to_string(),
            width: indent.width(),
            has_words: false,
        }
    }

    /// Whether `word` fits after what the line holds (and a space, if it holds words).
    fn fits(&self, word: &str, width: usize) -> bool {
        self.width + usize::from(self.has_words) + word.width() <= width
    }

    fn push(&mut self, word: &str) {
        if self.has_words {
            self.text.push(' ');
            self.width += 1;
        }
        self.text.push_str(word);
        self.width += word.width();
        self.has_words = true;
    }
}

/// `word` cut after its separators into pieces of at most `room` columns: after the major
/// ones, then the minor ones within a piece still too long, then anywhere.
fn pieces(word: &str, room: usize) -> Vec<&str> {
    let mut out = Vec::new();
    for major in split_after(word, MAJOR) {
        if major.width() <= room {
            out.push(major);
            continue;
        }
        for minor in split_after(major, MINOR) {
            if minor.width() <= room {
                out.push(minor);
            } else {
                out.extend(cut(minor, room));
            }
        }
    }
    out
}

/// `word` in pieces, each ending just after one of `separators` (the last, where it ends).
fn split_after<'a>(word: &'a str, separators: &[char]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (at, c) in word.char_indices() {
        if separators.contains(&c) {
            let end = at + c.len_utf8();
            out.push(&word[start..end]);
            start = end;
        }
    }
    if start < word.len() {
        out.push(&word[start..]);
    }
    out
}

/// A run with no separator, in pieces of at most `room` columns.
fn cut(run: &str, room: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut width = 0;
    for (at, c) in run.char_indices() {
        let w = c.width().unwrap_or(0);
        if width + w > room && at > start {
            out.push(&run[start..at]);
            start = at;
            width = 0;
        }
        width += w;
    }
    out.push(&run[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn widest(text: &str) -> usize {
        text.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
    }

    #[test]
    fn an_arn_that_fits_a_line_goes_whole_to_the_next() {
        let arn = "arn:aws:iam::111122223333:policy/CTL-Optimization-Tags";
        let text = format!("the policies {arn} and more");
        let wrapped = wrap(&text, 60);
        assert_eq!(wrapped, format!("the policies\n{arn} and\nmore"));
    }

    #[test]
    fn an_arn_longer_than_the_column_breaks_after_its_separators() {
        let arn = "arn:aws:iam::111122223333:policy/CTL-Optimization-Tags";
        let wrapped = wrap(&format!("  {arn}"), 40);
        assert_eq!(
            wrapped,
            "  arn:aws:iam::111122223333:policy/\n    CTL-Optimization-Tags"
        );
        assert!(widest(&wrapped) <= 40);
    }

    #[test]
    fn a_name_longer_than_the_column_breaks_within_at_its_own_separators() {
        let arn = "arn:aws:cloudformation:us-east-1:222233334444:stack/StackSet-AWSControlTowerBP-BASELINE-CONFIG-0a1b2c3d-4e5f-6789-abcd-ef0123456789/0a1b2c3d";
        let wrapped = wrap(&format!("  {arn}"), 46);
        for line in wrapped.lines() {
            assert!(line.width() <= 46, "{line:?} in\n{wrapped}");
        }
        // Every break falls just after a separator, and the pieces make the ARN again.
        let lines: Vec<&str> = wrapped.lines().collect();
        for line in &lines[..lines.len() - 1] {
            let last = line.chars().last().unwrap();
            assert!(MAJOR.contains(&last) || MINOR.contains(&last), "{line:?}");
        }
        let joined: String = lines.iter().map(|l| l.trim_start()).collect();
        assert_eq!(joined, arn);
    }

    #[test]
    fn only_a_run_without_separators_longer_than_the_column_is_cut() {
        let run = "x".repeat(30);
        let wrapped = wrap(&run, 12);
        assert!(widest(&wrapped) <= 12, "{wrapped}");
        assert_eq!(wrapped.replace(['\n', ' '], ""), run);
    }

    #[test]
    fn prose_wraps_at_spaces_and_keeps_its_lines() {
        let text = "one two three four five six\n  resource is long here";
        assert_eq!(
            wrap(text, 14),
            "one two three\nfour five six\n  resource is\n    long here"
        );
    }
}
