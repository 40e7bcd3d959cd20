//! Greedy generation from the devnet model, with a native tokens-per-second figure.
//!
//! ```text
//! cargo run --release -p zg-model --example generate [-- "PROMPT" [TOKENS]]
//! ```

use std::time::Instant;
use zg_model::Model;

fn main() {
    let mut args = std::env::args().skip(1);
    let prompts: Vec<String> = match args.next() {
        Some(p) => vec![p],
        None => vec!["The wallet".into(), "An agent".into()],
    };
    let tokens: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(200);
    let model = Model::devnet();
    println!("{}\n", model.description());
    for prompt in &prompts {
        let started = Instant::now();
        let out = model.generate(prompt, tokens, 0.0, 0, &mut |_| true);
        let secs = started.elapsed().as_secs_f64();
        println!("{prompt:?} -> {:?}", out.text);
        println!(
            "  {} prompt + {} new tokens in {:.1} ms: {:.0} tokens/s (greedy, KV cache)\n",
            out.prompt_tokens,
            out.completion_tokens,
            secs * 1e3,
            out.completion_tokens as f64 / secs
        );
    }
}
