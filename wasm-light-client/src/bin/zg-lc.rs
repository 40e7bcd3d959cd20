//! `zg-lc`: the light client's checks for files on disk.
//!
//!   zg-lc verify-headers FILE --trusted HASH   (FILE: JSON array of eth_getBlockByNumber results)
//!   zg-lc verify-proof FILE --state-root HASH  (FILE: an eth_getProof result)
//!   zg-lc root FILE                            (the file's 0G Storage root)
//!
//! Exit 0 with a one-line summary when valid, 1 with the reason when verification fails,
//! 2 on malformed input (unreadable file, not JSON, missing fields, bad hex).

use std::process::ExitCode;

use alloy_primitives::B256;
use serde_json::Value;
use wasm_light_client::{verify_account_proof, verify_header_chain, AccountProofResponse, HeaderError};

const USAGE: &str =
    "usage:\n  zg-lc verify-headers FILE --trusted HASH\n  zg-lc verify-proof FILE --state-root HASH\n  zg-lc root FILE";

enum Failure {
    /// The input is fine but does not verify.
    Invalid(String),
    /// The input cannot be read as what it should be.
    Malformed(String),
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("verify-headers") => with_file_and_hash(&args, "--trusted", verify_headers),
        Some("verify-proof") => with_file_and_hash(&args, "--state-root", verify_proof),
        Some("root") => storage_root(&args),
        Some("-h" | "--help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => Err(Failure::Malformed(USAGE.into())),
    };
    match result {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(Failure::Invalid(why)) => {
            eprintln!("zg-lc: verification failed: {why}");
            ExitCode::from(1)
        }
        Err(Failure::Malformed(why)) => {
            eprintln!("zg-lc: {why}");
            ExitCode::from(2)
        }
    }
}

fn with_file_and_hash(
    args: &[String],
    flag: &str,
    check: fn(&str, B256) -> Result<String, Failure>,
) -> Result<String, Failure> {
    let file = args.get(1).filter(|a| !a.starts_with("--")).ok_or_else(|| Failure::Malformed(USAGE.into()))?;
    let hash = args
        .iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
        .ok_or_else(|| Failure::Malformed(format!("missing {flag} HASH\n{USAGE}")))?;
    let hash: B256 = hash
        .parse()
        .map_err(|_| Failure::Malformed(format!("{flag} {hash:?} is not a 0x-prefixed 32-byte hex hash")))?;
    let text = std::fs::read_to_string(file).map_err(|e| Failure::Malformed(format!("cannot read {file}: {e}")))?;
    check(&text, hash)
}

/// Hashes the file in slices, so a large file is never held whole in memory.
fn storage_root(args: &[String]) -> Result<String, Failure> {
    use std::io::Read;
    let file = args.get(1).ok_or_else(|| Failure::Malformed(USAGE.into()))?;
    let mut reader = std::fs::File::open(file).map_err(|e| Failure::Malformed(format!("cannot read {file}: {e}")))?;
    let mut hasher = wasm_light_client::storage::FileHasher::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = reader.read(&mut buf).map_err(|e| Failure::Malformed(format!("cannot read {file}: {e}")))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    let tree = hasher.finalize().map_err(|e| Failure::Malformed(e.to_string()))?;
    Ok(tree.root().to_string())
}

fn verify_headers(text: &str, trusted: B256) -> Result<String, Failure> {
    let blocks: Vec<Value> =
        serde_json::from_str(text).map_err(|e| Failure::Malformed(format!("not a JSON array of blocks: {e}")))?;
    match verify_header_chain(trusted, &blocks) {
        Ok(v) => {
            let (first, last) = (v.first().expect("non-empty"), v.last().expect("non-empty"));
            Ok(format!(
                "ok: {} headers verified, blocks {}..={}, tip {}",
                v.len(),
                first.number(),
                last.number(),
                last.hash
            ))
        }
        Err(e @ (HeaderError::Malformed { .. } | HeaderError::Empty)) => Err(Failure::Malformed(e.to_string())),
        Err(e) => Err(Failure::Invalid(e.to_string())),
    }
}

fn verify_proof(text: &str, state_root: B256) -> Result<String, Failure> {
    let response: AccountProofResponse =
        serde_json::from_str(text).map_err(|e| Failure::Malformed(format!("not an eth_getProof result: {e}")))?;
    let account = verify_account_proof(state_root, &response).map_err(|e| Failure::Invalid(e.to_string()))?;
    Ok(format!(
        "ok: account {} balance {} wei nonce {} with {} storage slot(s) proven against {state_root}",
        account.address.to_checksum(None),
        account.balance,
        account.nonce,
        account.storage.len()
    ))
}
