//! Intel TDX attestation of a 0G Compute provider, checked in the browser.
//!
//! A TEE provider's broker serves `GET /v1/quote` (0g-serving-broker
//! `api/inference/internal/ctrl/quote.go`: JSON with `quote` as hex, `provider_signer`, and in
//! dstack deployments `report_data`). The broker asks the TEE for that quote with the signer's
//! address as report data (`api/common/tee/tee.go`, `getQuote(ctx, client, s.Address.Hex())`),
//! and 0G's compute SDK 0.9.0 reads it back the same way
//! (`lib.commonjs/inference/broker/verifier.js`, `extractTeeSignerAddress`: the report data
//! as UTF-8 with its NUL padding removed, compared case-insensitively with the registry's
//! `teeSignerAddress`). So the binding is: the 64 report-data bytes hold the ASCII text
//! `0x…` of the signer address (42 bytes), padded with zero bytes. This module checks exactly
//! that, but on the report data *inside the verified quote*, never on the JSON's own
//! `report_data` field (which nothing signs).
//!
//! The quote itself is verified with `dcap-qvl` (pure Rust, RustCrypto backend, so it also
//! builds for wasm32) against Intel's SGX Root CA (the DER the crate ships,
//! `QuoteVerifier::new_prod`) and the quote's collateral (PCK CRL, root CA CRL, TCB info, QE
//! identity) at a given time. Pure: no web dependency, tested natively on real quotes.

use alloy_primitives::Address;
use dcap_qvl::verify::QuoteVerifier;
use dcap_qvl::QuoteCollateralV3;

use super::exchange::ProviderError;

/// What `/v1/quote` says, as far as this app reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteAnswer {
    /// The raw quote bytes, if the provider served one.
    pub quote: Option<Vec<u8>>,
    /// Collateral served beside the quote, if any (0G's broker serves none today).
    pub collateral: Option<QuoteCollateralV3>,
}

/// The verdict shown on a provider.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Attestation {
    /// The quote verifies to Intel's root, its collateral is current, and its report data
    /// names the expected signer.
    Verified {
        /// Intel's TCB status for the platform, e.g. `UpToDate` or `OutOfDate`.
        tcb_status: String,
        /// Intel security advisories that apply to the platform's TCB level.
        advisories: Vec<String>,
    },
    /// Not attested, and why.
    NotAttested(NotAttested),
}

/// Why a provider is not shown as TEE verified. Each message is meant for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum NotAttested {
    #[error("the provider serves no TDX quote")]
    NoQuote,
    #[error("the provider's /v1/quote answer could not be read: {0}")]
    Unreadable(QuoteUnreadable),
    #[error("the quote is an SGX enclave quote, not a TDX quote")]
    NotTdx,
    #[error("Intel's collateral for this quote (PCK CRL, TCB info, QE identity) is missing: {0}")]
    CollateralMissing(CollateralFault),
    #[error("Intel's collateral for this quote is not valid now: {0}; fresh collateral is needed")]
    CollateralExpired(CollateralFault),
    /// `dcap-qvl`'s own words.
    #[error("the TDX quote does not verify against Intel's root certificate: {0}")]
    DoesNotVerify(String),
    #[error(
        "the quote binds another key: its report data holds {found}, not the signer {expected} the registry names"
    )]
    BindsAnotherKey { expected: String, found: ReportData },
    #[error("the quote verifier could not run here ({0}); reload the page to try again")]
    VerifierUnavailable(String),
}

/// Why a `/v1/quote` answer could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum QuoteUnreadable {
    /// The request failed (the provider is down, or silent).
    #[error("{0}")]
    Request(ProviderError),
    #[error("HTTP {0}")]
    Status(u16),
    /// With the JSON reader's words.
    #[error("not JSON: {0}")]
    NotJson(String),
    #[error("the quote is not hex: {0}")]
    NotHex(String),
    #[error("the collateral does not parse: {0}")]
    BadCollateral(String),
}

