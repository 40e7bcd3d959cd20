//! Which storage nodes to use and how to reach them: 0G's node selection over an indexer's
//! list, and the decision between talking to nodes directly and going through the indexer's
//! HTTPS gateway. Pure rules, tested natively; `gateway` and `service` do the fetching.
//!
//! Nothing here trusts the indexer: its list only says where to look. A node's shard is
//! checked against the node's own `zgs_getShardConfig` before use, and every byte a node
//! or the gateway sends is checked against the file root by the caller.

use serde::{Deserialize, Serialize};

use super::transfer::{IndexerError, NodeError};
use super::wire::ShardConfig;

/// One node as 0G's indexer lists it (`shard.ShardedNode`: url, shard config, RPC latency
/// in ms, last update time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardedNode {
    pub url: String,
    pub config: ShardConfig,
    #[serde(default)]
    pub latency: i64,
    #[serde(default)]
    pub since: i64,
}

/// `indexer_getShardedNodes`: nodes the indexer's operator trusts, and nodes it found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ShardedNodes {
    #[serde(default, deserialize_with = "null_as_empty")]
    pub trusted: Vec<ShardedNode>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub discovered: Vec<ShardedNode>,
}

/// Go encodes a nil slice as `null`.
pub fn null_as_empty<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// How candidates are ordered before selection (0G's `method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectMethod {
    /// Fewest shards first: whole replicas before fragments, so fewest nodes.
    Min,
    /// Most shards first.
    Max,
    /// Only nodes splitting the data into exactly this many shards.
    Shards(u64),
}

/// 0G's validity rule: `numShard` a power of two, `shardId` below it.
pub fn valid_config(config: &ShardConfig) -> bool {
    config.num_shard.is_power_of_two() && config.shard_id < config.num_shard
}

/// A node of the binary shard tree: `num_shard` splits at this depth; `replica` is how
/// many times every segment under it is covered; `lazy` is coverage added here and not
/// yet pushed to the children.
struct TreeNode {
    num_shard: u64,
    replica: u64,
    lazy: u64,
    children: Option<Box<[TreeNode; 2]>>,
}

impl TreeNode {
    fn new(num_shard: u64) -> Self {
        Self { num_shard, replica: 0, lazy: 0, children: None }
    }

    /// Adds a node keeping `shard_id` of `num_shard` if it raises the coverage somewhere
    /// still below `want`; says whether it did.
    fn insert(&mut self, num_shard: u64, shard_id: u64, want: u64) -> bool {
        if self.replica >= want {
            return false;
        }
        if self.num_shard == num_shard {
            self.replica += 1;
            self.lazy += 1;
            return true;
        }
        let half = self.num_shard * 2;
        let lazy = std::mem::take(&mut self.lazy);
        let children = self.children.get_or_insert_with(|| Box::new([TreeNode::new(half), TreeNode::new(half)]));
        for child in children.iter_mut() {
            child.replica += lazy;
            child.lazy += lazy;
        }
        // Shard `id` of `n` is the `id % 2` half of shard `id / 2` of `n / 2`.
        let inserted = children[(shard_id % 2) as usize].insert(num_shard, shard_id / 2, want);
        self.replica = children[0].replica.min(children[1].replica);
        inserted
    }
}

/// 0G's `shard.Select`: walks the candidates in `method`'s order and keeps each node that
/// adds coverage, until every segment is kept `expected_replica` times. `None` when the
/// candidates cannot cover that. Invalid configs are skipped (0G's indexer drops them).
pub fn select(nodes: &[ShardedNode], expected_replica: u64, method: SelectMethod) -> Option<Vec<ShardedNode>> {
    if expected_replica == 0 {
        return Some(Vec::new());
    }
    let mut ordered: Vec<&ShardedNode> = nodes.iter().filter(|n| valid_config(&n.config)).collect();
    match method {
        // Stable sorts (Go's sort.Slice is not): equal configs keep the indexer's order.
        SelectMethod::Min => ordered.sort_by_key(|n| (n.config.num_shard, n.config.shard_id)),
        SelectMethod::Max => ordered.sort_by_key(|n| (std::cmp::Reverse(n.config.num_shard), n.config.shard_id)),
        SelectMethod::Shards(n) => ordered.retain(|node| node.config.num_shard == n),
    }
    let mut root = TreeNode::new(1);
    let mut chosen = Vec::new();
    for node in ordered {
        if root.insert(node.config.num_shard, node.config.shard_id, expected_replica) {
            chosen.push(node.clone());
        }
        if root.replica >= expected_replica {
            return Some(chosen);
        }
    }
    None
}

