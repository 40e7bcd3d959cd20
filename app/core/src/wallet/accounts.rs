//! The accounts a vault holds, as the rest of the app sees them: names and addresses,
//! and signing keys produced on demand.
//!
//! Keys are derived when needed and dropped (zeroized by k256) right after use, so the
//! only long-lived secret in memory is the vault's own plaintext.

use alloy_primitives::Address;
use k256::ecdsa::SigningKey;

use super::mnemonic::Mnemonic;
use super::signer::address_of;
use super::vault_format::{AccountSource, VaultSecrets};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountInfo {
    pub name: String,
    pub address: Address,
    /// e.g. "m/44'/60'/0'/0/2" or "imported key".
    pub origin: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("account {0} does not exist")]
    NoSuchAccount(usize),
    #[error("the stored recovery phrase or key is unreadable; restore the wallet from your recovery phrase")]
    Corrupt,
    #[error("that key is already in this wallet as \"{0}\"")]
    Duplicate(String),
    #[error("this wallet has no recovery phrase, so it cannot derive new accounts; import a key instead")]
    NoMnemonic,
    #[error("a private key is 64 hexadecimal characters (optionally starting with 0x); check what you pasted")]
    BadKey,
}

/// Reads a pasted private key. The error never repeats the input.
pub fn parse_private_key(input: &str) -> Result<SigningKey, AccountError> {
    let trimmed = input.trim();
    let hex_part = trimmed.strip_prefix("0x").unwrap_or(trimmed);
    if hex_part.len() != 64 {
        return Err(AccountError::BadKey);
    }
    let bytes = zeroize::Zeroizing::new(hex::decode(hex_part).map_err(|_| AccountError::BadKey)?);
    SigningKey::from_slice(&bytes).map_err(|_| AccountError::BadKey)
}

/// The signing key of account `index` in the vault.
pub fn signing_key(secrets: &VaultSecrets, index: usize) -> Result<SigningKey, AccountError> {
    let account = secrets.accounts.get(index).ok_or(AccountError::NoSuchAccount(index))?;
    match &account.source {
        AccountSource::Hd { index } => {
            let phrase = secrets.mnemonic.as_deref().ok_or(AccountError::NoMnemonic)?;
            let mnemonic = Mnemonic::parse(phrase).map_err(|_| AccountError::Corrupt)?;
            mnemonic.derive_account(*index).map_err(|_| AccountError::Corrupt)
        }
        AccountSource::Imported { key } => {
            let bytes = zeroize::Zeroizing::new(hex::decode(key).map_err(|_| AccountError::Corrupt)?);
            SigningKey::from_slice(&bytes).map_err(|_| AccountError::Corrupt)
        }
    }
}

/// Names, addresses and origins of every account, in vault order.
pub fn list(secrets: &VaultSecrets) -> Result<Vec<AccountInfo>, AccountError> {
    (0..secrets.accounts.len())
        .map(|i| {
            let key = signing_key(secrets, i)?;
            let account = &secrets.accounts[i];
            let origin = match account.source {
                AccountSource::Hd { index } => format!("m/44'/60'/0'/0/{index}"),
                AccountSource::Imported { .. } => "imported key".into(),
            };
            Ok(AccountInfo { name: account.name.clone(), address: address_of(&key), origin })
        })
        .collect()
}

/// Refuses a key whose address is already in the wallet.
pub fn check_not_duplicate(secrets: &VaultSecrets, key: &SigningKey) -> Result<(), AccountError> {
    let address = address_of(key);
    match list(secrets)?.into_iter().find(|a| a.address == address) {
        Some(existing) => Err(AccountError::Duplicate(existing.name)),
        None => Ok(()),
    }
}

/// Hex of a key for storing in the vault (never shown, never logged).
pub fn key_hex(key: &SigningKey) -> String {
    hex::encode(key.to_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wallet::vault_format::StoredAccount;

    const PHRASE: &str = "test test test test test test test test test test test junk";
    const DEV0_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

    fn secrets() -> VaultSecrets {
        VaultSecrets {
            mnemonic: Some(PHRASE.into()),
            accounts: vec![
                StoredAccount { name: "Main".into(), source: AccountSource::Hd { index: 0 } },
                StoredAccount { name: "Second".into(), source: AccountSource::Hd { index: 1 } },
            ],
        }
    }

    #[test]
    fn lists_hd_accounts_with_known_addresses() {
        let list = list(&secrets()).unwrap();
        assert_eq!(list[0].address.to_checksum(None), "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        assert_eq!(list[1].address.to_checksum(None), "0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
        assert_eq!(list[1].origin, "m/44'/60'/0'/0/1");
    }

    #[test]
    fn imported_keys_sign_and_duplicates_are_refused() {
        let key = parse_private_key(DEV0_KEY).unwrap();
        let err = check_not_duplicate(&secrets(), &key).unwrap_err();
        assert_eq!(err, AccountError::Duplicate("Main".into()));
        let mut s = secrets();
        s.accounts.push(StoredAccount { name: "Imp".into(), source: AccountSource::Imported { key: key_hex(&key) } });
        assert_eq!(address_of(&signing_key(&s, 2).unwrap()), list(&s).unwrap()[0].address);
    }

    #[test]
    fn bad_keys_are_refused_without_echo() {
        for bad in ["", "0x1234", &"zz".repeat(32), &"00".repeat(32)] {
            let e = parse_private_key(bad).unwrap_err();
            assert_eq!(e, AccountError::BadKey);
        }
        assert!(!AccountError::BadKey.to_string().contains("1234"));
    }

    #[test]
    fn key_only_wallet_cannot_derive() {
        let s = VaultSecrets {
            mnemonic: None,
            accounts: vec![StoredAccount { name: "X".into(), source: AccountSource::Hd { index: 0 } }],
        };
        assert_eq!(signing_key(&s, 0).unwrap_err(), AccountError::NoMnemonic);
        assert_eq!(signing_key(&s, 5).unwrap_err(), AccountError::NoSuchAccount(5));
    }
}
