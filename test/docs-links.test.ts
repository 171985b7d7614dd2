import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** A clone of the product is all a reader has: every link in its README and docs leads to a file in it, or to the web. */
const ROOT = join(__dirname, '..');
const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => join('docs', name))];

describe.each(PAGES)('%s', (page) => {
  it('links only to files in the repository (or to http(s) addresses)', () => {
    const text = readFileSync(join(ROOT, page), 'utf8');
    const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!.split('#')[0]!).filter((target) => target && !/^https?:\/\//.test(target));
    const missing = targets.filter((target) => {
      const path = resolve(ROOT, dirname(page), target);
      return !path.startsWith(ROOT) || !existsSync(path);
    });
    expect(missing).toEqual([]);
  });
});
