//! SmolLM2-135M-Instruct itself, against the known answers in `../shared/models/` (an
//! independent f32 reference run on the dequantized GGUF) and Hugging Face's tokenizer.
//! The weights come from `cargo xtask setup`; without them these tests fail and say so.

use std::sync::OnceLock;
use zg_llm::{weights, Message, Sampling, SmolLm};

/// `golden_smollm2.json`'s numbers, kept here so the test does not depend on a file outside
/// the repository.
const PROMPT_IDS: [u32; 16] = [1, 4093, 198, 1780, 314, 260, 3575, 282, 4649, 47, 2, 198, 1, 520, 9531, 198];
const TOP5_IDS: [u32; 5] = [504, 60, 38634, 15319, 7026];
const TOP5_LOGITS: [f32; 5] = [27.858_755, 26.129_505, 26.101_53, 25.962_28, 25.181_38];
const GREEDY_IDS: [u32; 8] = [504, 3575, 282, 4649, 314, 7042, 30, 2];
const GREEDY_TEXT: &str = "The capital of France is Paris.";

fn model() -> &'static SmolLm {
    static MODEL: OnceLock<SmolLm> = OnceLock::new();
    MODEL.get_or_init(|| {
        let bytes = weights::smollm2().read().unwrap_or_else(|e| panic!("{e}"));
        SmolLm::from_bytes(&bytes).unwrap()
    })
}

#[test]
fn the_france_prompt_tokenizes_as_the_reference_does() {
    let t = model().tokenizer();
    let ids = model().prompt(&[Message::new("user", "What is the capital of France?")]).unwrap();
    assert_eq!(ids, PROMPT_IDS);
    assert_eq!(t.decode(&ids), "user\nWhat is the capital of France?\nassistant\n", "markers decode to nothing");
}

#[test]
fn the_first_step_and_the_greedy_answer_match_the_reference() {
    let logits = model().next_logits(&PROMPT_IDS).unwrap();
    let mut ranked: Vec<u32> = (0..logits.len() as u32).collect();
    ranked.sort_by(|a, b| logits[*b as usize].total_cmp(&logits[*a as usize]));
    assert_eq!(ranked[0], TOP5_IDS[0]);
    let mut ours = ranked[..5].to_vec();
    ours.sort();
    let mut theirs = TOP5_IDS.to_vec();
    theirs.sort();
    assert_eq!(ours, theirs, "the same five candidates");
    // Q4_1 against the reference's f32: close, not equal.
    for (id, reference) in TOP5_IDS.iter().zip(TOP5_LOGITS) {
        let got = logits[*id as usize];
        assert!((got - reference).abs() < 0.5, "token {id}: {got} against {reference}");
    }
    let g =
        model().generate(&PROMPT_IDS, Sampling { max_tokens: 16, temperature: 0.0, seed: 0 }, &mut |_| true).unwrap();
    assert_eq!(g.text, GREEDY_TEXT);
    assert_eq!(g.completion_tokens, GREEDY_IDS.len(), "seven tokens and <|im_end|>");
    assert_eq!(model().tokenizer().decode(&GREEDY_IDS), GREEDY_TEXT);
}

#[test]
fn an_agent_s_instructions_as_a_system_turn_keep_the_answer_right() {
    let messages = [
        Message::new("system", "You are Scout, an agent on the 0G network. Be brief."),
        Message::new("user", "What is the capital of France?"),
    ];
    let prompt = model().prompt(&messages).unwrap();
    let g = model().generate(&prompt, Sampling { max_tokens: 24, temperature: 0.0, seed: 0 }, &mut |_| true).unwrap();
    assert!(g.text.contains("Paris"), "{:?}", g.text);
}

/// Hugging Face's tokenizer set up as SmolLM2's tokenizer.json is: digits split one by one,
/// then byte-level with GPT-2's pattern, BPE over the GGUF's vocabulary and merges.
fn reference_tokenizer() -> tokenizers::Tokenizer {
    use tokenizers::models::bpe::BPE;
    use tokenizers::pre_tokenizers::{byte_level::ByteLevel, digits::Digits, sequence::Sequence};
    let bytes = weights::smollm2().read().unwrap();
    let content = candle_core::quantized::gguf_file::Content::read(&mut std::io::Cursor::new(&bytes)).unwrap();
    let strings = |key: &str| -> Vec<String> {
        content.metadata[key].to_vec().unwrap().iter().map(|v| v.to_string().unwrap().clone()).collect()
    };
    let vocab: tokenizers::models::bpe::Vocab =
        strings("tokenizer.ggml.tokens").into_iter().enumerate().map(|(i, t)| (t, i as u32)).collect();
    let merges = strings("tokenizer.ggml.merges")
        .into_iter()
        .map(|m| {
            let (a, b) = m.split_once(' ').unwrap();
            (a.to_string(), b.to_string())
        })
        .collect();
    let bpe = BPE::builder().vocab_and_merges(vocab, merges).build().unwrap();
    let mut t = tokenizers::Tokenizer::new(bpe);
    t.with_pre_tokenizer(Some(Sequence::new(vec![Digits::new(true).into(), ByteLevel::new(false, true, true).into()])));
    t
}

#[test]
fn the_tokenizer_agrees_with_hugging_face_s() {
    let reference = reference_tokenizer();
    let ours = model().tokenizer();
    let samples = [
        "What is the capital of France?",
        "In 2024, 0G raised $325,000,000 for 12.5% of 1e9 tokens.",
        "  leading spaces,\ttabs\n\nand   runs of   whitespace   ",
        "fn main() { println!(\"{}\", x.len()); } // code",
        "안녕하세요, 0G 네트워크입니다. 지갑을 만들까요?",
        "Ünïcödé, emoji 🙂🚀, CJK 中文, Arabic مرحبا",
        "don't won't I'm they're we've she'll he'd",
        "e-mail: agent@0g.ai; path /usr/bin; URL https://0g.ai/?q=1&r=2",
    ];
    for text in samples {
        let theirs = reference.encode(text, false).unwrap().get_ids().to_vec();
        assert_eq!(ours.encode(text), theirs, "{text:?}");
        assert_eq!(ours.decode(&theirs), text);
    }
}
