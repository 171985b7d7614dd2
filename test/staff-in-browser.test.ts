import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser } from '../dev/browser';
import { SEED_PARTNERS } from '../dev/seed-data';
import { CRITERIA } from '../domain/note-content';
import { CRITERION_NAME } from '../domain/wording';
import { pageChecks } from './support/axe';
import { useStack } from './support/stack';

/**
 * The staff pages in a real browser, as people use them: one note from a first draft to ACTIVE by
 * four people, each in a browser of their own (cookies apart), signing in through the development
 * sign-in and finding their work in their inbox; the auditor then verifies the trail. Every page met
 * is checked with axe-core (no serious or critical violation) and at a phone's width (no sideways
 * scroll). Assertions are on what people see, found by role and label: which proves the labels too.
 */
const suite = useStack({ listen: true, ownDatabase: 'staff_browser' });
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

/** A seeded partner service, without a note in this suite's own database. */
const PARTNER = SEED_PARTNERS[1]!;

/** A browser of its own (cookies apart), at desktop width, on the staff pages. */
async function newBrowserPage(): Promise<Page> {
  const context = await browser.newContext({ baseURL: suite.stack.config.PUBLIC_BASE_URL, viewport: { width: 1280, height: 900 } });
  return context.newPage();
}

/** A person's own browser, signed in through the sign-in page by choosing their name. */
async function signIn(name: string): Promise<Page> {
  const page = await newBrowserPage();
  await page.goto('/app/');
  await heading(page, 'Sign in');
  await page.getByRole('radio', { name: new RegExp(`^${name} —`) }).check();
  await follow(page.getByRole('button', { name: 'Sign in' }), 'Inbox');
  return page;
}

const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();
/** A link of the main navigation. */
const nav = (page: Page, label: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true });
/** Follows a link (or presses a button) to the page of this title. */
async function follow(control: Locator, title: string | RegExp): Promise<void> {
  await control.click();
  await heading(control.page(), title);
}
const text = async (locator: Locator) => (await locator.innerText()).replace(/\s+/g, ' ').trim();
/** What a field's description (its hint, and its problem when it has one) says, as assistive technology reads it. */
const description = (field: Locator) =>
  field.evaluate((element) =>
    (element.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id: string) => element.ownerDocument.getElementById(id)?.textContent?.trim())
      .join(' '),
  );
const criterion = (page: Page, key: (typeof CRITERIA)[number]) => page.getByRole('group', { name: CRITERION_NAME[key], exact: true });

/** To the inbox, and from there to a note's page by the link in its row, which says what is asked. */
async function openFromInbox(page: Page, ref: string, section: string, row: RegExp): Promise<void> {
  if (new URL(page.url()).pathname !== '/app/') await follow(nav(page, 'Inbox'), 'Inbox');
  const entry = page.getByRole('region', { name: section }).getByRole('row', { name: new RegExp(ref) });
  expect(await text(entry)).toMatch(row);
  await follow(entry.getByRole('link', { name: ref }), `Wegingsnotitie ${ref}`);
}

/** A reviewer's decision on the note's page, and the sentence that confirms it. */
async function decide(page: Page, outcome: string, comment?: string): Promise<string> {
  const form = page.getByRole('group', { name: /^Your decision at/ });
  await form.getByRole('radio', { name: outcome }).check();
  if (comment) await page.getByLabel(/^Comment/).fill(comment);
  await page.getByRole('button', { name: 'Record my decision' }).click();
  const done = page.getByRole('status').filter({ hasText: /^You / });
  await done.waitFor();
  return text(done);
}

