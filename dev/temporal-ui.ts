import type { Page } from 'playwright-core';

/**
 * An operator's steps in a browser: sign in at the codec, and open an execution in the Temporal UI
 * with the browser's own codec settings (the endpoint, include cross-origin credentials), as an
 * operator sets them once in the UI's codec server dialog. Used by the browser test and the screenshots.
 */

/** Signs in at /codec/sign-in with a bearer token; the status of the answer. */
export async function signInToCodec(page: Page, apiUrl: string, token: string): Promise<number> {
  await page.goto(`${apiUrl}/codec/sign-in`);
  await page.getByLabel('Your bearer token').fill(token);
  const answer = page.waitForResponse((r) => r.url().endsWith('/codec/sign-in') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Sign in to the codec' }).click();
  return (await answer).status();
}

/** Opens an execution in the UI, decoding through the API's codec endpoint; the text of its input panel. */
export async function openExecution(page: Page, uiUrl: string, apiUrl: string, workflowId: string): Promise<string> {
  const url = `${uiUrl}/namespaces/default/workflows/${workflowId}`;
  await page.goto(url);
  const endpoint = JSON.stringify(JSON.stringify(`${apiUrl}/codec`));
  await page.evaluate(`localStorage.setItem('endpoint', ${endpoint}); localStorage.setItem('overrideRemoteCodecConfiguration', 'true'); localStorage.setItem('includeCredentials', 'true');`);
  // The UI asks the codec once per payload; wait until its asking has settled (the UI itself keeps polling Temporal).
  let pending = 0;
  let lastChange = Date.now();
  const isCodec = (request: { url(): string }) => request.url().includes('/codec/decode');
  const count = (delta: number) => (request: { url(): string }) => isCodec(request) && ((pending += delta), (lastChange = Date.now()));
  page.on('request', count(1)).on('requestfinished', count(-1)).on('requestfailed', count(-1));
  await page.goto(url);
  for (const deadline = Date.now() + 15_000; Date.now() < deadline && (pending > 0 || Date.now() - lastChange < 1_000); ) await page.waitForTimeout(100);
  const input = page.getByRole('heading', { name: 'Input' }).locator('xpath=following-sibling::*[1]');
  await input.waitFor();
  // The UI renders what the codec answered a moment after the answers arrive: read until it holds still.
  let text = '';
  for (let reads = 0; reads < 20; reads += 1) {
    await page.waitForTimeout(300);
    const now = (await input.textContent()) ?? '';
    if (now === text) break;
    text = now;
  }
  return text;
}
