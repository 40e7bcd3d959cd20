//! BLS12-381 signatures as 0G's consensus makes them (berachain's CometBFT fork,
//! `crypto/bls12381/key_bls12381.go`): keys in G1 (listed as 96-byte uncompressed points),
//! signatures in G2 (96 bytes compressed), messages hashed to the curve raw with the basic
//! ("NUL") suite's tag, and a commit's signatures aggregated into one, checked against
//! the sum of the signers' keys. The basic suite is safe from rogue keys only when every
//! key in an aggregate is one consensus already accepted: [`super::light`] enforces that.
//! The curve arithmetic is the `bls12_381` crate's (pure Rust, so it builds for wasm32).

use bls12_381::hash_to_curve::{ExpandMsgXmd, HashToCurve};
use bls12_381::{G1Affine, G2Affine, G2Prepared, G2Projective};
use group::{Curve, Group};

/// The hash-to-curve domain tag of CometBFT's BLS12-381 keys (`dstMinPk`).
pub const DST: &[u8] = b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum BlsError {
    #[error("the key is not a BLS12-381 G1 point ({0} bytes)")]
    BadKey(usize),
    #[error("the signature is not a BLS12-381 G2 point ({0} bytes)")]
    BadSignature(usize),
    #[error("the signature does not match the key and message")]
    Mismatch,
    /// The scheme could not run (in the browser: its lazily loaded module failed to load).
    #[error("the BLS verifier is unavailable: {0}")]
    Unavailable(String),
}

/// The signature checks a commit needs, as a seam: the pairing code is a third of a
/// megabyte of wasm that only a network with a consensus endpoint uses, so the browser
/// loads it on first use (`app/src/verifiers`) and hands the light client a scheme that
/// calls into it; everything else uses [`Bls12381`] directly.
pub trait SignatureScheme {
    /// Verifies `sig` on `message` under the sum of `keys` (96-byte uncompressed or 48-byte
    /// compressed G1 points; one key: a plain signature). Any key that is not a point of the
    /// group, or is the identity, is refused as [`BlsError::BadKey`].
    fn verify_aggregate(&self, keys: &[&[u8]], message: &[u8], sig: &[u8]) -> Result<(), BlsError>;
}

/// BLS12-381 as 0G's CometBFT signs, computed here.
#[derive(Debug, Clone, Copy, Default)]
pub struct Bls12381;

impl SignatureScheme for Bls12381 {
    fn verify_aggregate(&self, keys: &[&[u8]], message: &[u8], sig: &[u8]) -> Result<(), BlsError> {
        let points = keys.iter().map(|k| public_key(k)).collect::<Result<Vec<_>, _>>()?;
        verify(&aggregate_key(&points), message, sig)
    }
}

/// A key as a validator set lists it: 96 bytes uncompressed (or 48 compressed). Off-curve
/// and out-of-subgroup points are refused by the decoding, and the point at infinity here
/// (it would verify a signature of infinity on any message).
pub fn public_key(bytes: &[u8]) -> Result<G1Affine, BlsError> {
    let point = match bytes.len() {
        48 => G1Affine::from_compressed(bytes.try_into().expect("48 bytes")),
        96 => G1Affine::from_uncompressed(bytes.try_into().expect("96 bytes")),
        n => return Err(BlsError::BadKey(n)),
    };
    Option::from(point).filter(|p: &G1Affine| !bool::from(p.is_identity())).ok_or(BlsError::BadKey(bytes.len()))
}

fn signature(bytes: &[u8]) -> Result<G2Affine, BlsError> {
    let bytes: &[u8; 96] = bytes.try_into().map_err(|_| BlsError::BadSignature(bytes.len()))?;
    Option::from(G2Affine::from_compressed(bytes)).ok_or(BlsError::BadSignature(96))
}

fn message_point(message: &[u8], dst: &[u8]) -> G2Affine {
    <G2Projective as HashToCurve<ExpandMsgXmd<sha2::Sha256>>>::hash_to_curve([message], dst).to_affine()
}

/// The key an aggregate of `keys`' signatures verifies under: their sum.
pub fn aggregate_key(keys: &[G1Affine]) -> G1Affine {
    keys.iter().fold(bls12_381::G1Projective::identity(), |sum, k| sum + k).to_affine()
}

/// Checks e(key, H(m)) = e(g1, sig), as one product of two Miller loops.
pub fn verify(key: &G1Affine, message: &[u8], sig: &[u8]) -> Result<(), BlsError> {
    verify_with(DST, key, message, sig)
}

fn verify_with(dst: &[u8], key: &G1Affine, message: &[u8], sig: &[u8]) -> Result<(), BlsError> {
    let sig = signature(sig)?;
    if bool::from(key.is_identity()) {
        return Err(BlsError::Mismatch);
    }
    let h = G2Prepared::from(message_point(message, dst));
    let minus_g1 = -G1Affine::generator();
    let product = bls12_381::multi_miller_loop(&[(key, &h), (&minus_g1, &G2Prepared::from(sig))]);
    if bool::from(Group::is_identity(&product.final_exponentiation())) {
        Ok(())
    } else {
        Err(BlsError::Mismatch)
    }
}

