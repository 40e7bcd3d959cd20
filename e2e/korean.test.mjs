// Korean: a browser that prefers Korean gets the console in Korean from the first screen;
// the choice made in the header is remembered over a reload and wins over the browser;
// a wrong password is explained in Korean and changes nothing. Screenshots at desktop
// and phone width, in both languages.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEV_PHRASE, TEST_PASSWORD, launchBrowser, newProfile, restoreWallet, rpc, selectedAddress, shot, startDevnet, toast, waitForVerifiedBalance } from './harness.mjs';

let devnet, browser, closeBrowser;

before(async () => {
  devnet = await startDevnet();
  ({ browser, close: closeBrowser } = await launchBrowser());
});

after(async () => {
  await closeBrowser?.();
  await devnet?.stop();
});

const NAV_KO = ['지갑', '활동', '보내기', '스토리지', '에이전트', '컴퓨트', '거버넌스', '스테이킹', '설정'];

test('a Korean browser is welcomed in Korean, restores a wallet and finds its way in Korean', async () => {
  for (const [width, height, size] of [[1280, 900, 'desktop'], [390, 844, 'phone']]) {
    const { page, context } = await newProfile(browser, { width, height, locale: 'ko-KR' });
    await page.goto(devnet.appUrl);
    await page.getByRole('heading', { name: 'zg-console에 오신 것을 환영합니다', level: 1 }).waitFor({ timeout: 120_000 });
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'ko', '<html lang> follows the language');
    assert.equal(await page.getByLabel('언어').inputValue(), 'ko');
    // Long Korean labels stay inside the card at phone width.
    const overflow = await page.evaluate(() => [...document.querySelectorAll('.card button')]
      .filter((b) => b.scrollWidth > b.clientWidth + 1).map((b) => b.textContent));
    assert.deepEqual(overflow, [], 'no button text overflows');
    await shot(page, `ko-01-welcome-${size}`);

    if (size === 'desktop') {
      await page.getByRole('button', { name: '복구 구문이 있어요' }).click();
      await page.getByRole('heading', { name: '복구 구문으로 지갑 복구', level: 1 }).waitFor();
      // A phrase one word short is refused in Korean, with what to do.
      await page.getByLabel('복구 구문').fill(DEV_PHRASE.split(' ').slice(1).join(' '));
      await page.getByLabel('새 비밀번호').fill(TEST_PASSWORD);
      await page.getByLabel('비밀번호 확인').fill(TEST_PASSWORD);
      await page.getByRole('button', { name: '지갑 복구' }).click();
      await page.getByRole('alert').filter({ hasText: '복구 구문: 구문이 11단어입니다. 복구 구문은 12단어 또는 24단어입니다' }).waitFor();
      await page.getByLabel('복구 구문').fill(DEV_PHRASE);
      await page.getByLabel('새 비밀번호').fill(TEST_PASSWORD);
      await page.getByLabel('비밀번호 확인').fill(TEST_PASSWORD);
      await page.getByRole('button', { name: '지갑 복구' }).click();
      const nav = page.getByRole('navigation', { name: '주 메뉴' });
      await nav.waitFor();
      const labels = await nav.locator('a.nav-item').evaluateAll((links) => links.map((a) =>
        [...a.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('').trim()));
      assert.deepEqual(labels, NAV_KO);
      await page.getByRole('button', { name: '지갑 잠그기' }).waitFor();
      await page.getByRole('heading', { name: '지갑', level: 1 }).waitFor();
      await page.getByRole('button', { name: '계정 추가' }).waitFor();
      await page.getByRole('region', { name: '라이트 클라이언트' }).getByText('신뢰의 기준').waitFor();
      // The balance's proof badge says its state in Korean, with the block it rests on.
      const badge = page.getByTestId('selected-balance').getByTestId('proof-badge');
      await badge.filter({ hasText: /^블록 \d+에서 검증됨$/ }).waitFor({ timeout: 60_000 });
      assert.equal(await badge.getAttribute('data-state'), 'verified');
      assert.match(await page.getByTestId('selected-balance').textContent(), /보낸 트랜잭션 0건/);
      await shot(page, 'ko-02-wallet-desktop');

      // Locked: the unlock screen is Korean; a wrong password is explained in Korean.
      await page.getByRole('button', { name: '지갑 잠그기' }).click();
      await page.getByRole('heading', { name: '지갑 잠금 해제', level: 1 }).waitFor();
      await page.getByLabel('비밀번호').fill('not the password');
      await page.getByRole('button', { name: '잠금 해제' }).click();
      await page.getByRole('alert').filter({ hasText: '비밀번호가 틀렸습니다. 지갑은 그대로입니다.' }).waitFor();
      await shot(page, 'ko-03-unlock-wrong-password');
      await page.getByLabel('비밀번호').fill(TEST_PASSWORD);
      await page.getByRole('button', { name: '잠금 해제' }).click();
      await page.getByRole('navigation', { name: '주 메뉴' }).waitFor();

      // English, picked in the header, is kept over a reload although the browser prefers Korean.
      await page.getByLabel('언어').selectOption('en');
      const english = page.getByRole('navigation', { name: 'Main' });
      await english.getByRole('link', { name: 'Wallet' }).waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
      await page.reload();
      await page.getByRole('heading', { name: 'Unlock your wallet', level: 1 }).waitFor({ timeout: 120_000 });
      await shot(page, 'ko-04-english-kept');
      // And back to Korean, from the unlock screen.
      await page.getByLabel('Language').selectOption('ko');
      await page.getByRole('heading', { name: '지갑 잠금 해제', level: 1 }).waitFor();
    }
    await context.close();
  }
});

