//! Where an agent came from, read from proven logs only: who created it (the `Minted`
//! event's creator) and in which block, and how it reached its holder — minted straight to
//! them, a clone they accepted, or a transfer they accepted.
//!
//! Why it matters: anyone can mint an agent to any address, with a wallet key and
//! instructions of their own choosing, and such an agent is listed beside the holder's own.
//! Its maker knows its wallet key, so whatever is sent to that wallet is theirs to take.
//! [`origin`] is the one decision of whether an agent is the holder's own, accepted from
//! someone, or foreign; the Agents pages warn on foreign agents and ask for an
//! acknowledgement before showing where to send them funds.
//!
//! Pure: the service gathers proven logs, this reads them; never a node's word.

use alloy_primitives::{Address, U256};
use wasm_light_client::ProvenLog;

use super::contract::{self, MintedEvent};

/// How the agent reached its holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// Minted straight to the holder by its creator: nobody asked the holder.
    Minted,
    /// A clone of agent `source` that its holder `from` made for the holder, who signed an
    /// acceptance for it (`iCloneFrom` needs the receiver's access proof).
    Cloned { source: U256, from: Address },
    /// Moved from `from` in `block`. `AgentNFT` moves tokens only by `iTransferFrom`, which
    /// needs the receiver's signed acceptance, so the holder accepted it.
    Transferred { from: Address, block: u64 },
}

/// One agent's provenance, every field from a proven log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Provenance {
    pub token: U256,
    /// Whom this provenance is told to ("you" in [`Provenance::describe`]).
    pub holder: Address,
    /// Who sent the `mint` (or, for a clone, the `iCloneFrom`): who chose its wallet key
    /// and instructions.
    pub creator: Address,
    pub created_block: u64,
    pub arrival: Arrival,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProvenanceError {
    #[error("no proven Minted event for agent #{0}, so who made it is unknown; treat it as someone else's agent")]
    NoMint(U256),
    #[error("agent #{0} has more than one proven Minted event; this is not the agent contract the app knows — do not fund the agent")]
    MintedTwice(U256),
    #[error("no proven Transfer of agent #{token} to {holder}, so how it reached you is unknown; refresh, and if it stays, treat it as someone else's agent")]
    NoArrival { token: U256, holder: Address },
    #[error("agent #{token} came to {holder} from nobody in block {block}, but it was minted in block {minted}; this is not the agent contract the app knows — do not fund the agent")]
    MintElsewhere { token: U256, holder: Address, block: u64, minted: u64 },
}

/// The token's single `Minted` event among `minted` (proven logs of the agent NFT `nft`),
/// with the log it is in.
pub fn mint_of(nft: Address, token: U256, minted: &[ProvenLog]) -> Result<(&ProvenLog, MintedEvent), ProvenanceError> {
    let mut found = minted
        .iter()
        .filter_map(|l| contract::decode_minted(&l.log, nft).map(|m| (l, m)))
        .filter(|(_, m)| m.token == token);
    let first = found.next().ok_or(ProvenanceError::NoMint(token))?;
    // The contract mints each id once; two mints mean another contract than ours.
    match found.next() {
        Some(_) => Err(ProvenanceError::MintedTwice(token)),
        None => Ok(first),
    }
}

impl Provenance {
    /// Reads the provenance of `token` held by `holder` from proven logs of `nft`:
    /// `minted` holds its `Minted` event, `received` the `Transfer`s to `holder` (the newest
    /// of this token is how it arrived), `clones` the `Cloned` events of the block it was
    /// minted in (one in the mint's own transaction makes it a clone).
    pub fn from_logs(
        nft: Address,
        token: U256,
        holder: Address,
        minted: &[ProvenLog],
        received: &[ProvenLog],
        clones: &[ProvenLog],
    ) -> Result<Self, ProvenanceError> {
        let (mint_log, mint) = mint_of(nft, token, minted)?;
        let arrived = received
            .iter()
            .filter_map(|l| contract::decode_transfer(&l.log, nft).map(|t| (l, t)))
            .filter(|(_, (_, to, t))| *t == token && *to == holder)
            .max_by_key(|(l, _)| (l.block, l.log_index));
        let (arrival_log, (from, _, _)) = arrived.ok_or(ProvenanceError::NoArrival { token, holder })?;
        let arrival = if from.is_zero() {
            let same_tx =
                |l: &ProvenLog| l.block == mint_log.block && l.transaction_index == mint_log.transaction_index;
            if !same_tx(arrival_log) {
                return Err(ProvenanceError::MintElsewhere {
                    token,
                    holder,
                    block: arrival_log.block,
                    minted: mint_log.block,
                });
            }
            let cloned = clones
                .iter()
                .filter(|l| same_tx(l))
                .filter_map(|l| contract::decode_cloned(&l.log, nft))
                .find(|c| c.token == token && c.to == holder);
            match cloned {
                Some(c) => Arrival::Cloned { source: c.source, from: c.from },
                None => Arrival::Minted,
            }
        } else {
            Arrival::Transferred { from, block: arrival_log.block }
        };
        Ok(Self { token, holder, creator: mint.creator, created_block: mint_log.block, arrival })
    }

