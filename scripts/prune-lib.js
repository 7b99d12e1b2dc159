#!/usr/bin/env node
// Removes compiled files under lib/ whose TypeScript source is gone (a renamed or deleted file):
// `tsc -b` never deletes them, and jest would run a stale test, `npm pack` ship a stale module.
// Plain JavaScript on purpose: it runs before and after tsc. `npm test` and `npm pack` run it.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const lib = path.join(root, 'lib');
const OUTPUT = /^(.*)\.(js|d\.ts|js\.map|d\.ts\.map)$/;

function prune(dir) {
  let left = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (prune(p) === 0) fs.rmdirSync(p);
      else left++;
      continue;
    }
    const match = OUTPUT.exec(entry.name);
    const source = match && path.join(root, path.relative(lib, dir), `${match[1]}.ts`);
    if (source && !fs.existsSync(source)) {
      fs.rmSync(p);
      console.log(`prune-lib: removed ${path.relative(root, p)} (no ${path.relative(root, source)})`);
    } else {
      left++;
    }
  }
  return left;
}

if (fs.existsSync(lib)) prune(lib);
