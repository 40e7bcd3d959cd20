//! A head accepted because independent endpoints serve it alike: the root of trust on
//! networks without a checkpoint, and where a client far behind jumps to (see
//! [`crate::provider::TrustBasis::Agreement`]). What it rests on: that no `quorum` of the
//! endpoints collude or are subverted together.

use crate::header::{VerifiedHash, VerifiedHeader};
use crate::node::EthNode;
use crate::provider::{SyncError, TrustBasis};

/// The newest head that `quorum` of `nodes` serve identically: the highest height that
/// many have reached, then each one's header there. Too few answers, or too few alike, is a
/// disagreement naming who served what.
pub async fn agreed_head<T: EthNode>(nodes: &[&T], quorum: usize) -> Result<(VerifiedHeader, TrustBasis), SyncError> {
    let asked = nodes.len();
    let mut heads = Vec::new();
    for node in nodes {
        if let Ok(head) = node.block_number().await {
            heads.push(head);
        }
    }
    heads.sort_unstable_by(|a, b| b.cmp(a));
    let Some(&target) = heads.get(quorum - 1) else {
        return Err(SyncError::Disagreement {
            block: heads.first().copied().unwrap_or_default(),
            agree: heads.len(),
            asked,
            needed: quorum,
            detail: "Too few endpoints answered; check the network's RPC list".into(),
        });
    };
    let mut served: Vec<(VerifiedHash, usize)> = Vec::new();
    let mut said = Vec::new();
    for node in nodes {
        match node.headers(target, target).await.map(|mut h| h.pop().flatten()) {
            Ok(Some(h)) if h.header.number == target => {
                said.push(format!("{} serves {}", node.endpoint(), h.hash));
                match served.iter_mut().find(|(s, _)| s.hash == h.hash) {
                    Some((_, count)) => *count += 1,
                    None => served.push((h, 1)),
                }
            }
            Ok(_) => said.push(format!("{} has no block {target}", node.endpoint())),
            Err(e) => said.push(format!("{}: {e}", node.endpoint())),
        }
    }
    let best = served.into_iter().max_by_key(|(_, count)| *count);
    match best {
        Some((h, agree)) if agree >= quorum => {
            let trust = TrustBasis::Agreement { block: target, hash: h.hash, agree, asked };
            Ok((VerifiedHeader { hash: h.hash, header: h.header }, trust))
        }
        best => Err(SyncError::Disagreement {
            block: target,
            agree: best.map_or(0, |(_, agree)| agree),
            asked,
            needed: quorum,
            detail: said.join("; "),
        }),
    }
}
