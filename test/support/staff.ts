import type { LightMyRequestResponse } from 'fastify';
import type { Stack } from './stack';

/** The value of a named field of the first form on a page that has it. */
export const formValue = (html: string, name: string) => html.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1];

/** The cookies a response sets, as a Cookie header's pairs by name (an empty value: cleared). */
function setCookies(res: LightMyRequestResponse): Record<string, string> {
  return Object.fromEntries(res.cookies.map((c) => [c.name, c.value]));
}

/**
 * A person's browser on the staff pages, driven through the API's own `inject`: signed in through the
 * development sign-in, keeping its cookies, and posting forms with the session's form token as pages do.
 */
export interface StaffBrowser {
  get(path: string): Promise<LightMyRequestResponse>;
  /** Posts a form; the session's form token is added unless `_csrf` is given. */
  post(path: string, form: Record<string, string | string[]>): Promise<LightMyRequestResponse>;
  csrf: string;
  cookies: Record<string, string>;
}

export async function browserOf(stack: Stack): Promise<StaffBrowser> {
  const cookies: Record<string, string> = {};
  const keep = (res: LightMyRequestResponse) => {
    for (const [name, value] of Object.entries(setCookies(res))) {
      if (value) cookies[name] = value;
      else delete cookies[name];
    }
    return res;
  };
  const cookie = () => Object.entries(cookies).map(([name, value]) => `${name}=${value}`).join('; ');
  const browser: StaffBrowser = {
    csrf: '',
    cookies,
    get: async (url) => keep(await stack.app.inject({ method: 'GET', url, headers: { cookie: cookie() } })),
    post: async (url, form) => {
      const body = new URLSearchParams();
      for (const [name, value] of Object.entries({ _csrf: browser.csrf, ...form })) for (const each of [value].flat()) body.append(name, each);
      return keep(await stack.app.inject({ method: 'POST', url, headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' }, payload: body.toString() }));
    },
  };
  return browser;
}

/** A browser signed in as this person (development sign-in), its form token read from a page. */
export async function signedIn(stack: Stack, personId: string): Promise<StaffBrowser> {
  const browser = await browserOf(stack);
  const page = await browser.get('/app/sign-in');
  const res = await browser.post('/app/sign-in/development', { _csrf: formValue(page.body, '_csrf')!, personId });
  if (res.statusCode !== 303) throw new Error(`signing in as ${personId}: ${res.statusCode}`);
  const afterwards = await browser.get('/app/sign-in');
  if (afterwards.statusCode !== 303) throw new Error(`${personId} not signed in`);
  const any = await browser.get('/app/no-such-page');
  browser.csrf = formValue(any.body, '_csrf')!;
  return browser;
}
