//! Running commands from the workspace root with clear failures.

use std::path::{Path, PathBuf};
use std::process::Command;

pub type Result<T = ()> = std::result::Result<T, String>;

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask is inside the workspace").to_path_buf()
}

/// A command run from the root, with `node_modules/.bin` first on PATH so the pinned
/// npm tools (wasm-opt from binaryen) win over anything else installed.
pub fn cmd(program: &str) -> Command {
    let mut c = Command::new(program);
    c.current_dir(root());
    c.env("PATH", tool_path());
    c
}

pub fn tool_path() -> String {
    let root = root();
    let cargo_bin = std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cargo"))
        .join("bin");
    let old = std::env::var("PATH").unwrap_or_default();
    format!("{}:{}:{old}", root.join("node_modules/.bin").display(), cargo_bin.display())
}

/// Runs to completion with inherited output; an error names the command.
pub fn exec(c: &mut Command) -> Result {
    let shown = format!("{c:?}");
    println!("$ {}", describe(c));
    let status = c.status().map_err(|e| format!("could not start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{} failed ({status})", describe(c)))
    }
}

/// Runs and returns stdout, or None if the program is missing or fails.
pub fn output(c: &mut Command) -> Option<String> {
    let out = c.output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

pub fn describe(c: &Command) -> String {
    std::iter::once(c.get_program().to_string_lossy().into_owned())
        .chain(c.get_args().map(|a| a.to_string_lossy().into_owned()))
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn human_bytes(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{:.2} MiB", n as f64 / (1 << 20) as f64)
    } else {
        format!("{:.1} KiB", n as f64 / 1024.0)
    }
}

/// Free bytes on the disk that holds `path`, from `df` (None where `df` cannot tell).
pub fn free_bytes(path: &Path) -> Option<u64> {
    let text = output(Command::new("df").args(["-Pk"]).arg(path))?;
    parse_df_free_kib(&text).map(|kib| kib * 1024)
}

/// The "Available" column of `df -Pk`'s one data line, in KiB.
fn parse_df_free_kib(text: &str) -> Option<u64> {
    text.lines().nth(1)?.split_whitespace().nth(3)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_available_column_of_df() {
        let text = "Filesystem     1024-blocks      Used Available Capacity Mounted on\n/dev/vda         263174212  11534108 251640104       5% /\n";
        assert_eq!(parse_df_free_kib(text), Some(251_640_104));
        assert_eq!(parse_df_free_kib("Filesystem\n"), None);
    }
}
