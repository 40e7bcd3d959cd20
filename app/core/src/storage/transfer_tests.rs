//! The transfer rules against nodes, a gateway, a journal and a clock that live in memory:
//! nodes check every proof they are sent as 0G's do and serve real proofs, and can be made
//! to go down, refuse a number of requests, or lie about a segment's bytes.

use std::cell::{Cell, RefCell};

use futures::executor::block_on;
use serde_json::json;
use wasm_light_client::storage::{segment_data, segment_proof, verify_segment, SEGMENT_SIZE};

use super::*;
use crate::storage::whole_file::WholeFileCheck;
use crate::storage::wire::ShardConfig;

/// Three full segments and part of a fourth.
fn file() -> Vec<u8> {
    (0..3 * SEGMENT_SIZE + 1000).map(|i| (i * 7 + 3) as u8).collect()
}

const AT: Placement = Placement { start_entry: 0 };

#[derive(Default)]
struct TestClock {
    now: Cell<u64>,
    slept: RefCell<Vec<u32>>,
}

impl Clock for TestClock {
    fn now_ms(&self) -> u64 {
        self.now.get()
    }

    async fn sleep(&self, ms: u32) {
        self.slept.borrow_mut().push(ms);
        self.now.set(self.now.get() + u64::from(ms));
    }
}

struct TestNode {
    info: NodeInfo,
    /// The file it serves downloads of.
    file: Vec<u8>,
    down: Cell<bool>,
    /// Upload requests still to refuse.
    refusals: Cell<u32>,
    /// Serves this segment with one byte changed.
    lies_about: Cell<Option<u64>>,
    /// Segments it took, in the order it took them.
    stored: RefCell<Vec<u64>>,
    upload_requests: Cell<u32>,
}

impl TestNode {
    fn new(id: u64, of: u64, file: &[u8]) -> Self {
        TestNode {
            info: NodeInfo {
                url: format!("http://node{id}of{of}:5678"),
                shard: ShardConfig { shard_id: id, num_shard: of },
            },
            file: file.to_vec(),
            down: Cell::new(false),
            refusals: Cell::new(0),
            lies_about: Cell::new(None),
            stored: RefCell::new(Vec::new()),
            upload_requests: Cell::new(0),
        }
    }

    fn stored(&self) -> Vec<u64> {
        let mut stored = self.stored.borrow().clone();
        stored.sort_unstable();
        stored
    }
}

impl SegmentNode for TestNode {
    fn info(&self) -> &NodeInfo {
        &self.info
    }

    async fn upload(&self, segments: &[SegmentWithProof]) -> Result<(), NodeError> {
        self.upload_requests.set(self.upload_requests.get() + 1);
        if self.down.get() {
            return Err(NodeError::at(self.url(), "connection refused"));
        }
        if self.refusals.get() > 0 {
            self.refusals.set(self.refusals.get() - 1);
            return Err(NodeError::at(self.url(), "busy"));
        }
        for s in segments {
            // 0G's node refuses a batch with a segment it does not keep or whose proof fails.
            assert!(self.info.shard.holds(AT.flow_segment(s.index)), "{} sent segment {}", self.url(), s.index);
            verify_segment(s.root, s.index, &s.data, &s.proof, s.file_size)
                .map_err(|e| NodeError::at(self.url(), e.to_string()))?;
        }
        self.stored.borrow_mut().extend(segments.iter().map(|s| s.index));
        Ok(())
    }

    async fn download_answer(&self, _root: B256, index: u64) -> Result<Vec<u8>, NodeError> {
        if self.down.get() {
            return Err(NodeError::at(self.url(), "connection refused"));
        }
        let mut data = segment_data(&self.file, index).unwrap();
        if self.lies_about.get() == Some(index) {
            data[0] ^= 1;
        }
        let segment = SegmentWithProof {
            root: FileTree::new(&self.file).unwrap().root(),
            data,
            index,
            proof: segment_proof(&self.file, index).unwrap(),
            file_size: self.file.len() as u64,
        };
        Ok(serde_json::to_vec(&json!({"jsonrpc": "2.0", "id": 0, "result": segment})).unwrap())
    }
}

struct TestGateway {
    file: Option<Vec<u8>>,
    /// Refuses uploads of this segment.
    refuses: Option<u64>,
    uploaded: RefCell<Vec<u64>>,
}

impl TestGateway {
    fn serving(file: Option<Vec<u8>>) -> Self {
        TestGateway { file, refuses: None, uploaded: RefCell::new(Vec::new()) }
    }
}

