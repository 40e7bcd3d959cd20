//! The review every transaction gets before it is signed: what it calls, what it sends,
//! the fees and where they came from, and the most it can cost. `ChainClient` asks through
//! the [`Reviewer`] installed here and signs nothing until the person confirms; locking the
//! wallet declines whatever is waiting.

use std::collections::VecDeque;

use alloy_primitives::{Address, TxKind, U256};
use alloy_sol_types::SolCall;
use futures::channel::oneshot;
use futures::FutureExt;
use leptos::prelude::*;

use crate::chain::client::{Reviewer, TxReview};
use crate::chain::fees::BaseFeeSource;
use crate::chain::networks::Network;
use crate::format::{format_0g, format_gwei};
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::changes::BalanceChanges;
use crate::ui::components::AddressView;
use crate::ui::lang::fill;

/// Transactions waiting for the person's answer, oldest first; the dialog shows the first.
#[derive(Clone, Copy)]
pub struct Reviews {
    shown: RwSignal<Option<TxReview>>,
    waiting: StoredValue<VecDeque<(TxReview, oneshot::Sender<bool>)>, LocalStorage>,
}

impl Reviews {
    pub fn new() -> Self {
        Self { shown: RwSignal::new(None), waiting: StoredValue::new_local(VecDeque::new()) }
    }

    /// What `ChainClient` calls: queues the review and resolves with the person's answer.
    pub fn reviewer(self) -> Reviewer {
        std::rc::Rc::new(move |review: TxReview| {
            let (answer, answered) = oneshot::channel();
            self.waiting.update_value(|w| w.push_back((review, answer)));
            self.show_next();
            // A dropped sender (the wallet locked) is a no.
            answered.map(|a| a.unwrap_or(false)).boxed_local()
        })
    }

    fn show_next(self) {
        let next = self.waiting.with_value(|w| w.front().map(|(r, _)| r.clone()));
        self.shown.set(next);
    }

    fn answer(self, approved: bool) {
        if let Some((_, answer)) = self.waiting.try_update_value(|w| w.pop_front()).flatten() {
            let _ = answer.send(approved);
        }
        self.show_next();
    }

    /// Declines everything waiting (on lock: no key may sign after it).
    pub fn decline_all(self) {
        let waiting = self.waiting.try_update_value(std::mem::take).unwrap_or_default();
        for (_, answer) in waiting {
            let _ = answer.send(false);
        }
        self.shown.set(None);
    }
}

impl Default for Reviews {
    fn default() -> Self {
        Self::new()
    }
}

/// The name of a contract this network's configuration knows, for the review's "To".
fn contract_name(network: Option<&Network>, to: Address) -> Option<&'static str> {
    crate::chain::addresses::role_of(network?, to).map(|role| role.label())
}

/// The signature of a function the app calls in transactions, from its selector.
pub fn function_signature(data: &[u8]) -> Option<&'static str> {
    use zg_abi::{
        agent_nft::AgentNFT as inft, flow::Flow as flow, governor::ZgGovernor as gov,
        inference_serving::InferenceServing as serving, ledger::LedgerManager as ledger,
        timelock::ZgTimelock as timelock, validator::ZgValidator as staking, wrapped_zg::WrappedZG as token,
    };
    let selector: [u8; 4] = data.get(..4)?.try_into().ok()?;
    macro_rules! known {
        ($($call:ty),+ $(,)?) => { [$((<$call>::SELECTOR, <$call>::SIGNATURE)),+] };
    }
    let known = known![
        token::depositCall,
        token::withdrawCall,
        token::delegateCall,
        gov::proposeWithDepositCall,
        gov::castVoteWithReasonCall,
        gov::queueCall,
        gov::executeCall,
        gov::settleDepositCall,
        inft::mintCall,
        inft::updateCall,
        inft::iTransferFromCall,
        inft::iCloneFromCall,
        inft::authorizeUsageCall,
        inft::revokeAuthorizationCall,
        ledger::addLedgerCall,
        ledger::depositFundCall,
        ledger::transferFundCall,
        ledger::refundCall,
        ledger::retrieveFundCall,
        serving::revokeAllTokensCall,
        staking::delegateCall,
        staking::undelegateCall,
        flow::submitCall,
        timelock::grantRoleCall,
        timelock::renounceRoleCall,
    ];
    known.into_iter().find(|(s, _)| *s == selector).map(|(_, signature)| signature)
}

/// What the value sent means, for calls where it is not simply a payment.
pub fn value_note(data: &[u8], value: U256) -> Option<String> {
    (data.get(..4)? == zg_abi::validator::ZgValidator::undelegateCall::SELECTOR.as_slice()).then(|| {
        format!(
            "The {} sent is the validator's withdrawal fee. The undelegated 0G is not in this transaction: \
             0G's consensus layer pays it to the withdrawal address after the withdrawal delay.",
            format_gwei(value.saturating_to())
        )
    })
}

