import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './browser';
import { devToken } from './dev-token';
import { SEED_PARTNERS, SEED_PEOPLE } from './seed-data';
import { openExecution, signInToCodec } from './temporal-ui';
import { startThrowawayProduct, type ThrowawayProduct } from './throwaway-services';

/**
 * `npm run screenshots`, into docs/: the review page of a second revision, as the team lead who saw
 * the first one meets it from their email, at desktop and phone widths; the note's execution in the
 * Temporal UI as an operator sees it, before and after signing in at the codec; and every staff page
 * (docs/staff/) at both widths, as the person it is for sees it, signed in through the sign-in page.
 */
const SECRET = 'screenshots-secret-of-at-least-32-characters';
const DOCS = join(__dirname, '..', 'docs');
const STAFF_DOCS = join(DOCS, 'staff');
const WIDTHS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };

type As = (id: string) => Promise<{ authorization: string }>;

async function main(): Promise<void> {
  const product = await startThrowawayProduct({ jwtSecret: SECRET, listen: true });
  const browser = await launchBrowser();
  try {
    const as: As = async (id) => ({ authorization: `Bearer ${await devToken(SECRET, SEED_PEOPLE.find((p) => p.id === id)!)}` });
    const id = await reviewPage(product, browser, as);
    await operatorViews(product, browser, as, id);
    await staffPages(product, browser, as, id);
  } finally {
    await browser.close();
    await product.close();
  }
}

const content = () => JSON.parse(readFileSync(join(DOCS, 'example-note.json'), 'utf8'));

/** The review page of revision 2, after the team lead requested changes on revision 1 through their link; the note's id. */
async function reviewPage(product: ThrowawayProduct, browser: Browser, as: As): Promise<string> {
  const { app } = product.stack;
  const created = await app.inject({ method: 'POST', url: '/notes', headers: await as('anna.devries'), payload: { partnerId: SEED_PARTNERS[0]!.id, content: content() } });
  const id = created.json<{ id: string }>().id;
  const linkFor = async (count: number) => {
    const ref = `WN-${id.slice(0, 8).toUpperCase()}`;
    const mail = await product.mail.waitFor((m) => m.subject.includes(ref) && m.to.includes('carla.bakker@mivd.example') && --count === 0);
    return mail.text.match(/http:\/\/\S+\/review\/\S+/)![0];
  };
  await app.inject({ method: 'POST', url: `/notes/${id}/submit`, headers: await as('anna.devries') });
  const page = await browser.newPage();
  await page.goto(await linkFor(1));
  await page.getByLabel('Request changes (back to the drafter)').check();
  await page.getByLabel(/^Comment/).fill('Please cite the data-protection audit.');
  await page.getByRole('button', { name: 'Record my decision' }).click();
  await page.getByRole('heading', { name: 'Your decision is recorded' }).waitFor();

  const first = content();
  const revised = { ...first, criteria: { ...first.criteria, dataProtection: { ...first.criteria.dataProtection, sources: ['DPA annual audit 2025', 'Parliamentary inquiry 2024'] } } };
  await app.inject({ method: 'PUT', url: `/notes/${id}/draft`, headers: await as('anna.devries'), payload: { baseRevision: 1, content: revised } });
  await app.inject({ method: 'POST', url: `/notes/${id}/submit`, headers: await as('anna.devries') });
  const link = await linkFor(2);
  for (const [name, viewport] of Object.entries(WIDTHS)) {
    await page.setViewportSize(viewport);
    await page.goto(link);
    await page.screenshot({ path: join(DOCS, `review-${name}.png`), fullPage: name === 'desktop' });
    console.log(`docs/review-${name}.png`);
  }
  await page.close();
  return id;
}

async function operatorViews(product: ThrowawayProduct, browser: Browser, as: As, id: string): Promise<void> {
  const operator = await browser.newPage({ viewport: WIDTHS.desktop });
  for (const [name, signedIn] of [['encrypted', false], ['decoded', true]] as const) {
    if (signedIn) await signInToCodec(operator, product.baseUrl, (await as('karel.smits')).authorization.slice('Bearer '.length));
    await openExecution(operator, product.temporalUi, product.baseUrl, `note-${id}`);
    await operator.screenshot({ path: join(DOCS, `operator-${name}.png`) });
    console.log(`docs/operator-${name}.png`);
  }
  await operator.close();
}

