//! `zg-lc` as a user runs it: exit codes and messages on real fixtures and their forgeries.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn zg_lc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zg-lc")).args(args).output().expect("zg-lc runs")
}

fn temp_file(name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zg-lc-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

fn headers() -> Vec<Value> {
    serde_json::from_str(&std::fs::read_to_string(fixture("anvil-headers.json")).unwrap()).unwrap()
}

fn proofs() -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture("anvil-proofs.json")).unwrap()).unwrap()
}

#[test]
fn valid_headers_exit_0_with_a_summary() {
    let trusted = headers()[0]["hash"].as_str().unwrap().to_string();
    let out = zg_lc(&["verify-headers", fixture("anvil-headers.json").to_str().unwrap(), "--trusted", &trusted]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("ok: 4 headers verified"), "{stdout}");
    assert_eq!(stdout.lines().count(), 1);
}

#[test]
fn forged_headers_exit_1_naming_the_block() {
    let mut h = headers();
    let trusted = h[0]["hash"].as_str().unwrap().to_string();
    h[2]["gasUsed"] = Value::String("0x1".into());
    let path = temp_file("forged-headers.json", &serde_json::to_string(&h).unwrap());
    let out = zg_lc(&["verify-headers", path.to_str().unwrap(), "--trusted", &trusted]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("block 2"));
}

#[test]
fn malformed_input_exits_2() {
    let not_json = temp_file("not-json.json", "this is not json");
    let trusted = format!("0x{}", "00".repeat(32));
    assert_eq!(zg_lc(&["verify-headers", not_json.to_str().unwrap(), "--trusted", &trusted]).status.code(), Some(2));
    let file = fixture("anvil-headers.json");
    assert_eq!(zg_lc(&["verify-headers", file.to_str().unwrap(), "--trusted", "0x12"]).status.code(), Some(2));
    assert_eq!(zg_lc(&["verify-headers", file.to_str().unwrap()]).status.code(), Some(2));
    let missing = temp_file("missing-fields.json", r#"[{"number":"0x1"}]"#);
    assert_eq!(zg_lc(&["verify-headers", missing.to_str().unwrap(), "--trusted", &trusted]).status.code(), Some(2));
    assert_eq!(zg_lc(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn proofs_verify_and_lies_are_caught() {
    let p = proofs();
    let root = p["stateRoot"].as_str().unwrap().to_string();
    let good = temp_file("proof.json", &serde_json::to_string(&p["proofs"][2]).unwrap());
    let out = zg_lc(&["verify-proof", good.to_str().unwrap(), "--state-root", &root]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8(out.stdout).unwrap().contains("3 storage slot(s)"));

    let mut lie = p["proofs"][0].clone();
    lie["balance"] = Value::String("0x1".into());
    let lie = temp_file("lie.json", &serde_json::to_string(&lie).unwrap());
    assert_eq!(zg_lc(&["verify-proof", lie.to_str().unwrap(), "--state-root", &root]).status.code(), Some(1));

    let bad = temp_file("bad-proof.json", r#"{"address":"0x12"}"#);
    assert_eq!(zg_lc(&["verify-proof", bad.to_str().unwrap(), "--state-root", &root]).status.code(), Some(2));
}

/// The same deterministic content `tests/fixtures/storage/gen-roots.mjs` fed 0G's SDK.
fn sdk_file(size: usize) -> Vec<u8> {
    (0..size).map(|i| ((i * 31 + 7) % 251) as u8).collect()
}

#[test]
fn root_prints_the_same_root_as_0g_sdk() {
    let fixture: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("storage/roots.json")).unwrap()).unwrap();
    for entry in fixture["files"].as_array().unwrap().iter().filter(|f| f["size"].as_u64().unwrap() < 600_000) {
        let size = entry["size"].as_u64().unwrap() as usize;
        let path = temp_file(&format!("file-{size}.bin"), "");
        std::fs::write(&path, sdk_file(size)).unwrap();
        let out = zg_lc(&["root", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), entry["root"].as_str().unwrap(), "size {size}");
    }
}

#[test]
fn root_refuses_an_empty_or_missing_file() {
    let empty = temp_file("empty.bin", "");
    let out = zg_lc(&["root", empty.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).is_empty());
    assert_eq!(zg_lc(&["root", "/no/such/file"]).status.code(), Some(2));
}
