//! The public API as the provider service and the browser app use it.

use zg_model::{Config, Decoding, Generation, Model, ModelError, Next, Provenance, CORPUS};

fn argmax(logits: &[f32]) -> u32 {
    let mut best = 0;
    for (i, &l) in logits.iter().enumerate() {
        if l > logits[best] {
            best = i;
        }
    }
    best as u32
}

fn small() -> Model {
    Model::seeded(Config { vocab: 256, d_model: 16, layers: 1, heads: 4, context: 32 }, 42).unwrap()
}

#[test]
fn tokenizer_round_trips_ascii_and_utf8() {
    let model = Model::devnet();
    for text in ["", "The wallet signs.", "0G ストレージ — naïve café 🦀", "\n\t\u{0}"] {
        let tokens = model.encode(text);
        assert_eq!(tokens.len(), text.len(), "one token per byte");
        assert!(tokens.iter().all(|&t| t < 256));
        assert_eq!(model.decode(&tokens), text);
    }
}

#[test]
fn devnet_is_deterministic() {
    let a = Model::devnet();
    let b = Model::devnet();
    let tokens = a.encode("The light client");
    assert_eq!(a.next_token_logits(&tokens), b.next_token_logits(&tokens));
    assert_eq!(a.to_bytes(), b.to_bytes());
    assert_eq!(a.to_bytes(), include_bytes!("../weights/zg-tiny-lm-v1.bin"));
    assert_eq!(a.name(), "zg-tiny-lm-v1");
    assert_eq!(*a.config(), Config::devnet());
    let gen = |m: &Model| m.generate("The agent", 30, 0.8, 7, &mut |_| true);
    assert_eq!(gen(&a), gen(&b), "sampling is seeded");
}

#[test]
fn seeded_models_are_deterministic() {
    let a = Model::seeded(Config::devnet(), 9).unwrap();
    let b = Model::seeded(Config::devnet(), 9).unwrap();
    let c = Model::seeded(Config::devnet(), 10).unwrap();
    assert_eq!(a.to_bytes(), b.to_bytes());
    assert_ne!(a.to_bytes(), c.to_bytes());
    assert!(matches!(a.provenance(), Provenance::Seeded { seed: 9 }));
}

#[test]
fn parameter_count_matches_the_architecture() {
    let c = Config::devnet();
    let (v, d, l, ctx) = (c.vocab, c.d_model, c.layers, c.context);
    let per_layer = 2 * d + (d * 3 * d + 3 * d) + (d * d + d) + 2 * d + (d * 4 * d + 4 * d) + (4 * d * d + d);
    let expected = v * d + ctx * d + l * per_layer + 2 * d;
    assert_eq!(expected, 132_864);
    assert_eq!(Model::devnet().parameter_count(), expected);
    assert_eq!(c.parameter_count(), expected);
}

#[test]
fn bytes_round_trip() {
    for model in [Model::devnet(), small()] {
        let bytes = model.to_bytes();
        let back = Model::from_bytes(&bytes).unwrap();
        assert_eq!(back, model);
        assert_eq!(back.to_bytes(), bytes);
        assert_eq!(back.description(), model.description());
    }
}

#[test]
fn damaged_bytes_are_errors_not_panics() {
    let bytes = small().to_bytes();

    // Every truncation.
    for len in 0..bytes.len() {
        let err = Model::from_bytes(&bytes[..len]).unwrap_err();
        assert!(matches!(err, ModelError::TooShort { .. } | ModelError::LengthMismatch { .. }), "length {len}: {err}");
    }
    // Trailing data.
    let mut long = bytes.clone();
    long.push(0);
    assert!(matches!(Model::from_bytes(&long), Err(ModelError::LengthMismatch { .. })));

    // Wrong magic.
    let mut bad = bytes.clone();
    bad[0] = b'X';
    let err = Model::from_bytes(&bad).unwrap_err();
    assert!(matches!(err, ModelError::BadMagic { .. }));
    assert!(err.to_string().contains("not a zg-model weights file"));
    assert!(matches!(Model::from_bytes(b"GIF89a"), Err(ModelError::BadMagic { .. })));

    // Unknown version.
    let mut bad = bytes.clone();
    bad[4] = 2;
    assert!(matches!(Model::from_bytes(&bad), Err(ModelError::UnsupportedVersion { found: 2, supported: 1 })));

    // Impossible shape: 5 heads do not divide d_model 16.
    let mut bad = bytes.clone();
    bad[20] = 5;
    assert!(matches!(Model::from_bytes(&bad), Err(ModelError::InvalidConfig { .. })));

    // A huge shape is refused before anything is allocated.
    let mut bad = bytes.clone();
    bad[12..16].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(matches!(Model::from_bytes(&bad), Err(ModelError::InvalidConfig { .. })));

    // Every single-bit flip in the body is caught (spot-check a spread of positions).
    for at in (0..bytes.len()).step_by(97).chain([bytes.len() - 1]) {
        let mut bad = bytes.clone();
        bad[at] ^= 0x10;
        assert!(Model::from_bytes(&bad).is_err(), "flip at byte {at} went unnoticed");
    }
    let mut bad = bytes.clone();
    bad[200] ^= 1;
    assert!(matches!(Model::from_bytes(&bad), Err(ModelError::ChecksumMismatch { .. })));
}

