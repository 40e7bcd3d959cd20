//! Untrusted RLP → `alloy_consensus::Header` decode, then hash: errors, never panics.
//! A decoded header re-encodes to a header that decodes equal and hashes the same.
#![no_main]

use alloy_consensus::Header;
use alloy_rlp::Decodable;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut buf = data;
    let Ok(header) = Header::decode(&mut buf) else { return };
    let hash = header.hash_slow();
    let encoded = alloy_rlp::encode(&header);
    let again = Header::decode(&mut encoded.as_slice()).expect("a decoded header re-encodes decodably");
    assert_eq!(again, header);
    assert_eq!(again.hash_slow(), hash);
});
