//! Recovery phrases (BIP-39, English word list) and the Ethereum accounts they stand for
//! (BIP-32 keys at the BIP-44 path `m/44'/60'/0'/0/{index}`, as MetaMask, Ledger and anvil use).
//!
//! Must never: show the phrase in `Debug` output, put a word of it into an error, or keep a copy
//! of it (or of the seed) in memory that is not wiped on drop.

use std::fmt;
use std::str::FromStr;

use bip32::{DerivationPath, XPrv};
use bip39::Language;
use k256::ecdsa::SigningKey;
use thiserror::Error;
use zeroize::Zeroizing;

/// Non-hardened BIP-32 indices stop below 2^31; above that the index would mean a hardened key,
/// which no other wallet derives for Ethereum accounts.
const MAX_ACCOUNT_INDEX: u32 = (1 << 31) - 1;

/// Why a phrase or an account could not be used. The messages are shown to the user as they
/// are, so they say what to fix, and they name words by position only.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum MnemonicError {
    #[error("the phrase is empty; type or paste your 12 or 24 words, separated by spaces")]
    Empty,
    #[error("the phrase has {found} words; a recovery phrase has 12 or 24 (sometimes 15, 18 or 21)")]
    WordCount { found: usize },
    #[error("word {position} is not in the BIP-39 English word list; check its spelling")]
    UnknownWord { position: usize },
    #[error("the checksum does not match: a word is wrong or out of order")]
    Checksum,
    #[error("the phrase is not a valid BIP-39 recovery phrase; check every word")]
    Invalid,
    #[error("entropy of {bytes} bytes cannot make a recovery phrase; it must be 16, 20, 24, 28 or 32 bytes")]
    EntropyLength { bytes: usize },
    #[error("account {index} is out of range; account numbers go from 0 to 2147483647")]
    AccountIndex { index: u32 },
    #[error("account {index} cannot be derived from this phrase; use the next account number")]
    Derivation { index: u32 },
}

/// How many words a freshly generated phrase has: 12 (128 bits of entropy) or 24 (256 bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordCount {
    Twelve,
    TwentyFour,
}

impl WordCount {
    fn entropy_bytes(self) -> usize {
        match self {
            WordCount::Twelve => 16,
            WordCount::TwentyFour => 32,
        }
    }
}

/// A checked English BIP-39 phrase: every word is in the list and the checksum holds.
#[derive(Clone)]
pub struct Mnemonic {
    // The canonical form: lowercase words joined by single spaces. This exact string is the
    // PBKDF2 password of the seed, so it must not carry the user's original spacing.
    phrase: Zeroizing<String>,
    // bip39's own form, kept to compute the seed; it wipes itself on drop ("zeroize" feature).
    inner: bip39::Mnemonic,
}

impl fmt::Debug for Mnemonic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Mnemonic(<redacted>)")
    }
}

impl Mnemonic {
    /// A new phrase from the platform's secure random source (`crypto.getRandomValues` in a
    /// browser).
    ///
    /// # Panics
    /// If the platform has no secure random source. A key made from weak randomness would be
    /// guessable, so there is no fallback.
    pub fn generate(words: WordCount) -> Mnemonic {
        let mut entropy = Zeroizing::new([0u8; 32]);
        let entropy = &mut entropy[..words.entropy_bytes()];
        getrandom::getrandom(entropy).expect("the platform has no secure random source; a key cannot be made safely");
        Mnemonic::from_entropy(entropy).expect("16 and 32 bytes are valid BIP-39 entropy lengths")
    }

    /// The phrase that encodes `entropy` (16, 20, 24, 28 or 32 bytes).
    pub fn from_entropy(entropy: &[u8]) -> Result<Mnemonic, MnemonicError> {
        let inner = bip39::Mnemonic::from_entropy_in(Language::English, entropy)
            .map_err(|_| MnemonicError::EntropyLength { bytes: entropy.len() })?;
        // 24 words of at most 8 letters plus spaces: reserving up front means the string never
        // reallocates, which would leave an unwiped copy behind.
        let mut phrase = Zeroizing::new(String::with_capacity(24 * 9));
        for (i, word) in inner.words().enumerate() {
            if i > 0 {
                phrase.push(' ');
            }
            phrase.push_str(word);
        }
        Ok(Mnemonic { phrase, inner })
    }

