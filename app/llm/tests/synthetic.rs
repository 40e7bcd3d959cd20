//! The generation loop on a tiny llama with random weights, written as a GGUF by candle:
//! runs everywhere in milliseconds and needs no downloaded file.

use candle_core::quantized::gguf_file::{self, Value};
use candle_core::quantized::{GgmlDType, QTensor};
use candle_core::{Device, Tensor};
use zg_llm::{LlmError, Sampling, SmolLm, CONTEXT};

const HIDDEN: usize = 64;
const FFN: usize = 128;
const LAYERS: usize = 2;

fn byte_chars() -> Vec<String> {
    // GPT-2's map, rebuilt independently of the crate's.
    let mut shifted = 0;
    (0..=255u32)
        .map(|b| {
            let printable = (33..=126).contains(&b) || (161..=172).contains(&b) || (174..=255).contains(&b);
            if printable {
                char::from_u32(b).unwrap().to_string()
            } else {
                shifted += 1;
                char::from_u32(255 + shifted).unwrap().to_string()
            }
        })
        .collect()
}

fn tiny_gguf() -> Vec<u8> {
    let mut tokens = vec!["<|endoftext|>".to_string(), "<|im_start|>".into(), "<|im_end|>".into()];
    tokens.extend(byte_chars());
    let merges = ["Ġ t", "h e", "Ġt he"];
    tokens.extend(["Ġt", "he", "Ġthe"].map(String::from));
    let mut types = vec![3, 3, 3];
    types.resize(tokens.len(), 1);
    let vocab = tokens.len();
    let strings = |v: &[String]| Value::Array(v.iter().cloned().map(Value::String).collect());
    let metadata: Vec<(&str, Value)> = vec![
        ("general.architecture", Value::String("llama".into())),
        ("llama.attention.head_count", Value::U32(2)),
        ("llama.attention.head_count_kv", Value::U32(1)),
        ("llama.block_count", Value::U32(LAYERS as u32)),
        ("llama.embedding_length", Value::U32(HIDDEN as u32)),
        ("llama.rope.dimension_count", Value::U32(32)),
        ("llama.attention.layer_norm_rms_epsilon", Value::F32(1e-5)),
        ("llama.rope.freq_base", Value::F32(10000.0)),
        ("tokenizer.ggml.model", Value::String("gpt2".into())),
        ("tokenizer.ggml.tokens", strings(&tokens)),
        ("tokenizer.ggml.merges", strings(&merges.map(String::from))),
        ("tokenizer.ggml.token_type", Value::Array(types.into_iter().map(Value::I32).collect())),
    ];
    let dev = Device::Cpu;
    let mut seed = 0.0f64;
    let mut matrix = |rows: usize, cols: usize, dtype: GgmlDType| {
        // Deterministic weights: a different sinusoid for each tensor.
        seed += 1.0;
        let values: Vec<f32> = (0..rows * cols).map(|i| (0.3 * ((i as f64 * 0.7 + seed).sin())) as f32).collect();
        QTensor::quantize(&Tensor::from_vec(values, (rows, cols), &dev).unwrap(), dtype).unwrap()
    };
    let ones =
        |n: usize| QTensor::quantize(&Tensor::ones(n, candle_core::DType::F32, &dev).unwrap(), GgmlDType::F32).unwrap();
    let mut tensors: Vec<(String, QTensor)> = vec![
        ("token_embd.weight".into(), matrix(vocab, HIDDEN, GgmlDType::Q8_0)),
        ("output_norm.weight".into(), ones(HIDDEN)),
    ];
    for l in 0..LAYERS {
        let p = |n: &str| format!("blk.{l}.{n}.weight");
        tensors.push((p("attn_norm"), ones(HIDDEN)));
        tensors.push((p("ffn_norm"), ones(HIDDEN)));
        tensors.push((p("attn_q"), matrix(HIDDEN, HIDDEN, GgmlDType::Q4_1)));
        tensors.push((p("attn_k"), matrix(32, HIDDEN, GgmlDType::Q4_1)));
        tensors.push((p("attn_v"), matrix(32, HIDDEN, GgmlDType::Q4_1)));
        tensors.push((p("attn_output"), matrix(HIDDEN, HIDDEN, GgmlDType::Q4_1)));
        tensors.push((p("ffn_gate"), matrix(FFN, HIDDEN, GgmlDType::Q4_1)));
        tensors.push((p("ffn_up"), matrix(FFN, HIDDEN, GgmlDType::Q4_1)));
        tensors.push((p("ffn_down"), matrix(HIDDEN, FFN, GgmlDType::Q4_1)));
    }
    let mut out = std::io::Cursor::new(Vec::new());
    let meta: Vec<(&str, &Value)> = metadata.iter().map(|(k, v)| (*k, v)).collect();
    let tens: Vec<(&str, &QTensor)> = tensors.iter().map(|(k, v)| (k.as_str(), v)).collect();
    gguf_file::write(&mut out, &meta, &tens).unwrap();
    out.into_inner()
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
