//! zg-compute-provider as zg-devnet runs it: a user with a funded sub-account and a valid
//! 0G session token gets real model answers (plain and streamed), each signed by the
//! signer acknowledged on chain, and pays for them after settlement; bad tokens, revoked
//! tokens, unfunded users and a provider that is down are refused with clear errors; an
//! answer that did not arrive (client gone mid-stream, or given up on a slow provider)
//! costs nothing. As 0G's broker: the chat key is a uuid in the `ZG-Res-Key` header and the
//! signature is filed under it, a request needs a locked balance of its fee + everything
//! unsettled + 1 0G, and `/v1/models`, `/v1/user/{address}/unsettledfee` and `/v1/quote`
//! answer in 0G's shapes (the quote saying there is no TEE).

mod common;

use std::io::Read;
use std::time::Duration;

use alloy_primitives::{eip191_hash_message, Address, Signature, U256};
use alloy_sol_types::SolCall;
use common::compute::{self, now_ms, token_as, user, User, ONE_0G, SERVICE};
use common::Devnet;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

// The ledger's calls, and the provider registry with the users' sub-accounts.
use zg_abi::inference_serving::InferenceServing::{
    getAccountCall, getServiceCall, revokeAllTokensCall, revokeTokenCall, Account,
};
use zg_abi::ledger::LedgerManager::{getLedgerCall, retrieveFundCall};

fn sha256_hex(bytes: &[u8]) -> String {
    alloy_primitives::hex::encode(Sha256::digest(bytes))
}

struct Net<'a> {
    devnet: &'a Devnet,
    url: String,
    provider: Address,
    signer: Address,
    ledger: Address,
    serving: Address,
}