/// Greedy generation (KV cache) picks, at every step, the argmax of an uncached full
/// forward pass over everything so far.
#[test]
fn cached_generation_equals_recomputing_from_scratch() {
    for model in [Model::devnet(), small()] {
        let prompt = "The wallet checks";
        let out = model.generate(prompt, 20, 0.0, 0, &mut |_| true);
        let generated = model.encode(&out.text);
        assert_eq!(generated.len(), 20, "greedy output here is ASCII: {:?}", out.text);
        let mut tokens = model.encode(prompt);
        for (i, &g) in generated.iter().enumerate() {
            assert_eq!(argmax(&model.next_token_logits(&tokens)), g, "step {i}");
            tokens.push(g);
        }
    }
}

/// `Decoding` driven by another backend (here: uncached full forward passes, as a GPU
/// backend drives it with its own) gives exactly `generate`'s text, window slides included.
#[test]
fn decoding_driven_by_another_backend_equals_generate() {
    let model = small(); // context 32: 70 tokens slide the window three times
    for (temperature, seed) in [(0.0, 0), (0.9, 7)] {
        let expected = model.generate("The agent", 70, temperature, seed, &mut |_| true);
        let mut decoding = Decoding::new(&model, "The agent", 70, temperature, seed);
        let mut window: Vec<u32> = Vec::new();
        let (mut prefills, mut streamed) = (0, String::new());
        loop {
            match decoding.next() {
                Next::Done => break,
                Next::Prefill(tokens) => {
                    prefills += 1;
                    window = tokens.to_vec();
                }
                Next::Step(token) => window.push(token),
            }
            assert!(window.len() <= 32);
            let logits = model.next_token_logits(&window);
            streamed.push_str(&decoding.push_logits(&logits));
        }
        let (out, rest) = decoding.finish();
        assert_eq!(out, expected);
        assert_eq!(streamed + &rest, expected.text);
        assert_eq!(prefills, 4, "the prompt, then three slides");
    }
}

#[test]
fn generation_streams_and_stops_early() {
    let model = Model::devnet();
    let mut pieces = Vec::new();
    let out = model.generate("An agent", 50, 0.0, 0, &mut |p| {
        pieces.push(p.to_string());
        pieces.len() < 5
    });
    assert_eq!(out, Generation { text: pieces.concat(), prompt_tokens: 8, completion_tokens: 5, stopped_early: true });
    let full = model.generate("An agent", 50, 0.0, 0, &mut |_| true);
    assert!(!full.stopped_early);
    assert_eq!(full.completion_tokens, 50);
    assert!(full.text.starts_with(&out.text));
    let none = model.generate("An agent", 0, 0.0, 0, &mut |_| panic!("no tokens asked for"));
    assert_eq!(none.completion_tokens, 0);
    assert_eq!(none.text, "");
}

#[test]
fn long_prompts_and_long_generations_fit_the_context() {
    let model = small(); // context 32
    let prompt = "x".repeat(100);
    let out = model.generate(&prompt, 80, 1.0, 3, &mut |_| true);
    assert_eq!(out.prompt_tokens, 100);
    assert_eq!(out.completion_tokens, 80);
    // Only the most recent `context` tokens matter.
    let long = model.encode(&format!("{}{}", "y".repeat(50), "z".repeat(32)));
    assert_eq!(model.next_token_logits(&long), model.next_token_logits(&long[50..]));
    // An empty prompt starts from a newline.
    let empty = model.generate("", 3, 0.0, 0, &mut |_| true);
    assert_eq!(empty.prompt_tokens, 0);
    assert_eq!(empty.text, model.generate("\n", 3, 0.0, 0, &mut |_| true).text);
}

/// Given a sentence from its corpus, the greedy continuation is made of corpus words
/// (the model has memorised its text; see `Model::description`).
#[test]
fn greedy_output_continues_in_corpus_words() {
    let model = Model::devnet();
    let corpus_words: std::collections::HashSet<&str> = CORPUS.split(|c: char| !c.is_ascii_alphabetic()).collect();
    for prompt in
        ["The light client trusts nothing but a checkpoint.", "A proof is a path of hashes from a value to a root."]
    {
        assert!(CORPUS.contains(prompt));
        let out = model.generate(prompt, 60, 0.0, 0, &mut |_| true);
        let known: std::collections::HashSet<&str> = out
            .text
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() >= 4 && corpus_words.contains(w))
            .collect();
        assert!(known.len() >= 3, "{prompt:?} -> {:?}", out.text);
    }
}

#[test]
fn description_is_honest() {
    let d = Model::devnet().description();
    assert!(d.starts_with("zg-tiny-lm-v1"), "{d}");
    assert!(d.contains("132,864 parameters"), "{d}");
    assert!(d.contains("Not a useful assistant"), "{d}");
    assert!(small().description().contains("random weights"));
}

/// Retrains the devnet model from scratch and checks it reproduces the bundled file bit
/// for bit, so the README's "the devnet makes its model itself" stays true. The slowest
/// native test (about 4 minutes on one core); it runs beside the others in this binary.
#[test]
fn bundled_weights_are_reproducible() {
    let (model, report) =
        zg_model::train(&Config::devnet(), CORPUS, &zg_model::TrainOptions::devnet(), &mut |_, _| {}).unwrap();
    assert!(report.final_loss < report.initial_loss - 3.0, "{report:?}");
    assert_eq!(model.to_bytes(), Model::devnet().to_bytes());
}
