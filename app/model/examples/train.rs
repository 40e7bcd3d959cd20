//! Remakes the bundled devnet weights: trains `Config::devnet()` on `CORPUS` with
//! `TrainOptions::devnet()` and writes `weights/zg-tiny-lm-v1.bin`.
//!
//! ```text
//! cargo run --release -p zg-model --example train [-- OUTPUT_PATH]
//! ```
//! Training is deterministic, so the file comes out byte-identical on the same platform.

use std::time::Instant;
use zg_model::{train, Config, TrainOptions, CORPUS};

fn main() {
    let out =
        std::env::args().nth(1).unwrap_or_else(|| format!("{}/weights/zg-tiny-lm-v1.bin", env!("CARGO_MANIFEST_DIR")));
    let config = Config::devnet();
    let options = TrainOptions::devnet();
    println!(
        "training {config:?} ({} parameters) on {} corpus bytes: {options:?}",
        config.parameter_count(),
        CORPUS.len()
    );
    let started = Instant::now();
    let (model, report) = train(&config, CORPUS, &options, &mut |step, loss| {
        if step % 50 == 0 || step + 1 == options.steps {
            println!("step {step:4}  batch loss {loss:.3}  {:.1} s", started.elapsed().as_secs_f32());
        }
    })
    .expect("the devnet recipe is valid");
    let secs = started.elapsed().as_secs_f32();
    println!(
        "done in {secs:.1} s: loss {:.3} -> {:.3} nats/byte on the training text, {:.3} held out",
        report.initial_loss, report.final_loss, report.held_out_loss
    );
    std::fs::write(&out, model.to_bytes()).expect("write the weights file");
    println!("wrote {out}\n{}", model.description());
}
