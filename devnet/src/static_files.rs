//! The built app's files: URL path → file under `--dist`, with its Content-Type.
//!
//! Owns the traversal guard (no `..`, also percent-encoded; no escaping through symlinks)
//! and the single-page-app fallback: a path without a file extension that names no file is
//! one of the app's routes, so it gets `index.html` and the app's router takes over.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum StaticError {
    #[error(
        "the app's build directory {0} does not exist: build the app with `cargo xtask build`, or pass --dist DIR"
    )]
    MissingDist(PathBuf),
    #[error("{0} has no index.html, so it is not a built app: run `cargo xtask build`, or pass --dist DIR")]
    MissingIndex(PathBuf),
    #[error("could not read the app's build directory {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

/// What a request path resolves to.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    File {
        path: PathBuf,
        content_type: &'static str,
    },
    NotFound,
    /// The path tried to leave the dist directory or was not a valid path; the reason
    /// goes back to the client.
    Refused(&'static str),
}

pub struct StaticFiles {
    root: PathBuf,
}

impl StaticFiles {
    pub fn open(dist: &Path) -> Result<StaticFiles, StaticError> {
        if !dist.is_dir() {
            return Err(StaticError::MissingDist(dist.to_path_buf()));
        }
        let root = dist.canonicalize().map_err(|source| StaticError::Io { path: dist.to_path_buf(), source })?;
        if !root.join("index.html").is_file() {
            return Err(StaticError::MissingIndex(root));
        }
        Ok(StaticFiles { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Resolves the path part of a request URL (query string allowed, it is ignored).
    pub fn lookup(&self, url: &str) -> Lookup {
        let path = url.split(['?', '#']).next().unwrap_or("");
        let Some(decoded) = percent_decode(path) else {
            return Lookup::Refused("the path is not valid percent-encoded UTF-8");
        };
        let mut relative = PathBuf::new();
        for segment in decoded.split('/') {
            match segment {
                "" | "." => {}
                ".." => return Lookup::Refused("paths containing '..' are not served"),
                s if s.contains(['\\', '\0']) => return Lookup::Refused("the path contains a backslash or NUL"),
                s => relative.push(s),
            }
        }

        let candidate = self.root.join(&relative);
        let candidate = if candidate.is_dir() { candidate.join("index.html") } else { candidate };
        if let Some(found) = self.inside_root(&candidate) {
            return Lookup::File { content_type: content_type(&found), path: found };
        }
        let is_route = relative.extension().is_none();
        match is_route.then(|| self.inside_root(&self.root.join("index.html"))).flatten() {
            Some(index) => Lookup::File { path: index, content_type: content_type(Path::new("index.html")) },
            None => Lookup::NotFound,
        }
    }

    /// The canonical file, if it exists and really lies under the root (a symlink in dist
    /// must not lead outside it).
    fn inside_root(&self, path: &Path) -> Option<PathBuf> {
        let real = path.canonicalize().ok()?;
        (real.starts_with(&self.root) && real.is_file()).then_some(real)
    }
}

/// The Content-Type for a file name; browsers need `application/wasm` to stream-compile.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json" | "map") => "application/json",
        Some("webmanifest") => "application/manifest+json",
        Some("ico") => "image/x-icon",
        Some("txt") => "text/plain; charset=utf-8",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Decodes `%XX` escapes; `None` for a malformed escape or non-UTF-8 result.
fn percent_decode(input: &str) -> Option<String> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct TempDist(PathBuf);

    impl TempDist {
        fn new(name: &str) -> TempDist {
            let dir = std::env::temp_dir().join(format!("zg-devnet-static-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(dir.join("assets")).unwrap();
            std::fs::write(dir.join("index.html"), "<!doctype html>").unwrap();
            std::fs::write(dir.join("assets/app.wasm"), b"\0asm").unwrap();
            TempDist(dir)
        }
    }

    impl Drop for TempDist {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn file_name(lookup: Lookup) -> String {
        match lookup {
            Lookup::File { path, .. } => path.file_name().unwrap().to_string_lossy().into_owned(),
            other => panic!("expected a file, got {other:?}"),
        }
    }

    #[test]
    fn serves_files_routes_and_refuses_traversal() {
        let dist = TempDist::new("lookup");
        let files = StaticFiles::open(&dist.0).unwrap();
        assert_eq!(file_name(files.lookup("/")), "index.html");
        assert_eq!(file_name(files.lookup("/assets/app.wasm?v=1")), "app.wasm");
        assert_eq!(file_name(files.lookup("/assets/%61pp.wasm")), "app.wasm");
        assert_eq!(file_name(files.lookup("/agents/42")), "index.html");
        assert_eq!(file_name(files.lookup("/assets")), "index.html");
        assert_eq!(files.lookup("/missing.js"), Lookup::NotFound);
        for bad in ["/../etc/passwd", "/assets/../../x", "/%2e%2e/etc/passwd", "/a/%2E%2E%2Fb", "/a\\..\\b", "/%zz"] {
            assert!(matches!(files.lookup(bad), Lookup::Refused(_)), "{bad}");
        }
    }

    #[test]
    fn refuses_a_missing_or_unbuilt_dist() {
        let missing = std::env::temp_dir().join("zg-devnet-static-does-not-exist");
        assert!(matches!(StaticFiles::open(&missing), Err(StaticError::MissingDist(_))));
        let dist = TempDist::new("unbuilt");
        std::fs::remove_file(dist.0.join("index.html")).unwrap();
        let err = StaticFiles::open(&dist.0).err().unwrap();
        assert!(err.to_string().contains("cargo xtask build"), "{err}");
    }

    #[test]
    fn content_types() {
        let ct = |name: &str| content_type(Path::new(name));
        assert_eq!(ct("app_bg.wasm"), "application/wasm");
        assert_eq!(ct("manifest.webmanifest"), "application/manifest+json");
        assert_eq!(ct("index.HTML"), "text/html; charset=utf-8");
        assert_eq!(ct("app.mjs"), "text/javascript; charset=utf-8");
        assert_eq!(ct("blob"), "application/octet-stream");
    }
}
