//! Reading what a child process (a storage node, a compute provider) writes to its log:
//! the one `PREFIX {json}` line that says it is ready.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use serde::de::DeserializeOwned;

/// Everything the child wrote so far (empty if the log cannot be read).
pub fn text(log: &Path) -> String {
    let mut text = String::new();
    let _ = File::open(log).and_then(|mut f| f.read_to_string(&mut text));
    text
}

/// The JSON after `prefix` on the log's ready line, once that line is complete: the child
/// may be halfway through writing it.
pub fn ready_line<T: DeserializeOwned>(log: &Path, prefix: &str) -> Option<T> {
    let line = text(log)
        .split_inclusive('\n')
        .find_map(|l| l.strip_prefix(prefix).filter(|l| l.ends_with('\n')).map(str::to_owned))?;
    serde_json::from_str(line.trim()).ok()
}