/// A signed part of Intel's collateral with a validity window (Intel's names, kept in
/// every language).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Signed {
    TcbInfo,
    QeIdentity,
}

impl std::fmt::Display for Signed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Signed::TcbInfo => "TCB info",
            Signed::QeIdentity => "QE identity",
        })
    }
}

/// What is wrong with a quote's collateral. Dates are Intel's, as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum CollateralFault {
    #[error("the provider sent none and this app does not fetch it from Intel")]
    NotSent,
    /// With the JSON reader's words.
    #[error("the {0} is not JSON: {1}")]
    NotJson(Signed, String),
    /// `issueDate` or `nextUpdate` is absent or not a date.
    #[error("the {0} has no readable {1}")]
    NoDate(Signed, String),
    #[error("the {0} was issued {1}, after the time checked")]
    IssuedLater(Signed, String),
    #[error("the {0} expired {1}")]
    Expired(Signed, String),
}

/// What a quote's report data holds where the signer's address should be.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ReportData {
    /// Printable text (shown in quotes).
    Text(String),
    /// Anything else: the 64 bytes, in hex.
    Bytes(String),
}

impl std::fmt::Display for ReportData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReportData::Text(text) => write!(f, "\"{text}\""),
            ReportData::Bytes(hex) => write!(f, "the bytes 0x{hex}"),
        }
    }
}

/// Reads a `/v1/quote` body. A body without a quote (`"quote": null`, absent or empty, as
/// the devnet provider answers) is `quote: None`; a quote that is not hex is an error.
pub fn parse_quote_answer(body: &[u8]) -> Result<QuoteAnswer, NotAttested> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| NotAttested::Unreadable(QuoteUnreadable::NotJson(e.to_string())))?;
    let quote = match value.get("quote").and_then(|q| q.as_str()) {
        None => None,
        Some(q) if q.trim().is_empty() => None,
        Some(q) => {
            let q = q.trim();
            let q = q.strip_prefix("0x").unwrap_or(q);
            Some(hex::decode(q).map_err(|e| NotAttested::Unreadable(QuoteUnreadable::NotHex(e.to_string())))?)
        }
    };
    let collateral = match value.get("collateral") {
        None | Some(serde_json::Value::Null) => None,
        Some(c) => Some(
            serde_json::from_value(c.clone())
                .map_err(|e| NotAttested::Unreadable(QuoteUnreadable::BadCollateral(e.to_string())))?,
        ),
    };
    Ok(QuoteAnswer { quote, collateral })
}

/// A provider's verdict from its `/v1/quote` body: [`parse_quote_answer`], then [`attest`].
pub fn attest_answer(body: &[u8], now_secs: u64, signer: Address) -> Attestation {
    match parse_quote_answer(body) {
        Ok(a) => attest(a.quote.as_deref(), a.collateral.as_ref(), now_secs, signer),
        Err(why) => Attestation::NotAttested(why),
    }
}

/// Verifies `quote` with `collateral` at `now_secs` (Unix seconds) and checks that its
/// report data binds `signer`.
pub fn attest(
    quote: Option<&[u8]>,
    collateral: Option<&QuoteCollateralV3>,
    now_secs: u64,
    signer: Address,
) -> Attestation {
    match verify(quote, collateral, now_secs, signer) {
        Ok((tcb_status, advisories)) => Attestation::Verified { tcb_status, advisories },
        Err(why) => Attestation::NotAttested(why),
    }
}

fn verify(
    quote: Option<&[u8]>,
    collateral: Option<&QuoteCollateralV3>,
    now_secs: u64,
    signer: Address,
) -> Result<(String, Vec<String>), NotAttested> {
    let quote = quote.filter(|q| !q.is_empty()).ok_or(NotAttested::NoQuote)?;
    let collateral = collateral.ok_or(NotAttested::CollateralMissing(CollateralFault::NotSent))?;
    check_window(collateral, now_secs)?;
    let report = QuoteVerifier::new_prod()
        .verify(quote, collateral, now_secs)
        .map_err(|e| NotAttested::DoesNotVerify(format!("{e:#}")))?;
    let td = report.report.as_td10().ok_or(NotAttested::NotTdx)?;
    check_binding(&td.report_data, signer)?;
    Ok((report.status, report.advisory_ids))
}

