// Exits 0 when node_modules holds exactly what package-lock.json asks for, 1 otherwise.
// quickstart.sh and test/run-all.sh run `npm ci` only then: it deletes node_modules first, so
// running it every time costs a minute and breaks anything else using the tree meanwhile.
// Plain Node on purpose: it runs before any dependency is installed.
import { readFileSync } from 'node:fs';

function packages(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8')).packages ?? {};
  } catch {
    return undefined;
  }
}

const wanted = packages('package-lock.json');
// npm writes this hidden lockfile on every install: the record of what node_modules holds.
const installed = packages('node_modules/.package-lock.json');
if (wanted === undefined || installed === undefined) process.exit(1);

for (const [path, entry] of Object.entries(wanted)) {
  // Optional packages (other platforms' binaries) are legitimately absent.
  if (!path.includes('node_modules/') || entry.optional) continue;
  const have = installed[path];
  if (have === undefined || have.version !== entry.version) process.exit(1);
}
