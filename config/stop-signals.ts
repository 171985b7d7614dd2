/**
 * The signals that stop a process of the product: SIGINT and SIGTERM. Under `npm start` (started with
 * `--supervised`) only SIGTERM: a terminal's Ctrl-C reaches the whole process group at once, and the
 * supervisor stops its children itself, one after another, API first; so they ignore SIGINT.
 */
export function takeStopSignals(argv: string[] = process.argv): NodeJS.Signals[] {
  if (!argv.includes('--supervised')) return ['SIGINT', 'SIGTERM'];
  process.on('SIGINT', () => undefined);
  return ['SIGTERM'];
}
