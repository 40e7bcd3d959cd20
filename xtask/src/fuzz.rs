//! `cargo xtask fuzz [seconds]`: every cargo-fuzz target of `wasm-light-client/fuzz/` for
//! `seconds` each (default 60), one at a time on one core, debug assertions on. Fails if any
//! target finds a crash (libFuzzer leaves the input in `fuzz/artifacts/<target>/`). Needs
//! nightly Rust; installs cargo-fuzz when missing. Never part of `cargo xtask test`.

use crate::util::{cmd, exec, output, root, Result};

/// Targets and the libFuzzer options each needs beyond the time limit.
const TARGETS: [(&str, &[&str]); 4] = [
    // The captured header array is about 7.5 KB: let inputs be that long.
    ("header_json", &["-max_len=16384"]),
    ("header_rlp", &[]),
    ("account_proof", &[]),
    ("storage_segment", &[]),
];

pub fn run(args: &[String]) -> Result {
    let seconds: u64 = match args.first() {
        Some(s) => s.parse().map_err(|_| format!("fuzz takes a number of seconds per target, not {s:?}"))?,
        None => 60,
    };
    let toolchains = output(cmd("rustup").args(["toolchain", "list"])).unwrap_or_default();
    if !toolchains.lines().any(|l| l.starts_with("nightly")) {
        return Err("fuzzing needs nightly Rust: `rustup toolchain install nightly`".into());
    }
    if output(cmd("cargo").args(["fuzz", "--version"])).is_none() {
        println!("installing cargo-fuzz (first run only)");
        exec(cmd("cargo").args(["install", "cargo-fuzz", "--locked"]))?;
    }
    let fuzz_dir = root().join("wasm-light-client/fuzz");
    // Seeds: the captured headers as JSON (libFuzzer reads every corpus directory given).
    let json_corpus = fuzz_dir.join("corpus/header_json");
    std::fs::create_dir_all(&json_corpus).map_err(|e| format!("creating {}: {e}", json_corpus.display()))?;
    let fixture = root().join("wasm-light-client/tests/fixtures/anvil-headers.json");
    std::fs::copy(&fixture, json_corpus.join("seed-anvil-headers.json"))
        .map_err(|e| format!("copying {}: {e}", fixture.display()))?;

    exec(cmd("cargo").args(["+nightly", "fuzz", "build", "--debug-assertions"]).current_dir(&fuzz_dir))?;
    let mut failed = Vec::new();
    for (target, extra) in TARGETS {
        let corpus = format!("corpus/{target}");
        std::fs::create_dir_all(fuzz_dir.join(&corpus)).map_err(|e| format!("creating {corpus}: {e}"))?;
        let mut c = cmd("cargo");
        c.args(["+nightly", "fuzz", "run", "--debug-assertions", "--jobs", "1", target, &corpus]);
        let seeds = fuzz_dir.join("seeds").join(target);
        if seeds.is_dir() {
            c.arg(format!("seeds/{target}"));
        }
        c.args(["--", &format!("-max_total_time={seconds}"), "-print_final_stats=1"]).args(extra);
        if let Err(e) = exec(c.current_dir(&fuzz_dir)) {
            eprintln!("{e}");
            failed.push(target);
        }
    }
    if failed.is_empty() {
        println!("fuzz: {} targets, {seconds} s each, no crash", TARGETS.len());
        Ok(())
    } else {
        Err(format!(
            "crashes in {}: inputs in wasm-light-client/fuzz/artifacts/<target>/ \
             (replay: cd wasm-light-client/fuzz && cargo +nightly fuzz run <target> <file>)",
            failed.join(", ")
        ))
    }
}
