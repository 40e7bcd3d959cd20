//! CometBFT's block header, commit and validator set, and how each is hashed or signed
//! (`types/block.go` `Header.Hash`, `types/vote.go` `VoteSignBytes`,
//! `types/validator_set.go` `Hash`), as berachain's fork that 0G runs has them: commits
//! may carry one aggregated BLS signature, and votes sign no timestamp.

use super::merkle::{self, Hash};
use super::proto::Proto;

/// A point in time as protobuf's `Timestamp` holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Timestamp {
    pub seconds: i64,
    pub nanos: i32,
}

impl Timestamp {
    /// Go's zero time, which the fork's commit signatures carry.
    pub const ZERO: Timestamp = Timestamp { seconds: -62_135_596_800, nanos: 0 };

    fn proto(self) -> Proto {
        Proto::new().int(1, self.seconds).int(2, i64::from(self.nanos))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PartSetHeader {
    pub total: u32,
    pub hash: Vec<u8>,
}

/// A block's identity: its header hash and the hash of its parts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BlockId {
    pub hash: Vec<u8>,
    pub parts: PartSetHeader,
}

impl BlockId {
    fn proto(&self) -> Proto {
        let parts = Proto::new().uint(1, self.parts.total.into()).bytes(2, &self.parts.hash);
        Proto::new().bytes(1, &self.hash).message(2, parts)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Header {
    pub version_block: u64,
    pub version_app: u64,
    pub chain_id: String,
    pub height: i64,
    pub time: Timestamp,
    pub last_block_id: BlockId,
    pub last_commit_hash: Vec<u8>,
    pub data_hash: Vec<u8>,
    pub validators_hash: Vec<u8>,
    pub next_validators_hash: Vec<u8>,
    pub consensus_hash: Vec<u8>,
    pub app_hash: Vec<u8>,
    pub last_results_hash: Vec<u8>,
    pub evidence_hash: Vec<u8>,
    pub proposer_address: Vec<u8>,
}

impl Header {
    /// The Merkle root over the fourteen fields, each encoded on its own (scalars wrapped
    /// in gogoproto's `StringValue`, `Int64Value` and `BytesValue`).
    pub fn hash(&self) -> Hash {
        let wrapped = |b: &[u8]| Proto::new().bytes(1, b).into_bytes();
        let fields: [Vec<u8>; 14] = [
            Proto::new().uint(1, self.version_block).uint(2, self.version_app).into_bytes(),
            wrapped(self.chain_id.as_bytes()),
            Proto::new().int(1, self.height).into_bytes(),
            self.time.proto().into_bytes(),
            self.last_block_id.proto().into_bytes(),
            wrapped(&self.last_commit_hash),
            wrapped(&self.data_hash),
            wrapped(&self.validators_hash),
            wrapped(&self.next_validators_hash),
            wrapped(&self.consensus_hash),
            wrapped(&self.app_hash),
            wrapped(&self.last_results_hash),
            wrapped(&self.evidence_hash),
            wrapped(&self.proposer_address),
        ];
        merkle::root(&fields)
    }
}

/// How a validator took part in a commit (`BlockIDFlag`; 4 to 7 are the fork's aggregated
/// forms: the first voter's entry carries the aggregate, the others' none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockIdFlag {
    Absent,
    /// Voted for the committed block, with its own signature.
    Commit,
    /// Voted for no block.
    Nil,
    /// Voted for the block; carries the aggregate of every such vote.
    AggCommit,
    /// Voted for the block; its signature is in the aggregate.
    AggCommitAbsent,
    AggNil,
    AggNilAbsent,
}

impl BlockIdFlag {
    pub fn from_number(n: u8) -> Option<Self> {
        use BlockIdFlag::*;
        [Absent, Commit, Nil, AggCommit, AggCommitAbsent, AggNil, AggNilAbsent]
            .get(usize::from(n).checked_sub(1)?)
            .copied()
    }

    pub fn number(self) -> u8 {
        self as u8 + 1
    }

    /// Whether the validator voted for the committed block.
    pub fn for_block(self) -> bool {
        matches!(self, BlockIdFlag::Commit | BlockIdFlag::AggCommit | BlockIdFlag::AggCommitAbsent)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitSig {
    pub flag: BlockIdFlag,
    pub validator_address: Vec<u8>,
    pub timestamp: Timestamp,
    pub signature: Vec<u8>,
}

/// The precommits that finalised a block: one entry per validator of its set, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    pub height: i64,
    pub round: i32,
    pub block_id: BlockId,
    pub signatures: Vec<CommitSig>,
}

/// `SignedMsgType` of a precommit.
const PRECOMMIT: u64 = 2;

impl Commit {
    /// What a validator voting for the block signed: its precommit as a length-prefixed
    /// `CanonicalVote`. The fork reserves the timestamp's field (5), so every vote for the
    /// block is the same message, which is what lets them be aggregated.
    pub fn vote_sign_bytes(&self, chain_id: &str) -> Vec<u8> {
        Proto::new()
            .uint(1, PRECOMMIT)
            .sfixed64(2, self.height)
            .sfixed64(3, self.round.into())
            .message(4, self.block_id.proto())
            .bytes(6, chain_id.as_bytes())
            .into_delimited()
    }
}

/// A validator's consensus key, as CometBFT's `PublicKey` oneof holds it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PublicKey {
    /// Hashed like any key, but never trusted: this light client checks BLS12-381 only.
    Ed25519(Vec<u8>),
    Bls12381(Vec<u8>),
}

impl PublicKey {
    fn proto(&self) -> Proto {
        match self {
            PublicKey::Ed25519(k) => Proto::new().bytes(1, k),
            PublicKey::Bls12381(k) => Proto::new().bytes(BLS12_381_KEY_FIELD, k),
        }
    }

    pub fn bytes(&self) -> &[u8] {
        match self {
            PublicKey::Ed25519(k) | PublicKey::Bls12381(k) => k,
        }
    }

    /// CometBFT's address of a key: the first 20 bytes of its SHA-256.
    pub fn address(&self) -> Vec<u8> {
        merkle::sha256(self.bytes())[..20].to_vec()
    }
}

/// The `bls12381` member's number in CometBFT's `crypto.v1.PublicKey` oneof.
pub const BLS12_381_KEY_FIELD: u32 = 3;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validator {
    pub address: Vec<u8>,
    pub pub_key: PublicKey,
    pub voting_power: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValidatorSet {
    pub validators: Vec<Validator>,
}

impl ValidatorSet {
    /// The Merkle root over each validator's `SimpleValidator` (key and power), in the
    /// set's order.
    pub fn hash(&self) -> Hash {
        let leaves: Vec<Vec<u8>> = self
            .validators
            .iter()
            .map(|v| Proto::new().message(1, v.pub_key.proto()).int(2, v.voting_power).into_bytes())
            .collect();
        merkle::root(&leaves)
    }

    pub fn total_power(&self) -> i64 {
        self.validators.iter().map(|v| v.voting_power).sum()
    }

    pub fn by_address(&self, address: &[u8]) -> Option<&Validator> {
        self.validators.iter().find(|v| v.address == address)
    }
}

/// A header with the commit that finalised it and the validators who signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LightBlock {
    pub header: Header,
    pub commit: Commit,
    pub validators: ValidatorSet,
    pub next_validators: ValidatorSet,
}
