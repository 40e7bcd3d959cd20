//! CometBFT's simple Merkle tree (`crypto/merkle/tree.go`): RFC 6962 leaf and inner
//! prefixes, split at the largest power of two below the leaf count. Headers, validator
//! sets and a block's transactions are all hashed with it.

use sha2::{Digest, Sha256};

pub type Hash = [u8; 32];

fn leaf(bytes: &[u8]) -> Hash {
    Sha256::new().chain_update([0u8]).chain_update(bytes).finalize().into()
}

fn inner(left: &Hash, right: &Hash) -> Hash {
    Sha256::new().chain_update([1u8]).chain_update(left).chain_update(right).finalize().into()
}

/// The root over `items`, in order. No items: the hash of nothing.
pub fn root<T: AsRef<[u8]>>(items: &[T]) -> Hash {
    match items {
        [] => Sha256::digest([]).into(),
        [one] => leaf(one.as_ref()),
        _ => {
            let split = split_point(items.len());
            inner(&root(&items[..split]), &root(&items[split..]))
        }
    }
}

/// The largest power of two strictly below `n` (n ≥ 2).
fn split_point(n: usize) -> usize {
    1 << (usize::BITS - (n - 1).leading_zeros() - 1)
}

pub fn sha256(bytes: &[u8]) -> Hash {
    Sha256::digest(bytes).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_is_the_largest_power_of_two_below() {
        assert_eq!([2, 3, 4, 5, 8, 9].map(split_point), [1, 2, 2, 4, 4, 8]);
    }

    #[test]
    fn three_leaves_hash_as_two_then_one() {
        let items = [b"a".as_slice(), b"b", b"c"];
        let want = inner(&inner(&leaf(b"a"), &leaf(b"b")), &leaf(b"c"));
        assert_eq!(root(&items), want);
        assert_ne!(root(&items[..2]), want);
        assert_eq!(root::<&[u8]>(&[]), sha256(b""));
    }
}