impl Gateway for TestGateway {
    fn host(&self) -> String {
        "indexer:12345".into()
    }

    async fn upload_segment(&self, segment: &GatewaySegment<'_>) -> Result<(), IndexerError> {
        if self.refuses == Some(segment.index) {
            return Err(IndexerError::Refused { host: self.host(), code: 1, words: "no space".into() });
        }
        assert_eq!(segment.expected_replica, GATEWAY_REPLICA);
        self.uploaded.borrow_mut().push(segment.index);
        Ok(())
    }

    async fn download(&self, root: B256, size: u64, progress: &dyn Fn(u64, u64)) -> Result<Vec<u8>, IndexerError> {
        let Some(file) = &self.file else {
            return Err(IndexerError::Unreachable { host: self.host(), reason: "connection refused".into() });
        };
        let mut check = WholeFileCheck::new(root, size);
        for piece in file.chunks(100_000) {
            check.push(piece).map_err(|error| IndexerError::Corrupt { host: self.host(), error })?;
            progress(check.segments_done(), check.segments_total());
        }
        check.finish().map_err(|error| IndexerError::Corrupt { host: self.host(), error })
    }
}

struct Bytes(Vec<u8>);

impl FileBytes for Bytes {
    async fn read(&self, start: u64, end: u64) -> Result<Vec<u8>, String> {
        Ok(self.0[start as usize..end as usize].to_vec())
    }
}

#[derive(Default)]
struct TestJournal {
    saved: RefCell<Vec<u64>>,
    saves: Cell<u32>,
}

impl Journal for TestJournal {
    async fn save(&self, acknowledged: &[u64]) -> Result<(), String> {
        *self.saved.borrow_mut() = acknowledged.to_vec();
        self.saves.set(self.saves.get() + 1);
        Ok(())
    }
}

fn root_of(data: &[u8]) -> B256 {
    FileTree::new(data).unwrap().root()
}

fn fetch(nodes: &[TestNode], gateway: Option<&TestGateway>, data: &[u8]) -> Result<Fetched, TransferError> {
    let direct = (!nodes.is_empty()).then_some((nodes, AT));
    block_on(download(direct, gateway, &ProveHere, root_of(data), data.len() as u64, &|_, _| {}))
}

#[test]
fn a_segment_a_node_lies_about_comes_from_the_next_node_keeping_it() {
    let data = file();
    let nodes = [TestNode::new(0, 1, &data), TestNode::new(0, 1, &data)];
    nodes[0].lies_about.set(Some(2));
    let got = fetch(&nodes, None, &data).unwrap();
    assert_eq!(got.bytes, data);
    assert_eq!(got.via, Via::Nodes);
    assert_eq!(got.faults.len(), 1, "{:?}", got.faults);
    assert!(matches!(&got.faults[0], Fault::Segment { index: 2, node, .. } if node == "http://node0of1:5678"));
    assert!(got.faults[0].to_string().starts_with("segment 2 from http://node0of1:5678: "), "{}", got.faults[0]);
}

#[test]
fn a_segment_no_node_serves_truthfully_sends_the_download_to_the_gateway() {
    let data = file();
    let nodes = [TestNode::new(0, 2, &data), TestNode::new(1, 2, &data)];
    nodes[1].lies_about.set(Some(1));
    let gateway = TestGateway::serving(Some(data.clone()));
    let got = fetch(&nodes, Some(&gateway), &data).unwrap();
    assert_eq!(got.bytes, data);
    assert_eq!(got.via, Via::Gateway { host: "indexer:12345".into() });
    let said = got.faults.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
    assert!(said.contains("segment 1 could not be downloaded from any node"), "{said}");
    assert!(said.contains("through the gateway instead"), "{said}");
}

#[test]
fn when_both_routes_fail_the_error_names_both_and_no_bytes_come_back() {
    let data = file();
    let nodes = [TestNode::new(0, 1, &data)];
    nodes[0].down.set(true);
    let gateway = TestGateway::serving(None);
    let error = fetch(&nodes, Some(&gateway), &data).unwrap_err();
    let TransferError::BothRoutes { direct, gateway } = &error else { panic!("{error:?}") };
    assert!(matches!(**direct, TransferError::Unavailable { index: 0, .. }), "{direct:?}");
    assert!(matches!(gateway, IndexerError::Unreachable { .. }), "{gateway:?}");
    assert!(error.to_string().contains("connection refused"), "{error}");
}

