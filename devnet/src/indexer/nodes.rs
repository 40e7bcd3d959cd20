//! The storage nodes the indexer was told about (0G's "trusted" nodes), which of them are
//! up, and 0G's rule for choosing a set of nodes that together hold every shard.
//!
//! A node is trusted while it answers `zgs_getShardConfig` with a valid config and
//! `zgs_getStatus`; [`Registry::check`] asks every node again (zg-indexer calls it every
//! `--check-interval`), so a node that stops answering leaves `trusted` and one that comes
//! back rejoins. This module never vouches for data: trusted only means "worth asking".

use std::sync::Mutex;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use devnet::jsonrpc::Client;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// 0G's `shard.ShardConfig`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShardConfig {
    pub shard_id: u64,
    pub num_shard: u64,
}

impl ShardConfig {
    /// 0G's `IsValid`: numShard a power of two, shardId below it.
    pub fn is_valid(&self) -> bool {
        self.num_shard.is_power_of_two() && self.shard_id < self.num_shard
    }

    /// 0G's `HasSegment`, for a segment's index in the whole flow.
    pub fn has_segment(&self, flow_segment: u64) -> bool {
        self.num_shard < 2 || flow_segment % self.num_shard == self.shard_id
    }
}

/// 0G's `shard.ShardedNode`: `latency` in milliseconds, `since` a unix time in seconds
/// (here: when the node last answered a check).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardedNode {
    pub url: String,
    pub config: ShardConfig,
    pub latency: i64,
    pub since: i64,
}

struct NodeState {
    url: String,
    /// `Some` while the node passes the checks.
    up: Option<ShardedNode>,
    last_error: Option<String>,
}

/// Every node given on the command line, in that order, with what the last check found.
pub struct Registry {
    nodes: Mutex<Vec<NodeState>>,
    /// Asks the nodes, with a short timeout: a node that takes longer is treated as down,
    /// as 0G's indexer does (3 s there).
    pub zgs: Client,
}

fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

impl Registry {
    pub fn new(urls: &[String], zgs: Client) -> Registry {
        let nodes = urls.iter().map(|url| NodeState { url: url.clone(), up: None, last_error: None }).collect();
        Registry { nodes: Mutex::new(nodes), zgs }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<NodeState>> {
        self.nodes.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn urls(&self) -> Vec<String> {
        self.lock().iter().map(|n| n.url.clone()).collect()
    }

    /// The nodes that passed the last check, in command-line order.
    pub fn trusted(&self) -> Vec<ShardedNode> {
        self.lock().iter().filter_map(|n| n.up.clone()).collect()
    }

    /// Asks every node (in parallel) for its shard config and status. Returns one line per
    /// node whose state changed, for the log.
    pub fn check(&self) -> Vec<String> {
        let urls = self.urls();
        let results: Vec<Result<ShardedNode, String>> = std::thread::scope(|scope| {
            let handles: Vec<_> = urls.iter().map(|url| scope.spawn(|| self.check_one(url))).collect();
            handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err("the check panicked".into()))).collect()
        });
        let mut changes = Vec::new();
        let mut nodes = self.lock();
        for (node, result) in nodes.iter_mut().zip(results) {
            match result {
                Ok(fresh) => {
                    if node.up.as_ref().map(|n| n.config) != Some(fresh.config) {
                        changes.push(format!(
                            "{} is trusted: shard {}/{}",
                            node.url, fresh.config.shard_id, fresh.config.num_shard
                        ));
                    }
                    node.up = Some(fresh);
                    node.last_error = None;
                }
                Err(reason) => {
                    if node.up.is_some() || node.last_error.is_none() {
                        changes.push(format!("{} is left out of trusted: {reason}", node.url));
                    }
                    node.up = None;
                    node.last_error = Some(reason);
                }
            }
        }
        changes
    }

    fn check_one(&self, url: &str) -> Result<ShardedNode, String> {
        let start = Instant::now();
        let config = self.zgs.call(url, "zgs_getShardConfig", json!([])).map_err(|e| e.to_string())?;
        let latency = start.elapsed().as_millis() as i64;
        let config: ShardConfig = serde_json::from_value(config.clone())
            .map_err(|_| format!("{url} answered zgs_getShardConfig with {config}, not {{shardId, numShard}}"))?;
        if !config.is_valid() {
            return Err(format!("{url} has an invalid shard config {}/{}", config.shard_id, config.num_shard));
        }
        let status = self.zgs.call(url, "zgs_getStatus", json!([])).map_err(|e| e.to_string())?;
        if status.get("networkIdentity").is_none() {
            return Err(format!("{url} answered zgs_getStatus without a networkIdentity"));
        }
        Ok(ShardedNode { url: url.to_owned(), config, latency, since: unix_now() })
    }
}

