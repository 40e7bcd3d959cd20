//! CometBFT's JSON-RPC answers (`rpc/core/types/responses.go`, amino JSON: 64-bit numbers
//! as strings, hashes in upper-case hex, keys and signatures in base64) turned into
//! [`block`](super::block) types, and a [`LightSource`] over any JSON-RPC transport.

use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};

use super::block::{
    BlockId, BlockIdFlag, Commit, CommitSig, Header, LightBlock, PartSetHeader, PublicKey, Timestamp, Validator,
    ValidatorSet,
};
use super::light::{CometError, LightSource};
use crate::provider::JsonRpcTransport;

/// The JSON type names CometBFT gives consensus keys.
pub const BLS12_381_KEY_TYPE: &str = "cometbft/PubKeyBls12_381";
pub const ED25519_KEY_TYPE: &str = "tendermint/PubKeyEd25519";

/// Validators asked for per page (CometBFT's maximum).
const PER_PAGE: usize = 100;

fn malformed(what: impl std::fmt::Display) -> CometError {
    CometError::Malformed(what.to_string())
}

/// A 64-bit integer as amino JSON writes it: a string (or, leniently, a number).
#[derive(Deserialize)]
#[serde(untagged)]
enum Int {
    Text(String),
    Number(i64),
}

impl Int {
    fn get(&self) -> Result<i64, CometError> {
        match self {
            Int::Text(s) => s.parse().map_err(|_| malformed(format!("\"{s}\" is not a whole number"))),
            Int::Number(n) => Ok(*n),
        }
    }
}

fn hex(s: &str) -> Result<Vec<u8>, CometError> {
    alloy_primitives::hex::decode(s).map_err(|_| malformed(format!("\"{s}\" is not hex")))
}

fn base64(s: &str) -> Result<Vec<u8>, CometError> {
    base64::engine::general_purpose::STANDARD.decode(s).map_err(|_| malformed(format!("\"{s}\" is not base64")))
}