/// The modal that asks. Rendered once by the App; shows the oldest waiting review.
#[component]
pub fn TxReviewDialog(reviews: Reviews, network: Signal<Option<Network>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        reviews.shown.get().map(|r| {
            let net = network.get();
            let what = if let Some(deploys) = r.creates {
                fill(t_string!(i18n, review.deploys), &[("what", &deploys)])
            } else if r.data.is_empty() {
                t_string!(i18n, review.transfer).to_string()
            } else {
                match function_signature(&r.data) {
                    Some(signature) => {
                        fill(t_string!(i18n, review.calls), &[("function", &signature.split('(').next().unwrap_or(signature))])
                    }
                    None => fill(
                        t_string!(i18n, review.calls_selector),
                        &[("selector", &hex::encode(&r.data[..r.data.len().min(4)]))],
                    ),
                }
            };
            let (to_name, to_view) = match r.to {
                TxKind::Call(to) => (contract_name(net.as_ref(), to), view! { <AddressView address=to /> }.into_any()),
                TxKind::Create => {
                    let new = r.from.create(r.nonce);
                    (None, view! { <span>{t!(i18n, review.new_contract)}<AddressView address=new /></span> }.into_any())
                }
            };
            let base = match r.fees.base_fee_source {
                BaseFeeSource::Verified(block) => fill(
                    t_string!(i18n, review.base_verified),
                    &[("fee", &format_gwei(r.fees.base_fee)), ("block", &block)],
                ),
                BaseFeeSource::Node => fill(t_string!(i18n, review.base_node), &[("fee", &format_gwei(r.fees.base_fee))]),
            };
            let lowered = r.fees.tip_was_lowered().then(|| {
                fill(
                    t_string!(i18n, review.lowered),
                    &[
                        ("node", &format_gwei(r.fees.node_tip.unwrap_or_default())),
                        ("cap", &format_gwei(r.fees.limits.max_tip)),
                    ],
                )
            });
            let left = r.balance.saturating_sub(r.worst_case);
            let over = r.worst_case > r.balance;
            view! {
                <div class="modal-backdrop">
                    <div class="modal card stack" role="dialog" aria-modal="true" aria-labelledby="tx-review-title" data-testid="tx-review">
                        <h2 class="card-title" id="tx-review-title">{t!(i18n, review.title)}</h2>
                        {r.requested_by.clone().map(|site| view! {
                            <p class="alert alert-warn" data-testid="tx-review-origin">{move || fill(t_string!(i18n, review.requested_by), &[("site", &site)])}</p>
                        })}
                        <p data-testid="tx-review-what"><strong>{what}</strong>{to_name.map(|n| fill(t_string!(i18n, review.on_contract), &[("name", &n)]))}</p>
                        <dl class="kv">
                            <dt>{t!(i18n, review.network)}</dt><dd>{fill(t_string!(i18n, review.network_value), &[("name", &r.network), ("id", &r.chain_id)])}</dd>
                            <dt>{t!(i18n, review.from)}</dt><dd><AddressView address=r.from /></dd>
                            <dt>{t!(i18n, review.to)}</dt><dd>{to_view}</dd>
                            <dt>{t!(i18n, review.sends)}</dt><dd data-testid="tx-review-value">{format_0g(r.value)}</dd>
                            <dt>{t!(i18n, review.gas_limit)}</dt><dd>{r.gas_limit.to_string()}</dd>
                            <dt>{t!(i18n, review.base_fee)}</dt><dd>{base}</dd>
                            <dt>{t!(i18n, review.max_priority)}</dt><dd data-testid="tx-review-fees">{fill(t_string!(i18n, review.per_gas), &[("max", &format_gwei(r.fees.max_fee_per_gas)), ("tip", &format_gwei(r.fees.tip))])}</dd>
                            <dt>{t!(i18n, review.most)}</dt><dd data-testid="tx-review-worst"><strong>{format_0g(r.worst_case)}</strong></dd>
                            <dt>{t!(i18n, review.balance_after)}</dt><dd>{if over { t_string!(i18n, review.not_enough).to_string() } else { format_0g(left) }}</dd>
                            <dt>{t!(i18n, review.nonce)}</dt><dd>{r.nonce.to_string()}{t!(i18n, review.proven)}</dd>
                        </dl>
                        {(!r.changes.is_empty()).then(|| view! { <BalanceChanges changes=r.changes.clone() tokens_of=(r.chain_id, r.from) /> })}
                        {value_note(&r.data, r.value).map(|n| view! { <p data-testid="tx-review-note">{n}</p> })}
                        {lowered.map(|l| view! { <p class="alert alert-warn" data-testid="tx-review-lowered">{l}</p> })}
                        <p class="muted">{t!(i18n, review.fee_note)}</p>
                        <div class="row">
                            <button class="btn btn-ghost" on:click=move |_| reviews.answer(false)>{t!(i18n, review.reject)}</button>
                            <span class="spacer"></span>
                            <button class="btn btn-primary" on:click=move |_| reviews.answer(true)>{t!(i18n, review.confirm)}</button>
                        </div>
                    </div>
                </div>
            }
        })
    }
}
