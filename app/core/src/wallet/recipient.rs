//! Checks on a recipient before sending: is it new, is it one of the user's own accounts,
//! and does it look like an address the user knows without being it.
//!
//! The last is address poisoning: an attacker generates an address sharing the first and
//! last few hex digits with one the victim uses, sends them a dust or zero-value transfer
//! so it sits in their history, and waits for them to copy it from there. Wallets
//! abbreviate addresses to exactly those digits, so the two look the same.

use alloy_primitives::Address;

/// Hex digits at each end that an abbreviated address shows, and that poisoning
/// addresses are generated to match.
const MATCHED_ENDS: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecipientCheck {
    /// Never sent to before, and not one of the user's own accounts.
    pub first_time: bool,
    /// One of the user's own accounts.
    pub own_account: bool,
    /// A known address (sent to before, or the user's own) that is not this one but
    /// begins and ends with the same four hex digits: the one the user may have meant.
    pub look_alike: Option<Address>,
}

/// What the review says about sending to `to`, given the addresses this account has sent
/// to before and the user's own accounts.
pub fn check(to: Address, sent_to_before: &[Address], own: &[Address]) -> RecipientCheck {
    let own_account = own.contains(&to);
    let first_time = !own_account && !sent_to_before.contains(&to);
    // An address paid before was confirmed then (a look-alike must be ticked to be paid), and
    // the list holds only addresses this wallet sent to, never ones that merely sent to it:
    // warning again on each payment would teach people to tick without reading.
    if sent_to_before.contains(&to) {
        return RecipientCheck { first_time, own_account, look_alike: None };
    }
    let to_hex = hex::encode(to);
    let mut look_alike: Option<(usize, Address)> = None;
    for &known in sent_to_before.iter().chain(own) {
        if known == to {
            continue;
        }
        let known_hex = hex::encode(known);
        let (lead, trail) = (common_prefix(&to_hex, &known_hex), common_suffix(&to_hex, &known_hex));
        // Equal addresses were skipped, so the two runs never overlap.
        let score = lead + trail;
        if lead >= MATCHED_ENDS && trail >= MATCHED_ENDS && look_alike.is_none_or(|(best, _)| score > best) {
            look_alike = Some((score, known));
        }
    }
    RecipientCheck { first_time, own_account, look_alike: look_alike.map(|(_, address)| address) }
}

/// Digits compared as `hex::encode` spells them, in lowercase: how an address was typed
/// or checksummed does not change which digits match.
fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

fn common_suffix(a: &str, b: &str) -> usize {
    a.bytes().rev().zip(b.bytes().rev()).take_while(|(x, y)| x == y).count()
}

/// The checksummed address in groups of four hex digits ("0xAbC1", "23dE", …), for
/// reading the whole of it against where it came from: the middle is what a poisoning
/// address gets wrong.
pub fn chunked(address: &Address) -> Vec<String> {
    let checksummed = address.to_checksum(None);
    let digits = &checksummed[2..];
    (0..digits.len())
        .step_by(4)
        .map(|start| {
            let group = &digits[start..start + 4];
            if start == 0 {
                format!("0x{group}")
            } else {
                group.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::address;

    const FRIEND: Address = address!("a1b2c3d4e5f60718293a4b5c6d7e8f9012345678");
    /// An attacker's address: the friend's first and last four digits, a different middle.
    const POISON: Address = address!("a1b2ffffffffffffffffffffffffffffffff5678");

    #[test]
    fn a_new_recipient_a_known_one_and_ones_own_account() {
        let me = Address::repeat_byte(0x11);
        assert_eq!(
            check(Address::repeat_byte(0x99), &[FRIEND], &[me]),
            RecipientCheck { first_time: true, own_account: false, look_alike: None }
        );
        let known = check(FRIEND, &[FRIEND], &[me]);
        assert!(!known.first_time && !known.own_account && known.look_alike.is_none());
        let own = check(me, &[FRIEND], &[me]);
        assert!(own.own_account && !own.first_time, "one's own account is not a stranger: {own:?}");
    }

    #[test]
    fn a_poisoning_address_is_caught_against_history_and_own_accounts() {
        let found = check(POISON, &[FRIEND], &[]);
        assert_eq!(found.look_alike, Some(FRIEND));
        assert!(found.first_time);
        assert_eq!(check(POISON, &[], &[FRIEND]).look_alike, Some(FRIEND), "one's own account is known too");
        // Once paid (after its warning was ticked), it is not warned about again, nor is
        // the address it looks like.
        assert_eq!(check(POISON, &[FRIEND, POISON], &[]).look_alike, None);
        assert!(!check(POISON, &[FRIEND, POISON], &[]).first_time);
        assert_eq!(check(FRIEND, &[FRIEND, POISON], &[]).look_alike, None);
        // Three matching digits at one end is not the pattern.
        let near = address!("a1b2ffffffffffffffffffffffffffffffff1678");
        assert_eq!(check(near, &[FRIEND], &[]).look_alike, None);
        let near = address!("a1bfffffffffffffffffffffffffffffffff5678");
        assert_eq!(check(near, &[FRIEND], &[]).look_alike, None);
    }

    #[test]
    fn the_closest_look_alike_is_named_and_ties_go_to_the_first_listed() {
        // Shares six digits at each end with the poison, where FRIEND shares four.
        let closer = address!("a1b2ffccccccccccccccccccccccccccccff5678");
        assert_eq!(check(POISON, &[FRIEND, closer], &[]).look_alike, Some(closer));
        assert_eq!(check(POISON, &[closer, FRIEND], &[]).look_alike, Some(closer));
        // Four and four, like FRIEND: an equal match, so the order given decides.
        let other = address!("a1b2000000000000000000000000000000005678");
        assert_eq!(check(POISON, &[FRIEND, other], &[]).look_alike, Some(FRIEND));
        assert_eq!(check(POISON, &[other, FRIEND], &[]).look_alike, Some(other));
        // Whoever is listed, the digits count: one digit off FRIEND beats `closer`.
        let typo = address!("a1b2c3d4e5f60718293a4b5c6d7e8f90123f5678");
        assert_eq!(check(typo, &[closer, FRIEND], &[]).look_alike, Some(FRIEND));
    }

    #[test]
    fn the_full_address_reads_in_groups_of_four_with_its_checksum() {
        let anvil = address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        assert_eq!(chunked(&anvil), ["0xf39F", "d6e5", "1aad", "88F6", "F4ce", "6aB8", "8272", "79cf", "fFb9", "2266"]);
        assert_eq!(chunked(&anvil).concat(), anvil.to_checksum(None));
    }
}
