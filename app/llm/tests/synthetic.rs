//! The generation loop on a tiny llama with random weights, written as a GGUF by candle:
//! runs everywhere in milliseconds and needs no downloaded file.

use zg_llm::synthetic::{self, Shape};
use zg_llm::{LlmError, Sampling, SmolLm, CONTEXT};

const HIDDEN: usize = Shape::SMALL.hidden;
const FFN: usize = Shape::SMALL.ffn;
const LAYERS: usize = Shape::SMALL.layers;

fn tiny_gguf() -> Vec<u8> {
    synthetic::gguf(Shape::SMALL)
}

fn greedy(max_tokens: usize) -> Sampling {
    Sampling { max_tokens, temperature: 0.0, seed: 1 }
}

fn argmax(v: &[f32]) -> u32 {
    v.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).unwrap().0 as u32
}

#[test]
fn loads_a_gguf_and_counts_its_parameters() {
    let model = SmolLm::from_bytes(&tiny_gguf()).unwrap();
    let vocab = model.tokenizer().vocabulary();
    let per_layer = 2 * HIDDEN + HIDDEN * HIDDEN * 2 + 2 * 32 * HIDDEN + 3 * FFN * HIDDEN;
    assert_eq!(model.parameters(), vocab * HIDDEN + HIDDEN + LAYERS * per_layer);
    assert_eq!(model.tokenizer().decode(&model.tokenizer().encode(" the")), " the");
}

#[test]
fn each_generated_token_is_the_one_a_fresh_pass_would_choose() {
    // 300 prompt tokens: the prompt is fed in two chunks, then one token at a time with the
    // attention cache. Recomputing from scratch at every step must agree.
    let model = SmolLm::from_bytes(&tiny_gguf()).unwrap();
    let prompt: Vec<u32> = (0..300).map(|i| 3 + (i * 7 % 250) as u32).collect();
    let mut ids = Vec::new();
    let end = model.tokenizer().id("<|im_end|>").unwrap();
    let generation = model.generate(&prompt, greedy(12), &mut |_| true).unwrap();
    let mut context = prompt.clone();
    for _ in 0..generation.completion_tokens {
        let next = argmax(&model.next_logits(&context).unwrap());
        ids.push(next);
        if next == end {
            break;
        }
        context.push(next);
    }
    let expected: Vec<u32> = ids.iter().copied().filter(|&i| i != end).collect();
    assert_eq!(generation.text, model.tokenizer().decode(&expected));
    assert!(generation.completion_tokens >= 1);
}

#[test]
fn sampling_is_reproducible_by_seed() {
    let model = SmolLm::from_bytes(&tiny_gguf()).unwrap();
    let prompt = model.prompt(&[zg_llm::Message::new("user", "the")]).unwrap();
    let warm = |seed| Sampling { max_tokens: 16, temperature: 1.5, seed };
    let a = model.generate(&prompt, warm(7), &mut |_| true).unwrap();
    let b = model.generate(&prompt, warm(7), &mut |_| true).unwrap();
    assert_eq!(a, b);
    let others: Vec<_> = (8..12).map(|s| model.generate(&prompt, warm(s), &mut |_| true).unwrap().text).collect();
    assert!(others.iter().any(|t| *t != a.text), "another seed gives another answer");
}

#[test]
fn a_callback_stops_generation_where_it_is() {
    let model = SmolLm::from_bytes(&tiny_gguf()).unwrap();
    let prompt: Vec<u32> = (3..40).collect();
    let mut pieces = Vec::new();
    let g = model
        .generate(&prompt, greedy(20), &mut |p| {
            pieces.push(p.to_string());
            pieces.len() < 2
        })
        .unwrap();
    assert!(g.stopped_early);
    assert_eq!(pieces.len(), 2);
    assert_eq!(g.text, pieces.concat());
}

#[test]
fn too_long_empty_and_broken_inputs_are_refused_by_name() {
    let bytes = tiny_gguf();
    let model = SmolLm::from_bytes(&bytes).unwrap();
    let long = vec![5u32; CONTEXT - 10];
    match model.generate(&long, greedy(11), &mut |_| true) {
        Err(LlmError::TooLong { prompt, answer: 11, context: CONTEXT }) => assert_eq!(prompt, CONTEXT - 10),
        other => panic!("{other:?}"),
    }
    assert!(matches!(model.generate(&[], greedy(1), &mut |_| true), Err(LlmError::EmptyPrompt)));
    let cut = SmolLm::from_bytes(&bytes[..bytes.len() / 2]).unwrap_err();
    assert!(matches!(cut, LlmError::Weights(_)), "{cut}");
    assert!(SmolLm::from_bytes(b"not a gguf").is_err());
}