/// A complete set out of `listed` minus `dropped`: `want` copies of every segment where the
/// nodes allow it, else fewer, down to one. Returns the set and the copies it gives.
pub fn choose_set(listed: &[ShardedNode], dropped: &[String], want: u64) -> Option<(Vec<ShardedNode>, u64)> {
    let alive: Vec<ShardedNode> = listed.iter().filter(|n| !dropped.contains(&n.url)).cloned().collect();
    (1..=want.max(1)).rev().find_map(|replica| select(&alive, replica, SelectMethod::Min).map(|set| (set, replica)))
}

/// Why the page cannot call a node directly, decided before any request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unreachable {
    #[error("{url}: an https page may not call a plain http:// node (the browser blocks mixed content)")]
    MixedContent { url: String },
    #[error("{url}: not an http(s) URL")]
    NotHttp { url: String },
}

/// Whether a page served over https (`page_https`) may call `url` at all. Loopback
/// (`127.0.0.1`, `[::1]`, `localhost`) counts as secure to browsers, so it is allowed.
/// CORS and dead nodes can only be found out by asking.
pub fn reachable(page_https: bool, url: &str) -> Result<(), Unreachable> {
    let Some(rest) = url.strip_prefix("http://") else {
        return if url.starts_with("https://") { Ok(()) } else { Err(Unreachable::NotHttp { url: url.into() }) };
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    let loopback = host == "localhost"
        || host.ends_with(".localhost")
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if page_https && !loopback {
        Err(Unreachable::MixedContent { url: url.into() })
    } else {
        Ok(())
    }
}

/// How a transfer reached the data, shown to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferPath {
    /// Straight to these storage nodes, keeping `replica` copies.
    Direct { nodes: usize, replica: u64 },
    /// Through the indexer's HTTPS gateway at this host.
    Gateway { host: String },
}

impl std::fmt::Display for TransferPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TransferPath::Direct { nodes: 1, .. } => write!(f, "direct to 1 node"),
            TransferPath::Direct { nodes, replica: 1 } => write!(f, "direct to {nodes} nodes"),
            TransferPath::Direct { nodes, replica } => write!(f, "direct to {nodes} nodes, {replica} copies"),
            TransferPath::Gateway { host } => write!(f, "via 0G indexer gateway ({host})"),
        }
    }
}

/// Something that went wrong finding nodes (a node dead, blocked or misdescribed), for the
/// page. Shown in the page's language; `Display` is the English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeNote {
    /// The indexer lists a node with a shard no node can keep; it is not used.
    ImpossibleShard { host: String, shard: ShardConfig },
    /// The indexer answered with no node at all.
    NoneListed { indexer: String },
    /// The indexer failed; the network's own node list is used instead.
    IndexerFailed(IndexerError),
    /// Nodes this page may not call.
    Blocked(Vec<Unreachable>),
    /// A node of the network's own list did not answer.
    NodeFailed(NodeError),
    /// A node chosen for the set did not answer; other nodes are chosen.
    Replaced(NodeError),
    /// The node keeps another shard than the indexer said; the node's word is used.
    ShardCorrected { host: String, said: ShardConfig, actual: ShardConfig },
    /// A node failed during an upload, which went on with other nodes.
    LeftBehind(NodeError),
}

impl std::fmt::Display for NodeNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NodeNote::ImpossibleShard { host, shard } => write!(
                f,
                "the indexer lists {host} with an impossible shard {}/{}; left out",
                shard.shard_id, shard.num_shard
            ),
            NodeNote::NoneListed { indexer } => write!(f, "the indexer at {indexer} lists no storage nodes"),
            NodeNote::IndexerFailed(e) => write!(f, "{e}. Trying the network's own node list"),
            NodeNote::Blocked(blocked) => {
                let list = blocked.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
                write!(f, "{} node(s) cannot be called from this page: {list}", blocked.len())
            }
            NodeNote::NodeFailed(e) => write!(f, "{e}"),
            NodeNote::Replaced(e) => write!(f, "{e}; choosing other nodes"),
            NodeNote::ShardCorrected { host, said, actual } => write!(
                f,
                "the indexer said {host} keeps shard {}/{}, the node says {}/{}; going by the node",
                said.shard_id, said.num_shard, actual.shard_id, actual.num_shard
            ),
            NodeNote::LeftBehind(e) => write!(f, "{e}; the upload moved on without it"),
        }
    }
}

