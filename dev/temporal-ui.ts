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
  const decoded = page.waitForResponse((r) => r.url().includes('/codec/decode'));
  await page.goto(url);
  await decoded;
  const input = page.getByRole('heading', { name: 'Input' }).locator('xpath=following-sibling::*[1]');
  await input.waitFor();
  // The UI renders what the codec answered a moment after the answer arrives.
  await page.waitForTimeout(500);
  return (await input.textContent()) ?? '';
}
