//! `cargo xtask demo`: build, then run the devnet in the foreground serving the app.
//! Ctrl-C reaches zg-devnet (same process group), which stops anvil; we then exit.

use crate::util::{cmd, exec, root, Result};

pub fn run(args: &[String]) -> Result {
    crate::build_app::run()?;
    exec(cmd("cargo").args(["build", "--quiet", "-p", "devnet"]))?;
    let port = flag(args, "--port").unwrap_or("8080");
    let rpc_port = flag(args, "--rpc-port").unwrap_or("8545");
    let devnet = root().join("target/debug/zg-devnet");
    println!("starting the devnet; Ctrl-C stops everything");
    let status = cmd(devnet.to_str().expect("utf-8 path"))
        .args(["--dist", "dist", "--port", port, "--rpc-port", rpc_port])
        .status()
        .map_err(|e| format!("could not start zg-devnet: {e}"))?;
    // 130 = stopped by Ctrl-C, which is how a demo ends.
    if status.success() || status.code() == Some(130) || status.code().is_none() {
        Ok(())
    } else {
        Err(format!("zg-devnet exited with {status}"))
    }
}

fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).map(String::as_str)
}
