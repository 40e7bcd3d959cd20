// Governance with three voters, each in their own browser profile: wrap 0G for votes,
// delegate (one voter moves its delegation before the snapshot and the tallies follow),
// one proposal passes and its action executes through the timelock, another is vetoed
// and its deposit burned. The tallies on screen carry the verified badge and equal the
// contract's own answer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Interface } from 'ethers';
import { launchBrowser, newProfile, rpc, selectedAddress, shot, startDevnet, startTamperProxy, restoreWallet, toast } from './harness.mjs';

const PASSWORD = 'correct horse battery';
const PHRASE = 'test test test test test test test test test test test junk';
const FUNDER = '0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc'; // anvil dev #5, unlocked
const WRITER = '0x00000000000000000000000000000000000D0c5A'; // EIP-55 checksummed: the form checks it
const BURN = '0x000000000000000000000000000000000000dEaD';
const ONE = 10n ** 18n;
const tokenAbi = new Interface(['function deposit() payable', 'function delegate(address delegatee)', 'function balanceOf(address) view returns (uint256)']);
const stakingAbi = new Interface([
  'function createAndInitializeValidatorIfNecessary((string,string,string,string,string) description, uint32 commissionRate, uint96 withdrawalFeeInGwei, bytes pubkey, bytes signature) payable returns (address)',
]);
const governorAbi = new Interface([
  'function proposalVotes(uint256) view returns (uint256 no, uint256 yes, uint256 abstain, uint256 noWithVeto)',
  'function proposalCount() view returns (uint256)',
  'function proposalIdAt(uint256) view returns (uint256)',
  'function isVetoed(uint256) view returns (bool)',
  'function castVote(uint256 proposalId, uint8 support) returns (uint256)',
  'event ProposalCreated(uint256 proposalId, address proposer, address[] targets, uint256[] values, string[] signatures, bytes[] calldatas, uint256 voteStart, uint256 voteEnd, string description)',
]);

let devnet, browser, closeBrowser;
const voters = {};

before(async () => {
  devnet = await startDevnet();
  ({ browser, close: closeBrowser } = await launchBrowser());
});

after(async () => {
  await closeBrowser?.();
  await devnet?.stop();
});

/** A profile with the dev phrase restored, on its `index`-th account (0-based). */
async function voter(index) {
  const profile = await newProfile(browser);
  const { page } = profile;
  await restoreWallet(page, devnet.appUrl, PHRASE, PASSWORD);
  for (let i = 1; i <= index; i++) {
    await page.getByRole('button', { name: 'Add account' }).click();
    await page.locator('[data-testid="selected-name"]', { hasText: `Account ${i + 1}` }).waitFor();
  }
  profile.address = await selectedAddress(page);
  await page.locator('nav[aria-label="Main"]').getByRole('link', { name: 'Governance' }).click();
  await page.getByRole('heading', { name: 'Governance', level: 1 }).waitFor();
  await page.getByTestId('governance-power').waitFor({ timeout: 60_000 });
  return profile;
}

async function powerField(page, id, want) {
  const field = page.getByTestId('governance-power').getByTestId(id);
  await page.waitForFunction(([id, want]) =>
    document.querySelector(`[data-testid="governance-power"] [data-testid="${id}"]`)?.textContent.trim() === want,
  [id, want], { timeout: 60_000 }).catch(async () => assert.fail(`${id}: wanted ${want}, shows ${await field.textContent()}`));
}

async function wrap(page, amount) {
  const card = page.getByRole('region', { name: 'Voting power' });
  await card.getByLabel('Amount to wrap or unwrap').fill(String(amount));
  await card.getByRole('button', { name: 'Wrap', exact: true }).click();
  await toast(page, new RegExp(`Wrapped ${amount} 0G in block \\d+`));
  await powerField(page, 'wrapped', `${amount} 0G`);
}

async function delegate(page, to) {
  const card = page.getByRole('region', { name: 'Voting power' });
  if (to) {
    await card.getByLabel('Delegate to address').fill(to);
    await card.getByRole('button', { name: 'Delegate', exact: true }).click();
  } else {
    await card.getByRole('button', { name: 'Delegate to myself' }).click();
  }
  await toast(page, /Delegated to 0x[0-9a-fA-F]{40} in block \d+/);
}

function proposalCard(page, title) {
  return page.locator('article.proposal').filter({ has: page.getByRole('heading', { name: title }) });
}