    /// One line for people, e.g. "Created by you in block 12" or "Created by 0x… (not you)
    /// in block 40; minted to you". Addresses are written in full: a short form is easy to
    /// imitate with a look-alike address.
    pub fn describe(&self, mine: &[Address]) -> String {
        let who = |a: Address| {
            if a == self.holder {
                "you".to_string()
            } else if mine.contains(&a) {
                format!("your account {a}")
            } else {
                format!("{a} (not you)")
            }
        };
        let created = format!("Created by {} in block {}", who(self.creator), self.created_block);
        match self.arrival {
            Arrival::Minted if self.creator == self.holder => created,
            Arrival::Minted => format!("{created}; minted to you"),
            Arrival::Cloned { source, from } => format!("{created}; a clone of agent #{source} of {}", who(from)),
            Arrival::Transferred { from, block } => format!("{created}; received from {} in block {block}", who(from)),
        }
    }
}

/// Whose agent this is, as far as its wallet key and instructions go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Created by one of your accounts, and reached you by a mint or from your own accounts.
    Own,
    /// Came through a handover you accepted from `from`, not one of your accounts. `from`
    /// knew its wallet key (a transfer keeps it; a clone's new key is made by the sender).
    Accepted { from: Address },
    /// Created by `creator`, not one of your accounts, and never accepted from a stranger
    /// by you: minted to you unasked, or passed on between your accounts.
    Foreign { creator: Address },
    /// Where it came from could not be proven.
    Unproven,
}

/// The "is this agent foreign" decision. `mine` are the wallet's accounts; `None` is an
/// agent whose provenance could not be proven, which is treated like a foreign one.
pub fn origin(provenance: Option<&Provenance>, mine: &[Address]) -> Origin {
    let Some(p) = provenance else { return Origin::Unproven };
    let yours = |a: Address| a == p.holder || mine.contains(&a);
    match p.arrival {
        // The holder signed an acceptance for it, from someone who is not them.
        Arrival::Cloned { from, .. } | Arrival::Transferred { from, .. } if !yours(from) => Origin::Accepted { from },
        // Minted unasked, or moved between your own accounts: whoever created it chose
        // its key and instructions.
        _ if yours(p.creator) => Origin::Own,
        _ => Origin::Foreign { creator: p.creator },
    }
}

impl Origin {
    /// Whether sending funds to the agent's wallet needs an explicit acknowledgement first.
    pub fn needs_acknowledgement(&self) -> bool {
        matches!(self, Origin::Foreign { .. } | Origin::Unproven)
    }

    /// The warning shown on the list and the agent's page, for agents that need one.
    pub fn warning(&self) -> Option<String> {
        match self {
            Origin::Foreign { creator } => Some(format!(
                "You did not create this agent. Its wallet key and instructions came from {creator}; whoever made it may control funds sent to its wallet."
            )),
            Origin::Unproven => Some(
                "Where this agent came from could not be proven, so treat it as someone else's: whoever made it may control funds sent to its wallet."
                    .into(),
            ),
            Origin::Own | Origin::Accepted { .. } => None,
        }
    }

    /// What the acknowledgement checkbox says.
    pub fn acknowledgement(&self) -> String {
        match self {
            Origin::Foreign { creator } => {
                format!("I understand that {creator} may control anything sent to this agent's wallet")
            }
            _ => "I understand that whoever made this agent may control anything sent to its wallet".into(),
        }
    }

