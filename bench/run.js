#!/usr/bin/env node
// Launcher of `npm run bench`: the benchmark is TypeScript (bench/*.ts), compiled by `npm run build` to build/bench.
require('../build/bench/main.js')
  .main(process.argv.slice(2))
  .then((code) => process.exit(code), (e) => { process.stderr.write(`${e.stack ?? e}\n`); process.exit(2); });
