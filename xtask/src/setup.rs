//! Installs the pinned tools a fresh machine lacks. Every step first checks what is
//! there, so a warm run costs a few version queries.
//!
//! Versions live in one place: trunk below, wasm-bindgen from Cargo.lock (the CLI must
//! equal the library), npm packages in package-lock.json, models in models/manifest.txt.

use crate::util::{cmd, exec, output, root, Result};

/// trunk 0.22 needs a newer rustc than the machine's 1.95.
pub const TRUNK_VERSION: &str = "0.21.14";
/// Installed only where the machine has no cargo-nextest of its own.
pub const NEXTEST_VERSION: &str = "0.9.143";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

#[derive(Clone, Copy, Default)]
pub struct Needs {
    pub browser: bool,
}

pub fn run(needs: Needs) -> Result {
    wasm_target()?;
    npm_packages()?;
    contracts()?;
    cargo_tool("trunk", "trunk", TRUNK_VERSION, &["--locked"])?;
    // wasm-bindgen-cli's own lock pins a crate the registry no longer serves: no --locked.
    cargo_tool("wasm-bindgen", "wasm-bindgen-cli", &wasm_bindgen_version()?, &[])?;
    nextest()?;
    crate::models::fetch_all()?;
    if needs.browser {
        browser()?;
    }
    Ok(())
}

fn wasm_target() -> Result {
    let installed = output(cmd("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        return Ok(());
    }
    exec(cmd("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

fn npm_packages() -> Result {
    let root = root();
    let lock = root.join("package-lock.json");
    let installed = root.join("node_modules/.package-lock.json");
    let fresh = match (std::fs::metadata(&lock), std::fs::metadata(&installed)) {
        (Ok(l), Ok(i)) => i.modified().ok() >= l.modified().ok(),
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    exec(cmd("npm").args(["ci", "--no-audit", "--no-fund"])).map_err(|e| {
        format!("{e}\n  npm packages are needed (anvil, wasm-opt, playwright-core): is Node 20+ installed?")
    })
}

/// Compiles contracts/ with the pinned solc-js into contracts/out/ (skipped when
/// unchanged); the devnet deploys from there and tests read the artifacts.
pub fn contracts() -> Result {
    exec(cmd("node").arg(root().join("contracts/build.mjs")))
}

fn cargo_tool(bin: &str, package: &str, version: &str, extra: &[&str]) -> Result {
    let have = output(cmd(bin).arg("--version")).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(version) {
        return Ok(());
    }
    println!("installing {package} {version} (first run only; several minutes on 2 cores)");
    exec(cmd("cargo").args(["install", package, "--version", version]).args(extra))
}

/// The machine's cargo-nextest is used as it is (`.config/nextest.toml` states the oldest
/// that reads its settings); a machine without one gets the pinned version.
fn nextest() -> Result {
    if output(cmd("cargo").args(["nextest", "--version"])).is_some() {
        return Ok(());
    }
    println!("installing cargo-nextest {NEXTEST_VERSION} (first run only; several minutes on 2 cores)");
    exec(cmd("cargo").args(["install", "cargo-nextest", "--version", NEXTEST_VERSION, "--locked"]))
}

/// The wasm-bindgen version Cargo.lock resolved; the CLI must match it exactly.
pub fn wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).map_err(|e| format!("reading Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen entry; run `cargo build` once".into())
}

/// A Korean font for the Korean journey's screenshots: without one, headless Chromium
/// draws Hangul as empty boxes (the text itself, which the tests read, is right either way).
const KOREAN_FONT: &str = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf";

fn browser() -> Result {
    let have = |p: &str| std::path::Path::new(p).exists();
    if have(CHROMIUM) && have(CHROMEDRIVER) && have(KOREAN_FONT) {
        return Ok(());
    }
    let can_apt = output(cmd("sh").args(["-c", "command -v apt-get"])).is_some()
        && output(cmd("id").arg("-u")).as_deref() == Some("0");
    if !can_apt {
        return Err(format!(
            "the browser tests need Chromium at {CHROMIUM}, chromedriver at {CHROMEDRIVER} and a Korean font \
             at {KOREAN_FONT}; install them (Debian/Ubuntu: `apt-get install chromium chromium-driver \
             fonts-nanum`) and run again"
        ));
    }
    exec(cmd("apt-get").arg("update"))?;
    exec(
        cmd("apt-get")
            .args(["install", "-y", "--no-install-recommends", "chromium", "chromium-driver", "fonts-nanum"])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}
