//! `cargo xtask bench`: performance figures. Speed targets live here, never in tests.

use crate::util::{cmd, exec, Result};

pub fn run() -> Result {
    exec(cmd("cargo").args(["run", "--release", "--quiet", "-p", "wasm-light-client", "--example", "bench"]))
}