/// 0G's `shard.Select`: orders the nodes by `method` ("min": fewest shards first, "max":
/// most shards first, "random", or a number N: only nodes with numShard = N), then keeps
/// each node that adds to a set holding every segment `expected_replica` times. `None` when
/// the nodes cannot reach that many replicas.
pub fn select(nodes: &[ShardedNode], expected_replica: u64, method: &str) -> Option<Vec<ShardedNode>> {
    if expected_replica == 0 {
        return Some(Vec::new());
    }
    let mut nodes: Vec<ShardedNode> = nodes.iter().filter(|n| n.config.is_valid()).cloned().collect();
    match method {
        "min" => nodes.sort_by_key(|n| (n.config.num_shard, n.config.shard_id)),
        "max" => nodes.sort_by_key(|n| (std::cmp::Reverse(n.config.num_shard), n.config.shard_id)),
        "random" => shuffle(&mut nodes),
        size => match size.parse::<u64>() {
            Ok(size) if size > 0 => nodes.retain(|n| n.config.num_shard == size),
            _ => nodes.clear(),
        },
    }
    let mut tree = Coverage::new(1);
    let mut selected = Vec::new();
    for node in nodes {
        if tree.insert(node.config.num_shard, node.config.shard_id, expected_replica) {
            selected.push(node);
        }
        if tree.replica >= expected_replica {
            return Some(selected);
        }
    }
    None
}

/// Fisher–Yates with a clock-seeded xorshift: load spreading, not security.
fn shuffle<T>(items: &mut [T]) {
    let mut state = SystemTime::now().duration_since(UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64) | 1;
    for i in (1..items.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        items.swap(i, (state % (i as u64 + 1)) as usize);
    }
}

/// How many times each residue class of segments is covered, as a binary tree over
/// `numShard` (the root is numShard 1; a child of numShard n splits it by one more bit).
struct Coverage {
    children: Option<Box<[Coverage; 2]>>,
    num_shard: u64,
    pending: u64,
    replica: u64,
}

impl Coverage {
    fn new(num_shard: u64) -> Coverage {
        Coverage { children: None, num_shard, pending: 0, replica: 0 }
    }

    /// Adds a node of shard `shard_id`/`num_shard` (valid, and at least this level's
    /// numShard) if it raises coverage below `expected`.
    fn insert(&mut self, num_shard: u64, shard_id: u64, expected: u64) -> bool {
        if self.replica >= expected {
            return false;
        }
        if self.num_shard == num_shard {
            self.replica += 1;
            self.pending += 1;
            return true;
        }
        let half = self.num_shard * 2;
        let children = self.children.get_or_insert_with(|| Box::new([Coverage::new(half), Coverage::new(half)]));
        for child in children.iter_mut() {
            child.replica += self.pending;
            child.pending += self.pending;
        }
        self.pending = 0;
        let inserted = children[(shard_id % 2) as usize].insert(num_shard, shard_id >> 1, expected);
        self.replica = children[0].replica.min(children[1].replica);
        inserted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(shard_id: u64, num_shard: u64) -> ShardedNode {
        ShardedNode {
            url: format!("http://n{shard_id}of{num_shard}"),
            config: ShardConfig { shard_id, num_shard },
            latency: 0,
            since: 0,
        }
    }

    fn urls(nodes: &[ShardedNode]) -> Vec<&str> {
        nodes.iter().map(|n| n.url.as_str()).collect()
    }

    #[test]
    fn selects_like_0g() {
        let devnet = [node(0, 2), node(1, 2), node(0, 1)];
        // "min" takes the full replica alone; two replicas need the two shards as well.
        assert_eq!(urls(&select(&devnet, 1, "min").unwrap()), ["http://n0of1"]);
        assert_eq!(urls(&select(&devnet, 2, "min").unwrap()), ["http://n0of1", "http://n0of2", "http://n1of2"]);
        assert_eq!(urls(&select(&devnet, 1, "max").unwrap()), ["http://n0of2", "http://n1of2"]);
        assert_eq!(urls(&select(&devnet, 1, "2").unwrap()), ["http://n0of2", "http://n1of2"]);
        assert!(select(&devnet, 3, "min").is_none());
        assert!(select(&devnet, 1, "nonsense").is_none());
        for _ in 0..20 {
            let picked = select(&devnet, 1, "random").unwrap();
            assert!(matches!(picked.len(), 1 | 2), "{picked:?}");
        }
        // One shard of two is not a copy of the file; a duplicate shard adds nothing.
        assert!(select(&[node(1, 2), node(1, 2)], 1, "min").is_none());
        assert_eq!(urls(&select(&[node(1, 4), node(0, 2), node(3, 4)], 1, "min").unwrap()).len(), 3);
        assert!(select(&[node(1, 4), node(0, 2)], 1, "min").is_none());
    }

    #[test]
    fn shard_rules() {
        assert!(ShardConfig { shard_id: 1, num_shard: 2 }.is_valid());
        assert!(!ShardConfig { shard_id: 2, num_shard: 2 }.is_valid());
        assert!(!ShardConfig { shard_id: 0, num_shard: 3 }.is_valid());
        assert!(!ShardConfig { shard_id: 0, num_shard: 0 }.is_valid());
        assert!(ShardConfig { shard_id: 1, num_shard: 2 }.has_segment(5));
        assert!(ShardConfig { shard_id: 0, num_shard: 1 }.has_segment(5));
        assert!(!ShardConfig { shard_id: 0, num_shard: 2 }.has_segment(5));
    }
}