    /// Checks a phrase as a person typed or pasted it: surrounding and repeated whitespace
    /// (including newlines) and capital letters are forgiven; words, order and checksum are not.
    pub fn parse(phrase: &str) -> Result<Mnemonic, MnemonicError> {
        // Lowercasing a non-ASCII letter can lengthen it; the slack avoids a reallocation.
        let mut normalized = Zeroizing::new(String::with_capacity(phrase.len() * 2));
        for word in phrase.split_whitespace() {
            if !normalized.is_empty() {
                normalized.push(' ');
            }
            normalized.extend(word.chars().flat_map(char::to_lowercase));
        }
        if normalized.is_empty() {
            return Err(MnemonicError::Empty);
        }
        let inner = bip39::Mnemonic::parse_in_normalized(Language::English, &normalized).map_err(|e| match e {
            bip39::Error::BadWordCount(found) => MnemonicError::WordCount { found },
            bip39::Error::UnknownWord(i) => MnemonicError::UnknownWord { position: i + 1 },
            bip39::Error::InvalidChecksum => MnemonicError::Checksum,
            _ => MnemonicError::Invalid,
        })?;
        Ok(Mnemonic { phrase: normalized, inner })
    }

    /// The canonical phrase: lowercase words separated by single spaces.
    pub fn phrase(&self) -> &str {
        &self.phrase
    }

    /// The words in order, for showing the phrase as a numbered grid.
    pub fn words(&self) -> Vec<&str> {
        self.phrase.split(' ').collect()
    }

    /// The 64-byte BIP-39 seed. The passphrase (the "25th word") is usually empty; a different
    /// passphrase gives different, equally valid accounts.
    pub fn seed(&self, passphrase: &str) -> Zeroizing<[u8; 64]> {
        Zeroizing::new(self.inner.to_seed(passphrase))
    }

    /// The private key of account `index` (0 is the first account) with no BIP-39 passphrase.
    pub fn derive_account(&self, index: u32) -> Result<SigningKey, MnemonicError> {
        self.derive_account_with_passphrase("", index)
    }

