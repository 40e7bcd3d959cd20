//! `cargo xtask bench`: performance figures. Speed targets live here, never in tests.

use crate::util::{cmd, exec, human_bytes, Result};

pub fn run() -> Result {
    exec(cmd("cargo").args(["run", "--release", "--quiet", "-p", "wasm-light-client", "--example", "bench"]))?;
    match crate::build_app::measure() {
        Ok(r) => println!(
            "\napp wasm (dist/, from the last `cargo xtask build`): {} raw, {} gzip",
            human_bytes(r.raw),
            human_bytes(r.gzip)
        ),
        Err(_) => println!("\napp wasm: no build in dist/; run `cargo xtask build` for its size"),
    }
    Ok(())
}