/** A staff page as the person named sees it (no one: signed out), once `open` has brought it up. */
interface StaffShot {
  file: string;
  person?: string;
  open(page: Page): Promise<unknown>;
}

/**
 * Every staff page, at desktop and phone width: besides the note under review, Anna has a draft
 * with gaps and a note sent back to her, so that both inboxes and the editor show what they are for.
 */
async function staffPages(product: ThrowawayProduct, browser: Browser, as: As, underReview: string): Promise<void> {
  const { app } = product.stack;
  const create = async (partner: number, body: object) =>
    (await app.inject({ method: 'POST', url: '/notes', headers: await as('anna.devries'), payload: { partnerId: SEED_PARTNERS[partner]!.id, content: body } })).json<{ id: string }>().id;
  const draft = await create(1, { nationalSecurityInterest: 'Signals reporting on the eastern flank.', criteria: { humanRights: { findings: 'No concerns known.', rating: 'low' } } });
  const sentBack = await create(2, content());
  await app.inject({ method: 'POST', url: `/notes/${sentBack}/submit`, headers: await as('anna.devries') });
  const changes = { outcome: 'request_changes', revision: 1, stage: 'TEAM_REVIEW', comment: 'Weigh the detention reports in the human-rights criterion.' };
  await app.inject({ method: 'POST', url: `/notes/${sentBack}/decisions`, headers: await as('carla.bakker'), payload: changes });

  /** The draft's editor, submitted as it is: the list of its gaps. */
  const submitted = async (page: Page) => {
    await page.goto(`/app/notes/${draft}/edit`);
    await page.getByRole('button', { name: 'Submit for review' }).click();
    const gaps = page.getByRole('alert');
    await gaps.getByRole('heading', { name: /^Not submitted/ }).waitFor();
    return gaps;
  };
  const shots: StaffShot[] = [
    { file: 'sign-in', open: (page) => page.goto('/app/sign-in') },
    { file: 'inbox-reviewer', person: 'Carla Bakker', open: (page) => page.goto('/app/') },
    { file: 'inbox-drafter', person: 'Anna de Vries', open: (page) => page.goto('/app/') },
    { file: 'notes', person: 'Ivo Peters', open: (page) => page.goto('/app/notes') },
    { file: 'note', person: 'Carla Bakker', open: (page) => page.goto(`/app/notes/${underReview}`) },
    { file: 'note-diff', person: 'Carla Bakker', open: (page) => page.goto(`/app/notes/${underReview}#compare`) },
    { file: 'draft-gaps', person: 'Anna de Vries', open: submitted },
    // From the list of gaps to the first one, beside its field.
    { file: 'draft-gap-field', person: 'Anna de Vries', open: async (page) => (await submitted(page)).getByRole('link').first().click() },
    { file: 'partners', person: 'Anna de Vries', open: (page) => page.goto('/app/partners') },
    { file: 'partner-form', person: 'Anna de Vries', open: (page) => page.goto('/app/partners/new') },
    { file: 'audit', person: 'Ivo Peters', open: (page) => page.goto('/app/audit') },
    { file: 'people', person: 'Joke Hendriks', open: (page) => page.goto('/app/people') },
  ];

  mkdirSync(STAFF_DOCS, { recursive: true });
  const browsers = new Map<string | undefined, Page>();
  const pageOf = async (person: string | undefined) => {
    if (!browsers.has(person)) browsers.set(person, await signedIn(browser, product.baseUrl, person));
    return browsers.get(person)!;
  };
  for (const shot of shots) {
    const page = await pageOf(shot.person);
    for (const [name, viewport] of Object.entries(WIDTHS)) {
      await page.setViewportSize(viewport);
      await shot.open(page);
      await page.screenshot({ path: join(STAFF_DOCS, `${shot.file}-${name}.png`) });
      console.log(`docs/staff/${shot.file}-${name}.png`);
    }
  }
}

/** A browser of the person's own, signed in as people do on the development sign-in page; signed out without a person. */
async function signedIn(browser: Browser, baseURL: string, person: string | undefined): Promise<Page> {
  const page = await (await browser.newContext({ baseURL })).newPage();
  if (!person) return page;
  await page.goto('/app/sign-in');
  await page.getByRole('radio', { name: new RegExp(`^${person} —`) }).check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
  return page;
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
