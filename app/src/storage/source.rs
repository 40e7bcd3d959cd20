//! A file the user picked, read in slices so a large file is never held whole.

use js_sys::Uint8Array;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[derive(Debug, Clone)]
pub struct FileSource {
    blob: web_sys::Blob,
    pub name: String,
    pub size: u64,
}

impl FileSource {
    pub fn new(file: web_sys::File) -> Self {
        let name = file.name();
        let size = file.size() as u64;
        Self { blob: file.into(), name, size }
    }

    /// Bytes made in the page (an encrypted agent, say), uploaded like a picked file.
    pub fn from_bytes(name: &str, bytes: &[u8]) -> Self {
        let parts = js_sys::Array::of1(&Uint8Array::from(bytes));
        let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).expect("a blob from bytes always builds");
        Self { blob, name: name.to_string(), size: bytes.len() as u64 }
    }

    /// Bytes `start..end` (clamped to the file).
    pub async fn read(&self, start: u64, end: u64) -> Result<Vec<u8>, String> {
        let end = end.min(self.size);
        let slice = self
            .blob
            .slice_with_f64_and_f64(start as f64, end as f64)
            .map_err(|_| "the browser could not slice the file".to_string())?;
        let buffer = JsFuture::from(slice.array_buffer())
            .await
            .map_err(|_| "the file could not be read; was it moved or deleted? Pick it again".to_string())?;
        let buffer: js_sys::ArrayBuffer =
            buffer.dyn_into().map_err(|_| "the file read returned no bytes".to_string())?;
        Ok(Uint8Array::new(&buffer).to_vec())
    }
}

impl zg_core::storage::transfer::FileBytes for FileSource {
    async fn read(&self, start: u64, end: u64) -> Result<Vec<u8>, String> {
        FileSource::read(self, start, end).await
    }
}