    /// The private key at `m/44'/60'/0'/0/{index}` of the seed made with `passphrase`.
    pub fn derive_account_with_passphrase(&self, passphrase: &str, index: u32) -> Result<SigningKey, MnemonicError> {
        if index > MAX_ACCOUNT_INDEX {
            return Err(MnemonicError::AccountIndex { index });
        }
        let path = DerivationPath::from_str(&format!("m/44'/60'/0'/0/{index}"))
            .map_err(|_| MnemonicError::AccountIndex { index })?;
        let seed = self.seed(passphrase);
        // Fails only when an intermediate key is invalid (probability about 2^-127); BIP-32 says
        // to move on to the next index rather than pick another key silently.
        let xprv = XPrv::derive_from_path(seed.as_slice(), &path).map_err(|_| MnemonicError::Derivation { index })?;
        Ok(xprv.private_key().clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wallet::signer::address_of;
    use alloy_primitives::{address, Address};
    use bip32::Prefix;

    // From trezor/python-mnemonic vectors.json ("english"), passphrase "TREZOR":
    // entropy, phrase, seed, and the BIP-32 master key of that seed.
    const TREZOR_VECTORS: &[(&str, &str, &str, &str)] = &[
        (
            "00000000000000000000000000000000",
            "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
            "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04",
            "xprv9s21ZrQH143K3h3fDYiay8mocZ3afhfULfb5GX8kCBdno77K4HiA15Tg23wpbeF1pLfs1c5SPmYHrEpTuuRhxMwvKDwqdKiGJS9XFKzUsAF",
        ),
        (
            "7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f",
            "legal winner thank year wave sausage worth useful legal winner thank yellow",
            "2e8905819b8723fe2c1d161860e5ee1830318dbf49a83bd451cfb8440c28bd6fa457fe1296106559a3c80937a1c1069be3a3a5bd381ee6260e8d9739fce1f607",
            "xprv9s21ZrQH143K2gA81bYFHqU68xz1cX2APaSq5tt6MFSLeXnCKV1RVUJt9FWNTbrrryem4ZckN8k4Ls1H6nwdvDTvnV7zEXs2HgPezuVccsq",
        ),
        (
            "ffffffffffffffffffffffffffffffff",
            "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong",
            "ac27495480225222079d7be181583751e86f571027b0497b5b5d11218e0a8a13332572917f0f8e5a589620c6f15b11c61dee327651a14c34e18231052e48c069",
            "xprv9s21ZrQH143K2V4oox4M8Zmhi2Fjx5XK4Lf7GKRvPSgydU3mjZuKGCTg7UPiBUD7ydVPvSLtg9hjp7MQTYsW67rZHAXeccqYqrsx8LcXnyd",
        ),
        (
            "808080808080808080808080808080808080808080808080",
            "letter advice cage absurd amount doctor acoustic avoid letter advice cage absurd amount doctor acoustic avoid letter always",
            "107d7c02a5aa6f38c58083ff74f04c607c2d2c0ecc55501dadd72d025b751bc27fe913ffb796f841c49b1d33b610cf0e91d3aa239027f5e99fe4ce9e5088cd65",
            "xprv9s21ZrQH143K3VPCbxbUtpkh9pRG371UCLDz3BjceqP1jz7XZsQ5EnNkYAEkfeZp62cDNj13ZTEVG1TEro9sZ9grfRmcYWLBhCocViKEJae",
        ),
        (
            "0000000000000000000000000000000000000000000000000000000000000000",
            "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art",
            "bda85446c68413707090a52022edd26a1c9462295029f2e60cd7c4f2bbd3097170af7a4d73245cafa9c3cca8d561a7c3de6f5d4a10be8ed2a5e608d68f92fcc8",
            "xprv9s21ZrQH143K32qBagUJAMU2LsHg3ka7jqMcV98Y7gVeVyNStwYS3U7yVVoDZ4btbRNf4h6ibWpY22iRmXq35qgLs79f312g2kj5539ebPM",
        ),
        (
            "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo vote",
            "dd48c104698c30cfe2b6142103248622fb7bb0ff692eebb00089b32d22484e1613912f0a5b694407be899ffd31ed3992c456cdf60f5d4564b8ba3f05a69890ad",
            "xprv9s21ZrQH143K2WFF16X85T2QCpndrGwx6GueB72Zf3AHwHJaknRXNF37ZmDrtHrrLSHvbuRejXcnYxoZKvRquTPyp2JiNG3XcjQyzSEgqCB",
        ),
        (
            "9e885d952ad362caeb4efe34a8e91bd2",
            "ozone drill grab fiber curtain grace pudding thank cruise elder eight picnic",
            "274ddc525802f7c828d8ef7ddbcdc5304e87ac3535913611fbbfa986d0c9e5476c91689f9c8a54fd55bd38606aa6a8595ad213d4c9c9f9aca3fb217069a41028",
            "xprv9s21ZrQH143K2oZ9stBYpoaZ2ktHj7jLz7iMqpgg1En8kKFTXJHsjxry1JbKH19YrDTicVwKPehFKTbmaxgVEc5TpHdS1aYhB2s9aFJBeJH",
        ),
        (
            "68a79eaca2324873eacc50cb9c6eca8cc68ea5d936f98787c60c7ebc74e6ce7c",
            "hamster diagram private dutch cause delay private meat slide toddler razor book happy fancy gospel tennis maple dilemma loan word shrug inflict delay length",
            "64c87cde7e12ecf6704ab95bb1408bef047c22db4cc7491c4271d170a1b213d20b385bc1588d9c7b38f1b39d415665b8a9030c9ec653d75e65f847d8fc1fc440",
            "xprv9s21ZrQH143K2XTAhys3pMNcGn261Fi5Ta2Pw8PwaVPhg3D8DWkzWQwjTJfskj8ofb81i9NP2cUNKxwjueJHHMQAnxtivTA75uUFqPFeWzk",
        ),
        (
            "f585c11aec520db57dd353c69554b21a89b20fb0650966fa0a9d6f74fd989d8f",
            "void come effort suffer camp survey warrior heavy shoot primary clutch crush open amazing screen patrol group space point ten exist slush involve unfold",
            "01f5bced59dec48e362f2c45b5de68b9fd6c92c6634f44d6d40aab69056506f0e35524a518034ddc1192e1dacd32c1ed3eaa3c3b131c88ed8e7e54c49a5d0998",
            "xprv9s21ZrQH143K39rnQJknpH1WEPFJrzmAqqasiDcVrNuk926oizzJDDQkdiTvNPr2FYDYzWgiMiC63YmfPAa2oPyNB23r2g7d1yiK6WpqaQS",
        ),
    ];

    #[test]
    fn trezor_vectors_entropy_to_phrase_to_seed() {
        for (entropy, phrase, seed, xprv) in TREZOR_VECTORS {
            let from_entropy = Mnemonic::from_entropy(&hex::decode(entropy).unwrap()).unwrap();
            assert_eq!(from_entropy.phrase(), *phrase);

            let parsed = Mnemonic::parse(phrase).unwrap();
            let got_seed = parsed.seed("TREZOR");
            assert_eq!(hex::encode(*got_seed), *seed, "seed of {phrase}");

            let master = XPrv::new(*got_seed).unwrap();
            assert_eq!(master.to_string(Prefix::XPRV).as_str(), *xprv, "master key of {phrase}");
        }
    }

    #[test]
    fn bip32_test_vector_1() {
        let seed = hex::decode("000102030405060708090a0b0c0d0e0f").unwrap();
        let master = XPrv::new(&seed).unwrap();
        assert_eq!(
            master.to_string(Prefix::XPRV).as_str(),
            "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi"
        );
        let path: DerivationPath = "m/0'/1/2'/2/1000000000".parse().unwrap();
        let child = XPrv::derive_from_path(&seed, &path).unwrap();
        assert_eq!(
            child.to_string(Prefix::XPRV).as_str(),
            "xprvA41z7zogVVwxVSgdKUHDy1SKmdb533PjDz7J6N6mV6uS3ze1ai8FHa8kmHScGpWmj4WggLyQjgPie1rFSruoUihUZREPSL39UNdE3BBDu76"
        );
    }

    fn account(phrase: &str, index: u32) -> Address {
        address_of(&Mnemonic::parse(phrase).unwrap().derive_account(index).unwrap())
    }

    #[test]
    fn known_ethereum_accounts() {
        let anvil = "test test test test test test test test test test test junk";
        assert_eq!(account(anvil, 0), address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266"));
        assert_eq!(account(anvil, 1), address!("70997970C51812dc3A010C7d01b50e0d17dc79C8"));
        let abandon = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
        assert_eq!(account(abandon, 0), address!("9858EfFD232B4033E47d90003D41EC34EcaEda94"));
    }

    #[test]
    fn anvil_account_zero_is_the_published_dev_key() {
        let key = Mnemonic::parse("test test test test test test test test test test test junk")
            .unwrap()
            .derive_account(0)
            .unwrap();
        assert_eq!(hex::encode(key.to_bytes()), "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
    }

    #[test]
    fn a_passphrase_gives_other_accounts() {
        let m = Mnemonic::parse("test test test test test test test test test test test junk").unwrap();
        let plain = address_of(&m.derive_account(0).unwrap());
        let with = address_of(&m.derive_account_with_passphrase("TREZOR", 0).unwrap());
        assert_ne!(plain, with);
    }

    #[test]
    fn parse_forgives_spacing_and_case() {
        let m = Mnemonic::parse("  Test test\tTEST test test\n test test test test test test   junk \r\n").unwrap();
        assert_eq!(m.phrase(), "test test test test test test test test test test test junk");
        assert_eq!(m.words().len(), 12);
        assert_eq!(m.words()[11], "junk");
    }

    #[test]
    fn generated_phrases_are_valid_and_fresh() {
        let a = Mnemonic::generate(WordCount::Twelve);
        let b = Mnemonic::generate(WordCount::Twelve);
        assert_eq!(a.words().len(), 12);
        assert_ne!(a.phrase(), b.phrase());
        assert_eq!(Mnemonic::parse(a.phrase()).unwrap().phrase(), a.phrase());
        let long = Mnemonic::generate(WordCount::TwentyFour);
        assert_eq!(long.words().len(), 24);
        assert!(Mnemonic::parse(long.phrase()).is_ok());
    }

    #[test]
    fn wrong_word_count_is_reported_with_the_count() {
        let err = Mnemonic::parse("test test test test test test test test test test junk").unwrap_err();
        assert_eq!(err, MnemonicError::WordCount { found: 11 });
        assert!(err.to_string().contains("11 words"));
        assert_eq!(Mnemonic::parse(" \n\t ").unwrap_err(), MnemonicError::Empty);
    }

    #[test]
    fn unknown_word_is_reported_by_position_not_by_text() {
        let err = Mnemonic::parse("test test test test tezt test test test test test test junk").unwrap_err();
        assert_eq!(err, MnemonicError::UnknownWord { position: 5 });
        let text = err.to_string();
        assert!(text.contains("word 5"), "{text}");
        assert!(!text.contains("tezt"), "{text}");
        assert!(!format!("{err:?}").contains("tezt"));
    }

    #[test]
    fn bad_checksum_is_reported_without_the_words() {
        // Swapping two distinct words keeps every word valid but breaks the checksum.
        let phrase = "legal winner thank year wave sausage worth useful legal winner yellow thank";
        let err = Mnemonic::parse(phrase).unwrap_err();
        assert_eq!(err, MnemonicError::Checksum);
        let text = err.to_string();
        for word in phrase.split(' ') {
            assert!(!text.split(|c: char| !c.is_alphanumeric()).any(|t| t == word), "{word} in {text}");
        }
    }

    #[test]
    fn bad_entropy_length_and_account_index_are_errors() {
        assert_eq!(Mnemonic::from_entropy(&[0u8; 15]).unwrap_err(), MnemonicError::EntropyLength { bytes: 15 });
        let m = Mnemonic::parse("test test test test test test test test test test test junk").unwrap();
        assert_eq!(m.derive_account(1 << 31).unwrap_err(), MnemonicError::AccountIndex { index: 1 << 31 });
        assert!(m.derive_account(MAX_ACCOUNT_INDEX).is_ok());
    }

    #[test]
    fn debug_output_hides_the_phrase() {
        let m = Mnemonic::parse("test test test test test test test test test test test junk").unwrap();
        assert_eq!(format!("{m:?}"), "Mnemonic(<redacted>)");
    }
}
