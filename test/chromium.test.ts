import { symlinkSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium as playwright } from 'playwright-core';
import { chromiumCacheDir, findChromium, findOrGetChromium } from '../dev/chromium';
import { onPath } from '../dev/executables';
import { useFinderEnv } from './support/tool-finder-env';

/**
 * Where `npm test` and `npm run screenshots` find their browser: CHROMIUM_PATH, `chromium` on PATH,
 * a build fetched before; failing those, Debian's package (as root, which the suite's own machine
 * already has) or the headless build shipped in an npm package, fetched for real below.
 */
/** This machine's own tools, found before each test empties PATH. */
const TOOLS = Object.fromEntries(['node', 'npm', 'tar', 'gzip', 'sh'].map((tool) => [tool, onPath(tool)!]));
const provide = (dir: string, ...tools: string[]) => tools.forEach((tool) => symlinkSync(TOOLS[tool]!, join(dir, tool)));

describe('findChromium', () => {
  const env = useFinderEnv('CHROMIUM_PATH');
  const { fake } = env;

  it('keeps what it fetches under XDG_CACHE_HOME', () => {
    expect(chromiumCacheDir()).toBe(join(env.cacheHome, 'weighing-notes', 'chromium'));
  });

  it('prefers CHROMIUM_PATH over PATH', () => {
    const explicit = fake(join(env.root, 'elsewhere'), 'my-chromium');
    fake(env.pathDir, 'chromium');
    process.env.CHROMIUM_PATH = explicit;
    expect(findChromium()).toEqual({ path: explicit, source: 'CHROMIUM_PATH', env: {} });
  });

  it.each([
    ['a non-executable file', (dir: string) => fake(dir, 'chromium', 0o644)],
    ['a missing file', (dir: string) => join(dir, 'missing')],
  ])('throws naming CHROMIUM_PATH when it names %s', (_name, make) => {
    process.env.CHROMIUM_PATH = make(env.root);
    expect(() => findChromium()).toThrow(/CHROMIUM_PATH/);
  });

  it.each(['chromium', 'chromium-browser'])('finds %s on PATH, skipping entries without it', (name) => {
    const found = fake(env.pathDir, name);
    process.env.PATH = [join(env.root, 'empty'), env.pathDir].join(delimiter);
    expect(findChromium()).toEqual({ path: found, source: 'PATH', env: {} });
  });

  it('finds nothing on a machine without one', () => {
    fake(env.pathDir, 'chromium', 0o644);
    expect(findChromium()).toBeUndefined();
  });

  it('stops with one line saying what to install where it can get none', async () => {
    // Neither a browser, apt-get nor npm.
    provide(env.pathDir, 'node');
    await expect(findOrGetChromium(() => undefined)).rejects.toThrow(/^no Chromium for the browser tests: install Debian's package \(apt-get install chromium\) or set CHROMIUM_PATH \(/);
  });

  it('fetches the npm-shipped build where no package can be installed, runs it, and finds it in the cache afterwards', async () => {
    // A machine with node, npm and tar, but neither a browser nor apt-get.
    provide(env.pathDir, 'node', 'npm', 'tar', 'gzip', 'sh');
    const said: string[] = [];
    const got = await findOrGetChromium((line) => said.push(line));
    expect(got).toMatchObject({ source: 'npm-build', path: join(chromiumCacheDir(), 'sparticuz_chromium_153.0.0', 'chromium') });
    expect(said[0]).toMatch(/^chromium: fetching the headless build in @sparticuz\/chromium/);

    const browser = await playwright.launch({ executablePath: got.path, env: { ...process.env, ...got.env }, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      await page.setContent('<main><h1>Wegingsnotitie</h1></main>');
      expect(await page.textContent('h1')).toBe('Wegingsnotitie');
    } finally {
      await browser.close();
    }
    expect(findChromium()).toEqual({ ...got, source: 'cache' });
  }, 120_000);
});
