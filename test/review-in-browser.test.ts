import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../dev/browser';
import { SEED_PEOPLE } from '../dev/seed-data';
import { signReviewLink } from '../domain/review-link';
import { newPartner } from './support/notes';
import { eventually } from './support/poll';
import { TEST_REVIEW_LINK_SECRET, useStack } from './support/stack';

const suite = useStack({ listen: true });
let browser: Browser;
let page: Page;
beforeAll(async () => {
  browser = await launchBrowser();
  page = await browser.newPage();
});
afterAll(() => browser?.close());

const email = (id: string) => SEED_PEOPLE.find((p) => p.id === id)!.email;
const mailsTo = (personId: string, noteId: string) =>
  suite.stack.mail.messages().filter((m) => m.to.includes(email(personId)) && m.subject.includes(`WN-${noteId.slice(0, 8).toUpperCase()}`));

describe('a reviewer in a real browser', () => {
  it('follows the link of a captured email, approves, and the next stage’s reviewers are mailed; the link then shows it was used', async () => {
    const partner = await newPartner(suite.stack.sql);
    const id = await suite.http.createNote('anna.devries', undefined, partner.id);
    await suite.http.submit('anna.devries', id);
    const mail = await eventually(async () => mailsTo('carla.bakker', id)[0], 'the review mail');
    const link = mail.text.match(/http:\/\/127\.0\.0\.1:\d+\/review\/\S+/)![0];

    await page.goto(link);
    const ref = `WN-${id.slice(0, 8).toUpperCase()}`;
    await page.getByRole('heading', { level: 1, name: `Review ${ref}` }).waitFor();
    // The partner is on the page, but not in its title, which lands in the browser's history.
    expect(await page.textContent('main')).toContain(partner.name);
    expect(await page.title()).toBe(`Review ${ref} — Weighing notes`);
    await page.getByLabel('Approve').check();
    await page.getByLabel(/^Comment/).fill('Well argued.');
    await page.getByRole('button', { name: 'Record my decision' }).click();
    await page.getByRole('heading', { name: 'Your decision is recorded' }).waitFor();
    expect(await page.textContent('main')).toMatch(new RegExp(`You approved revision 1 of ${ref} at team review on .+ UTC\\. Legal review has been asked to decide\\.`));

    const legal = await eventually(async () => {
      const to = ['daan.visser', 'eva.smit', 'frank.meijer'].filter((p) => mailsTo(p, id).length === 1);
      return to.length === 3 ? to : undefined;
    }, 'the legal reviewers mailed');
    expect(legal).toHaveLength(3);

    await page.goto(link);
    await page.getByRole('heading', { name: 'This link has been used' }).waitFor();
  });

  it('shows an expired link’s page, which mails a new link when asked', async () => {
    const id = await suite.http.createNote('anna.devries');
    await suite.http.submit('anna.devries', id);
    const token = await signReviewLink(TEST_REVIEW_LINK_SECRET, { sub: 'carla.bakker', note: id, rev: 1, stage: 'TEAM_REVIEW', jti: randomUUID() }, new Date(Date.now() - 1_000));
    const response = await page.goto(new URL(`/review/${token}`, page.url()).toString());
    expect(response!.status()).toBe(410);
    await page.getByRole('heading', { name: 'This link has expired' }).waitFor();
    await page.getByRole('button', { name: 'Mail me a new link' }).click();
    await page.getByRole('heading', { name: 'A new link is on its way' }).waitFor();
    expect(await page.textContent('main')).toContain('A new link is on its way to your mailbox.');
  });

  it('can be used with the keyboard alone', async () => {
    const id = await suite.http.createNote('bram.jansen');
    await suite.http.submit('bram.jansen', id);
    const mail = await eventually(async () => mailsTo('carla.bakker', id)[0], 'the review mail');
    await page.goto(mail.text.match(/http:\/\/127\.0\.0\.1:\d+\/review\/\S+/)![0]);
    await page.getByLabel('Request changes (back to the drafter)').focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Please add sources on data protection.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Your decision is recorded' }).waitFor();
    expect((await suite.http.note('ivo.peters', id)).json()).toMatchObject({ status: 'DRAFT' });
  });
});

describe('the API docs in a real browser', () => {
  it('render under the policy the API gives them, with no violation reported', async () => {
    const violations: string[] = [];
    const docs = await browser.newPage();
    docs.on('console', (message) => message.text().includes('Content Security Policy') && violations.push(message.text()));
    await docs.goto(`${suite.stack.config.PUBLIC_BASE_URL}/docs`);
    await docs.getByText('/notes/{id}/decisions').first().waitFor();
    expect(violations).toEqual([]);
    await docs.close();
  });
});
