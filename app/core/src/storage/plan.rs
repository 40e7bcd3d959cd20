//! Which node gets or serves which segment, and which segments an audit samples. Pure
//! rules, so they are tested natively; the browser code only follows them.
//!
//! 0G shards by position in the flow, not in the file: segment `i` of a file whose
//! submission starts at flow sector `start_entry` is flow segment
//! `start_entry / 1024 + i`, kept by the node whose `shardId` equals it modulo
//! `numShard` (0G's node and SDK do the same).

use super::wire::ShardConfig;

/// A storage node as the client knows it: where it is and which segments it keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeInfo {
    pub url: String,
    pub shard: ShardConfig,
}

/// Where a file sits in the flow: its first sector (the `Submit` event's `startPos`,
/// 0G's `startEntryIndex`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub start_entry: u64,
}

impl Placement {
    pub fn flow_segment(&self, segment: u64) -> u64 {
        self.start_entry / wasm_light_client::storage::SEGMENT_CHUNKS as u64 + segment
    }
}

/// Nodes that keep the file's `segment`, in the order to try them.
pub fn holders(nodes: &[NodeInfo], at: Placement, segment: u64) -> Vec<usize> {
    (0..nodes.len()).filter(|&i| nodes[i].shard.holds(at.flow_segment(segment))).collect()
}

/// Segments no node keeps: an upload to this set of nodes could never complete.
pub fn uncovered(nodes: &[NodeInfo], at: Placement, segments: u64) -> Vec<u64> {
    (0..segments).filter(|&s| holders(nodes, at, s).is_empty()).collect()
}

/// Groups the segments still to upload into batches of at most `batch`, in file order, and
/// sends each batch to every node that keeps some of it (replicas included). File order
/// across nodes means progress grows steadily and every node is in use throughout.
pub fn upload_batches(nodes: &[NodeInfo], at: Placement, pending: &[u64], batch: usize) -> Vec<(usize, Vec<u64>)> {
    let mut out = Vec::new();
    for chunk in pending.chunks(batch.max(1)) {
        for (i, node) in nodes.iter().enumerate() {
            let mine: Vec<u64> = chunk.iter().copied().filter(|&s| node.shard.holds(at.flow_segment(s))).collect();
            if !mine.is_empty() {
                out.push((i, mine));
            }
        }
    }
    out
}

/// `k` distinct segments out of `segments`, drawn with the caller's randomness
/// (`random(n)` returns a uniform value below `n`). All of them when `k >= segments`.
pub fn audit_sample(segments: u64, k: u64, mut random: impl FnMut(u64) -> u64) -> Vec<u64> {
    if k >= segments {
        return (0..segments).collect();
    }
    // Floyd's algorithm: k draws, no rejection loop, no list of all segments.
    let mut chosen = std::collections::BTreeSet::new();
    for j in segments - k..segments {
        let t = random(j + 1);
        if !chosen.insert(t) {
            chosen.insert(j);
        }
    }
    chosen.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: u64, num: u64) -> NodeInfo {
        NodeInfo { url: format!("http://n{id}-{num}"), shard: ShardConfig { shard_id: id, num_shard: num } }
    }

    const AT_ZERO: Placement = Placement { start_entry: 0 };

    #[test]
    fn batches_send_each_segment_to_each_holder() {
        let nodes = [node(0, 2), node(1, 2), node(0, 1)];
        let batches = upload_batches(&nodes, AT_ZERO, &[0, 1, 2, 3, 4], 2);
        let to = |n: usize| batches.iter().filter(|(i, _)| *i == n).flat_map(|(_, s)| s.clone()).collect::<Vec<_>>();
        assert_eq!(to(0), vec![0, 2, 4]);
        assert_eq!(to(1), vec![1, 3]);
        assert_eq!(to(2), vec![0, 1, 2, 3, 4], "a full replica gets everything");
        assert!(batches.iter().all(|(_, s)| s.len() <= 2));
        // File order: every node gets its part of segments 0–1 before anyone gets 2–3.
        let expected: Vec<(usize, Vec<u64>)> =
            vec![(0, vec![0]), (1, vec![1]), (2, vec![0, 1]), (0, vec![2]), (1, vec![3]), (2, vec![2, 3])];
        assert_eq!(batches[..6], expected[..]);
        assert_eq!(holders(&nodes, AT_ZERO, 3), vec![1, 2]);
    }

    #[test]
    fn shards_follow_the_position_in_the_flow() {
        let nodes = [node(0, 2), node(1, 2)];
        // A file starting in flow segment 3: its segment 0 is flow segment 3, shard 1.
        let at = Placement { start_entry: 3 * 1024 };
        assert_eq!(holders(&nodes, at, 0), vec![1]);
        assert_eq!(holders(&nodes, at, 1), vec![0]);
        // A small file inside flow segment 2 (sector 2048 + 512): shard 0.
        assert_eq!(holders(&nodes, Placement { start_entry: 2048 + 512 }, 0), vec![0]);
    }

    #[test]
    fn missing_shards_are_reported() {
        assert_eq!(uncovered(&[node(0, 2)], AT_ZERO, 4), vec![1, 3]);
        assert_eq!(uncovered(&[node(0, 2)], Placement { start_entry: 1024 }, 4), vec![0, 2]);
        assert!(uncovered(&[node(0, 2), node(1, 2)], AT_ZERO, 4).is_empty());
    }

    #[test]
    fn audit_samples_are_distinct_and_in_range() {
        let mut state = 12345u64;
        let mut rng = |n: u64| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        for _ in 0..50 {
            let s = audit_sample(100, 8, &mut rng);
            assert_eq!(s.len(), 8);
            assert!(s.iter().all(|&x| x < 100));
            assert!(s.windows(2).all(|w| w[0] < w[1]));
        }
        assert_eq!(audit_sample(3, 8, &mut rng), vec![0, 1, 2]);
    }
}