/// The report data binds `signer` the way 0G's broker writes it: the ASCII `0x…` address
/// (either case), then only zero bytes.
pub fn check_binding(report_data: &[u8; 64], signer: Address) -> Result<(), NotAttested> {
    let expected = format!("{signer:#x}");
    let end = report_data.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1);
    let text = &report_data[..end];
    if text.eq_ignore_ascii_case(expected.as_bytes()) {
        return Ok(());
    }
    let found = match std::str::from_utf8(text) {
        Ok(s) if !s.is_empty() && s.chars().all(|c| c.is_ascii_graphic()) => ReportData::Text(s.to_string()),
        _ => ReportData::Bytes(hex::encode(report_data)),
    };
    Err(NotAttested::BindsAnotherKey { expected: format!("{}", signer), found })
}

/// The TCB info and QE identity are signed with an issue date and a next-update date; outside
/// that window Intel's word about the platform is stale (or not yet given). dcap-qvl checks
/// this too, but says it in an error string: this keeps the reason a type.
fn check_window(collateral: &QuoteCollateralV3, now_secs: u64) -> Result<(), NotAttested> {
    for (name, json) in [(Signed::TcbInfo, &collateral.tcb_info), (Signed::QeIdentity, &collateral.qe_identity)] {
        let value: serde_json::Value = serde_json::from_str(json)
            .map_err(|e| NotAttested::CollateralMissing(CollateralFault::NotJson(name, e.to_string())))?;
        let date = |field: &str| {
            value
                .get(field)
                .and_then(|d| d.as_str())
                .and_then(|d| rfc3339_secs(d).map(|s| (d.to_string(), s)))
                .ok_or_else(|| NotAttested::CollateralMissing(CollateralFault::NoDate(name, field.to_string())))
        };
        let (issued, issued_at) = date("issueDate")?;
        let (next, next_at) = date("nextUpdate")?;
        if now_secs < issued_at {
            return Err(NotAttested::CollateralExpired(CollateralFault::IssuedLater(name, issued)));
        }
        if now_secs >= next_at {
            return Err(NotAttested::CollateralExpired(CollateralFault::Expired(name, next)));
        }
    }
    Ok(())
}

/// `YYYY-MM-DDTHH:MM:SS[.fff]Z` (the form Intel's PCS uses) as Unix seconds.
fn rfc3339_secs(s: &str) -> Option<u64> {
    let s = s.strip_suffix('Z')?;
    let (date, time) = s.split_once('T')?;
    let mut d = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let time = time.split('.').next()?;
    let mut t = time.split(':').map(|p| p.parse::<i64>().ok());
    let (hh, mm, ss) = (t.next()??, t.next()??, t.next()??);
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    u64::try_from(days * 86_400 + hh * 3600 + mm * 60 + ss).ok()
}

#[cfg(test)]
mod tests {
    //! Real data: `app/core/tests/fixtures/compute/tdx_quote.bin` and `tdx_quote_collateral.json` are the TDX
    //! quote and Intel collateral the dcap-qvl 0.7.1 crate ships as test data (see
    //! that directory's `README.md`).
    use super::*;

    const QUOTE: &[u8] = include_bytes!("../../tests/fixtures/compute/tdx_quote.bin");

    fn collateral() -> QuoteCollateralV3 {
        serde_json::from_str(include_str!("../../tests/fixtures/compute/tdx_quote_collateral.json")).unwrap()
    }

    /// A time inside every validity window of the collateral: the latest issue date of its
    /// TCB info and QE identity, plus an hour. Computed from the data, not typed in.
    fn collateral_time(c: &QuoteCollateralV3) -> u64 {
        [&c.tcb_info, &c.qe_identity]
            .iter()
            .map(|j| {
                let v: serde_json::Value = serde_json::from_str(j).unwrap();
                rfc3339_secs(v["issueDate"].as_str().unwrap()).unwrap()
            })
            .max()
            .unwrap()
            + 3600
    }