impl<'a> Net<'a> {
    fn new(devnet: &'a Devnet) -> Net<'a> {
        let p = &devnet.ready["computeProviders"][0];
        let c = &devnet.ready["contracts"];
        Net {
            devnet,
            url: p["url"].as_str().unwrap().to_owned(),
            provider: p["address"].as_str().unwrap().parse().unwrap(),
            signer: p["signer"].as_str().unwrap().parse().unwrap(),
            ledger: c["ledger"].as_str().unwrap().parse().unwrap(),
            serving: c["inferenceServing"].as_str().unwrap().parse().unwrap(),
        }
    }

    fn send(&self, from: Address, to: Address, data: Vec<u8>, value: u128) {
        let tx = json!({"from": from, "to": to, "data": format!("0x{}", alloy_primitives::hex::encode(data)),
            "value": format!("0x{value:x}"), "gas": "0x1000000"});
        let hash = self.devnet.rpc("eth_sendTransaction", json!([tx]));
        let receipt = self.devnet.wait_receipt(hash.as_str().unwrap());
        assert_eq!(receipt["status"], "0x1", "{receipt}");
    }

    fn view<C: SolCall>(&self, to: Address, call: C) -> C::Return {
        let data = format!("0x{}", alloy_primitives::hex::encode(call.abi_encode()));
        let out = self.devnet.rpc("eth_call", json!([{"to": to, "data": data}, "latest"]));
        C::abi_decode_returns(&alloy_primitives::hex::decode(out.as_str().unwrap()).unwrap()).unwrap()
    }

    /// A ledger of 5 0G with `sub` 0G moved to the devnet's provider.
    fn fund(&self, who: &User, sub: u128) {
        compute::fund(self.devnet, who, self.provider, sub);
    }

    fn token(&self, who: &User, token_id: u8, generation: u64) -> String {
        token_as(&who.key, who.address, self.provider, now_ms() + 3_600_000, token_id, generation)
    }

    fn account(&self, who: &User) -> Account {
        self.view(self.serving, getAccountCall { user: who.address, provider: self.provider })
    }

    /// `(status, body, ZG-Res-Key)` of a chat request.
    fn chat(&self, auth: Option<&str>, body: &Value) -> (u16, String, Option<String>) {
        // A real model answers: the first chat also loads it, and eight test threads share
        // two cores, so this waits longer than the devnet's other calls.
        let patient =
            ureq::AgentBuilder::new().timeout_connect(Duration::from_secs(2)).timeout(Duration::from_secs(120));
        let mut request = patient.build().post(&format!("{}/v1/proxy/chat/completions", self.url));
        if let Some(auth) = auth {
            request = request.set("Authorization", auth);
        }
        let response = match request.set("Content-Type", "application/json").send_string(&body.to_string()) {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("chat request failed: {e}"),
        };
        let key = response.header("ZG-Res-Key").map(str::to_owned);
        let status = response.status();
        (status, response.into_string().unwrap(), key)
    }

    /// Waits until `user` owes `total`, or the chain shows it paid from `start` (the
    /// periodic settlement came first). The provider books a charge once it has seen the
    /// answer's last byte go out, which can be just after the client read it.
    fn wait_for_charge(&self, user: &User, total: u128, start: U256) {
        let paid = || self.account(user).balance == start - U256::from(total);
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while self.owed(user) != total && !paid() {
            assert!(std::time::Instant::now() < deadline, "owed {}, not {total}", self.owed(user));
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A refused chat: its status and error message.
    fn refused(&self, auth: Option<&str>, body: &Value) -> (u16, String) {
        let (status, text, key) = self.chat(auth, body);
        assert!(key.is_none());
        let error: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
        (status, error["error"]["message"].as_str().unwrap_or_else(|| panic!("no message: {text}")).to_owned())
    }

    fn get(&self, path: &str) -> (u16, Value) {
        let (status, body, _) = common::http(common::agent().get(&format!("{}{path}", self.url)), None);
        (status, serde_json::from_str(&body).unwrap())
    }

    fn admin(&self, path: &str, body: Value) -> Value {
        let (status, text, _) =
            common::http(common::agent().post(&format!("{}{path}", self.url)), Some(&body.to_string()));
        assert_eq!(status, 200, "{text}");
        serde_json::from_str(&text).unwrap()
    }

    /// Fees the provider holds for `who`, not yet settled.
    fn owed(&self, who: &User) -> u128 {
        let (_, state) = self.get("/__admin/state");
        let owed = state["owed"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["user"].as_str().unwrap().parse::<Address>().unwrap() == who.address);
        owed.map_or(0, |o| o["amount"].as_str().unwrap().parse().unwrap())
    }

    fn prices(&self) -> (u128, u128) {
        let s = self.view(self.serving, getServiceCall { provider: self.provider });
        (s.inputPrice.to(), s.outputPrice.to())
    }
}

fn ask(content: &str, extra: Value) -> Value {
    let mut body = json!({"model": "SmolLM2-135M-Instruct", "messages": [{"role": "user", "content": content}]});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

fn model() -> &'static zg_llm::SmolLm {
    static MODEL: std::sync::OnceLock<zg_llm::SmolLm> = std::sync::OnceLock::new();
    MODEL.get_or_init(|| {
        let bytes = zg_llm::weights::smollm2().read().unwrap_or_else(|e| panic!("{e}"));
        zg_llm::SmolLm::from_bytes(&bytes).unwrap()
    })
}

/// What the devnet's model says to one user message: the prompt's length in tokens and
/// the answer.
fn expected(content: &str, max_tokens: usize, temperature: f32, seed: u64) -> (usize, zg_llm::Generation) {
    let prompt = model().prompt(&[zg_llm::Message::new("user", content)]).unwrap();
    let sampling = zg_llm::Sampling { max_tokens, temperature, seed };
    (prompt.len(), model().generate(&prompt, sampling, &mut |_| true).unwrap())
}

fn finish(generation: &zg_llm::Generation, max_tokens: usize) -> &'static str {
    if generation.completion_tokens == max_tokens {
        "length"
    } else {
        "stop"
    }
}

#[test]
fn a_funded_user_gets_real_signed_answers_and_pays_for_them_after_settlement() {
    let devnet = Devnet::start();
    let net = Net::new(&devnet);
    let alice = user(0);
    net.fund(&alice, 2 * ONE_0G);
    let auth = net.token(&alice, 0, 0);
    let service = net.view(net.serving, getServiceCall { provider: net.provider });
    assert_eq!((service.teeSignerAddress, service.teeSignerAcknowledged), (net.signer, true));
    assert_eq!(service.url, net.url);
    let (input_price, output_price) = net.prices();

    // Not streamed: the model's own greedy answer to the documented prompt.
    let body = ask("Tell me about the wallet.", json!({"max_tokens": 24, "temperature": 0}));
    let (status, text, key) = net.chat(Some(&auth), &body);
    assert_eq!(status, 200, "{text}");
    let answer: Value = serde_json::from_str(&text).unwrap();
    let id = answer["id"].as_str().unwrap();
    // The chat key is a uuid; the answer's id is `chatcmpl-<key>`, as 0G's broker rewrites it.
    let key = key.expect("a ZG-Res-Key header");
    assert_eq!(id, format!("chatcmpl-{key}"));
    let parts: Vec<usize> = key.split('-').map(str::len).collect();
    assert_eq!((parts, key.as_bytes()[14]), (vec![8, 4, 4, 4, 12], b'4'), "a version-4 uuid: {key}");
    let (prompt_tokens, want) = expected("Tell me about the wallet.", 24, 0.0, 0);
    assert!(!want.text.is_empty());
    assert_eq!(answer["choices"][0]["message"]["content"], want.text.as_str());
    assert_eq!(answer["choices"][0]["finish_reason"], finish(&want, 24));
    assert_eq!(answer["usage"]["prompt_tokens"], prompt_tokens);
    assert_eq!(answer["usage"]["completion_tokens"], want.completion_tokens);
    let fee_one = input_price * prompt_tokens as u128 + output_price * want.completion_tokens as u128;

    // Its signature: over sha256(request):sha256(answer), by the acknowledged signer.
    let (status, signed) = net.get(&format!("/v1/proxy/signature/{key}?model=SmolLM2-135M-Instruct"));
    assert_eq!(status, 200, "{signed}");
    // Filed under the chat key only, as 0G's broker files it: the completion id finds nothing.
    assert_eq!(net.get(&format!("/v1/proxy/signature/{id}?model=SmolLM2-135M-Instruct")).0, 404);
    let signed_text = signed["text"].as_str().unwrap();
    assert_eq!(signed_text, format!("{}:{}", sha256_hex(body.to_string().as_bytes()), sha256_hex(text.as_bytes())));
    let sig = alloy_primitives::hex::decode(signed["signature"].as_str().unwrap()).unwrap();
    let recovered = Signature::try_from(sig.as_slice())
        .unwrap()
        .recover_address_from_prehash(&eip191_hash_message(signed_text.as_bytes()))
        .unwrap();
    assert_eq!(recovered, service.teeSignerAddress);
    assert_eq!(net.get("/v1/proxy/signature/chatcmpl-unknown").0, 404);

    // Streamed: server-sent events carrying the sampled answer piece by piece.
    let body = ask("What is 0G storage?", json!({"max_tokens": 16, "temperature": 0.5, "seed": 7, "stream": true}));
    let (status, stream, key) = net.chat(Some(&auth), &body);
    assert_eq!(status, 200, "{stream}");
    let events: Vec<&str> = stream.split("\n\n").filter(|e| !e.is_empty()).collect();
    assert_eq!(events.last(), Some(&"data: [DONE]"));
    let chunks: Vec<Value> = events[..events.len() - 1]
        .iter()
        .map(|e| serde_json::from_str(e.strip_prefix("data: ").unwrap()).unwrap())
        .collect();
    assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
    let stream_id = key.as_deref().map(|k| format!("chatcmpl-{k}"));
    assert!(chunks.iter().all(|c| c["id"].as_str() == stream_id.as_deref() && c["object"] == "chat.completion.chunk"));
    let content: String = chunks.iter().filter_map(|c| c["choices"][0]["delta"]["content"].as_str()).collect();
    let (prompt_tokens, want) = expected("What is 0G storage?", 16, 0.5, 7);
    assert_eq!(content, want.text);
    let last = chunks.last().unwrap();
    assert_eq!(last["usage"]["completion_tokens"], want.completion_tokens);
    assert_eq!(last["choices"][0]["finish_reason"], finish(&want, 16));
    let fee_two = input_price * prompt_tokens as u128 + output_price * want.completion_tokens as u128;
    let (_, signed) = net.get(&format!("/v1/proxy/signature/{}", key.unwrap()));
    assert_eq!(signed["text"].as_str().unwrap().split(':').nth(1), Some(sha256_hex(stream.as_bytes()).as_str()));

    // Owed until settled, then paid from the sub-account (the periodic settlement may
    // have come first; the chain says the same either way).
    net.wait_for_charge(&alice, fee_one + fee_two, U256::from(2 * ONE_0G));
    let report = net.admin("/__admin/settle", json!({}));
    assert!(report["settled"].as_array().unwrap().iter().all(|s| s["status"] == "SUCCESS"), "{report}");
    assert_eq!(net.owed(&alice), 0);
    let account = net.account(&alice);
    assert_eq!(account.balance, U256::from(2 * ONE_0G - fee_one - fee_two));
    assert!(account.nonce >= U256::from(1));
    let ledger = net.view(net.ledger, getLedgerCall { user: alice.address });
    assert_eq!(ledger.totalBalance, U256::from(5 * ONE_0G - fee_one - fee_two));
}

#[test]
fn bad_tokens_unfunded_users_and_a_provider_that_is_down_are_refused_clearly() {
    let devnet = Devnet::start();
    let net = Net::new(&devnet);
    let (bob, carol) = (user(1), user(2));
    net.fund(&bob, 2 * ONE_0G);
    let body = ask("Hello", json!({"max_tokens": 4}));

    let (status, message) = net.refused(None, &body);
    assert_eq!(status, 401);
    assert!(message.contains("Authorization"), "{message}");
    let expired = token_as(&bob.key, bob.address, net.provider, now_ms() - 1000, 0, 0);
    assert_eq!(net.refused(Some(&expired), &body), (401, "session token expired".to_owned()));
    let forged = token_as(&carol.key, bob.address, net.provider, now_ms() + 60_000, 0, 0);
    let (status, message) = net.refused(Some(&forged), &body);
    assert_eq!(status, 401);
    assert!(message.contains("signature verification failed"), "{message}");
    let elsewhere = token_as(&bob.key, bob.address, Address::repeat_byte(7), now_ms() + 60_000, 0, 0);
    assert_eq!(net.refused(Some(&elsewhere), &body), (401, "session token is for different provider".to_owned()));
    let garbled = format!("{}x", net.token(&bob, 0, 0));
    assert_eq!(net.refused(Some(&garbled), &body).0, 401);

    // A valid token but no sub-account with this provider.
    let (status, message) = net.refused(Some(&net.token(&carol, 0, 0)), &body);
    assert_eq!(status, 402);
    assert!(message.contains("no sub-account"), "{message}");
    // 1 0G, the least the ledger lets a sub-account open with, is below 0G's reserve rule
    // (locked >= fee + unsettled + 1 0G): refused in the broker's words.
    net.fund(&carol, ONE_0G);
    let (status, message) = net.refused(Some(&net.token(&carol, 0, 0)), &body);
    assert_eq!(status, 402);
    let head = "insufficient balance: your locked balance is 1.000000 0G, but the required minimum is 1.0";
    assert!(message.starts_with(head), "{message}");
    assert!(message.contains("(breakdown: minimum reserve 1.000000 0G + unsettled fees 0.000000 0G"), "{message}");
    assert!(message.contains(&format!("transfer-fund --provider {}", net.provider)), "{message}");

    // Revocation, one token or all of them, read from the chain.
    let (status, text, _) = net.chat(Some(&net.token(&bob, 4, 0)), &body);
    assert_eq!(status, 200, "{text}");
    net.send(bob.address, net.serving, revokeTokenCall { provider: net.provider, tokenId: 5 }.abi_encode(), 0);
    let (status, message) = net.refused(Some(&net.token(&bob, 5, 0)), &body);
    assert_eq!(status, 401);
    assert!(message.contains("revoked"), "{message}");
    assert_eq!(net.chat(Some(&net.token(&bob, 4, 0)), &body).0, 200);
    net.send(bob.address, net.serving, revokeAllTokensCall { provider: net.provider }.abi_encode(), 0);
    let (status, message) = net.refused(Some(&net.token(&bob, 4, 0)), &body);
    assert_eq!(status, 401);
    assert!(message.contains("revoked"), "{message}");
    let current = net.token(&bob, 4, 1);
    assert_eq!(net.chat(Some(&current), &body).0, 200);

    // Bad requests.
    assert_eq!(net.refused(Some(&current), &json!({"messages": []})).0, 400);
    assert_eq!(net.refused(Some(&current), &ask("x", json!({"max_tokens": 100000}))).0, 400);
    assert_eq!(net.refused(Some(&current), &ask("x", json!({"model": "gpt-4"}))).0, 404);
    // More than the model's context, counted in its own tokens, and nothing charged for it.
    let (status, message) = net.refused(Some(&current), &ask(&"word ".repeat(zg_llm::CONTEXT), json!({})));
    assert_eq!(status, 400);
    assert!(message.contains("more than the model's 4096: shorten the conversation"), "{message}");

    // Everything in the sub-account asked back: nothing left to pay with.
    let call = retrieveFundCall { providers: vec![net.provider], serviceName: SERVICE.into() };
    net.send(bob.address, net.ledger, call.abi_encode(), 0);
    let (status, message) = net.refused(Some(&current), &body);
    assert_eq!(status, 402);
    assert!(message.contains("insufficient balance"), "{message}");

    // Down: every proxy endpoint answers 503 until it is back.
    net.admin("/__admin/fault", json!({"down": true}));
    let (status, message) = net.refused(Some(&current), &body);
    assert_eq!(status, 503);
    assert!(message.contains("down"), "{message}");
    assert_eq!(net.get("/v1/proxy/signature/00000000-0000-4000-8000-000000000000").0, 503);
    net.admin("/__admin/fault", json!({}));
    assert_eq!(net.get("/v1/proxy/signature/00000000-0000-4000-8000-000000000000").0, 404);
}

#[test]
fn models_unsettled_fees_and_the_quote_answer_in_0gs_shapes() {
    let devnet = Devnet::start();
    let net = Net::new(&devnet);
    let (erin, frank) = (user(0), user(1));
    net.fund(&erin, 2 * ONE_0G);

    // `{object: "list", data: [...]}`, the shape 0G's SDK (`getProviderModels`) insists on.
    let (status, models) = net.get("/v1/models");
    assert_eq!((status, models["object"].as_str()), (200, Some("list")));
    assert_eq!(models["data"][0]["id"], "SmolLM2-135M-Instruct");

    // The unsettled fee: only with a session token, only one's own.
    let unsettled = |who: &User, of: Address| {
        let url = format!("{}/v1/user/{of}/unsettledfee", net.url);
        let (status, body, _) =
            common::http(common::agent().get(&url).set("Authorization", &net.token(who, 0, 0)), None);
        (status, serde_json::from_str::<Value>(&body).unwrap())
    };
    let (status, fee) = unsettled(&erin, erin.address);
    assert_eq!((status, fee["unsettledFee"].as_str()), (200, Some("0")), "{fee}");
    assert_eq!(fee["userAddress"].as_str().unwrap().parse::<Address>().unwrap(), erin.address);
    let (status, refused) = unsettled(&frank, erin.address);
    assert_eq!((status, refused["error"].as_str()), (403, Some("you can only query your own unsettled fee")));
    assert_eq!(net.get(&format!("/v1/user/{}/unsettledfee", erin.address)).0, 401);
    // After an answer, what it cost is owed until settled.
    let (status, text, _) = net.chat(Some(&net.token(&erin, 0, 0)), &ask("Hi", json!({"max_tokens": 3})));
    assert_eq!(status, 200, "{text}");
    // (The periodic settlement may come in between; then nothing is owed any more.)
    let (_, fee) = unsettled(&erin, erin.address);
    let reported = fee["unsettledFee"].as_str().unwrap().parse::<u128>().unwrap();
    let owed = net.owed(&erin);
    assert!(reported == owed || owed == 0, "{reported} reported, {owed} owed");
    assert!(reported > 0 || owed == 0);

    // No TEE on the devnet, and the quote says so: no quote, no report_data to match.
    let (status, quote) = net.get("/v1/quote");
    assert_eq!((status, quote["tee"].as_bool(), quote["quote"].is_null()), (200, Some(false), true));
    assert!(quote.get("report_data").is_none());
    assert!(quote["note"].as_str().unwrap().contains("no TEE"));
}

#[test]
fn an_answer_that_does_not_arrive_costs_nothing() {
    let devnet = Devnet::start();
    let net = Net::new(&devnet);
    let dave = user(2);
    net.fund(&dave, 2 * ONE_0G);
    let auth = net.token(&dave, 0, 0);
    let before = net.account(&dave).balance;

    // The client reads the first pieces of a slow stream and hangs up.
    net.admin("/__admin/fault", json!({"delayMs": 200}));
    let body = ask("Tell me a long story.", json!({"max_tokens": 200, "stream": true}));
    let response = common::agent()
        .post(&format!("{}/v1/proxy/chat/completions", net.url))
        .set("Authorization", &auth)
        .send_string(&body.to_string())
        .unwrap();
    let key = response.header("ZG-Res-Key").unwrap().to_owned();
    let mut reader = response.into_reader();
    let mut first = [0u8; 300];
    reader.read_exact(&mut first).unwrap();
    assert!(String::from_utf8_lossy(&first).starts_with("data: {"));
    drop(reader);

    // A slow provider the client gives up on.
    net.admin("/__admin/fault", json!({"stallMs": 2500}));
    let impatient = ureq::AgentBuilder::new().timeout(Duration::from_millis(800)).build();
    let gave_up = impatient
        .post(&format!("{}/v1/proxy/chat/completions", net.url))
        .set("Authorization", &auth)
        .send_string(&ask("Hello?", json!({"max_tokens": 8, "stream": true})).to_string());
    assert!(gave_up.is_err(), "the client should have timed out");

    // Both server threads notice when they next write; neither answer is owed or signed.
    std::thread::sleep(Duration::from_secs(5));
    assert_eq!(net.owed(&dave), 0);
    assert_eq!(net.get(&format!("/v1/proxy/signature/{key}")).0, 404);

    // A complete answer is charged, exactly.
    net.admin("/__admin/fault", json!({}));
    let hello = ask("Hello!", json!({"max_tokens": 8, "temperature": 0, "stream": true}));
    let (status, stream, _) = net.chat(Some(&auth), &hello);
    assert_eq!(status, 200, "{stream}");
    let (input_price, output_price) = net.prices();
    let (prompt_tokens, want) = expected("Hello!", 8, 0.0, 0);
    let fee = input_price * prompt_tokens as u128 + output_price * want.completion_tokens as u128;
    // The provider books the charge once it has seen its last byte go out, which can be
    // just after the client has read it; the periodic settlement may also have run.
    net.wait_for_charge(&dave, fee, before);
    net.admin("/__admin/settle", json!({}));
    assert_eq!(net.account(&dave).balance, before - U256::from(fee));
}
