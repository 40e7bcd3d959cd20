//! ARCHITECTURE.md is the codemap a newcomer trusts; this keeps its paths true. Every
//! backticked file or directory it names (a token with a file extension, or ending in `/`)
//! must exist in the repository. Names are matched as path suffixes, because the map
//! writes paths relative to the section they sit in (`storage_node/launch.rs` under
//! `devnet/`). Module names without an extension are not checked: a word like `plan` is
//! too ambiguous to match on.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Build outputs the map describes but a fresh clone does not have yet.
const BUILT: &[&str] = &["dist/", "target/", "pkg/", "node_modules/", "e2e/artifacts/", "contracts/out/"];
/// Named but not files of ours: paths in 0G's repositories the map cites as sources, and
/// `devnet.json`, which zg-devnet serves and never writes.
const NOT_OURS: &[&str] = &["run/config-*-turbo.toml", "contracts/interfaces/", "devnet.json"];
/// Extensions that mark a token as a file name.
const EXTENSIONS: &[&str] =
    &["rs", "toml", "json", "mjs", "js", "sol", "md", "wgsl", "html", "css", "txt", "lock", "sh", "bin"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the workspace").to_path_buf()
}

/// Every file and directory git tracks, as `/`-joined paths relative to the root
/// (directories with a trailing `/`). Tracked files only, so the test sees what a fresh
/// clone has: a build output lying in this checkout must not make a stale name pass.
fn repository_paths() -> BTreeSet<String> {
    let output = std::process::Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(root())
        .output()
        .expect("git on PATH: the test lists the tracked files");
    assert!(output.status.success(), "git ls-files failed: {}", String::from_utf8_lossy(&output.stderr));
    let mut out = BTreeSet::new();
    for file in String::from_utf8_lossy(&output.stdout).split('\0').filter(|f| !f.is_empty()) {
        // Each directory on the way, `a/`, `a/b/`, then the file.
        out.extend(file.match_indices('/').map(|(i, _)| file[..=i].to_string()));
        out.insert(file.to_string());
    }
    out
}

/// The backticked tokens of `text` that name a file or directory.
fn named_paths(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        // Not paths: commands, URLs, flags, HTTP routes (`/file`), placeholders (`out/<Name>.json`).
        .filter(|token| {
            !token.contains(char::is_whitespace)
                && !token.contains("://")
                && !token.starts_with(['-', '/'])
                && !token.contains('<')
        })
        .filter(|token| {
            let name = token.rsplit('/').find(|part| !part.is_empty()).unwrap_or(token);
            token.ends_with('/') && token.len() > 1
                || name.rsplit_once('.').is_some_and(|(stem, ext)| !stem.is_empty() && EXTENSIONS.contains(&ext))
        })
        .map(|token| token.trim_start_matches("./").to_string())
        .collect()
}

fn exists(paths: &BTreeSet<String>, named: &str) -> bool {
    paths.iter().any(|path| path == named || path.ends_with(&format!("/{named}")))
}

#[test]
fn every_path_the_codemap_names_exists() {
    let text = std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md at the root");
    let paths = repository_paths();
    let named = named_paths(&text);
    assert!(named.len() > 50, "the map names only {} paths: is the parser still right?", named.len());
    let missing: Vec<&String> = named
        .iter()
        .filter(|n| !BUILT.iter().any(|built| n.starts_with(built) || n.contains(&format!("/{built}"))))
        .filter(|n| !NOT_OURS.contains(&n.as_str()))
        .filter(|n| !exists(&paths, n))
        .collect();
    assert!(missing.is_empty(), "ARCHITECTURE.md names paths that do not exist: {missing:?}");
}

/// Test data lives under a crate's `tests/fixtures/`, with the script that made it; `src/`
/// holds code only (Rust, WGSL kernels, Solidity under `contracts/src/`).
#[test]
fn source_directories_hold_code_only() {
    let strays: Vec<String> = repository_paths()
        .into_iter()
        .filter(|p| !p.ends_with('/') && (p.starts_with("src/") || p.contains("/src/")))
        .filter(|p| ![".rs", ".wgsl", ".sol"].iter().any(|ext| p.ends_with(ext)))
        .collect();
    assert!(strays.is_empty(), "data files in src/ (move them under the crate's tests/fixtures/): {strays:?}");
}

#[test]
fn the_parser_finds_files_and_directories_and_skips_the_rest() {
    let found = named_paths(
        "`devnet/src/serve.rs` and `bench/` but not `plan`, `cargo xtask test`, `v0.1.0`, `/file/info/:cid`, \
         `out/<Name>.json` or `https://x/y.js`",
    );
    assert_eq!(found, vec!["devnet/src/serve.rs", "bench/"]);
    let paths: BTreeSet<String> = ["devnet/src/storage_node/launch.rs".to_string()].into();
    assert!(exists(&paths, "storage_node/launch.rs"));
    assert!(!exists(&paths, "node/launch.rs"), "a suffix must start at a path boundary");
}
