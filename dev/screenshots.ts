import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from './browser';
import { devToken } from './dev-token';
import { SEED_PARTNERS, SEED_PEOPLE } from './seed-data';
import { openExecution, signInToCodec } from './temporal-ui';
import { startThrowawayProduct } from './throwaway-services';

/**
 * `npm run screenshots`, into docs/: the review page of a second revision, as the team lead who saw
 * the first one meets it from their email, at desktop and phone widths; and the note's execution in
 * the Temporal UI as an operator sees it, before and after signing in at the codec.
 */
const SECRET = 'screenshots-secret-of-at-least-32-characters';
const DOCS = join(__dirname, '..', 'docs');
const WIDTHS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };

async function main(): Promise<void> {
  const product = await startThrowawayProduct({ jwtSecret: SECRET, listen: true });
  const browser = await launchBrowser();
  try {
    const { app } = product.stack;
    const as = async (id: string) => ({ authorization: `Bearer ${await devToken(SECRET, SEED_PEOPLE.find((p) => p.id === id)!)}` });
    const content = JSON.parse(readFileSync(join(DOCS, 'example-note.json'), 'utf8'));
    const created = await app.inject({ method: 'POST', url: '/notes', headers: await as('anna.devries'), payload: { partnerId: SEED_PARTNERS[0]!.id, content } });
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

    const revised = { ...content, criteria: { ...content.criteria, dataProtection: { ...content.criteria.dataProtection, sources: ['DPA annual audit 2025', 'Parliamentary inquiry 2024'] } } };
    await app.inject({ method: 'PUT', url: `/notes/${id}/draft`, headers: await as('anna.devries'), payload: { baseRevision: 1, content: revised } });
    await app.inject({ method: 'POST', url: `/notes/${id}/submit`, headers: await as('anna.devries') });
    const link = await linkFor(2);
    for (const [name, viewport] of Object.entries(WIDTHS)) {
      await page.setViewportSize(viewport);
      await page.goto(link);
      await page.screenshot({ path: join(DOCS, `review-${name}.png`), fullPage: name === 'desktop' });
      console.log(`docs/review-${name}.png`);
    }

    const operator = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    for (const [name, signedIn] of [['encrypted', false], ['decoded', true]] as const) {
      if (signedIn) await signInToCodec(operator, product.baseUrl, (await as('karel.smits')).authorization.slice('Bearer '.length));
      await openExecution(operator, product.temporalUi, product.baseUrl, `note-${id}`);
      await operator.screenshot({ path: join(DOCS, `operator-${name}.png`) });
      console.log(`docs/operator-${name}.png`);
    }
  } finally {
    await browser.close();
    await product.close();
  }
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
