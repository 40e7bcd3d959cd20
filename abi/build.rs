//! The bindings are generated from `contracts/out/`, which is built, not committed: say
//! how to build it instead of letting `sol!` fail on a missing file.

fn main() {
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts/out");
    let lib = std::fs::read_to_string("src/lib.rs").expect("abi/src/lib.rs");
    for name in lib.split("\"../contracts/out/").skip(1).filter_map(|rest| rest.split('"').next()) {
        let path = out.join(name);
        if !path.exists() {
            panic!(
                "contracts/out/{name} is missing: the contract bindings are generated from the compiled \
                 contracts. Run `cargo xtask setup` (or `node contracts/build.mjs`) once, then build again."
            );
        }
    }
    println!("cargo:rerun-if-changed=src/lib.rs");
    println!("cargo:rerun-if-changed=../contracts/out");
}