test('an English browser gets English', async () => {
  const { page, context } = await newProfile(browser, { width: 390, height: 844 });
  await page.goto(devnet.appUrl);
  await page.getByRole('heading', { name: 'Welcome to zg-console', level: 1 }).waitFor({ timeout: 120_000 });
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await shot(page, 'en-01-welcome-phone');
  await context.close();
});

const FUNDER = '0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc'; // anvil dev #5, unlocked
const WRITER = '0x00000000000000000000000000000000000D0c5A';

// The journey a Korean user takes: create a wallet, send 0G, vote on a proposal and open
// an agent, each screen asserted in Korean (and screenshotted).
test('in Korean: create a wallet, send, vote and open an agent', async () => {
  const profile = await newProfile(browser, { locale: 'ko-KR' });
  const { page, context } = profile;
  await page.goto(devnet.appUrl);

  // Create: the phrase, typed back, then the password.
  await page.getByRole('button', { name: '새 지갑 만들기' }).click({ timeout: 120_000 });
  await page.getByRole('heading', { name: '복구 구문', level: 1 }).waitFor();
  const words = await page.getByTestId('mnemonic').locator('.word').allTextContents();
  assert.equal(words.length, 12);
  await page.getByLabel('이 단어들을 적어 두었습니다').check();
  await shot(page, 'ko-05-create-phrase');
  await page.getByRole('button', { name: '계속', exact: true }).click();
  await page.getByRole('heading', { name: '복구 구문 확인', level: 1 }).waitFor();
  for (const label of await page.locator('label[for^="confirm-word-"]').allTextContents()) {
    const n = Number(label.match(/^(\d+)번째 단어$/)[1]);
    await page.getByLabel(label, { exact: true }).fill(words[n - 1]);
  }
  await page.getByRole('button', { name: '계속', exact: true }).click();
  await page.getByRole('heading', { name: '이 브라우저에 저장할 지갑 보호', level: 1 }).waitFor();
  await page.getByLabel('새 비밀번호').fill('짧음');
  await page.getByLabel('비밀번호 확인').fill('짧음');
  await page.getByRole('button', { name: '지갑 만들기' }).click();
  await page.getByRole('alert').filter({ hasText: '비밀번호: 8자 이상으로 정하세요.' }).waitFor();
  await page.getByLabel('새 비밀번호').fill(TEST_PASSWORD);
  await page.getByLabel('비밀번호 확인').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: '지갑 만들기' }).click();
  await page.getByRole('heading', { name: '지갑', level: 1 }).waitFor();
  await page.getByTestId('selected-name').filter({ hasText: '계정 1' }).waitFor();

  // Funded from outside, the balance is proven and said in Korean.
  const me = await selectedAddress(page);
  await rpc(devnet.rpcUrl, 'eth_sendTransaction', [{ from: FUNDER, to: me, value: '0x' + (50n * 10n ** 18n).toString(16) }]);
  await page.getByRole('button', { name: '새로 고침' }).click();
  await waitForVerifiedBalance(page, '50 0G', 60_000);
  await page.getByTestId('selected-balance').getByTestId('proof-badge').filter({ hasText: /^블록 \d+에서 검증됨$/ }).waitFor();
  await shot(page, 'ko-06-wallet-created');

  // Send: a malformed amount is explained in Korean; then the payment is included and proven.
  const nav = page.getByRole('navigation', { name: '주 메뉴' });
  await nav.getByRole('link', { name: '보내기' }).click();
  await page.getByRole('heading', { name: '0G 보내기', level: 1 }).waitFor();
  await page.getByLabel('받는 주소').fill(WRITER);
  await page.getByLabel('금액').fill('1,5');
  await page.getByRole('button', { name: '검토', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: '금액: "1,5"은(는) 숫자가 아닙니다' }).waitFor();
  await page.getByLabel('금액').fill('1.5');
  await page.getByRole('button', { name: '검토', exact: true }).click();
  await page.getByRole('heading', { name: '검토 후 서명' }).waitFor();
  await shot(page, 'ko-07-send-review');
  await page.getByRole('button', { name: '서명 후 보내기' }).click();
  const status = page.getByTestId('tx-status');
  await status.filter({ hasText: /블록 \d+에 포함됨/ }).waitFor({ timeout: 60_000 });
  await status.getByTestId('proof-badge').filter({ hasText: /^블록 \d+에서 검증됨$/ }).waitFor({ timeout: 60_000 });
  await shot(page, 'ko-08-sent');

  // Vote: wrap and delegate to myself, propose, then vote Yes (찬성) — every review and
  // toast in Korean.
  await nav.getByRole('link', { name: '거버넌스' }).click();
  await page.getByRole('heading', { name: '거버넌스', level: 1 }).waitFor();
  const power = page.getByRole('region', { name: '투표권' });
  await power.getByTestId('governance-power').waitFor({ timeout: 60_000 });
  await power.getByLabel('래핑하거나 언래핑할 금액').fill('10');
  await power.getByRole('button', { name: '래핑', exact: true }).click();
  await toast(page, /10 0G 래핑함 · 블록 \d+\(영수증 검증됨\)/);
  assert.ok(profile.reviews.some((r) => r.includes('트랜잭션 검토') && r.includes('최대 비용')), 'the wrap was reviewed in Korean');
  await power.getByRole('button', { name: '나에게 위임' }).click();
  await toast(page, /에게 위임함 · 블록 \d+/);
  const form = page.getByRole('form', { name: '새 제안' });
  await form.getByLabel('제목').fill('문서 작성자에게 지급');
  await form.getByLabel('설명').fill('문서 작성자에게 1 0G를 지급합니다.');
  await form.getByLabel('받는 주소').fill(WRITER);
  await form.getByLabel('금액').fill('1');
  await page.waitForFunction(() => document.querySelector('#proposal-deposit')?.value === '1', null, { timeout: 30_000 });
  await form.getByRole('button', { name: '제안 제출' }).click();
  await toast(page, /제안을 제출함 · 블록 \d+/);
  const card = page.locator('article.proposal').filter({ has: page.getByRole('heading', { name: '문서 작성자에게 지급' }) });
  await card.and(page.locator('[data-state="Voting"]')).waitFor({ timeout: 60_000 });
  assert.equal((await card.getByTestId('proposal-state').textContent()).trim(), '투표 중');
  await card.getByRole('button', { name: '찬성 투표', exact: true }).click();
  await toast(page, /제안 .+에 '찬성' 투표함 · 블록 \d+/);
  await card.getByTestId('my-vote').filter({ hasText: "'찬성'에 투표했습니다." }).waitFor({ timeout: 30_000 });
  assert.deepEqual(await card.locator('.tally-label').allTextContents(), ['찬성', '반대', '기권', '반대(거부권)']);
  await shot(page, 'ko-09-voted');

  // An agent: created, then open on its own page.
  await nav.getByRole('link', { name: '에이전트' }).click();
  await page.getByRole('heading', { name: '에이전트', level: 1 }).waitFor();
  await page.getByRole('region', { name: '내 에이전트' }).waitFor();
  const create = page.getByRole('form', { name: '에이전트 만들기' });
  await create.getByLabel('이름').fill('스카우트');
  await create.getByLabel('설명').fill('0G 소식을 정리합니다');
  await create.getByRole('button', { name: '에이전트 만들기' }).click();
  const said = await toast(page, /에이전트 #\d+ "스카우트" 발행 · 블록 \d+\(영수증 검증됨\)/, create);
  const token = said.match(/#(\d+)/)[1];
  await page.getByTestId('agent-title').filter({ hasText: `스카우트 · 에이전트 #${token}` }).waitFor({ timeout: 60_000 });
  const agent = page.getByRole('region', { name: '에이전트', exact: true });
  await agent.getByText('보유자').waitFor();
  assert.equal((await page.getByTestId('agent-description').textContent()).trim(), '0G 소식을 정리합니다');
  await shot(page, 'ko-10-agent');
  await context.close();
});