async function propose(page, title, amount) {
  const form = page.getByRole('form', { name: 'New proposal' });
  await form.getByLabel('Title').fill(title);
  await form.getByLabel('Description').fill(`Pays ${amount} 0G to the docs writer.`);
  await form.getByLabel('Pay to').fill(WRITER);
  await form.getByLabel('Amount').fill(String(amount));
  assert.equal(await form.getByLabel('Deposit').inputValue(), '1', 'the minimum deposit is proposed');
  assert.match(await form.getByTestId('proposer-bound').textContent(), /Only you can submit this proposal/);
  await form.getByRole('button', { name: 'Submit proposal' }).click();
  await toast(page, /Proposal submitted in block \d+/);
  const card = proposalCard(page, title);
  await card.waitFor({ timeout: 30_000 });

  // Bound to its proposer (OpenZeppelin's `#proposer=` suffix), so a copy sent from another
  // account is refused by the governor: the chain holds the suffix, the card says so and
  // does not show the suffix as part of the text.
  const proposer = Object.values(voters).find((v) => v.page === page).address;
  const id = BigInt(await card.getAttribute('data-id'));
  const logs = await rpc(devnet.rpcUrl, 'eth_getLogs', [{ address: devnet.contracts.governor, fromBlock: '0x0', toBlock: 'latest' }]);
  const created = logs.map((l) => { try { return governorAbi.parseLog(l); } catch { return null; } })
    .find((e) => e?.name === 'ProposalCreated' && e.args.proposalId === id);
  assert.ok(created.args.description.endsWith(`\n\n#proposer=${proposer.toLowerCase()}`), created.args.description);
  assert.match(await card.getByTestId('proposal-bound').textContent(), /Bound to its proposer/);
  assert.ok(!(await card.textContent()).includes('#proposer='), 'the suffix is not shown as text');
}

async function waitForState(page, title, state, timeout) {
  await proposalCard(page, title).and(page.locator(`[data-state="${state}"]`)).waitFor({ timeout });
}

/** The tally on screen (wei strings per option) and the contract's, asked directly. */
async function tallies(page, title) {
  const card = proposalCard(page, title);
  const shown = {};
  for (const [k, label] of [['0', 'no'], ['1', 'yes'], ['2', 'abstain'], ['3', 'noWithVeto']]) {
    shown[label] = (await card.getByTestId(`tally-${k}`).textContent()).trim();
  }
  const id = BigInt(await card.getAttribute('data-id'));
  const out = await rpc(devnet.rpcUrl, 'eth_call', [{ to: devnet.contracts.governor, data: governorAbi.encodeFunctionData('proposalVotes', [id]) }, 'latest']);
  const [no, yes, abstain, noWithVeto] = governorAbi.decodeFunctionResult('proposalVotes', out);
  const contract = Object.fromEntries(Object.entries({ no, yes, abstain, noWithVeto }).map(([k, v]) => [k, `${v / ONE} 0G`]));
  return { shown, contract, badge: await card.getByTestId('proof-badge').getAttribute('data-state') };
}

async function balance(address) {
  return BigInt(await rpc(devnet.rpcUrl, 'eth_getBalance', [address, 'latest']));
}

test('three voters wrap 0G; one moves its delegation before the snapshot and the power follows', async () => {
  voters.a = await voter(0);
  voters.b = await voter(1);
  voters.c = await voter(2);
  const { a, b, c } = voters;
  assert.equal(await a.page.getByTestId('no-proposals').textContent(), 'No proposals yet.');

  // Every transaction is reviewed before it is signed: what it calls, what it sends, the
  // most it can cost. Rejecting it signs and sends nothing.
  a.approving = false;
  try {
    const nonce = await rpc(devnet.rpcUrl, 'eth_getTransactionCount', [a.address, 'latest']);
    const card = a.page.getByRole('region', { name: 'Voting power' });
    await card.getByLabel('Amount to wrap or unwrap').fill('5');
    await card.getByRole('button', { name: 'Wrap', exact: true }).click();
    const dialog = a.page.getByTestId('tx-review');
    await dialog.waitFor();
    assert.equal((await dialog.getByTestId('tx-review-what').textContent()).trim(), 'Calls deposit on Wrapped 0G (voting power)');
    assert.equal((await dialog.getByTestId('tx-review-value').textContent()).trim(), '5 0G');
    assert.match(await dialog.getByTestId('tx-review-worst').textContent(), /^5\.\d+ 0G$/, 'the value plus the most the gas can cost');
    assert.match(await dialog.getByTestId('tx-review-fees').textContent(), /gwei \/ [\d.]+ gwei per gas/);
    await shot(a.page, 'gov-tx-review');
    await dialog.getByRole('button', { name: 'Reject' }).click();
    await card.locator('.alert-error').filter({ hasText: 'you declined the transaction; nothing was signed or sent' }).waitFor();
    assert.equal(await rpc(devnet.rpcUrl, 'eth_getTransactionCount', [a.address, 'latest']), nonce, 'nothing was sent');
  } finally {
    a.approving = true;
  }

  await wrap(a.page, 300);
  assert.ok(a.reviews.some((r) => /Most it can cost/.test(r)), 'the wrap was reviewed before it was signed');
  await wrap(b.page, 100);
  await wrap(c.page, 250);
  await delegate(a.page);
  await delegate(c.page);
  // B first votes with its own power, then hands it to A: A's votes follow.
  await delegate(b.page);
  await powerField(b.page, 'votes', '100 0G');
  // A checksummed address with one letter's case changed (a typo EIP-55 catches) is refused.
  const i = [...a.address].findIndex((ch, k) => k > 1 && /[a-f]/i.test(ch));
  const flip = (ch) => (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase());
  const miscased = a.address.slice(0, i) + flip(a.address[i]) + a.address.slice(i + 1);
  const power = b.page.getByRole('region', { name: 'Voting power' });
  await power.getByLabel('Delegate to address').fill(miscased);
  await power.getByRole('button', { name: 'Delegate', exact: true }).click();
  await power.getByRole('alert').filter({ hasText: 'EIP-55' }).waitFor();
  await delegate(b.page, a.address);
  await powerField(b.page, 'votes', '0 0G');
  await powerField(a.page, 'votes', '400 0G');
  await powerField(c.page, 'votes', '250 0G');
  await shot(a.page, 'gov-01-power');
});

