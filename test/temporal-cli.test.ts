import { delimiter, join } from 'node:path';
import { cacheDir, findTemporalCli } from '../dev/temporal-cli';
import { useFinderEnv } from './support/tool-finder-env';

describe('findTemporalCli', () => {
  const env = useFinderEnv('TEMPORAL_CLI_PATH');
  const { fake } = env;

  it('keeps its cache under XDG_CACHE_HOME', () => {
    expect(cacheDir()).toBe(join(env.cacheHome, 'weighing-notes', 'temporal-cli'));
  });

  it('prefers TEMPORAL_CLI_PATH over PATH and the cache', () => {
    const explicit = fake(join(env.root, 'elsewhere'), 'my-temporal');
    fake(env.pathDir, 'temporal');
    fake(cacheDir(), 'temporal');
    process.env.TEMPORAL_CLI_PATH = explicit;
    expect(findTemporalCli()).toEqual({ path: explicit, source: 'TEMPORAL_CLI_PATH' });
  });

  it.each([
    ['a non-executable file', (dir: string) => fake(dir, 'temporal', 0o644)],
    ['a missing file', (dir: string) => join(dir, 'missing')],
    ['a directory', (dir: string) => dir],
  ])('throws naming TEMPORAL_CLI_PATH when it names %s', (_name, make) => {
    fake(env.pathDir, 'temporal');
    process.env.TEMPORAL_CLI_PATH = make(env.root);
    expect(() => findTemporalCli()).toThrow(/TEMPORAL_CLI_PATH/);
  });

  it('prefers `temporal` on PATH over the cache, skipping PATH entries without it', () => {
    const onPath = fake(env.pathDir, 'temporal');
    fake(cacheDir(), 'temporal');
    process.env.PATH = [join(env.root, 'empty'), env.pathDir].join(delimiter);
    expect(findTemporalCli()).toEqual({ path: onPath, source: 'PATH' });
  });

  it.each(['temporal', 'temporal-cli-typescript-1.24.0'])('finds %s in the cache', (name) => {
    const cached = fake(cacheDir(), name);
    expect(findTemporalCli()).toEqual({ path: cached, source: 'cache' });
  });

  it.each<[string, () => void]>([
    ['nothing anywhere', () => undefined],
    ['only non-executable files', () => (fake(env.pathDir, 'temporal', 0o644), fake(cacheDir(), 'temporal', 0o644))],
    ['only unrelated executables in the cache', () => fake(cacheDir(), 'tctl')],
  ])('finds nothing with %s', (_name, arrange) => {
    arrange();
    expect(findTemporalCli()).toBeUndefined();
  });
});