#[test]
fn without_a_gateway_a_failed_segment_is_the_error() {
    let data = file();
    let nodes = [TestNode::new(0, 2, &data), TestNode::new(1, 2, &data)];
    nodes[0].down.set(true);
    let error = fetch(&nodes, None::<&TestGateway>, &data).unwrap_err();
    assert!(matches!(error, TransferError::Unavailable { index: 0, .. }), "{error:?}");
}

#[test]
fn a_gateway_that_sends_another_file_is_refused() {
    let data = file();
    let mut other = data.clone();
    other[SEGMENT_SIZE + 5] ^= 0xff;
    let gateway = TestGateway::serving(Some(other));
    let error = fetch(&[], Some(&gateway), &data).unwrap_err();
    assert!(matches!(error, TransferError::Gateway(IndexerError::Corrupt { .. })), "{error:?}");
}

#[test]
fn a_download_from_nodes_reports_progress_in_file_order() {
    let data = file();
    let nodes = [TestNode::new(0, 2, &data), TestNode::new(1, 2, &data)];
    let seen = RefCell::new(Vec::new());
    let root = root_of(&data);
    let got = block_on(download(
        Some((&nodes[..], AT)),
        None::<&TestGateway>,
        &ProveHere,
        root,
        data.len() as u64,
        &|done, total| seen.borrow_mut().push((done, total)),
    ))
    .unwrap();
    assert_eq!(got.bytes, data);
    assert_eq!(*seen.borrow(), vec![(1, 4), (2, 4), (3, 4), (4, 4)]);
}

fn send(
    nodes: &[TestNode],
    data: &[u8],
    acknowledged: &mut Vec<u64>,
    journal: &TestJournal,
    clock: &TestClock,
) -> Result<(), DirectFailure> {
    let (tree, file) = (FileTree::new(data).unwrap(), Bytes(data.to_vec()));
    let upload = Upload { file: &file, tree: &tree, journal, clock };
    block_on(upload_direct(nodes, AT, &upload, acknowledged, &|_, _| {}))
}

#[test]
fn a_segment_counts_as_stored_once_every_node_keeping_it_took_it() {
    let data = file();
    // Two copies of every segment: one on node0 or node1 (half each), one on node2 (all).
    let nodes = [TestNode::new(0, 2, &data), TestNode::new(1, 2, &data), TestNode::new(0, 1, &data)];
    nodes[2].down.set(true);
    let (journal, clock) = (TestJournal::default(), TestClock::default());
    let mut acknowledged = Vec::new();
    let failure = send(&nodes, &data, &mut acknowledged, &journal, &clock).unwrap_err();
    assert!(matches!(&failure, DirectFailure::Node { url, .. } if url == "http://node0of1:5678"), "{failure:?}");
    // node0 and node1 may have taken their halves, but no segment has both copies.
    assert!(acknowledged.is_empty(), "{acknowledged:?}");
    assert_eq!(*journal.saved.borrow(), Vec::<u64>::new());
    assert!(journal.saves.get() >= 1, "the failure is saved for the resume");
}

#[test]
fn an_upload_resumes_with_only_the_segments_not_yet_stored() {
    let data = file();
    let nodes = [TestNode::new(0, 2, &data), TestNode::new(1, 2, &data)];
    let (journal, clock) = (TestJournal::default(), TestClock::default());
    let mut acknowledged = vec![0, 1];
    send(&nodes, &data, &mut acknowledged, &journal, &clock).unwrap();
    assert_eq!(acknowledged, vec![0, 1, 2, 3]);
    assert_eq!(*journal.saved.borrow(), vec![0, 1, 2, 3]);
    // Segment 2 is flow segment 2 (node0's), segment 3 node1's; 0 and 1 are not sent again.
    assert_eq!(nodes[0].stored(), vec![2]);
    assert_eq!(nodes[1].stored(), vec![3]);
}

#[test]
fn after_a_node_fails_the_resume_with_another_set_sends_what_is_missing() {
    let data = file();
    let first = [TestNode::new(0, 2, &data), TestNode::new(1, 2, &data)];
    first[1].down.set(true);
    let (journal, clock) = (TestJournal::default(), TestClock::default());
    let mut acknowledged = Vec::new();
    let failure = send(&first, &data, &mut acknowledged, &journal, &clock).unwrap_err();
    assert!(matches!(&failure, DirectFailure::Node { url, error: NodeError::Failed { reason, .. } }
        if url == "http://node1of2:5678" && reason == "connection refused"));
    // What node0 took is kept: the even segments.
    assert_eq!(*journal.saved.borrow(), acknowledged);
    assert!(acknowledged.iter().all(|s| s % 2 == 0), "{acknowledged:?}");
    // The resume goes to a set without node1 and sends only what is missing.
    let second = [TestNode::new(0, 1, &data)];
    send(&second, &data, &mut acknowledged, &journal, &clock).unwrap();
    assert_eq!(acknowledged, vec![0, 1, 2, 3]);
    let missing_before: Vec<u64> = (0..4).filter(|s| !first[0].stored().contains(s)).collect();
    assert_eq!(second[0].stored(), missing_before);
}