    /// A quieter note for agents accepted from someone else.
    pub fn note(&self) -> Option<String> {
        match self {
            Origin::Accepted { from } => Some(format!(
                "You accepted this agent from {from}, who knew its wallet key and may still be able to spend what is sent to its wallet."
            )),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{address, Bytes, Log, LogData, B256};

    const NFT: Address = address!("00000000000000000000000000000000000000aa");
    const ME: Address = address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    const MY_OTHER: Address = address!("00000000000000000000000000000000000000b2");
    const STRANGER: Address = address!("976EA74026E726554dB657fA54763abd0C3a0aa9");
    const FRIEND: Address = address!("70997970C51812dc3A010C7d01b50e0d17dc79C8");

    fn proven(block: u64, tx: usize, log_index: usize, topics: Vec<B256>, data: Bytes) -> ProvenLog {
        ProvenLog {
            block,
            block_hash: B256::repeat_byte(block as u8),
            transaction_index: tx,
            log_index,
            log: Log { address: NFT, data: LogData::new_unchecked(topics, data) },
        }
    }

    fn word(n: u64) -> B256 {
        B256::from(U256::from(n))
    }

    fn minted(block: u64, tx: usize, token: u64, creator: Address, owner: Address) -> ProvenLog {
        // Minted's data: two empty dynamic arrays (the lists are not read).
        let data = [word(0x40).as_slice(), word(0x60).as_slice(), word(0).as_slice(), word(0).as_slice()].concat();
        let topics = vec![contract::minted_topic(), word(token), creator.into_word(), owner.into_word()];
        proven(block, tx, 0, topics, data.into())
    }

    fn transfer(block: u64, tx: usize, log_index: usize, from: Address, to: Address, token: u64) -> ProvenLog {
        let topics = vec![contract::transfer_topic(), from.into_word(), to.into_word(), word(token)];
        proven(block, tx, log_index, topics, Bytes::new())
    }

    fn cloned(block: u64, tx: usize, source: u64, token: u64, from: Address, to: Address) -> ProvenLog {
        let data = [from.into_word().as_slice(), to.into_word().as_slice()].concat();
        proven(block, tx, 2, vec![contract::cloned_topic(), word(source), word(token)], data.into())
    }

    fn read(minted: &[ProvenLog], received: &[ProvenLog], clones: &[ProvenLog]) -> Result<Provenance, ProvenanceError> {
        Provenance::from_logs(NFT, U256::from(7), ME, minted, received, clones)
    }

    #[test]
    fn a_mint_to_you_by_a_stranger_is_foreign_and_names_the_minter() {
        let p = read(&[minted(40, 1, 7, STRANGER, ME)], &[transfer(40, 1, 0, Address::ZERO, ME, 7)], &[]).unwrap();
        assert_eq!(p.arrival, Arrival::Minted);
        assert_eq!((p.creator, p.created_block), (STRANGER, 40));
        let o = origin(Some(&p), &[ME]);
        assert_eq!(o, Origin::Foreign { creator: STRANGER });
        assert!(o.needs_acknowledgement());
        assert_eq!(
            o.warning().unwrap(),
            format!("You did not create this agent. Its wallet key and instructions came from {STRANGER}; whoever made it may control funds sent to its wallet.")
        );
        assert_eq!(p.describe(&[ME]), format!("Created by {STRANGER} (not you) in block 40; minted to you"));
    }

    #[test]
    fn your_own_mint_is_yours_from_any_of_your_accounts() {
        let p = read(&[minted(12, 0, 7, ME, ME)], &[transfer(12, 0, 0, Address::ZERO, ME, 7)], &[]).unwrap();
        assert_eq!(origin(Some(&p), &[ME]), Origin::Own);
        assert_eq!(p.describe(&[ME]), "Created by you in block 12");
        assert_eq!(origin(Some(&p), &[ME]).warning(), None);

        // Minted by your other account to this one, then moved between your accounts: yours.
        let p = read(&[minted(12, 0, 7, MY_OTHER, ME)], &[transfer(12, 0, 0, Address::ZERO, ME, 7)], &[]).unwrap();
        assert_eq!(origin(Some(&p), &[ME, MY_OTHER]), Origin::Own);
        assert_eq!(
            p.describe(&[ME, MY_OTHER]),
            format!("Created by your account {MY_OTHER} in block 12; minted to you")
        );
        let moved = read(&[minted(12, 0, 7, MY_OTHER, MY_OTHER)], &[transfer(30, 0, 0, MY_OTHER, ME, 7)], &[]).unwrap();
        assert_eq!(origin(Some(&moved), &[ME, MY_OTHER]), Origin::Own);
        // …but the same account, not in this wallet, is a stranger.
        assert_eq!(origin(Some(&p), &[ME]), Origin::Foreign { creator: MY_OTHER });
    }

    #[test]
    fn a_stranger_s_agent_passed_between_your_accounts_stays_foreign() {
        let p = read(&[minted(12, 0, 7, STRANGER, MY_OTHER)], &[transfer(30, 0, 0, MY_OTHER, ME, 7)], &[]).unwrap();
        assert_eq!(p.arrival, Arrival::Transferred { from: MY_OTHER, block: 30 });
        assert_eq!(origin(Some(&p), &[ME, MY_OTHER]), Origin::Foreign { creator: STRANGER });
    }

    #[test]
    fn handovers_you_accepted_are_not_foreign_but_say_who_knew_the_key() {
        // A transfer from someone else (iTransferFrom needs your acceptance).
        let p = read(&[minted(12, 0, 7, FRIEND, FRIEND)], &[transfer(30, 2, 5, FRIEND, ME, 7)], &[]).unwrap();
        assert_eq!(p.arrival, Arrival::Transferred { from: FRIEND, block: 30 });
        let o = origin(Some(&p), &[ME]);
        assert_eq!(o, Origin::Accepted { from: FRIEND });
        assert!(!o.needs_acknowledgement());
        assert!(o.note().unwrap().contains(&FRIEND.to_string()));
        assert_eq!(
            p.describe(&[ME]),
            format!("Created by {FRIEND} (not you) in block 12; received from {FRIEND} (not you) in block 30")
        );

        // A clone: minted by the cloning holder, with a Cloned event in the same transaction.
        let p = read(
            &[minted(50, 3, 7, FRIEND, ME)],
            &[transfer(50, 3, 0, Address::ZERO, ME, 7)],
            &[cloned(50, 1, 2, 7, STRANGER, ME), cloned(50, 3, 2, 7, FRIEND, ME)],
        )
        .unwrap();
        assert_eq!(p.arrival, Arrival::Cloned { source: U256::from(2), from: FRIEND });
        assert_eq!(origin(Some(&p), &[ME]), Origin::Accepted { from: FRIEND });
        assert_eq!(
            p.describe(&[ME]),
            format!("Created by {FRIEND} (not you) in block 50; a clone of agent #2 of {FRIEND} (not you)")
        );
    }

    #[test]
    fn a_cloned_event_in_another_transaction_does_not_make_a_mint_a_clone() {
        let p = read(
            &[minted(50, 3, 7, STRANGER, ME)],
            &[transfer(50, 3, 0, Address::ZERO, ME, 7)],
            &[cloned(50, 1, 2, 7, FRIEND, ME)],
        )
        .unwrap();
        assert_eq!(p.arrival, Arrival::Minted);
        assert_eq!(origin(Some(&p), &[ME]), Origin::Foreign { creator: STRANGER });
    }

    #[test]
    fn the_newest_arrival_counts() {
        // Yours, given away, then a stranger handed it back: they knew its key meanwhile.
        let received = [transfer(12, 0, 0, Address::ZERO, ME, 7), transfer(60, 0, 4, STRANGER, ME, 7)];
        let p = read(&[minted(12, 0, 7, ME, ME)], &received, &[]).unwrap();
        assert_eq!(p.arrival, Arrival::Transferred { from: STRANGER, block: 60 });
        assert_eq!(origin(Some(&p), &[ME]), Origin::Accepted { from: STRANGER });
    }

    #[test]
    fn unprovable_provenance_is_treated_as_foreign() {
        assert_eq!(
            read(&[], &[transfer(12, 0, 0, Address::ZERO, ME, 7)], &[]),
            Err(ProvenanceError::NoMint(U256::from(7)))
        );
        let other_token = [minted(12, 0, 8, ME, ME)];
        assert_eq!(read(&other_token, &[], &[]), Err(ProvenanceError::NoMint(U256::from(7))));
        assert_eq!(
            read(&[minted(12, 0, 7, ME, ME)], &[transfer(12, 0, 0, Address::ZERO, ME, 8)], &[]),
            Err(ProvenanceError::NoArrival { token: U256::from(7), holder: ME })
        );
        assert_eq!(
            read(&[minted(12, 0, 7, ME, ME), minted(13, 0, 7, STRANGER, ME)], &[], &[]),
            Err(ProvenanceError::MintedTwice(U256::from(7)))
        );
        assert!(matches!(
            read(&[minted(12, 0, 7, ME, ME)], &[transfer(14, 0, 0, Address::ZERO, ME, 7)], &[]),
            Err(ProvenanceError::MintElsewhere { block: 14, minted: 12, .. })
        ));
        let o = origin(None, &[ME]);
        assert_eq!(o, Origin::Unproven);
        assert!(o.needs_acknowledgement());
        assert!(o.warning().is_some());
    }

    #[test]
    fn logs_of_another_contract_are_not_read() {
        let mut foreign_mint = minted(12, 0, 7, ME, ME);
        foreign_mint.log.address = Address::ZERO;
        assert_eq!(
            read(&[foreign_mint], &[transfer(12, 0, 0, Address::ZERO, ME, 7)], &[]),
            Err(ProvenanceError::NoMint(U256::from(7)))
        );
    }
}