/// A signing key, for the devnet's stand-in validators and tests: never a user's key.
#[cfg(any(test, feature = "cometbft-signer"))]
pub struct SecretKey(bls12_381::Scalar);

#[cfg(any(test, feature = "cometbft-signer"))]
impl SecretKey {
    /// A key derived from `seed` (test validators are named by their seeds).
    pub fn from_seed(seed: &[u8]) -> Self {
        let wide: [u8; 64] = {
            let mut out = [0u8; 64];
            out[..32].copy_from_slice(&super::merkle::sha256(&[seed, b"/0"].concat()));
            out[32..].copy_from_slice(&super::merkle::sha256(&[seed, b"/1"].concat()));
            out
        };
        SecretKey(bls12_381::Scalar::from_bytes_wide(&wide))
    }

    /// Uncompressed, as CometBFT lists keys.
    pub fn public_key(&self) -> [u8; 96] {
        (bls12_381::G1Projective::generator() * self.0).to_affine().to_uncompressed()
    }

    pub fn sign(&self, message: &[u8]) -> [u8; 96] {
        (G2Projective::from(message_point(message, DST)) * self.0).to_affine().to_compressed()
    }
}

/// One signature standing for all of `signatures` (their sum).
#[cfg(any(test, feature = "cometbft-signer"))]
pub fn aggregate_signatures(signatures: &[[u8; 96]]) -> [u8; 96] {
    let sum = signatures.iter().fold(G2Projective::identity(), |sum, s| sum + signature(s).expect("signed here"));
    sum.to_affine().to_compressed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_under_its_key_only() {
        let alice = SecretKey::from_seed(b"alice");
        let bob = SecretKey::from_seed(b"bob");
        let sig = alice.sign(b"a vote");
        let key = public_key(&alice.public_key()).unwrap();
        assert_eq!(verify(&key, b"a vote", &sig), Ok(()));
        assert_eq!(verify(&key, b"another vote", &sig), Err(BlsError::Mismatch));
        assert_eq!(verify(&public_key(&bob.public_key()).unwrap(), b"a vote", &sig), Err(BlsError::Mismatch));
        assert_eq!(verify(&key, b"a vote", &sig[..95]), Err(BlsError::BadSignature(95)));
        assert_eq!(public_key(&G1Affine::identity().to_compressed()), Err(BlsError::BadKey(48)));
    }

    /// Ethereum's consensus-spec vector `sign_case_c82df61aa3ee60fb`: the curve, hash to G2
    /// and pairing CometBFT's suite uses, under the proof-of-possession tag Ethereum signs
    /// with (CometBFT's differs only in its last three letters, `NUL`).
    #[test]
    fn the_consensus_spec_known_answer_verifies() {
        let hex = |s: &str| alloy_primitives::hex::decode(s).unwrap();
        let key = public_key(&hex(
            "a491d1b0ecd9bb917989f0e74f0dea0422eac4a873e5e2644f368dffb9a6e20fd6e10c1b77654d067c0618f6e5a7f79a",
        ))
        .unwrap();
        let sig = hex("b6ed936746e01f8ecf281f020953fbf1f01debd5657c4a383940b020b26507f6076334f91e2366c96e9ab279fb5158090352ea1c5b0c9274504f4f0e7053af24802e51e4568d164fe986834f41e55c8e850ce1f98458c0cfc9ab380b55285a55");
        let pop = b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";
        assert_eq!(verify_with(pop, &key, &[0u8; 32], &sig), Ok(()));
        assert_eq!(verify_with(pop, &key, &[1u8; 32], &sig), Err(BlsError::Mismatch));
        assert_eq!(verify(&key, &[0u8; 32], &sig), Err(BlsError::Mismatch), "another tag, another point");
    }

    #[test]
    fn an_aggregate_verifies_under_the_sum_of_its_signers_keys_only() {
        let keys: Vec<SecretKey> = ["a", "b", "c"].iter().map(|s| SecretKey::from_seed(s.as_bytes())).collect();
        let points: Vec<G1Affine> = keys.iter().map(|k| public_key(&k.public_key()).unwrap()).collect();
        let all = aggregate_signatures(&keys.iter().map(|k| k.sign(b"block")).collect::<Vec<_>>());
        assert_eq!(verify(&aggregate_key(&points), b"block", &all), Ok(()));
        assert_eq!(verify(&aggregate_key(&points[..2]), b"block", &all), Err(BlsError::Mismatch));
        assert_eq!(verify(&aggregate_key(&[]), b"block", &all), Err(BlsError::Mismatch));
    }
}
