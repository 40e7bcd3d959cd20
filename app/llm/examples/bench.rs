//! SmolLM2's speed natively, for `cargo xtask bench`: load time, first-token latency (the
//! prompt read and one token made) and tokens/s over a 64-token greedy answer, median of
//! five after a warm-up; and multilingual-e5-small's embeddings per second (a memory
//! entry's length). Prints one `ZG_LLM_BENCH {json}` line.
//!
//! `cargo run --release -p zg-llm --example bench`

use std::time::Instant;
use zg_llm::e5::E5;
use zg_llm::{weights, Message, Sampling, SmolLm};

fn main() {
    let bytes = weights::smollm2().read().unwrap_or_else(|e| panic!("{e}"));
    let started = Instant::now();
    let model = SmolLm::from_bytes(&bytes).expect("SmolLM2 loads");
    let load_ms = started.elapsed().as_secs_f64() * 1e3;
    let prompt = model.prompt(&[Message::new("user", "Tell me a long story about a wallet.")]).unwrap();
    let greedy = Sampling { max_tokens: 64, temperature: 0.0, seed: 0 };
    let run = || {
        let started = Instant::now();
        let mut generator = model.start(&prompt, greedy).unwrap();
        generator.step().unwrap();
        let first = started.elapsed().as_secs_f64() * 1e3;
        while generator.step().unwrap().is_some() {}
        let tokens = generator.completion_tokens();
        (first, tokens as f64 / started.elapsed().as_secs_f64())
    };
    run();
    let mut runs: Vec<(f64, f64)> = (0..5).map(|_| run()).collect();
    runs.sort_by(|a, b| a.1.total_cmp(&b.1));
    let (first, rate) = runs[2];
    let e5 = E5::from_bytes(&weights::e5().read().unwrap_or_else(|e| panic!("{e}"))).expect("e5 loads");
    let entry = "The agent keeps its memory encrypted on 0G Storage, and only its holder can read it.";
    e5.passage(entry).unwrap();
    let started = Instant::now();
    for _ in 0..20 {
        e5.passage(entry).unwrap();
    }
    let embeddings = 20.0 / started.elapsed().as_secs_f64();
    println!(
        "ZG_LLM_BENCH {{\"where\": \"native\", \"loadMs\": {load_ms:.0}, \"firstTokenMs\": {first:.1}, \"tokensPerSec\": {rate:.1}, \"promptTokens\": {}, \"embeddingsPerSec\": {embeddings:.1}}}",
        prompt.len()
    );
}
