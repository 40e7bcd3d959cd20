//! The Wallet page's tokens: what a token says about itself and the account's balance, each
//! read by a call the light client executes over state proven at its verified tip; the
//! list kept sealed per network and account (`sealed_records`), so which tokens someone
//! watches stays theirs and a planted list does not open.

use alloy_primitives::{Address, U256};

use crate::chain::client::{ChainClient, ChainError};
use crate::sealed_records::{self, RecordError};
use crate::wallet::vault::Sealer;
pub use zg_core::wallet::tokens::{self, Token, TokenError, TokenList};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenListError {
    #[error(transparent)]
    Chain(#[from] ChainError),
    #[error(transparent)]
    Token(#[from] TokenError),
    #[error(transparent)]
    Record(#[from] RecordError),
}

fn record(chain_id: u64, account: Address) -> String {
    format!("tokens/{chain_id}/{account}")
}

/// The token at `address` as its proven answers describe it, checked (`tokens::token_from`).
pub async fn describe(client: &ChainClient, address: Address) -> Result<Token, TokenListError> {
    let (out, _) = client.read(address, tokens::symbol_call()).await?;
    let symbol = tokens::decode_string(&out).ok_or(TokenError::NotErc20("symbol"))?;
    let (out, _) = client.read(address, tokens::name_call()).await?;
    let name = tokens::decode_string(&out).ok_or(TokenError::NotErc20("name"))?;
    let (out, _) = client.read(address, tokens::decimals_call()).await?;
    let decimals = tokens::decode_decimals(&out).ok_or(TokenError::NotErc20("decimals"))?;
    // Its balance call must answer too, or the token could never be shown.
    let (out, _) = client.read(address, tokens::balance_call(Address::ZERO)).await?;
    tokens::decode_balance(&out).ok_or(TokenError::NotErc20("balanceOf"))?;
    Ok(tokens::token_from(address, &symbol, &name, decimals)?)
}

/// `owner`'s balance of `token` and the block it is proven at.
pub async fn balance(client: &ChainClient, token: &Token, owner: Address) -> Result<(U256, u64), TokenListError> {
    let (out, block) = client.read(token.address, tokens::balance_call(owner)).await?;
    let amount = tokens::decode_balance(&out).ok_or(TokenError::NotErc20("balanceOf"))?;
    Ok((amount, block))
}

pub async fn load(chain_id: u64, account: Address, sealer: &Sealer) -> TokenList {
    sealed_records::load(&record(chain_id, account), sealer).await.unwrap_or_default()
}

pub async fn save(chain_id: u64, account: Address, list: &TokenList, sealer: &Sealer) -> Result<(), RecordError> {
    sealed_records::save(&record(chain_id, account), list, sealer).await
}
