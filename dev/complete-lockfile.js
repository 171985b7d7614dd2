#!/usr/bin/env node
/**
 * Adds to package-lock.json the other platforms' optional native packages (@swc/core-darwin-*, …)
 * that this machine's registry does not serve (it answers 404), so npm leaves them out of the
 * lock, and `npm ci` then refuses the lock as out of sync. Each entry names its platform, so npm
 * skips it everywhere but there, as it would with a lock written where the registry is whole.
 * Run after any `npm install` that changes dependencies: `node dev/complete-lockfile.js`.
 */
const fs = require('node:fs');
const path = require('node:path');

const LOCK = path.join(__dirname, '..', 'package-lock.json');
const OS = ['darwin', 'win32', 'linux', 'android', 'freebsd', 'openharmony', 'sunos', 'aix', 'netbsd', 'openbsd'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'wasm32'];

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = OS.find((o) => parts.includes(o));
  const cpu = CPU.find((c) => parts.includes(c)) ?? (parts.includes('eabi') || parts.includes('gnueabihf') ? 'arm' : undefined);
  return os && cpu ? { os: [os], cpu: [cpu] } : undefined;
}

const lock = JSON.parse(fs.readFileSync(LOCK, 'utf8'));
let added = 0;
for (const [where, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `${where ? `${where}/` : ''}node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (lock.packages[key] || lock.packages[hoisted]) continue;
    const platform = platformOf(name);
    if (!platform) throw new Error(`${name}: cannot tell its platform; add it by hand`);
    lock.packages[hoisted] = { version, optional: true, ...platform };
    added += 1;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)));
fs.writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${added} platform-specific optional packages recorded`);
