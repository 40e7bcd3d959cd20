//! The failures of a `node --test` TAP report, for the summary at the end of a run.
//!
//! A CI log keeps its head and tail and drops the middle, where the one failing journey
//! among ninety sits. The e2e step also writes its TAP report to a file; on failure the
//! summary repeats each failing test with the first lines of its diagnosis.

/// Lines of each failure's YAML block kept (the error and where it was thrown).
const DIAGNOSIS_LINES: usize = 12;

/// Each failing test of `tap`: its `not ok` line (indentation trimmed) and the start of
/// its diagnosis. A file whose subtest failed is reported as failing too; both are kept,
/// the file line tells where the subtest lives.
pub fn failures(tap: &str) -> Vec<String> {
    let lines: Vec<&str> = tap.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        if !trimmed.starts_with("not ok ") {
            continue;
        }
        let indent = line.len() - trimmed.len();
        let mut text = trimmed.to_string();
        // The YAML block follows at the same indentation plus two, between `---` and `...`.
        let block = lines[i + 1..]
            .iter()
            .skip_while(|l| l.trim() != "---")
            .skip(1)
            .take_while(|l| l.trim() != "..." && l.len() - l.trim_start().len() > indent)
            .filter(|l| !l.trim_start().starts_with("duration_ms"))
            .take(DIAGNOSIS_LINES);
        for l in block {
            text.push_str("\n      ");
            text.push_str(l.trim_start());
        }
        out.push(text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "\
TAP version 13
# Subtest: /repo/e2e/wallet.test.mjs
    # Subtest: a new user creates a wallet
    ok 1 - a new user creates a wallet
      ---
      duration_ms: 15501.6
      ...
    # Subtest: A edits the agent
    not ok 2 - A edits the agent
      ---
      duration_ms: 2000.1
      failureType: 'testCodeFailure'
      error: 'block 59 is above the node''s head 58'
      code: 'ERR_TEST_FAILURE'
      ...
    1..2
not ok 1 - /repo/e2e/wallet.test.mjs
  ---
  duration_ms: 18000
  failureType: 'subtestsFailed'
  error: '1 subtest failed'
  ...
ok 2 - /repo/e2e/storage.test.mjs
  ---
  duration_ms: 1
  ...
";

    #[test]
    fn each_failure_comes_with_its_error_and_passes_are_left_out() {
        let found = failures(REPORT);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].starts_with("not ok 2 - A edits the agent"));
        assert!(found[0].contains("error: 'block 59 is above the node''s head 58'"));
        assert!(!found[0].contains("duration_ms"));
        assert!(found[1].starts_with("not ok 1 - /repo/e2e/wallet.test.mjs"));
        assert!(found[1].contains("1 subtest failed"));
    }

    #[test]
    fn a_clean_report_has_no_failures() {
        assert!(failures("TAP version 13\nok 1 - x\n  ---\n  duration_ms: 1\n  ...\n1..1\n").is_empty());
    }
}