/// The notes gathered while finding nodes, carried by an error that happened because of
/// them. Shown in the page's language; `Display` is the English, the notes joined by "; ".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeNotes(pub Vec<NodeNote>);

impl std::fmt::Display for NodeNotes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
    }
}

/// The host of a URL, for messages.
pub fn host(url: &str) -> String {
    url.split("://").nth(1).unwrap_or(url).split('/').next().unwrap_or(url).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(num: u64, id: u64) -> ShardedNode {
        ShardedNode {
            url: format!("http://n{id}-of-{num}"),
            config: ShardConfig { shard_id: id, num_shard: num },
            latency: 0,
            since: 0,
        }
    }

    fn shards(set: &[ShardedNode]) -> Vec<(u64, u64)> {
        set.iter().map(|n| (n.config.num_shard, n.config.shard_id)).collect()
    }

    /// The candidates of 0G's own `TestSelect` (common/shard/types_test.go in
    /// 0g-storage-client), so our selection is held to theirs.
    fn zero_g_candidates() -> Vec<ShardedNode> {
        let mut nodes = vec![node(4, 0), node(4, 2), node(4, 3), node(1, 0), node(2, 0), node(8, 1), node(8, 5)];
        nodes.extend((0..16).map(|i| node(16, i)));
        nodes
    }

    #[test]
    fn selection_matches_0g_min() {
        let two = select(&zero_g_candidates(), 2, SelectMethod::Min).unwrap();
        assert_eq!(shards(&two), vec![(1, 0), (2, 0), (4, 3), (8, 1), (8, 5)]);
        let three = select(&zero_g_candidates(), 3, SelectMethod::Min).unwrap();
        let mut expected = vec![(1, 0), (2, 0), (4, 0), (4, 2), (4, 3), (8, 1), (8, 5)];
        expected.extend((1..16).step_by(2).map(|i| (16, i)));
        assert_eq!(shards(&three), expected);
    }

    #[test]
    fn selection_matches_0g_max_and_fixed_shards() {
        assert!(select(&zero_g_candidates(), 4, SelectMethod::Max).is_none());
        let two = select(&zero_g_candidates(), 2, SelectMethod::Max).unwrap();
        let mut expected: Vec<(u64, u64)> = (0..16).map(|i| (16, i)).collect();
        expected.extend([(8, 1), (8, 5), (4, 0), (4, 2), (4, 3)]);
        assert_eq!(shards(&two), expected);
        let sixteen = select(&zero_g_candidates(), 1, SelectMethod::Shards(16)).unwrap();
        assert_eq!(shards(&sixteen), (0..16).map(|i| (16, i)).collect::<Vec<_>>());
        assert!(select(&zero_g_candidates(), 1, SelectMethod::Shards(32)).is_none());
    }

    #[test]
    fn an_incomplete_shard_set_is_no_set() {
        assert!(select(&[node(2, 0), node(4, 1)], 1, SelectMethod::Min).is_none(), "shard 3/4 is missing");
        assert_eq!(shards(&select(&[node(2, 0), node(4, 1), node(4, 3)], 1, SelectMethod::Min).unwrap()).len(), 3);
        assert_eq!(select(&[], 0, SelectMethod::Min), Some(vec![]));
    }

    #[test]
    fn impossible_configs_are_ignored() {
        // An indexer that lies: shard 3 of 3 (not a power of two) and 5 of 4 cover nothing.
        let lies = [node(3, 0), node(3, 1), node(3, 2), node(4, 5)];
        assert!(select(&lies, 1, SelectMethod::Min).is_none());
        assert!(!valid_config(&ShardConfig { shard_id: 0, num_shard: 0 }));
    }

    #[test]
    fn a_dropped_node_is_replaced_by_another_set() {
        // The devnet's layout: two halves and a whole replica.
        let listed = [node(2, 0), node(2, 1), node(1, 0)];
        let (set, copies) = choose_set(&listed, &[], 2).unwrap();
        assert_eq!((shards(&set), copies), (vec![(1, 0), (2, 0), (2, 1)], 2));
        // The whole replica is dead: the halves still make one copy.
        let (set, copies) = choose_set(&listed, &["http://n0-of-1".into()], 2).unwrap();
        assert_eq!((shards(&set), copies), (vec![(2, 0), (2, 1)], 1));
        // One half is dead: the whole replica alone.
        let (set, copies) = choose_set(&listed, &["http://n1-of-2".into()], 2).unwrap();
        assert_eq!((shards(&set), copies), (vec![(1, 0)], 1));
        assert!(choose_set(&listed, &["http://n1-of-2".into(), "http://n0-of-1".into()], 2).is_none());
    }

    #[test]
    fn mixed_content_is_decided_up_front() {
        assert!(reachable(false, "http://203.0.113.7:5678").is_ok());
        assert_eq!(
            reachable(true, "http://203.0.113.7:5678"),
            Err(Unreachable::MixedContent { url: "http://203.0.113.7:5678".into() })
        );
        assert!(reachable(true, "https://node.example").is_ok());
        assert!(reachable(true, "http://127.0.0.1:5678/").is_ok(), "loopback is a secure context");
        assert!(reachable(true, "http://localhost:1").is_ok());
        assert!(reachable(true, "http://[::1]:1").is_ok());
        assert!(reachable(true, "http://127.0.0.1.evil.example").is_err(), "only the host counts, not a prefix");
        assert!(matches!(reachable(false, "ws://x"), Err(Unreachable::NotHttp { .. })));
    }

    #[test]
    fn the_path_reads_as_words() {
        assert_eq!(TransferPath::Direct { nodes: 3, replica: 2 }.to_string(), "direct to 3 nodes, 2 copies");
        assert_eq!(TransferPath::Direct { nodes: 2, replica: 1 }.to_string(), "direct to 2 nodes");
        assert_eq!(
            TransferPath::Gateway { host: "127.0.0.1:12345".into() }.to_string(),
            "via 0G indexer gateway (127.0.0.1:12345)"
        );
    }

    #[test]
    fn notes_read_as_the_page_has_always_said_them() {
        let shard = |shard_id, num_shard| ShardConfig { shard_id, num_shard };
        let node = || NodeError::Failed { node: "127.0.0.1:9".into(), reason: "connection refused".into() };
        let notes = [
            (
                NodeNote::ImpossibleShard { host: "n:1".into(), shard: shard(3, 3) },
                "the indexer lists n:1 with an impossible shard 3/3; left out",
            ),
            (NodeNote::NoneListed { indexer: "ix:2".into() }, "the indexer at ix:2 lists no storage nodes"),
            (
                NodeNote::Blocked(vec![
                    Unreachable::MixedContent { url: "http://a".into() },
                    Unreachable::NotHttp { url: "ws://b".into() },
                ]),
                "2 node(s) cannot be called from this page: http://a: an https page may not call a plain http:// \
                 node (the browser blocks mixed content); ws://b: not an http(s) URL",
            ),
            (NodeNote::NodeFailed(node()), "storage node 127.0.0.1:9: connection refused"),
            (NodeNote::Replaced(node()), "storage node 127.0.0.1:9: connection refused; choosing other nodes"),
            (
                NodeNote::ShardCorrected { host: "n:1".into(), said: shard(0, 1), actual: shard(1, 2) },
                "the indexer said n:1 keeps shard 0/1, the node says 1/2; going by the node",
            ),
            (
                NodeNote::LeftBehind(node()),
                "storage node 127.0.0.1:9: connection refused; the upload moved on without it",
            ),
        ];
        for (note, text) in notes {
            assert_eq!(note.to_string(), text);
        }
        let down = IndexerError::Unreachable { host: "ix:2".into(), reason: "refused".into() };
        assert!(NodeNote::IndexerFailed(down).to_string().ends_with("later. Trying the network's own node list"));
    }

    #[test]
    fn indexer_json_parses() {
        let json = r#"{"trusted":[{"url":"http://1.2.3.4:5678","config":{"shardId":1,"numShard":2},"latency":12,"since":1700000000}],"discovered":null}"#;
        // `discovered: null` is what a Go nil slice encodes to.
        let parsed: ShardedNodes = serde_json::from_str(json).unwrap();
        assert_eq!(parsed.trusted[0].config, ShardConfig { shard_id: 1, num_shard: 2 });
        assert!(parsed.discovered.is_empty());
    }
}
