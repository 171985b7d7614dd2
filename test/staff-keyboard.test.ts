import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser } from '../dev/browser';
import { SEED_PARTNERS } from '../dev/seed-data';
import { CRITERIA } from '../domain/note-content';
import { CRITERION_NAME } from '../domain/wording';
import { useStack } from './support/stack';

/**
 * The staff pages with the keyboard alone, as a person who uses no mouse: signing in, drafting a
 * note, meeting a gap and following its link to the field, submitting, and a reviewer approving.
 * Every control is reached with Tab (radios within a group with the arrow keys) and operated with
 * Enter, Space or typing; locators only name the element expected to have the focus, never act on
 * it. Each element focused on the way must show it: an outline that stands out from what is around it.
 */
const suite = useStack({ listen: true, ownDatabase: 'staff_keyboard' });
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

/** Focused elements that showed no outline, by their markup. */
const unmarked = new Set<string>();

/** What the checks read of a page's window (the project compiles without the DOM's types). */
interface PageWindow {
  document: { activeElement: PageElement | null; body: PageElement };
  getComputedStyle(element: PageElement): { outlineStyle: string; outlineWidth: string; outlineColor: string; backgroundColor: string };
}
interface PageElement {
  parentElement: PageElement | null;
  outerHTML: string;
  id: string;
}

const isFocused = (target: Locator) => target.evaluate((element) => element === element.ownerDocument.activeElement);

/**
 * The focused element's opening tag, unless its focus shows: an outline of at least 2 px whose colour
 * stands out 3:1 (WCAG's contrast of what is not text) against the background it is drawn on.
 */
const focusUnseen = (page: Page) =>
  page.evaluate(() => {
    const view = globalThis as unknown as PageWindow;
    const focused = view.document.activeElement;
    if (!focused || focused === view.document.body) return undefined;
    const channels = (colour: string) => colour.match(/[\d.]+/g)!.map(Number);
    const luminance = (colour: string) => {
      const [r, g, b] = channels(colour).map((c) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    let around = focused.parentElement;
    while (around && channels(view.getComputedStyle(around).backgroundColor)[3] === 0) around = around.parentElement;
    const background = around ? view.getComputedStyle(around).backgroundColor : 'rgb(255, 255, 255)';
    const style = view.getComputedStyle(focused);
    const [light, dark] = [luminance(style.outlineColor), luminance(background)].sort((a, b) => b - a);
    const shows = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 && (light! + 0.05) / (dark! + 0.05) >= 3;
    return shows ? undefined : `${focused.outerHTML.slice(0, focused.outerHTML.indexOf('>') + 1)} (outline ${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor} on ${background})`;
  });

/** Presses a key until the target has the focus, noting on the way each focused element that does not show it. */
async function moveTo(page: Page, target: Locator, key = 'Tab', limit = 120): Promise<void> {
  for (let presses = 0; presses < limit; presses += 1) {
    await page.keyboard.press(key);
    const unseen = await focusUnseen(page);
    if (unseen) unmarked.add(unseen);
    if (await isFocused(target)) return;
  }
  throw new Error(`${limit} presses of ${key} did not reach ${target}`);
}

const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();
const text = async (locator: Locator) => (await locator.innerText()).replace(/\s+/g, ' ').trim();

/** Signs in by the keyboard: into the list of people, down to this person's name, to the button. */
async function signIn(name: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: suite.stack.config.PUBLIC_BASE_URL });
  const page = await context.newPage();
  await page.goto('/app/');
  await heading(page, 'Sign in');
  const person = page.getByRole('radio', { name: new RegExp(`^${name} —`) });
  await moveTo(page, page.getByRole('radio').first());
  if (!(await isFocused(person))) await moveTo(page, person, 'ArrowDown');
  await page.keyboard.press('Space');
  await moveTo(page, page.getByRole('button', { name: 'Sign in' }));
  await page.keyboard.press('Enter');
  await heading(page, 'Inbox');
  return page;
}

