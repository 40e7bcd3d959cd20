//! `zg-llm-worker`: the wasm the local model's Web Worker runs (built by trunk from
//! `app/index.html` with `data-type="worker"`). It links what `llm_worker::inside::start`
//! reaches: candle, SmolLM2's tokenizer and the message handling.

fn main() {
    #[cfg(target_arch = "wasm32")]
    zg_console::compute::llm_worker::inside::start();
}