// Each main screen in both languages at desktop and phone width: the page's own title in
// that language, nothing wider than the window (long Korean labels wrap instead of
// pushing the layout sideways), and a screenshot of each (screen-<lang>-<page>-<width>).
const SCREENS = [
  ['wallet', 'Wallet', '지갑', 'Wallet', '지갑'],
  ['activity', 'Activity', '활동', 'Activity', '활동'],
  ['send', 'Send', '보내기', 'Send 0G', '0G 보내기'],
  ['storage', 'Storage', '스토리지', 'Storage', '스토리지'],
  ['agents', 'Agents', '에이전트', 'Agents', '에이전트'],
  ['compute', 'Compute', '컴퓨트', 'Compute', '컴퓨트'],
  ['governance', 'Governance', '거버넌스', 'Governance', '거버넌스'],
  ['staking', 'Staking', '스테이킹', 'Staking', '스테이킹'],
  ['settings', 'Settings', '설정', 'Settings', '설정'],
];

test('every main screen, in English and Korean, fits a desktop and a phone', async () => {
  const { page, context } = await newProfile(browser, { width: 1280, height: 900 });
  await restoreWallet(page, devnet.appUrl);
  for (const [lang, nav, langIndex] of [['en', 'Main', 1], ['ko', '주 메뉴', 2]]) {
    // The header's language menu (labelled in the language in use).
    await page.locator('#language-select').selectOption(lang);
    const menu = page.getByRole('navigation', { name: nav });
    await menu.waitFor();
    for (const screen of SCREENS) {
      const [id, , , titleEn, titleKo] = screen;
      await menu.getByRole('link', { name: screen[langIndex] }).click();
      await page.getByRole('heading', { name: lang === 'en' ? titleEn : titleKo, exact: true, level: 1 }).waitFor();
      for (const [width, height, size] of [[1280, 900, 'desktop'], [390, 844, 'phone']]) {
        await page.setViewportSize({ width, height });
        const wider = await page.evaluate(() => {
          const limit = document.documentElement.clientWidth;
          if (document.documentElement.scrollWidth <= limit + 1) return [];
          return [...document.querySelectorAll('main *')]
            .filter((el) => el.getBoundingClientRect().right > limit + 1)
            .slice(0, 5)
            .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${(el.textContent ?? '').trim().slice(0, 60)}`);
        });
        assert.deepEqual(wider, [], `${lang} ${id} at ${size} width: nothing is wider than the window`);
        await shot(page, `screen-${lang}-${id}-${size}`);
      }
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  }
  await context.close();
});