    /// The address-shaped binding of the sample quote's own report data is not an address,
    /// so any signer is "another key"; this is what the real quote holds.
    fn sample_report_data() -> [u8; 64] {
        let report = QuoteVerifier::new_prod().verify(QUOTE, &collateral(), collateral_time(&collateral())).unwrap();
        report.report.as_td10().unwrap().report_data
    }

    #[test]
    fn a_real_tdx_quote_verifies_at_its_collaterals_time() {
        let c = collateral();
        let report = QuoteVerifier::new_prod().verify(QUOTE, &c, collateral_time(&c)).expect("the sample verifies");
        assert!(report.report.as_td10().is_some(), "it is a TDX quote");
        assert_eq!(report.status, "UpToDate");
        // Through our path: it gets past signature, chain and window, and stops only at the
        // binding, because the sample binds its own data, not a 0G signer.
        let signer = Address::repeat_byte(0x11);
        match attest(Some(QUOTE), Some(&c), collateral_time(&c), signer) {
            Attestation::NotAttested(NotAttested::BindsAnotherKey { expected, .. }) => {
                assert_eq!(expected, signer.to_string())
            }
            other => panic!("expected binds-another-key, got {other:?}"),
        }
    }

    #[test]
    fn one_flipped_byte_is_refused() {
        let c = collateral();
        let now = collateral_time(&c);
        // Flip a byte of the TD report's report data (header 48 bytes, report data at
        // offset 520 of the TD report): the quote's signature no longer covers it.
        let mut quote = QUOTE.to_vec();
        quote[48 + 520] ^= 0x01;
        match attest(Some(&quote), Some(&c), now, Address::ZERO) {
            Attestation::NotAttested(NotAttested::DoesNotVerify(why)) => assert!(!why.is_empty()),
            other => panic!("a flipped byte must not verify, got {other:?}"),
        }
        // And a flipped byte of the quote's ECDSA signature (after the 48-byte header, the
        // 584-byte TD report and the 4-byte signature-data length).
        let mut quote = QUOTE.to_vec();
        quote[48 + 584 + 4 + 5] ^= 0x80;
        assert!(matches!(
            attest(Some(&quote), Some(&c), now, Address::ZERO),
            Attestation::NotAttested(NotAttested::DoesNotVerify(_))
        ));
    }

    #[test]
    fn collateral_at_another_time_is_refused() {
        let c = collateral();
        let issued = collateral_time(&c) - 3600;
        for now in [issued - 1, issued + 31 * 86_400, issued + 400 * 86_400] {
            match attest(Some(QUOTE), Some(&c), now, Address::ZERO) {
                Attestation::NotAttested(NotAttested::CollateralExpired(why)) => {
                    let why = why.to_string();
                    assert!(why.contains("TCB info") || why.contains("QE identity"), "{why}")
                }
                other => panic!("at {now} the collateral must be refused, got {other:?}"),
            }
        }
        // dcap-qvl refuses the same times on its own, without our window check.
        assert!(QuoteVerifier::new_prod().verify(QUOTE, &c, issued + 31 * 86_400).is_err());
    }

    #[test]
    fn tampered_collateral_is_refused() {
        let mut c = collateral();
        let now = collateral_time(&c);
        c.tcb_info = c.tcb_info.replacen("UpToDate", "UpToDatf", 1);
        assert!(matches!(
            attest(Some(QUOTE), Some(&c), now, Address::ZERO),
            Attestation::NotAttested(NotAttested::DoesNotVerify(_))
        ));
    }

