// The stylesheet is plain CSS with no nesting: a rule opened inside another is a brace a merge lost,
// which browsers read as CSS nesting and so silently scope every rule after it. Parsed strictly here
// (`make test-web`); exits 1 naming each unclosed block or nested rule.
import { readFileSync } from 'node:fs';

import postcss from 'postcss';

const file = new URL('../src/styles.css', import.meta.url);
let root;
try {
  root = postcss.parse(readFileSync(file, 'utf8'), { from: file.pathname });
} catch (error) {
  console.error(`styles.css does not parse: ${error.reason} at line ${error.line}`);
  process.exit(1);
}
const nested = [];
root.walkRules((rule) => {
  if (rule.parent?.type === 'rule') nested.push(`${rule.selector} (line ${rule.source?.start?.line}) inside ${rule.parent.selector}`);
});
if (nested.length > 0) {
  console.error(`styles.css has rules inside rules (a lost closing brace?):\n  ${nested.join('\n  ')}`);
  process.exit(1);
}
console.log('styles.css: every block closed, no nested rules');
