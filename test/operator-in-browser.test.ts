import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../dev/browser';
import { openExecution, signInToCodec } from '../dev/temporal-ui';
import { noteWorkflowId } from '../workflows';
import { completeContent } from './support/notes';
import { runEnv } from './support/run-env';
import { useStack } from './support/stack';

/**
 * An operator in the Temporal UI, in a real browser: without the codec every payload is an encrypted
 * blob; signed in at the codec with the operator role, the UI shows them decoded, and still without
 * content. The UI's codec settings are the browser's own ("use my browser setting", the endpoint,
 * include cross-origin credentials), as an operator sets them once.
 */
const suite = useStack({ listen: true });
const SECRET = 'Secret interest: the northern corridor sensors';
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

const signIn = async (page: Page, personId: string) =>
  signInToCodec(page, suite.stack.config.PUBLIC_BASE_URL, (await suite.stack.auth(personId)).authorization.slice('Bearer '.length));
const inputAsShown = (page: Page, noteId: string) => openExecution(page, runEnv().TEST_TEMPORAL_UI, suite.stack.config.PUBLIC_BASE_URL, noteWorkflowId(noteId));

describe('an operator in the Temporal UI', () => {
  it('sees payloads encrypted until signed in at the codec with the operator role, then decoded, without content', async () => {
    const id = await suite.http.createNote('anna.devries', completeContent({ nationalSecurityInterest: SECRET }));
    await suite.http.submit('anna.devries', id);

    const reviewer = await browser.newPage();
    expect(await signIn(reviewer, 'gert.mulder')).toBe(401);
    const refused = await inputAsShown(reviewer, id);
    expect(refused).toContain('encryption-key-id');
    expect(refused).not.toContain(id);

    const operator = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    expect(await signIn(operator, 'karel.smits')).toBe(200);
    const shown = await inputAsShown(operator, id);
    expect(shown).toContain(`"noteId": "${id}"`);
    expect(shown).toContain('"ministerialForms": false');
    expect(shown).not.toContain(SECRET);
    expect(shown).not.toContain('encryption-key-id');
  });
});