test('a proposal passes and its action executes; another is vetoed and its deposit burned; a lone veto without quorum is refunded', async () => {
  const { a, c } = voters;
  // The treasury is the timelock: fund it so a passed proposal can pay.
  await rpc(devnet.rpcUrl, 'eth_sendTransaction', [{ from: FUNDER, to: devnet.contracts.timelock, value: '0x' + (5n * ONE).toString(16) }]);
  const writerBefore = await balance(WRITER);
  const burnedBefore = await balance(BURN);

  await propose(a.page, 'Pay the docs writer', 1);
  await propose(a.page, 'Drain the treasury', 4);
  // A small holder outside the app (anvil's unlocked dev #5: 10 0G of 660 wrapped, far from
  // the 33.4% quorum) vetoes a third proposal alone: over a third of the votes cast, but no
  // quorum, so the governor refunds the deposit — and the page must say so.
  // Each is mined and succeeded before the proposal exists, so the votes count at its snapshot.
  const send = async (to, data, value = 0n) => {
    const hash = await rpc(devnet.rpcUrl, 'eth_sendTransaction', [{ from: FUNDER, to, data, value: '0x' + value.toString(16) }]);
    for (;;) {
      const receipt = await rpc(devnet.rpcUrl, 'eth_getTransactionReceipt', [hash]);
      if (receipt) return assert.equal(receipt.status, '0x1', `${hash} failed`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  await send(devnet.contracts.wrappedZG, tokenAbi.encodeFunctionData('deposit'), 10n * ONE);
  await send(devnet.contracts.wrappedZG, tokenAbi.encodeFunctionData('delegate', [FUNDER]));
  await propose(a.page, 'Quiet veto', 1);
  for (const title of ['Pay the docs writer', 'Drain the treasury']) {
    await waitForState(a.page, title, 'Voting', 30_000);
    await waitForState(c.page, title, 'Voting', 30_000);
  }

  // Voting's end, counted in blocks, is also said on the clock, from the chain's measured pace.
  assert.match(await proposalCard(a.page, 'Drain the treasury').textContent(),
    /voting ends at block \d+, about .+ \((in \d+ min|any moment now)\)/);
  // What each option does is said where the buttons are: a veto's third and its burned deposit.
  assert.match(await proposalCard(a.page, 'Drain the treasury').getByTestId('vote-options-hint').textContent(),
    /No with veto .* more than a third of all votes, the proposal fails whatever the Yes share, and its deposit is burned/);
  const vote = async (page, title, option) => {
    const card = proposalCard(page, title);
    await card.getByRole('button', { name: `Vote ${option}`, exact: true }).click();
    await toast(page, new RegExp(`Voted ${option} on proposal`));
  };
  await vote(a.page, 'Pay the docs writer', 'Yes');
  await vote(c.page, 'Pay the docs writer', 'No');
  await vote(a.page, 'Drain the treasury', 'Yes');
  await waitForState(a.page, 'Quiet veto', 'Voting', 30_000);
  const quietId = BigInt(await proposalCard(a.page, 'Quiet veto').getAttribute('data-id'));
  await send(devnet.contracts.governor, governorAbi.encodeFunctionData('castVote', [quietId, 3]));
  const quietVotes = governorAbi.decodeFunctionResult('proposalVotes', await rpc(devnet.rpcUrl, 'eth_call', [
    { to: devnet.contracts.governor, data: governorAbi.encodeFunctionData('proposalVotes', [quietId]) }, 'latest',
  ]));
  assert.equal(quietVotes.noWithVeto, 10n * ONE, 'the lone veto counted 10 0G on chain');
  await proposalCard(c.page, 'Drain the treasury').getByLabel('Reason (optional)').fill('it empties the treasury');
  await vote(c.page, 'Drain the treasury', 'No with veto');

  // The tallies on screen are verified and equal the contract's; A votes with B's delegated power.
  await a.page.getByRole('region', { name: 'Proposals' }).getByRole('button', { name: 'Refresh' }).click();
  await a.page.waitForFunction(() => [...document.querySelectorAll('article.proposal [data-testid="tally-3"]')]
    .some((e) => e.textContent.trim() === '250 0G'), null, { timeout: 30_000 });
  const passing = await tallies(a.page, 'Pay the docs writer');
  assert.deepEqual(passing.shown, passing.contract);
  assert.deepEqual(passing.shown, { no: '250 0G', yes: '400 0G', abstain: '0 0G', noWithVeto: '0 0G' });
  assert.equal(passing.badge, 'verified');
  const vetoed = await tallies(a.page, 'Drain the treasury');
  assert.deepEqual(vetoed.shown, vetoed.contract);
  assert.deepEqual(vetoed.shown, { no: '0 0G', yes: '400 0G', abstain: '0 0G', noWithVeto: '250 0G' });
  assert.equal(vetoed.badge, 'verified');
  // Who voted what, from the governor's vote events proven complete and held to the tally:
  // the heaviest first, each with its option and reason.
  const drain = proposalCard(a.page, 'Drain the treasury');
  await drain.getByTestId('show-voters').click();
  await drain.getByTestId('voters').waitFor({ timeout: 30_000 });
  const rows = await drain.getByTestId('voter').evaluateAll((rows) => rows.map((r) => ({
    voter: r.dataset.voter.toLowerCase(), vote: r.dataset.vote, text: r.textContent,
  })));
  assert.deepEqual(rows.map((r) => [r.voter, r.vote]), [
    [a.address.toLowerCase(), 'Yes'], [c.address.toLowerCase(), 'No with veto'],
  ]);
  assert.match(rows[0].text, /400 0G/);
  assert.match(rows[1].text, /250 0G.*it empties the treasury/);
  assert.match(await drain.getByTestId('voters-caption').textContent(), /2 voters.*add up to the proven tally at block \d+/);
  await shot(a.page, 'gov-02-voting');

  // Voting lasts 150 blocks, a minute of the devnet's 0.4 s blocks: anvil mines them at once
  // rather than the test waiting (the governor counts blocks, not seconds).
  await rpc(devnet.rpcUrl, 'anvil_mine', ['0x96']);
  await waitForState(a.page, 'Pay the docs writer', 'Passed', 30_000);
  await waitForState(a.page, 'Drain the treasury', 'Defeated', 30_000);
  await shot(a.page, 'gov-03-ended');

  const passed = proposalCard(a.page, 'Pay the docs writer');
  await passed.getByRole('button', { name: 'Queue' }).click();
  await toast(a.page, /Queued proposal/);
  await waitForState(a.page, 'Pay the docs writer', 'Queued', 30_000);
  // Too early: the timelock refuses, and says so before anything is sent.
  await passed.getByRole('button', { name: 'Execute' }).click();
  await passed.getByRole('alert').filter({ hasText: 'the timelock is not ready' }).waitFor({ timeout: 30_000 });
  // After the 10 s delay it runs, and the writer is paid. anvil's clock is moved on rather
  // than the test waiting (the timelock reads the block's timestamp).
  await rpc(devnet.rpcUrl, 'evm_increaseTime', [11]);
  await rpc(devnet.rpcUrl, 'evm_mine', []);
  await passed.getByRole('button', { name: 'Execute' }).click();
  await toast(a.page, /Executed proposal/);
  await waitForState(a.page, 'Pay the docs writer', 'Executed', 30_000);
  assert.equal(await balance(WRITER) - writerBefore, ONE, 'the action paid 1 0G from the treasury');

  // A proposal has an address: its Link shows it alone, Back shows them all again.
  const id = await passed.getAttribute('data-id');
  await passed.evaluate((el) => (el.__kept = true));
  await passed.getByTestId('proposal-link').click();
  await a.page.waitForFunction((id) => location.hash === `#/governance/${id}`, id);
  await a.page.getByTestId('one-proposal').waitFor();
  // The page is not mounted afresh (its list is filtered in place): the other card goes.
  await a.page.waitForFunction(() => document.querySelectorAll('article.proposal').length === 1);
  assert.equal(await a.page.locator('article.proposal').getAttribute('data-id'), id);
  assert.equal(await a.page.locator('article.proposal').evaluate((el) => el.__kept === true), true, 'the card was kept, not drawn again');
  await shot(a.page, 'gov-03b-one-proposal');
  await a.page.goBack();
  await a.page.getByTestId('one-proposal').waitFor({ state: 'detached' });
  await a.page.waitForFunction(() => document.querySelectorAll('article.proposal').length >= 2);

  const defeated = proposalCard(a.page, 'Drain the treasury');
  await defeated.getByRole('button', { name: 'Burn the deposit (vetoed)' }).click();
  await toast(a.page, /Settled the deposit/);
  await defeated.getByTestId('deposit-settled').filter({ hasText: 'burned: vetoed' }).waitFor({ timeout: 30_000 });
  assert.equal(await balance(BURN) - burnedBefore, ONE, 'the vetoed deposit went to the burn address');
  assert.equal(await balance(WRITER) - writerBefore, ONE, 'the vetoed action never ran');
  await shot(a.page, 'gov-04-settled');

  // The lone veto without quorum: defeated, not vetoed, on chain and on screen; the deposit
  // comes back to the proposer.
  await waitForState(a.page, 'Quiet veto', 'Defeated', 30_000);
  const vetoedOnChain = await rpc(devnet.rpcUrl, 'eth_call', [{ to: devnet.contracts.governor, data: governorAbi.encodeFunctionData('isVetoed', [quietId]) }, 'latest']);
  assert.equal(governorAbi.decodeFunctionResult('isVetoed', vetoedOnChain)[0], false);
  const quiet = proposalCard(a.page, 'Quiet veto');
  assert.equal((await quiet.getByTestId('tally-3').textContent()).trim(), '10 0G');
  const burnedNow = await balance(BURN);
  await quiet.getByRole('button', { name: 'Return the deposit' }).click();
  await toast(a.page, /Settled the deposit/);
  await quiet.getByTestId('deposit-settled').filter({ hasText: '(returned)' }).waitFor({ timeout: 30_000 });
  assert.equal(await balance(BURN), burnedNow, 'nothing was burned');
});

test("a holder adds wrapped 0G to the wallet's tokens: its balance proven, refused for an account without code, hidden and shown again, and a review writes its change in wZG", async () => {
  const { a } = voters;
  const { page } = a;
  await page.locator('nav[aria-label="Main"]').getByRole('link', { name: 'Wallet' }).click();
  const card = page.getByRole('region', { name: 'Tokens' });
  await card.getByTestId('no-tokens').waitFor({ timeout: 30_000 });

  // An account with no code is no token: refused in words, nothing added.
  await card.getByLabel('Token contract address').fill(FUNDER);
  await card.getByRole('button', { name: 'Add token' }).click();
  await card.locator('.alert-error').waitFor({ timeout: 30_000 });
  assert.equal(await card.getByTestId('token').count(), 0);

  await card.getByLabel('Token contract address').fill(devnet.contracts.wrappedZG);
  await card.getByRole('button', { name: 'Add token' }).click();
  const row = card.getByTestId('token');
  await row.waitFor({ timeout: 30_000 });
  assert.equal((await row.getByTestId('token-symbol').textContent()).trim(), 'wZG');
  const onChain = tokenAbi.decodeFunctionResult('balanceOf', await rpc(devnet.rpcUrl, 'eth_call', [
    { to: devnet.contracts.wrappedZG, data: tokenAbi.encodeFunctionData('balanceOf', [a.address]) }, 'latest',
  ]))[0];
  assert.ok(onChain > 0n, 'A holds wrapped 0G from the voting tests');
  const frac = (onChain % ONE).toString().padStart(18, '0').slice(0, 6).replace(/0+$/, '');
  const shown = `${(onChain / ONE).toLocaleString('en-US')}${frac ? `.${frac}` : ''} wZG`;
  assert.equal((await row.getByTestId('token-balance').textContent()).trim(), shown);
  assert.equal(await row.getByTestId('proof-badge').getAttribute('data-state'), 'verified');
  await shot(page, 'wallet-tokens');

  // Hidden, it leaves the list but is kept apart, to be shown again.
  await row.getByRole('button', { name: 'Hide' }).click();
  await card.getByTestId('no-tokens').waitFor({ timeout: 30_000 });
  await card.getByTestId('hidden-tokens').getByRole('button', { name: 'Show wZG' }).click();
  await card.getByTestId('token').waitFor({ timeout: 30_000 });

  // A transaction's review writes a listed token's change with its symbol and decimals
  // (and its address: symbols are not unique). Answered by hand to read it first.
  await page.locator('nav[aria-label="Main"]').getByRole('link', { name: 'Governance' }).click();
  await page.getByRole('heading', { name: 'Governance', level: 1 }).waitFor();
  a.approving = false;
  try {
    const power = page.getByRole('region', { name: 'Voting power' });
    await power.getByLabel('Amount to wrap or unwrap').fill('1.5');
    await power.getByRole('button', { name: 'Wrap', exact: true }).click();
    const review = page.getByTestId('tx-review');
    const wzg = review.getByTestId('balance-change-amount').filter({ hasText: 'wZG' });
    await wzg.waitFor({ timeout: 60_000 });
    assert.match((await wzg.textContent()).trim(), /^\+1\.5 wZG \(0x[0-9a-fA-F]{4}…[0-9a-fA-F]{4}\)$/);
  } finally {
    a.approving = true;
  }
  await toast(page, /Wrapped 1\.5 0G in block \d+/);
});

// The devnet's validators, as devnet.json lists their consensus keys.
const ALPHA_KEY = `0x${'a1'.repeat(48)}`;
const BETA_KEY = `0x${'b2'.repeat(48)}`;

test('a holder delegates to a validator found by its key, undelegates paying the fee, and the consensus layer pays it out', async () => {
  const { c } = voters;
  const { page } = c;
  await page.locator('nav[aria-label="Main"]').getByRole('link', { name: 'Staking' }).click();
  await page.getByRole('heading', { name: 'Staking', level: 1 }).waitFor();
  const validators = page.getByRole('region', { name: 'Validators' });
  const alpha = page.locator(`article[data-validator="${ALPHA_KEY}"]`);
  await alpha.waitFor({ timeout: 60_000 });
  assert.equal(await page.locator('article[data-validator]').count(), 2, 'both validators devnet.json lists are shown');
  await page.locator(`article[data-validator="${BETA_KEY}"]`).waitFor();
  assert.match(await validators.getByTestId('validator-count').textContent(), /^The registry counts 2 validators \(proven at block \d+\); 2 shown\./);
  assert.equal(await validators.getByTestId('proof-badge').getAttribute('data-state'), 'verified');
  assert.equal((await alpha.getByTestId('my-stake').textContent()).trim(), 'none');
  assert.equal((await alpha.getByTestId('commission').textContent()).trim(), '5%');
  assert.equal((await alpha.getByTestId('withdrawal-fee').textContent()).trim(), '1 gwei');
  assert.equal((await alpha.getByTestId('stake').textContent()).trim(), '1,000.95 0G', 'the self-delegation plus the start-up reward less commission');

  // A key that is not 48 bytes, and one the registry does not know, are refused in words.
  const keyInput = validators.getByLabel('Validator public key');
  await keyInput.fill('0x1234');
  await validators.getByRole('button', { name: 'Add validator' }).click();
  await validators.locator('.alert-error').filter({ hasText: 'is 48 bytes (96 hex digits); this one has 2 bytes' }).waitFor();
  await keyInput.fill(`0x${'77'.repeat(48)}`);
  await validators.getByRole('button', { name: 'Add validator' }).click();
  await validators.locator('.alert-error').filter({ hasText: 'the staking registry has no validator for the key 0x77777777' }).waitFor();
  assert.equal(await page.locator('article[data-validator]').count(), 2, 'nothing was added');

  // A validator created after start-up (as an operator would, through the registry) is
  // found by its key, the way a client can on 0G.
  const gammaKey = `0x${'c3'.repeat(48)}`;
  const create = stakingAbi.encodeFunctionData('createAndInitializeValidatorIfNecessary', [
    ['zg-e2e-gamma', '', '', '', ''], 20_000, 1, gammaKey, '0x',
  ]);
  const hash = await rpc(devnet.rpcUrl, 'eth_sendTransaction', [{ from: FUNDER, to: devnet.contracts.staking, data: create, value: `0x${(5n * ONE).toString(16)}` }]);
  let receipt;
  while (!(receipt = await rpc(devnet.rpcUrl, 'eth_getTransactionReceipt', [hash]))) await page.waitForTimeout(200);
  assert.equal(receipt.status, '0x1', 'the registry created and initialised the validator');
  await keyInput.fill(gammaKey);
  await validators.getByRole('button', { name: 'Add validator' }).click();
  const gamma = page.locator(`article[data-validator="${gammaKey}"]`);
  await gamma.waitFor({ timeout: 30_000 });
  assert.equal((await gamma.getByTestId('stake').textContent()).trim(), '5 0G');
  assert.equal((await gamma.getByTestId('commission').textContent()).trim(), '2%');
  await validators.getByTestId('validator-count').filter({ hasText: /^The registry counts 3 validators \(proven at block \d+\); 3 shown\./ }).waitFor();

  await alpha.getByLabel('Amount to delegate').fill('10');
  await alpha.getByRole('button', { name: 'Delegate' }).click();
  await toast(page, /Delegate with validator 0xa1a1a1a1…a1a1a1 in block \d+ \(receipt verified\)/, alpha);
  await alpha.getByTestId('my-stake').filter({ hasText: /^(9\.9\d*|10) 0G \(\d+ shares\)$/ }).waitFor({ timeout: 30_000 });
  await shot(page, 'staking-01-delegated');

  const reviewsBefore = c.reviews.length;
  await alpha.getByRole('button', { name: 'Undelegate all' }).click();
  await toast(page, /Undelegate with validator 0xa1a1a1a1…a1a1a1 in block \d+ \(receipt verified\)/, alpha);
  const review = c.reviews.slice(reviewsBefore).join('\n');
  assert.match(review, /Calls undelegate/);
  assert.match(review, /The 1 gwei sent is the validator's withdrawal fee/, 'the review says what the value pays');
  await alpha.getByTestId('my-stake').filter({ hasText: /^none$/ }).waitFor({ timeout: 30_000 });

  // The undelegation as the chain proves it: its own signed transaction and receipt.
  const undelegation = page.getByRole('region', { name: 'Undelegations' }).getByTestId('undelegation');
  await undelegation.waitFor({ timeout: 30_000 });
  assert.match(await undelegation.getByTestId('undelegated').textContent(), /^\d+ shares in block \d+ \(proven\)$/);
  assert.match(await undelegation.getByTestId('estimate').textContent(), /^about (9\.9\d*|10) 0G /);
  assert.match(await undelegation.getByTestId('payout').textContent(), /consensus layer .* not provable here/);
  await shot(page, 'staking-02-undelegated');

  // zg-devnet plays 0G's consensus layer: after the 25-block delay (about 10 s) it
  // credits the withdrawal address. Nothing in the app is clicked for it.
  const before = await balance(c.address);
  const deadline = Date.now() + 60_000;
  while (await balance(c.address) < before + 9n * ONE) {
    assert.ok(Date.now() < deadline, 'the undelegated 0G was not paid within 60 s');
    await page.waitForTimeout(1_000);
  }

  await undelegation.getByRole('button', { name: 'Forget' }).click();
  await undelegation.waitFor({ state: 'detached', timeout: 10_000 });
  await page.getByTestId('no-undelegations').waitFor();
});

test('a holder undelegates part of a stake and moves part to another validator, each step reviewed', async () => {
  const { c } = voters;
  const { page } = c;
  const alpha = page.locator(`article[data-validator="${ALPHA_KEY}"]`);
  const beta = page.locator(`article[data-validator="${BETA_KEY}"]`);
  await alpha.waitFor({ timeout: 30_000 });
  // What 0G's contracts do not keep is said, not left blank (Keplr shows both).
  assert.match(await alpha.getByTestId('uptime').textContent(), /not published by 0G's staking contracts/);

  await alpha.getByLabel('Amount to delegate').fill('10');
  await alpha.getByRole('button', { name: 'Delegate', exact: true }).click();
  await toast(page, /Delegate with validator 0xa1a1a1a1…a1a1a1 in block \d+/, alpha);
  await alpha.getByTestId('my-stake').filter({ hasText: /^(9\.9\d*|10) 0G \(\d+ shares\)$/ }).waitFor({ timeout: 30_000 });

  // Part of it: the shares worth 4 0G, not all of them.
  await alpha.getByLabel('Amount to delegate').fill('4');
  await alpha.getByRole('button', { name: 'Undelegate', exact: true }).click();
  await toast(page, /Undelegate with validator 0xa1a1a1a1…a1a1a1 in block \d+/, alpha);
  await alpha.getByTestId('my-stake').filter({ hasText: /^(5\.9\d*|6(\.0\d*)?) 0G \(\d+ shares\)$/ }).waitFor({ timeout: 30_000 });

  // Move 3 0G to beta: a delegation there from the balance, then an undelegation here.
  const reviewsBefore = c.reviews.length;
  await alpha.getByLabel('Amount to delegate').fill('3');
  await alpha.getByLabel('Move to validator…').selectOption(BETA_KEY);
  await alpha.getByTestId('move-stake').click();
  await toast(page, /Moved 3 0G from validator 0xa1a1a1a1…a1a1a1 to 0xb2b2b2b2…b2b2b2 in block \d+/, alpha);
  const reviews = c.reviews.slice(reviewsBefore);
  assert.equal(reviews.length, 2, 'two transactions, each reviewed');
  assert.match(reviews[0], /Calls delegate/);
  assert.match(reviews[1], /Calls undelegate/);
  await beta.getByTestId('my-stake').filter({ hasText: /^(2\.9\d*|3) 0G \(\d+ shares\)$/ }).waitFor({ timeout: 30_000 });
  await alpha.getByTestId('my-stake').filter({ hasText: /^(2\.9\d*|3(\.0\d*)?) 0G \(\d+ shares\)$/ }).waitFor({ timeout: 30_000 });
  await page.getByRole('region', { name: 'Undelegations' }).getByTestId('undelegation').nth(1).waitFor({ timeout: 30_000 });
  await shot(page, 'staking-03-moved');
});

test('a staking registry set in Settings with no code, or with another interface, is refused in words', async () => {
  const profile = await newProfile(browser);
  const { page } = profile;
  await restoreWallet(page, devnet.appUrl, PHRASE, PASSWORD);
  const nav = (name) => page.locator('nav[aria-label="Main"]').getByRole('link', { name }).click();
  // The staking registry is one of Settings → Contract addresses.
  const setRegistry = async (address, saved) => {
    await nav('Settings');
    const card = page.getByRole('form', { name: 'Contract addresses' });
    await card.getByLabel('Staking', { exact: true }).fill(address);
    await card.getByRole('button', { name: 'Save addresses' }).click();
    await toast(page, saved);
    await nav('Staking');
  };
  const staking = () => page.getByRole('region', { name: 'Validators' });

  await nav('Settings');
  const card = page.getByRole('form', { name: 'Contract addresses' });
  await card.getByLabel('Staking', { exact: true }).fill('0x1234');
  await card.getByRole('button', { name: 'Save addresses' }).click();
  await card.locator('.alert-error').filter({ hasText: 'Staking: that is not an address' }).waitFor();

  for (const [address, words] of [
    ['0x00000000000000000000000000000000000051a7', /there is no contract at the staking registry address 0x00000000000000000000000000000000000051A7 on this network \(proven: it has no code\)/],
    [devnet.contracts.governor, /does not answer 0G's staking interface \(validatorCount\(\) reverted\)/],
  ]) {
    await setRegistry(address, /Contract addresses saved/);
    const error = staking().getByTestId('staking-error');
    await error.waitFor({ timeout: 60_000 });
    assert.match(await error.textContent(), words);
    assert.equal(await page.locator('article[data-validator]').count(), 0, 'no validator is shown from it');
  }

  // Emptied, the network's own registry is back.
  await setRegistry('', /Contract addresses saved/);
  await page.locator(`article[data-validator="${ALPHA_KEY}"]`).waitFor({ timeout: 60_000 });
  await profile.context.close();
});

test('a node that misreports a tally is caught: the tally is withheld, never shown', async () => {
  const { a } = voters;
  const { page } = a;
  // Put zg-tamper between this browser and anvil: the app keeps the devnet's settings,
  // and every JSON-RPC request it makes goes through the proxy.
  const proxy = await startTamperProxy(devnet.rpcUrl);
  const viaProxy = async (route) => {
    try {
      await route.fulfill({ response: await route.fetch({ url: proxy.url }) });
    } catch {
      // Unrouted (or the page moved on) while this request was in flight.
    }
  };
  const isRpc = (url) => url.href.replace(/\/$/, '') === devnet.rpcUrl.replace(/\/$/, '');
  await page.route(isRpc, viaProxy);
  try {
      const proposals = page.getByRole('region', { name: 'Proposals' });
      await proposals.getByRole('button', { name: 'Refresh' }).click();
      await proposalCard(page, 'Pay the docs writer').getByTestId('tally').waitFor({ timeout: 30_000 });
      for (let i = 0; ((await proxy.state()).calls.eth_getProof ?? 0) === 0; i++) {
        assert.ok(i < 60, 'the proofs come through the proxy');
        await page.waitForTimeout(500);
      }
      const honest = await tallies(page, 'Pay the docs writer');
      assert.deepEqual(honest.shown, honest.contract);

      await proxy.set('forge-storage-value');
      await proposals.getByRole('button', { name: 'Refresh' }).click();
      const refusal = proposals.getByRole('alert').filter({ hasText: 'not proven by the light client' });
      await refusal.waitFor({ timeout: 60_000 });
      assert.match(await refusal.textContent(), /does not match its storage root/);
      assert.equal(await page.locator('[data-testid^="tally-"]').count(), 0, 'no tally is on screen while the node lies');
      assert.ok(((await proxy.state()).tampered.eth_getProof ?? 0) > 0, 'the lie was told');
      await shot(page, 'gov-05-forged-tally-withheld');

      await proxy.set(null);
      await proposals.getByRole('button', { name: 'Refresh' }).click();
      await proposalCard(page, 'Pay the docs writer').getByTestId('tally').waitFor({ timeout: 60_000 });
      const again = await tallies(page, 'Pay the docs writer');
      assert.deepEqual(again.shown, again.contract);
      assert.equal(again.badge, 'verified');
  } finally {
    await page.unroute(isRpc, viaProxy);
    await proxy.close();
  }
});
