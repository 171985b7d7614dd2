import { consentRef } from '../domain/wording';
import { newPartner } from './support/notes';
import { section, textOf } from './support/page-text';
import { signedIn, type StaffBrowser } from './support/staff';
import { useStack } from './support/stack';

/**
 * The staff pages of consent requests: made from a partner's page, submitted, decided (sent back,
 * revised, approved for sending), answered, each through the consent service; the list and the inbox
 * show a person only what they may read, and a request's page only the actions they may take.
 */
const suite = useStack();

const idFrom = (location: string | undefined) => location!.match(/\/app\/consents\/([0-9a-f-]{36})/)![1]!;
const today = () => new Date().toISOString().slice(0, 10);

/** Posts a form expecting the redirect back to the request's page, and follows it. */
async function done(browser: StaffBrowser, path: string, form: Record<string, string>) {
  const res = await browser.post(path, form);
  expect([res.statusCode, res.headers.location]).toEqual([303, expect.stringMatching(/\?done=/)]);
  return browser.get(res.headers.location as string);
}

describe('a consent request on the staff pages', () => {
  it('is made, sent back, revised, approved for sending and answered, each person seeing what they may do', async () => {
    const originator = await newPartner(suite.stack.sql, { name: `Originating Service ${Date.now().toString(36)}` });
    const bare = await newPartner(suite.stack.sql);
    const anna = await signedIn(suite.stack, 'anna.devries');

    // From a partner's page (for a drafter): the form names the partner the information came from.
    const askHere = `href="/app/consents/new?originator=${originator.id}"`;
    expect((await anna.get(`/app/partners/${originator.id}`)).body).toContain(askHere);
    expect((await (await signedIn(suite.stack, 'daan.visser')).get(`/app/partners/${originator.id}`)).body).not.toContain(askHere);
    const form = await anna.get(`/app/consents/new?originator=${originator.id}`);
    expect(form.statusCode).toBe(200);
    expect(form.headers['content-security-policy']).toContain("default-src 'none'");
    expect(form.body).not.toContain('<script');
    expect(form.body).toMatch(new RegExp(`<option value="${originator.id}" selected>`));

    const typed = { originatorId: originator.id, recipient: bare.id, informationRef: '', form: 'evaluated_intelligence_exchange', justification: 'Needed by the recipient’s analysts.' };
    const incomplete = await anna.post('/app/consents/new', typed);
    expect(incomplete.statusCode).toBe(400);
    expect(textOf(incomplete.body)).toContain('Give the information’s reference');
    expect(incomplete.body).toContain('Needed by the recipient’s analysts.');
    // A partner without an active weighing note permitting the form may not receive it: said beside the recipient.
    const refused = await anna.post('/app/consents/new', { ...typed, informationRef: 'NDIS-2026-0099' });
    expect(refused.statusCode).toBe(409);
    expect(textOf(refused.body)).toContain('No active weighing note of the recipient permits this form of cooperation');
    expect(await suite.stack.sql`select 1 from consent_requests where originator_id = ${originator.id}`).toEqual([]);

    const create = await anna.post('/app/consents/new', { ...typed, recipient: 'eu', informationRef: 'NDIS-2026-0100' });
    expect(create.statusCode).toBe(303);
    const id = idFrom(create.headers.location as string);
    const ref = consentRef(id);
    const page = await anna.get(create.headers.location as string);
    expect(page.statusCode).toBe(200);
    expect(textOf(page.body)).toContain('You created the request.');
    expect(textOf(page.body)).toContain('Classification: Stg. Geheim');
    expect(page.body).toContain(`Consent request ${ref}`);
    expect(textOf(page.body)).toContain(originator.name);
    expect(page.body).not.toContain('/decide"');
    await done(anna, `/app/consents/${id}/submit`, { revision: '1' });

    // Legal review: in the inbox, with a form to decide; the team lead does not know of it.
    const daan = await signedIn(suite.stack, 'daan.visser');
    expect(section((await daan.get('/app/')).body, 'consents-to-decide')).toContain(ref);
    expect((await (await signedIn(suite.stack, 'carla.bakker')).get(`/app/consents/${id}`)).statusCode).toBe(404);
    const noComment = await daan.post(`/app/consents/${id}/decide`, { stage: 'LEGAL_REVIEW', revision: '1', outcome: 'request_changes', comment: '' });
    expect(noComment.statusCode).toBe(400);
    expect(textOf(noComment.body)).toContain('A comment is required to reject or request changes.');
    const sentBack = await done(daan, `/app/consents/${id}/decide`, { stage: 'LEGAL_REVIEW', revision: '1', outcome: 'request_changes', comment: 'Name the paragraph.' });
    expect(textOf(sentBack.body)).toContain('Your decision is recorded. The request is back in draft.');

    // Back with its drafter: revised, then submitted again.
    const back = await anna.get(`/app/consents/${id}`);
    expect(textOf(back.body)).toContain('Changes were requested on revision 1');
    expect(textOf(back.body)).toContain('Name the paragraph.');
    const edit = await anna.get(`/app/consents/${id}/edit`);
    expect(edit.statusCode).toBe(200);
    expect(edit.body).toContain('value="NDIS-2026-0100"');
    await done(anna, `/app/consents/${id}/edit`, { baseRevision: '1', recipient: 'eu', informationRef: 'NDIS-2026-0100 §4', form: 'evaluated_intelligence_exchange', justification: 'Needed by the recipient’s analysts.' });
    await done(anna, `/app/consents/${id}/submit`, { revision: '2' });
    await done(daan, `/app/consents/${id}/decide`, { stage: 'LEGAL_REVIEW', revision: '2', outcome: 'approve', comment: '' });

    // The head of service approves sending it.
    const gert = await signedIn(suite.stack, 'gert.mulder');
    const headPage = await gert.get(`/app/consents/${id}`);
    expect(textOf(headPage.body)).toContain('Approve sending the request to the originating partner');
    const approved = await done(gert, `/app/consents/${id}/decide`, { stage: 'HEAD_OF_SERVICE', revision: '2', outcome: 'approve', comment: '' });
    expect(textOf(approved.body)).toContain('The request may now go to the originating partner');

    // Awaiting the answer: in the drafter's inbox, with the form to record it.
    expect(section((await anna.get('/app/')).body, 'consents-mine')).toContain(ref);
    const missing = await anna.post(`/app/consents/${id}/answer`, { answer: 'granted_with_conditions', givenOn: today(), conditions: '' });
    expect(missing.statusCode).toBe(400);
    expect(textOf(missing.body)).toContain('Give the partner’s conditions.');
    const answered = await done(anna, `/app/consents/${id}/answer`, { answer: 'granted_with_conditions', givenOn: today(), conditions: 'Analysts only.' });
    expect(textOf(answered.body)).toContain('You recorded the partner’s answer: granted with conditions.');
    expect(textOf(answered.body)).toContain('Analysts only.');
    expect(answered.body).not.toContain('/answer"');
    expect(answered.body).not.toContain('/withdraw"');
  });

  it('lists only the requests a person may read', async () => {
    const originator = await newPartner(suite.stack.sql);
    const anna = await signedIn(suite.stack, 'anna.devries');
    const res = await anna.post('/app/consents/new', { originatorId: originator.id, recipient: 'nato', informationRef: 'NDIS-2026-0200', form: 'joint_operations', justification: 'For the joint operation.' });
    const ref = consentRef(idFrom(res.headers.location as string));
    const list = await anna.get('/app/consents');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(ref);
    expect((await (await signedIn(suite.stack, 'bram.jansen')).get('/app/consents')).body).not.toContain(ref);
    expect((await (await signedIn(suite.stack, 'ivo.peters')).get('/app/consents')).body).toContain(ref);
    // The new form is a drafter's: to the auditor there is no such page.
    expect((await (await signedIn(suite.stack, 'ivo.peters')).get('/app/consents/new')).statusCode).toBe(404);
  });
});