    #[test]
    fn no_quote_or_no_collateral_says_so() {
        let c = collateral();
        assert_eq!(attest(None, Some(&c), 0, Address::ZERO), Attestation::NotAttested(NotAttested::NoQuote));
        assert_eq!(attest(Some(&[]), Some(&c), 0, Address::ZERO), Attestation::NotAttested(NotAttested::NoQuote));
        assert!(matches!(
            attest(Some(QUOTE), None, 0, Address::ZERO),
            Attestation::NotAttested(NotAttested::CollateralMissing(_))
        ));
        assert_eq!(NotAttested::NoQuote.to_string(), "the provider serves no TDX quote");
        assert_eq!(
            NotAttested::CollateralMissing(CollateralFault::NotSent).to_string(),
            "Intel's collateral for this quote (PCK CRL, TCB info, QE identity) is missing: the provider sent none \
             and this app does not fetch it from Intel"
        );
    }

    #[test]
    fn the_real_quotes_report_data_binds_another_key() {
        let data = sample_report_data();
        let signer = Address::repeat_byte(0xab);
        let err = check_binding(&data, signer).unwrap_err();
        assert!(err.to_string().contains("binds another key"), "{err}");
        assert!(err.to_string().contains(&hex::encode(&data[..8])), "it shows what the quote holds: {err}");
    }

    #[test]
    fn the_binding_is_the_ascii_address_zero_padded() {
        let signer: Address = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC".parse().unwrap();
        let pad = |text: &str| {
            let mut data = [0u8; 64];
            data[..text.len()].copy_from_slice(text.as_bytes());
            data
        };
        // As the broker writes it (go-ethereum's checksummed Hex()) and in lower case.
        assert!(check_binding(&pad(&signer.to_checksum(None)), signer).is_ok());
        assert!(check_binding(&pad(&format!("{signer:#x}")), signer).is_ok());
        // Another address, a prefix of ours, trailing bytes, raw address bytes: refused.
        let other = Address::repeat_byte(0x42);
        assert!(check_binding(&pad(&other.to_checksum(None)), signer).is_err());
        assert!(check_binding(&pad(&format!("{signer:#x}")[..41]), signer).is_err());
        assert!(check_binding(&pad(&format!("{signer:#x}!")), signer).is_err());
        let mut raw = [0u8; 64];
        raw[..20].copy_from_slice(signer.as_slice());
        assert!(check_binding(&raw, signer).is_err());
        match check_binding(&pad(&other.to_checksum(None)), signer).unwrap_err() {
            NotAttested::BindsAnotherKey { found, .. } => {
                assert_eq!(found, ReportData::Text(other.to_checksum(None)));
                assert_eq!(found.to_string(), format!("\"{}\"", other.to_checksum(None)));
            }
            e => panic!("{e:?}"),
        }
    }

    #[test]
    fn the_quote_answer_is_read_like_the_devnets_and_a_brokers() {
        let devnet = br#"{"tee":false,"quote":null,"signing_address":"0x00","note":"no TEE"}"#;
        assert_eq!(parse_quote_answer(devnet).unwrap(), QuoteAnswer { quote: None, collateral: None });
        let body = serde_json::json!({ "quote": hex::encode(QUOTE), "provider_signer": "0x00" }).to_string();
        assert_eq!(parse_quote_answer(body.as_bytes()).unwrap().quote.as_deref(), Some(QUOTE));
        assert!(matches!(
            parse_quote_answer(br#"{"quote":"zz"}"#),
            Err(NotAttested::Unreadable(QuoteUnreadable::NotHex(_)))
        ));
        assert!(matches!(parse_quote_answer(b"<html>"), Err(NotAttested::Unreadable(QuoteUnreadable::NotJson(_)))));
    }

    #[test]
    fn rfc3339_dates() {
        assert_eq!(rfc3339_secs("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(rfc3339_secs("2025-06-19T10:16:03Z"), Some(1_750_328_163));
        assert_eq!(rfc3339_secs("2024-02-29T00:00:00.5Z"), Some(1_709_164_800));
        assert_eq!(rfc3339_secs("2025-13-01T00:00:00Z"), None);
        assert_eq!(rfc3339_secs("2025-06-19 10:16:03"), None);
    }
}