describe('the staff pages in a real browser', () => {
  it('take a note from a first draft to ACTIVE with four people, and the auditor finds the trail whole', async () => {
    const pages = pageChecks();
    // Anna, a drafter, looks the partner service up: registered, without a current note.
    const anna = await signIn('Anna de Vries');
    await pages.check(anna, 'inbox of a drafter');
    await follow(nav(anna, 'Partners'), 'Partner services');
    await pages.check(anna, 'partners');
    await follow(anna.getByRole('link', { name: 'Register a partner service' }), 'Register a partner service');
    await pages.check(anna, 'partner form');
    await follow(nav(anna, 'Partners'), 'Partner services');
    await follow(anna.getByRole('link', { name: PARTNER.name }), PARTNER.name);
    await pages.check(anna, 'a partner');

    // She starts the note with what she knows so far, and tries to submit it.
    await follow(nav(anna, 'New note'), 'New wegingsnotitie');
    await pages.check(anna, 'new note');
    await anna.getByLabel('Partner service').selectOption({ label: `${PARTNER.name}, ${PARTNER.country}` });
    await anna.getByLabel('National-security interest').fill('Early warning of hostile naval movements in the southern approaches.');
    await follow(anna.getByRole('button', { name: 'Create the draft' }), /^Draft WN-/);
    const ref = (await text(anna.getByRole('heading', { level: 1 }))).replace('Draft ', '');
    expect(await text(anna.getByRole('status'))).toBe('Revision 1 saved.');
    await pages.check(anna, 'draft editor');

    await anna.getByRole('button', { name: 'Submit for review' }).click();
    const gaps = anna.getByRole('alert');
    await gaps.getByRole('heading', { name: 'Not submitted: revision 1 is not complete yet' }).waitFor();
    expect(await text(gaps)).toContain('Level of data protection: findings: Findings are required.');
    const findings = criterion(anna, 'dataProtection').getByLabel('Findings');
    expect(await findings.getAttribute('aria-invalid')).toBe('true');
    expect(await description(findings)).toBe('What is known about the partner on this point. Findings are required.');
    expect(await description(anna.getByLabel('Overall risk'))).toContain('The overall risk is required.');
    expect(await anna.getByLabel('National-security interest').getAttribute('aria-invalid')).toBeNull();
    await pages.check(anna, 'draft editor with gaps');

    // She fills in every gap, saves, and submits.
    for (const key of CRITERIA) {
      await criterion(anna, key).getByLabel('Findings').fill(`What is known on ${CRITERION_NAME[key].toLowerCase()}.`);
      await criterion(anna, key).getByLabel('Risk rating').selectOption({ label: 'Low' });
    }
    await criterion(anna, 'dataProtection').getByLabel('Findings').fill('Oversight is independent.');
    await criterion(anna, 'dataProtection').getByLabel('Sources').fill('Annual report of the oversight board');
    await anna.getByLabel('Overall risk').selectOption({ label: 'Low' });
    await anna.getByLabel('Weighing of interest against risk').fill('The warning outweighs a low risk.');
    await anna.getByRole('checkbox', { name: 'Exchange of evaluated intelligence' }).check();
    await anna.getByLabel('Classification', { exact: true }).selectOption({ label: 'Stg. Confidentieel' });
    await anna.getByRole('button', { name: 'Save as a new revision' }).click();
    await anna.getByRole('status').filter({ hasText: 'Revision 2 saved.' }).waitFor();
    await follow(anna.getByRole('button', { name: 'Submit for review' }), `Wegingsnotitie ${ref}`);
    expect(await text(anna.getByRole('status'))).toBe('You submitted revision 2 for team review.');
    await pages.check(anna, 'note page of its drafter');

    // Carla, the team lead, finds it in her inbox and sends it back.
    const carla = await signIn('Carla Bakker');
    await pages.check(carla, 'inbox of a reviewer');
    await openFromInbox(carla, ref, 'To decide', new RegExp(`${PARTNER.name}, ${PARTNER.country} Team review, revision 2 `));
    await pages.check(carla, 'note page of a reviewer');
    expect(await decide(carla, 'Request changes (back to the drafter)', 'Please cite the data-protection audit.')).toBe(
      'You requested changes to revision 2 at team review. The note is back with its drafter.',
    );
    await pages.check(carla, 'note page after a decision');

    // Anna sees it sent back, revises it, and submits again.
    await follow(nav(anna, 'Inbox'), 'Inbox');
    await pages.check(anna, 'inbox with a note sent back');
    await openFromInbox(anna, ref, 'Sent back for changes', new RegExp(`${PARTNER.name}, ${PARTNER.country} 2 `));
    expect(await text(anna.getByRole('region', { name: 'History' }))).toContain('Please cite the data-protection audit.');
    await follow(anna.getByRole('link', { name: 'Edit the draft or submit it for review' }), `Draft ${ref}`);
    await criterion(anna, 'dataProtection').getByLabel('Findings').fill('Oversight is independent; the 2025 audit found no breaches.');
    await criterion(anna, 'dataProtection').getByLabel('Sources').fill('Annual report of the oversight board\nDPA annual audit 2025');
    await follow(anna.getByRole('button', { name: 'Submit for review' }), `Wegingsnotitie ${ref}`);
    expect(await text(anna.getByRole('status'))).toBe('You submitted revision 3 for team review.');

    // Carla reads what changed since she sent it back, and approves.
    await openFromInbox(carla, ref, 'To decide', /Team review, revision 3/);
    const compare = carla.getByRole('region', { name: 'Compare revisions' });
    expect(await text(compare)).toContain('What changed from revision 2 to revision 3');
    // The older text beside the newer, what was added marked in the newer.
    const findingsChange = compare.getByRole('heading', { name: 'Level of data protection: findings' }).locator('xpath=following-sibling::div[1]');
    expect(await text(findingsChange)).toBe('Revision 2 Oversight is independent. Revision 3 Oversight is independent; the 2025 audit found no breaches.');
    expect(await findingsChange.locator('ins').allInnerTexts()).toEqual(['; the 2025 audit found no breaches']);
    const sourcesChange = compare.getByRole('heading', { name: 'Level of data protection: sources' }).locator('xpath=following-sibling::div[1]');
    expect((await sourcesChange.locator('ins').allInnerTexts()).map((s) => s.trim())).toEqual(['DPA annual audit 2025']);
    await pages.check(carla, 'note page with a diff');
    expect(await decide(carla, 'Approve')).toMatch(/^You approved revision 3 at team review\. The note is at legal review \(0 of 1 approval\), due .+ UTC\.$/);

    // Daan (legal) and Gert (head of service) approve from their inboxes.
    const daan = await signIn('Daan Visser');
    await openFromInbox(daan, ref, 'To decide', /Legal review, revision 3/);
    expect(await decide(daan, 'Approve')).toMatch(/^You approved revision 3 at legal review\. The note is at head of service review/);
    const gert = await signIn('Gert Mulder');
    await openFromInbox(gert, ref, 'To decide', /Head of service, revision 3/);
    expect(await decide(gert, 'Approve')).toBe('You approved revision 3 at head of service review. The note is adopted and active.');
    expect(await text(gert.getByRole('main'))).toContain('Status Active Revision 3');
    expect(await text(gert.getByRole('region', { name: 'Route and approvals' }))).toMatch(
      /Team review: Done .*Carla Bakker approved revision 3 .*Legal review: Done .*Daan Visser approved revision 3 .*Head of service: Done .*Gert Mulder approved revision 3 /,
    );
    await pages.check(gert, 'note page of an active note');

    // Ivo, the auditor, verifies the trail and finds the note on it.
    const ivo = await signIn('Ivo Peters');
    await follow(nav(ivo, 'Audit trail'), 'Audit trail');
    expect(await text(ivo.getByRole('status'))).toMatch(/^Verification The trail is whole and unaltered: all \d+ entries checked/);
    expect(await ivo.getByRole('link', { name: ref }).count()).toBeGreaterThan(0);
    await pages.check(ivo, 'audit trail');
    await follow(nav(ivo, 'Wegingsnotities'), 'Wegingsnotities');
    expect(await text(ivo.getByRole('row', { name: new RegExp(ref) }))).toContain('Active, revision 3');
    await pages.check(ivo, 'notes list');

    expect(pages.problems).toEqual([]);
  });

  it('leave no serious accessibility problem, nor a sideways scroll on a phone, on the pages beside that story', async () => {
    const pages = pageChecks();
    const visitor = await newBrowserPage();
    await visitor.goto('/app/sign-in');
    await heading(visitor, 'Sign in');
    await pages.check(visitor, 'sign-in');

    const joke = await signIn('Joke Hendriks');
    await pages.check(joke, 'inbox of an admin');
    await follow(nav(joke, 'People'), 'People');
    await pages.check(joke, 'people');
    await follow(joke.getByRole('link', { name: 'Add a person' }), 'Add a person');
    await joke.getByRole('button', { name: 'Add the person' }).click();
    await joke.getByRole('alert').waitFor();
    await pages.check(joke, 'person form, refused');
    await joke.goto('/app/no-such-page');
    await heading(joke, 'Not found');
    await pages.check(joke, 'not found');
    await joke.getByRole('button', { name: 'Sign out' }).click();
    expect(await text(joke.getByRole('status'))).toBe('You have signed out.');
    await pages.check(joke, 'signed out');
    expect(pages.problems).toEqual([]);
  });
});