/// RFC 3339 in UTC with up to nine fractional digits, as CometBFT writes times.
pub fn parse_time(s: &str) -> Result<Timestamp, CometError> {
    let bad = || malformed(format!("\"{s}\" is not a UTC time"));
    let s_ = s.strip_suffix('Z').ok_or_else(bad)?;
    let (date, clock) = s_.split_once('T').ok_or_else(bad)?;
    let (clock, fraction) = clock.split_once('.').unwrap_or((clock, ""));
    let num = |t: &str| t.parse::<i64>().map_err(|_| bad());
    let d: Vec<i64> = date.split('-').map(num).collect::<Result<_, _>>()?;
    let c: Vec<i64> = clock.split(':').map(num).collect::<Result<_, _>>()?;
    if d.len() != 3 || c.len() != 3 || fraction.len() > 9 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let nanos = if fraction.is_empty() { 0 } else { num(fraction)? * 10i64.pow(9 - fraction.len() as u32) };
    let seconds = days_from_civil(d[0], d[1], d[2]) * 86_400 + c[0] * 3600 + c[1] * 60 + c[2];
    Ok(Timestamp { seconds, nanos: nanos as i32 })
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[derive(Deserialize)]
struct JsonParts {
    total: u32,
    hash: String,
}

#[derive(Deserialize)]
struct JsonBlockId {
    hash: String,
    parts: JsonParts,
}

impl JsonBlockId {
    fn get(&self) -> Result<BlockId, CometError> {
        Ok(BlockId {
            hash: hex(&self.hash)?,
            parts: PartSetHeader { total: self.parts.total, hash: hex(&self.parts.hash)? },
        })
    }
}

#[derive(Deserialize)]
struct JsonVersion {
    block: Int,
    #[serde(default)]
    app: Option<Int>,
}

#[derive(Deserialize)]
struct JsonHeader {
    version: JsonVersion,
    chain_id: String,
    height: Int,
    time: String,
    last_block_id: JsonBlockId,
    last_commit_hash: String,
    data_hash: String,
    validators_hash: String,
    next_validators_hash: String,
    consensus_hash: String,
    app_hash: String,
    last_results_hash: String,
    evidence_hash: String,
    proposer_address: String,
}

impl JsonHeader {
    fn get(&self) -> Result<Header, CometError> {
        Ok(Header {
            version_block: self.version.block.get()? as u64,
            version_app: self.version.app.as_ref().map(Int::get).transpose()?.unwrap_or(0) as u64,
            chain_id: self.chain_id.clone(),
            height: self.height.get()?,
            time: parse_time(&self.time)?,
            last_block_id: self.last_block_id.get()?,
            last_commit_hash: hex(&self.last_commit_hash)?,
            data_hash: hex(&self.data_hash)?,
            validators_hash: hex(&self.validators_hash)?,
            next_validators_hash: hex(&self.next_validators_hash)?,
            consensus_hash: hex(&self.consensus_hash)?,
            app_hash: hex(&self.app_hash)?,
            last_results_hash: hex(&self.last_results_hash)?,
            evidence_hash: hex(&self.evidence_hash)?,
            proposer_address: hex(&self.proposer_address)?,
        })
    }
}

#[derive(Deserialize)]
struct JsonCommitSig {
    block_id_flag: u8,
    validator_address: String,
    timestamp: String,
    signature: Option<String>,
}

#[derive(Deserialize)]
struct JsonCommit {
    height: Int,
    round: i32,
    block_id: JsonBlockId,
    signatures: Vec<JsonCommitSig>,
}

impl JsonCommit {
    fn get(&self) -> Result<Commit, CometError> {
        let signatures = self
            .signatures
            .iter()
            .map(|s| {
                let flag = BlockIdFlag::from_number(s.block_id_flag)
                    .ok_or_else(|| malformed(format!("block_id_flag {}", s.block_id_flag)))?;
                Ok(CommitSig {
                    flag,
                    validator_address: hex(&s.validator_address)?,
                    timestamp: parse_time(&s.timestamp)?,
                    signature: s.signature.as_deref().map(base64).transpose()?.unwrap_or_default(),
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Commit { height: self.height.get()?, round: self.round, block_id: self.block_id.get()?, signatures })
    }
}

#[derive(Deserialize)]
struct JsonSignedHeader {
    header: JsonHeader,
    commit: JsonCommit,
}

#[derive(Deserialize)]
struct JsonCommitAnswer {
    signed_header: JsonSignedHeader,
}

#[derive(Deserialize)]
struct JsonKey {
    #[serde(rename = "type")]
    kind: String,
    value: String,
}

#[derive(Deserialize)]
struct JsonValidator {
    address: String,
    pub_key: JsonKey,
    voting_power: Int,
}

#[derive(Deserialize)]
struct JsonValidators {
    validators: Vec<JsonValidator>,
    total: Int,
}

impl JsonValidator {
    fn get(&self) -> Result<Validator, CometError> {
        let key = base64(&self.pub_key.value)?;
        let pub_key = match self.pub_key.kind.as_str() {
            BLS12_381_KEY_TYPE => PublicKey::Bls12381(key),
            ED25519_KEY_TYPE => PublicKey::Ed25519(key),
            other => return Err(malformed(format!("unknown key type \"{other}\""))),
        };
        Ok(Validator { address: hex(&self.address)?, pub_key, voting_power: self.voting_power.get()? })
    }
}

/// Parses `/commit`'s answer into the signed header and its commit.
pub fn signed_header(answer: &Value) -> Result<(Header, Commit), CometError> {
    let answer = JsonCommitAnswer::deserialize(answer).map_err(malformed)?;
    Ok((answer.signed_header.header.get()?, answer.signed_header.commit.get()?))
}

/// Parses one page of `/validators`: its validators and the set's size.
pub fn validators_page(answer: &Value) -> Result<(Vec<Validator>, usize), CometError> {
    let page = JsonValidators::deserialize(answer).map_err(malformed)?;
    let total = page.total.get()? as usize;
    Ok((page.validators.iter().map(JsonValidator::get).collect::<Result<_, _>>()?, total))
}

/// Parses `/block`'s transactions.
pub fn block_txs(answer: &Value) -> Result<Vec<Vec<u8>>, CometError> {
    let txs = answer.pointer("/block/data/txs").ok_or_else(|| malformed("a block without data.txs"))?;
    match txs {
        Value::Null => Ok(vec![]),
        Value::Array(txs) => txs
            .iter()
            .map(|t| t.as_str().ok_or_else(|| malformed("a transaction that is not base64")).and_then(base64))
            .collect(),
        _ => Err(malformed("data.txs is not a list")),
    }
}

/// A CometBFT RPC endpoint, spoken to in JSON-RPC over `transport`.
pub struct CometRpc<T> {
    transport: T,
}

impl<T: JsonRpcTransport> CometRpc<T> {
    pub fn new(transport: T) -> Self {
        CometRpc { transport }
    }

    async fn call(&self, method: &str, params: Value) -> Result<Value, CometError> {
        self.transport.request(method, params).await.map_err(|e| CometError::Transport(e.to_string()))
    }

    pub async fn latest_height(&self) -> Result<i64, CometError> {
        let status = self.call("status", json!({})).await?;
        let height =
            status.pointer("/sync_info/latest_block_height").ok_or_else(|| malformed("status without a height"))?;
        Int::deserialize(height).map_err(malformed)?.get()
    }

    pub async fn validators(&self, height: i64) -> Result<ValidatorSet, CometError> {
        let mut validators = Vec::new();
        for page in 1.. {
            let answer = self
                .call(
                    "validators",
                    json!({"height": height.to_string(), "page": page.to_string(), "per_page": PER_PAGE.to_string()}),
                )
                .await?;
            let (some, total) = validators_page(&answer)?;
            let last = some.is_empty();
            validators.extend(some);
            if validators.len() >= total || last {
                break;
            }
        }
        Ok(ValidatorSet { validators })
    }

    pub async fn txs(&self, height: i64) -> Result<Vec<Vec<u8>>, CometError> {
        block_txs(&self.call("block", json!({"height": height.to_string()})).await?)
    }
}

impl<T: JsonRpcTransport> LightSource for CometRpc<T> {
    async fn light_block(&self, height: Option<i64>) -> Result<LightBlock, CometError> {
        let height = match height {
            Some(h) => h,
            None => self.latest_height().await?,
        };
        let (header, commit) = signed_header(&self.call("commit", json!({"height": height.to_string()})).await?)?;
        if header.height != height {
            return Err(malformed(format!("asked for block {height}, got {}", header.height)));
        }
        let validators = self.validators(height).await?;
        let next_validators = self.validators(height + 1).await?;
        Ok(LightBlock { header, commit, validators, next_validators })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse_to_unix_seconds_and_nanos() {
        assert_eq!(parse_time("1970-01-01T00:00:00Z").unwrap(), Timestamp { seconds: 0, nanos: 0 });
        assert_eq!(
            parse_time("2024-02-29T12:34:56.5Z").unwrap(),
            Timestamp { seconds: 1_709_210_096, nanos: 500_000_000 }
        );
        assert_eq!(parse_time("0001-01-01T00:00:00Z").unwrap().seconds, -62_135_596_800);
        for bad in ["2024-02-29 12:34:56Z", "2024-02-29T12:34:56", "2024-02-29T12:34:56.1234567891Z", "x"] {
            assert!(parse_time(bad).is_err(), "{bad}");
        }
    }
}
