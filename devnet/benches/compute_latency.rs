//! `cargo xtask bench`: first-token latency and streaming speed through the devnet's
//! 0G Compute provider, as the agent console sees them (a funded sub-account, a 0G session
//! token, a streamed chat of up to 64 answer tokens from SmolLM2 over loopback).
//!
//! Starts its own zg-devnet. Prints one `ZG_COMPUTE_BENCH {json}` line (medians of 9
//! requests after one warm-up). Under `cargo test` (no `--bench` argument) it makes one
//! request and checks the answer streamed, so the target cannot rot.

#[path = "../tests/common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader};
use std::time::Instant;

use alloy_primitives::Address;
use common::compute::{fund, now_ms, token_as, user, ONE_0G};
use common::Devnet;
use serde_json::{json, Value};

struct Sample {
    first_token_ms: f64,
    total_ms: f64,
    tokens: u64,
}

/// One streamed chat: time to the first piece of answer text and to the end of the stream.
fn chat(url: &str, auth: &str, seed: u64) -> Sample {
    let body = json!({
        "model": "SmolLM2-135M-Instruct",
        "messages": [{"role": "user", "content": "What does the agent console do?"}],
        "max_tokens": 64, "temperature": 0.8, "seed": seed, "stream": true,
    });
    let started = Instant::now();
    let response = common::agent()
        .post(&format!("{url}/v1/proxy/chat/completions"))
        .set("Authorization", auth)
        .set("Content-Type", "application/json")
        .send_string(&body.to_string())
        .unwrap_or_else(|e| panic!("chat request failed: {e}"));
    let mut first = None;
    let mut tokens = 0;
    for line in BufReader::new(response.into_reader()).lines() {
        let line = line.expect("reading the stream");
        let Some(data) = line.strip_prefix("data: ") else { continue };
        if data == "[DONE]" {
            break;
        }
        let event: Value = serde_json::from_str(data).unwrap_or_else(|_| panic!("not JSON: {data}"));
        let text = event["choices"][0]["delta"]["content"].as_str().unwrap_or_default();
        if first.is_none() && !text.is_empty() {
            first = Some(started.elapsed());
        }
        if let Some(n) = event["usage"]["completion_tokens"].as_u64() {
            tokens = n;
        }
    }
    let first = first.expect("the stream carried answer text");
    // SmolLM2 may end its answer before 64 tokens; the usage says how many it made.
    assert!((1..=64).contains(&tokens), "the stream ends with its usage: {tokens} tokens");
    Sample { first_token_ms: first.as_secs_f64() * 1e3, total_ms: started.elapsed().as_secs_f64() * 1e3, tokens }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let benching = std::env::args().any(|a| a == "--bench");
    let devnet = Devnet::start();
    let p = &devnet.ready["computeProviders"][0];
    let url = p["url"].as_str().unwrap().to_owned();
    let provider: Address = p["address"].as_str().unwrap().parse().unwrap();
    let alice = user(0);
    fund(&devnet, &alice, provider, 2 * ONE_0G);
    let auth = token_as(&alice.key, alice.address, provider, now_ms() + 3_600_000, 0, 0);
    let warm = chat(&url, &auth, 0);
    if !benching {
        println!("compute_latency: one streamed answer, {} tokens (run with `cargo bench` for figures)", warm.tokens);
        return;
    }
    let samples: Vec<Sample> = (1..=9).map(|seed| chat(&url, &auth, seed)).collect();
    let first = median(samples.iter().map(|s| s.first_token_ms).collect());
    let rate = median(samples.iter().map(|s| s.tokens as f64 * 1e3 / s.total_ms).collect());
    let total = median(samples.iter().map(|s| s.total_ms).collect());
    println!("ZG_COMPUTE_BENCH {{\"firstTokenMs\": {first:.2}, \"tokensPerSec\": {rate:.1}, \"totalMs\": {total:.1}}}");
}