#[test]
fn a_busy_node_is_asked_again_after_a_back_off_and_a_failing_one_is_given_up() {
    let data = file();
    let nodes = [TestNode::new(0, 1, &data)];
    nodes[0].refusals.set(2);
    let (journal, clock) = (TestJournal::default(), TestClock::default());
    let mut acknowledged = Vec::new();
    send(&nodes, &data, &mut acknowledged, &journal, &clock).unwrap();
    assert_eq!(acknowledged, vec![0, 1, 2, 3]);
    assert_eq!(*clock.slept.borrow(), vec![800, 1600]);
    assert_eq!(nodes[0].upload_requests.get(), 3);

    let nodes = [TestNode::new(0, 1, &data)];
    nodes[0].refusals.set(UPLOAD_ATTEMPTS);
    let (journal, clock) = (TestJournal::default(), TestClock::default());
    let mut acknowledged = Vec::new();
    let failure = send(&nodes, &data, &mut acknowledged, &journal, &clock).unwrap_err();
    assert!(matches!(failure, DirectFailure::Node { .. }), "{failure:?}");
    assert_eq!(nodes[0].upload_requests.get(), UPLOAD_ATTEMPTS);
    assert!(acknowledged.is_empty());
}

#[test]
fn a_set_that_misses_a_shard_sends_nothing() {
    let data = file();
    let nodes = [TestNode::new(0, 2, &data)];
    let (journal, clock) = (TestJournal::default(), TestClock::default());
    let failure = send(&nodes, &data, &mut Vec::new(), &journal, &clock).unwrap_err();
    assert_eq!(failure, DirectFailure::Uncovered(vec![1, 3]));
    assert_eq!(nodes[0].upload_requests.get(), 0);
    assert_eq!(journal.saves.get(), 0);
}

#[test]
fn a_gateway_upload_keeps_what_was_taken_and_its_resume_sends_the_rest() {
    let data = file();
    let tree = FileTree::new(&data).unwrap();
    let mut gateway = TestGateway::serving(None);
    gateway.refuses = Some(2);
    let (journal, clock) = (TestJournal::default(), TestClock::default());
    let mut acknowledged = Vec::new();
    let file = Bytes(data.clone());
    let upload = |gateway: &TestGateway, acknowledged: &mut Vec<u64>| {
        let upload = Upload { file: &file, tree: &tree, journal: &journal, clock: &clock };
        block_on(upload_gateway(gateway, &upload, acknowledged, &|_, _| {}))
    };
    let error = upload(&gateway, &mut acknowledged).unwrap_err();
    assert!(
        matches!(&error, TransferError::GatewayUpload { stored: 3, total: 4, error: IndexerError::Refused { .. } }),
        "{error:?}"
    );
    assert_eq!(*journal.saved.borrow(), vec![0, 1, 3]);
    // Refused three times, with the back-off between.
    assert_eq!(*clock.slept.borrow(), vec![800, 1600]);

    gateway.refuses = None;
    gateway.uploaded.borrow_mut().clear();
    upload(&gateway, &mut acknowledged).unwrap();
    assert_eq!(acknowledged, vec![0, 1, 2, 3]);
    assert_eq!(*gateway.uploaded.borrow(), vec![2]);
}

#[test]
fn an_audit_names_the_node_that_lies_about_a_sampled_segment() {
    let data = file();
    let nodes = [TestNode::new(0, 1, &data), TestNode::new(0, 2, &data), TestNode::new(1, 2, &data)];
    nodes[1].lies_about.set(Some(2));
    nodes[2].down.set(true);
    let root = root_of(&data);
    let checks = block_on(audit(&nodes, AT, root, data.len() as u64, &[0, 2, 3]));
    let failed: Vec<(u64, &str)> =
        checks.iter().filter(|c| c.failure.is_some()).map(|c| (c.segment, c.node.as_str())).collect();
    assert_eq!(failed, vec![(2, "http://node0of2:5678"), (3, "http://node1of2:5678")]);
    // Every holder of every sampled segment was asked: node0 keeps all, node1/node2 half.
    assert_eq!(checks.len(), 6);
}