/** Into a field by Tab, then typed into (a list's option chosen by typing its first letters), or a box ticked. */
async function enter(page: Page, field: Locator, typed?: string): Promise<void> {
  await moveTo(page, field);
  if (typed === undefined) await page.keyboard.press('Space');
  else await page.keyboard.type(typed);
}

describe('the staff pages with the keyboard alone', () => {
  it('take a note from a new draft, through a gap, to submitted, and a reviewer approves it', async () => {
    const partner = SEED_PARTNERS[0]!;
    const anna = await signIn('Anna de Vries');
    await moveTo(anna, anna.getByRole('link', { name: 'New note' }));
    await anna.keyboard.press('Enter');
    await heading(anna, 'New wegingsnotitie');

    // Every field the note needs but one, in the order Tab meets them.
    const group = (name: string) => anna.getByRole('group', { name, exact: true });
    await enter(anna, anna.getByLabel('Partner service'), partner.name);
    expect(await anna.getByLabel('Partner service').inputValue()).toBe(partner.id);
    await enter(anna, anna.getByLabel('National-security interest'), 'Early warning of missile launches.');
    for (const key of CRITERIA) {
      const criterion = group(CRITERION_NAME[key]);
      if (key !== 'dataProtection') await enter(anna, criterion.getByLabel('Findings'), `Known on ${CRITERION_NAME[key].toLowerCase()}.`);
      await enter(anna, criterion.getByLabel('Risk rating'), 'Low');
    }
    await enter(anna, anna.getByLabel('Overall risk'), 'Low');
    await enter(anna, anna.getByLabel('Weighing of interest against risk'), 'The warning outweighs a low risk.');
    await enter(anna, anna.getByRole('checkbox', { name: 'Exchange of evaluated intelligence' }));
    await enter(anna, anna.getByLabel('Classification', { exact: true }), 'Stg. C');
    expect(await anna.getByLabel('Classification', { exact: true }).inputValue()).toBe('stg_confidentieel');
    await moveTo(anna, anna.getByRole('button', { name: 'Create the draft' }));
    await anna.keyboard.press('Enter');
    await heading(anna, /^Draft WN-/);
    const ref = (await text(anna.getByRole('heading', { level: 1 }))).replace('Draft ', '');

    // Submitted, the gap is listed; its link leads into the field.
    await moveTo(anna, anna.getByRole('button', { name: 'Submit for review' }));
    await anna.keyboard.press('Enter');
    const gaps = anna.getByRole('alert');
    await gaps.getByRole('heading', { name: 'Not submitted: revision 1 is not complete yet' }).waitFor();
    await moveTo(anna, gaps.getByRole('link', { name: 'Level of data protection: findings' }));
    await anna.keyboard.press('Enter');
    await anna.waitForFunction(() => (globalThis as unknown as PageWindow).document.activeElement?.id === 'f-criteria-dataProtection-findings');
    await anna.keyboard.type('Oversight is independent.');
    await moveTo(anna, anna.getByRole('button', { name: 'Submit for review' }));
    await anna.keyboard.press('Enter');
    await heading(anna, `Wegingsnotitie ${ref}`);
    expect(await text(anna.getByRole('status'))).toBe('You submitted revision 2 for team review.');
    expect(await text(anna.getByRole('region', { name: 'The note (revision 2)' }))).toContain('Oversight is independent.');

    // Carla approves from her inbox.
    const carla = await signIn('Carla Bakker');
    await moveTo(carla, carla.getByRole('link', { name: ref }));
    await carla.keyboard.press('Enter');
    await heading(carla, `Wegingsnotitie ${ref}`);
    await moveTo(carla, carla.getByRole('radio', { name: 'Approve' }));
    await carla.keyboard.press('Space');
    await moveTo(carla, carla.getByRole('button', { name: 'Record my decision' }));
    await carla.keyboard.press('Enter');
    await carla.getByRole('status').filter({ hasText: /^You approved revision 2 at team review\. The note is at legal review/ }).waitFor();

    expect([...unmarked]).toEqual([]);
  });
});
