#!/usr/bin/env node
// `npm run synth`: compiles only when a source is newer than the last build, then runs the
// compiled synth in this same process. Plain JavaScript on purpose: it must run before tsc.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.join(__dirname, '..');
const buildInfo = path.join(root, 'lib', 'tsconfig.tsbuildinfo');
const SOURCES = ['src', 'generator', 'imports', 'scripts', 'examples', 'test', 'bench'];

function newestSource() {
  let newest = fs.statSync(path.join(root, 'tsconfig.json')).mtimeMs;
  const walk = (dir) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.ts') || entry.name.endsWith('.json')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  for (const dir of SOURCES) walk(path.join(root, dir));
  return newest;
}

const built = fs.existsSync(buildInfo) ? fs.statSync(buildInfo).mtimeMs : 0;
if (built < newestSource()) {
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b'], { cwd: root, stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}
require(path.join(root, 'lib', 'generator', 'main.js')).synth();
